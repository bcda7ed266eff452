// Linux part of the probe: enter a container from its leader's pidfd.
//
// Stage 1 is the process the daemon started: on the host, in the host's pid
// namespace, where no container can see it. It joins the container's
// cgroups and (for its children) its pid namespace, then clone(2)s stage 2
// with CLONE_PARENT, so that the daemon is stage 2's parent, reports stage
// 2's pid and exits. Stage 2, the probe proper, is inside the container's pid
// namespace from its first instruction: a copy of this small program, not
// dumpable (inherited from stage 1), holding nothing of the daemon's. It
// joins the other namespaces, the container's root and, for a container
// with its own user namespace, becomes that namespace's root.
#include "../probe_os.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <unistd.h>

namespace {

bool leader_alive() {
    return syscall(SYS_pidfd_send_signal, jd::kTargetFd, 0, nullptr, 0) == 0;
}

// Write our pid into one cgroup.procs file; true when it took.
bool enter_cgroup(const char* base, const char* path) {
    char procs[512];
    int n = std::snprintf(procs, sizeof procs, "%s%s/cgroup.procs", base, path);
    if (n < 0 || std::size_t(n) >= sizeof procs)
        return false;
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, "0\n", 2) == 2;
    close(fd);
    return ok;
}

// Move into the cgroups the leader is in (v2 and v1 hierarchies), read from
// the host's /proc and /sys/fs/cgroup. Best effort: a missing hierarchy is
// skipped. Stage 2 is born in them.
void join_cgroups(int leader) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/cgroup", leader);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[8192];
    ssize_t len = 0, n;
    while (len < ssize_t(sizeof buf) - 1 &&
           ((n = read(fd, buf + len, sizeof buf - 1 - std::size_t(len))) > 0 ||
            (n < 0 && errno == EINTR)))
        if (n > 0)
            len += n;
    close(fd);
    buf[len] = '\0';
    // Lines "ID:controllers:/path".
    for (char *line = buf, *next; line && *line; line = next) {
        next = std::strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char* a = std::strchr(line, ':');
        char* b = a ? std::strchr(a + 1, ':') : nullptr;
        if (!b)
            continue;
        *b = '\0';
        const char* ctrl = a + 1;
        const char* cg = b + 1;
        if (cg[0] != '/' || std::strstr(cg, "/..") || std::strlen(cg) > 400)
            continue;
        if (ctrl[0] == '\0') {
            if (!enter_cgroup("/sys/fs/cgroup/unified", cg))
                enter_cgroup("/sys/fs/cgroup", cg);
            continue;
        }
        if (std::strncmp(ctrl, "name=", 5) == 0)
            ctrl += 5;
        char base[128];
        int m = std::snprintf(base, sizeof base, "/sys/fs/cgroup/%s", ctrl);
        if (m > 0 && std::size_t(m) < sizeof base && !std::strchr(ctrl, '/'))
            enter_cgroup(base, cg);
    }
}

} // namespace

void probe_os_first() {
    // Exec made us dumpable again: from here on ptrace, /proc/PID/mem and
    // /proc/PID/fd need CAP_SYS_PTRACE in the host's user namespace, which
    // no user-namespace container's root has. Stage 2 inherits this.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

bool probe_os_attach(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    // Stage 1, on the host.
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/root", int(cfg.target));
    int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return probe_failed(f, EX_NOHOST, "open the jail's root");
    // Checked after the open: the root belongs to the pinned leader, not to
    // a process that reused its pid.
    if (!leader_alive())
        return probe_failed(f, EX_NOHOST, "jail leader gone");
    join_cgroups(cfg.target);
    if (setns(jd::kTargetFd, CLONE_NEWPID) != 0)
        return probe_failed(f, errno == ESRCH ? EX_NOHOST : EX_OSERR, "enter pid namespace");
    // Stage 2 waits on this until stage 1 has reported its pid: the daemon
    // always hears "child" first.
    int barrier[2];
    if (pipe2(barrier, O_CLOEXEC) != 0)
        return probe_failed(f, EX_OSERR, "pipe");
    // A raw clone: like fork(2), plus CLONE_PARENT. glibc's cached thread id
    // goes stale in the child; nothing below uses it (no raise(), no threads).
    long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, nullptr, nullptr, 0);
    if (pid < 0)
        return probe_failed(f, EX_OSERR, "clone");
    if (pid > 0) {
        jd::ProbeStatus s;
        s.kind = jd::ProbeReport::child;
        s.pid = int(pid);
        if (!probe_report(s))
            kill(pid_t(pid), SIGKILL);
        _exit(0); // closes the barrier
    }

    // Stage 2, inside the jail's pid namespace.
    close(barrier[1]);
    char c;
    while (read(barrier[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(barrier[0]);
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
    if (cfg.flags & jd::kProbeOwnUser)
        flags |= CLONE_NEWUSER;
    if (setns(jd::kTargetFd, flags) != 0)
        return probe_failed(f, errno == ESRCH ? EX_NOHOST : EX_OSERR, "setns");
    close(jd::kTargetFd);
    // The jail's root, never the host's: otherwise jail root could read the
    // host through /proc/<probe>/root.
    if (fchdir(root) != 0 || chroot(".") != 0 || chdir("/") != 0)
        return probe_failed(f, EX_OSERR, "chroot to the jail's root");
    close(root);
    if (cfg.flags & jd::kProbeOwnUser) {
        // Root of the container's user namespace, so that the container's
        // root may signal us. setgroups may be denied (setgroups=deny in
        // rootless containers): not fatal.
        gid_t g = 0;
        (void)setgroups(1, &g);
        if (setgid(0) != 0 || setuid(0) != 0)
            return probe_failed(f, EX_OSERR, "become root of the user namespace");
    }
    return true;
}

bool probe_os_harden(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return probe_failed(f, EX_OSERR, "no_new_privs");
    if (geteuid() == 0) {
        // Root (of the host or of the jail's user namespace): drop every
        // capability for good.
        for (int cap = 0; cap <= 63; ++cap)
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
                return probe_failed(f, EX_OSERR, "drop capabilities");
        if (prctl(PR_SET_SECUREBITS,
                  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                      SECBIT_NO_SETUID_FIXUP_LOCKED,
                  0, 0, 0) != 0)
            return probe_failed(f, EX_OSERR, "securebits");
    }
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {};
    if (syscall(SYS_capset, &h, d) != 0)
        return probe_failed(f, EX_OSERR, "drop capabilities");
    // Last: a uid change clears the parent-death signal.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        return probe_failed(f, EX_OSERR, "parent death signal");
    // Our parent is the daemon: outside the jail's pid namespace it reads 0,
    // in the host's (the host pseudo-jail, a container sharing the host's
    // pid namespace) it is the daemon's pid. Anything else: the daemon died
    // before the line above and we were handed to a reaper.
    pid_t pp = getppid();
    if (pp != 0 && pp != pid_t(cfg.daemon_pid)) {
        errno = ESRCH;
        return probe_failed(f, EX_UNAVAILABLE, "the daemon is gone");
    }
    return true;
}

void probe_os_title(const char* title) {
    // comm (the first 15 bytes) for ps and plain pkill; argv is the title.
    prctl(PR_SET_NAME, title, 0, 0, 0);
}
