// Linux part of the probe: enter a container from its leader's pidfd.
//
// Two stages, because a process enters a pid namespace only through its
// children. Stage 1 is the process the daemon started: on the host, in the
// host's pid namespace, which no container can see (no pid of it exists
// there, so nothing inside can name it in kill(2), ptrace(2), /proc or
// pidfd_open(2)). Stage 1 does every privileged step:
//
//   1. reads what needs /proc (the leader's cgroups, ours) and opens the
//      leader's root as an O_PATH descriptor, then checks the pidfd still
//      names the leader (the pid was not reused meanwhile);
//   2. joins the leader's cgroups (v2 and every v1 hierarchy we are in
//      ourselves), as host root in the host's namespaces; a cgroup that
//      cannot be joined fails the launch;
//   3. drops its supplementary groups (host root's), while still host root;
//   4. ONE setns(pidfd, USER? | NS | UTS | IPC | NET | CGROUP | PID);
//   5. fchdir to the O_PATH root, chroot("."), chdir("/");
//   6. in a container with a user namespace: setgid(0)/setuid(0), root of
//      that namespace (a rootless container's root may signal us);
//   7. empties the capability bounding set;
//   8. (probe.cpp) checks -u/-g against the jail's own passwd and group and
//      takes them: setgroups, setgid, setuid;
//   9. securebits locked, ambient set cleared, every capability dropped and
//      checked gone, no_new_privs;
//  10. clone(CLONE_PARENT) of stage 2, reports stage 2's pid, exits.
//
// Stage 2, the probe proper, is born with all of that: in the jail's pid,
// mount, uts, ipc, net and cgroup namespaces and cgroups, its root, its
// uid/gid, no capability, not dumpable. It only does what a process must do
// for itself: setsid, the parent-death signal and the parent check, its
// title, "ready". Its parent is the daemon (CLONE_PARENT), which reaps it.
//
// The kernel rules the order relies on (kernel/nsproxy.c, setns(2),
// user_namespaces(7), capabilities(7)):
//  - setns with a pidfd and several flags is atomic (5.8): the kernel builds
//    the new set, installs the user namespace FIRST into the new
//    credentials (full capabilities in it, securebits and ambient reset),
//    then checks every other namespace's install against those credentials
//    (CAP_SYS_ADMIN in the namespace's owning user namespace; for the mount
//    namespace also CAP_SYS_CHROOT), and commits all or nothing. Joining the
//    user namespace in a separate, later call would fail: after a mount or
//    pid join we would be no more privileged in the container's namespaces;
//    joining it in an earlier call would lose host root for the cgroup
//    writes. Hence cgroups (host root) first, then the one setns.
//  - joining a user namespace needs a single-threaded process whose fs is
//    not shared (we are: a plain exec'd program) and CAP_SYS_ADMIN in it.
//  - CLONE_NEWPID changes only the namespace of our children; the mount
//    join sets root and cwd to the namespace's root, not the container's
//    chroot: hence the O_PATH root opened on the host and chroot(".").
//  - after the chroot, /proc is the jail's, and we are not in the jail's pid
//    namespace: /proc/self does not exist. Everything /proc comes before.
//  - PR_CAPBSET_DROP and securebits need CAP_SETPCAP: before the uid change
//    (setuid to non-zero clears the effective set). setgroups, setgid and
//    setuid need CAP_SETGID/CAP_SETUID: before the capset to zero.
//  - a uid change clears the parent-death signal: stage 2 sets it itself
//    and never changes its credentials.
//  - clone(2) into the namespace set by setns(CLONE_NEWPID) and with
//    CLONE_PARENT needs no privilege. Not clone3(CLONE_INTO_CGROUP): it
//    covers only the v2 hierarchy, and after the credential drop the kernel
//    checks write access to the target's cgroup.procs with our (now the
//    jail's) credentials (cgroup_attach_permissions), which a root-owned
//    cgroup refuses. Stage 1 is in every cgroup already, and stage 2 is
//    born where its parent is.
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

// A whole /proc file (small) into buf, NUL-terminated; false on error.
bool read_small(const char* path, char* buf, std::size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    std::size_t len = 0;
    ssize_t n;
    while (len < size - 1 &&
           ((n = read(fd, buf + len, size - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            len += std::size_t(n);
    close(fd);
    buf[len] = '\0';
    return n >= 0 || len > 0;
}

// Split "ID:controllers:/path" in place; false when malformed.
bool cgroup_line(char* line, const char** ctrl, const char** path) {
    char* a = std::strchr(line, ':');
    char* b = a ? std::strchr(a + 1, ':') : nullptr;
    if (!b)
        return false;
    *b = '\0';
    *ctrl = a + 1;
    *path = b + 1;
    return true;
}

// Is the hierarchy with this controller list one of ours (in mine, a copy of
// our /proc/self/cgroup)? Only those are mounted where we look.
bool our_hierarchy(const char* mine, const char* ctrl) {
    std::size_t n = std::strlen(ctrl);
    for (const char* p = mine; (p = std::strchr(p, ':')); ++p)
        if (std::strncmp(p + 1, ctrl, n) == 0 && p[1 + n] == ':')
            return true;
    return false;
}

// Write our pid into base + path + "/cgroup.procs"; 0 or an errno.
int enter_cgroup(const char* base, const char* path) {
    char procs[512];
    int n = std::snprintf(procs, sizeof procs, "%s%s/cgroup.procs", base, path);
    if (n < 0 || std::size_t(n) >= sizeof procs)
        return ENAMETOOLONG;
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = write(fd, "0\n", 2) == 2 ? 0 : errno;
    close(fd);
    return e;
}

// "..", "." or empty as a path component, or no leading '/'.
bool bad_cgroup_path(const char* p) {
    if (p[0] != '/' || std::strlen(p) > 400)
        return true;
    for (const char* c = p; *c;) {
        while (*c == '/')
            ++c;
        std::size_t len = std::strcspn(c, "/");
        if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return true;
        c += len;
    }
    return false;
}

// Move into the cgroups the leader is in, read from the host's /proc and
// /sys/fs/cgroup: the v2 hierarchy and each v1 hierarchy our own
// /proc/self/cgroup lists (a line of the leader's that names anything else
// is not looked up). Stage 2 is born in them.
bool join_cgroups(int leader, ProbeFailure& f) {
    char mine[4096], theirs[8192], path[64];
    std::snprintf(path, sizeof path, "/proc/%d/cgroup", leader);
    if (!read_small("/proc/self/cgroup", mine, sizeof mine) ||
        !read_small(path, theirs, sizeof theirs))
        return probe_failed(f, EX_OSERR, "read the jail's cgroups");
    static char what[96];
    for (char *line = theirs, *next; line && *line; line = next) {
        next = std::strchr(line, '\n');
        if (next)
            *next++ = '\0';
        const char *ctrl, *cg;
        if (!cgroup_line(line, &ctrl, &cg) || !our_hierarchy(mine, ctrl))
            continue;
        if (bad_cgroup_path(cg)) {
            errno = EINVAL;
            std::snprintf(what, sizeof what, "cgroup path of hierarchy %.40s",
                          ctrl[0] ? ctrl : "v2");
            return probe_failed(f, EX_OSERR, what);
        }
        int e;
        if (ctrl[0] == '\0') {
            // cgroup v2: under "unified" in hybrid mode, else the top.
            e = enter_cgroup("/sys/fs/cgroup/unified", cg);
            if (e == ENOENT)
                e = enter_cgroup("/sys/fs/cgroup", cg);
        } else {
            const char* dir = std::strncmp(ctrl, "name=", 5) == 0 ? ctrl + 5 : ctrl;
            char base[128];
            int m = std::snprintf(base, sizeof base, "/sys/fs/cgroup/%s", dir);
            if (m <= 0 || std::size_t(m) >= sizeof base || std::strchr(dir, '/') ||
                std::strcmp(dir, "..") == 0 || std::strcmp(dir, ".") == 0)
                e = EINVAL;
            else
                e = enter_cgroup(base, cg);
        }
        if (e != 0) {
            errno = e;
            std::snprintf(what, sizeof what, "join the jail's cgroup (hierarchy %.40s)",
                          ctrl[0] ? ctrl : "v2");
            return probe_failed(f, EX_OSERR, what);
        }
    }
    return true;
}

// Nothing can give a capability back from here on. Needs CAP_SETPCAP, which
// the uid change may take: before it.
bool drop_bounding_set(ProbeFailure& f) {
    for (int cap = 0; cap <= 63; ++cap)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            return probe_failed(f, EX_OSERR, "drop capabilities (bounding set)");
    return true;
}

} // namespace

void probe_os_first() {
    // Exec made us dumpable again: from here on ptrace, /proc/PID/mem and
    // /proc/PID/fd need CAP_SYS_PTRACE in the host's user namespace. Stage
    // 2 inherits this.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

bool probe_os_attach(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    if (cfg.flags & jd::kProbeHost) // unprivileged development: nothing to drop
        return geteuid() != 0 || drop_bounding_set(f);
    // Stage 1, on the host. All of /proc first.
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/root", int(cfg.target));
    int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return probe_failed(f, EX_NOHOST, "open the jail's root");
    // Checked after the open: the root belongs to the pinned leader, not to
    // a process that reused its pid.
    if (!leader_alive())
        return probe_failed(f, EX_NOHOST, "jail leader gone");
    if (!join_cgroups(cfg.target, f))
        return false;
    // Host root's groups go now, while we may: in a rootless container
    // setgroups(2) is denied later.
    if (setgroups(0, nullptr) != 0)
        return probe_failed(f, EX_OSERR, "setgroups");
    int flags =
        CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID;
    if (cfg.flags & jd::kProbeOwnUser)
        flags |= CLONE_NEWUSER;
    if (setns(jd::kTargetFd, flags) != 0)
        return probe_failed(f, errno == ESRCH ? EX_NOHOST : EX_OSERR, "setns");
    close(jd::kTargetFd);
    // The jail's root, never the host's.
    if (fchdir(root) != 0 || chroot(".") != 0 || chdir("/") != 0)
        return probe_failed(f, EX_OSERR, "chroot to the jail's root");
    close(root);
    if (cfg.flags & jd::kProbeOwnUser) {
        // Root of the container's user namespace (host root is not mapped
        // there), so that the container's root may signal the probe.
        if (setgid(0) != 0 || setuid(0) != 0)
            return probe_failed(f, EX_OSERR, "become root of the user namespace");
    }
    return drop_bounding_set(f);
}

bool probe_os_harden(const jd::ProbeConfig&, ProbeFailure& f) {
    if (geteuid() == 0 && prctl(PR_SET_SECUREBITS,
                                SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
                                0, 0, 0) != 0)
        return probe_failed(f, EX_OSERR, "securebits");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return probe_failed(f, EX_OSERR, "drop capabilities (ambient)");
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {};
    if (syscall(SYS_capset, &h, d) != 0)
        return probe_failed(f, EX_OSERR, "drop capabilities");
    if (syscall(SYS_capget, &h, d) != 0 || d[0].effective || d[0].permitted || d[0].inheritable ||
        d[1].effective || d[1].permitted || d[1].inheritable) {
        errno = EPERM;
        return probe_failed(f, EX_OSERR, "drop capabilities (verify)");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return probe_failed(f, EX_OSERR, "no_new_privs");
    return true;
}

bool probe_os_enter(const jd::ProbeConfig&, ProbeFailure& f) {
    // Stage 2 waits on this until stage 1 has reported its pid: the daemon
    // always hears "child" first, from stage 1.
    int barrier[2];
    if (pipe2(barrier, O_CLOEXEC) != 0)
        return probe_failed(f, EX_OSERR, "pipe");
    // A raw clone: like fork(2), plus CLONE_PARENT (the daemon is stage 2's
    // parent and reaps it). glibc's cached thread id goes stale in the
    // child; nothing below uses it (no raise(), no threads).
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
    // Stage 2, inside the jail.
    close(barrier[1]);
    char c;
    while (read(barrier[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(barrier[0]);
    return true;
}

bool probe_os_watch_parent(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        return probe_failed(f, EX_OSERR, "parent death signal");
    // Our parent is the daemon: outside the jail's pid namespace it reads 0,
    // in the host's (the host pseudo-jail, a container sharing the host's
    // pid namespace) it is the daemon's pid. Anything else: the daemon died
    // before the line above and we were handed to a reaper. (A reaper
    // outside the jail reads 0 too: the caller's check of the status
    // socket, which the daemon holds open until "ready", covers that.)
    pid_t pp = getppid();
    if (pp != 0 && pp != pid_t(cfg.daemon_pid)) {
        errno = ESRCH;
        return probe_failed(f, EX_UNAVAILABLE, "the daemon is gone");
    }
    return true;
}

bool probe_os_from_jail(const siginfo_t& si, const jd::ProbeConfig& cfg) {
    if (cfg.flags & jd::kProbeHost)
        return true; // no outside
    // The kernel sets si_pid to 0 when the sender is outside our pid
    // namespace (__send_signal_locked: "from an ancestor pid namespace"),
    // whatever siginfo a sigqueue(3) caller supplied. Race-free: fixed when
    // the signal is queued.
    if (si.si_pid != 0)
        return true;
    // From outside, only host root counts (trusted: it could run the command
    // itself): a kill(2) or tgkill(2), whose si_uid the kernel fills in (a
    // sigqueue caller chooses its own), mapped into our user namespace:
    // host uid 0 reads 0 only in a jail without a user namespace (in one,
    // 0 is the container's owner, an ordinary host user).
    return (si.si_code == SI_USER || si.si_code == SI_TKILL) && si.si_uid == 0 &&
           !(cfg.flags & jd::kProbeOwnUser);
}

void probe_os_title(const char* title) {
    // comm (the first 15 bytes) for ps and plain pkill; argv is the title.
    prctl(PR_SET_NAME, title, 0, 0, 0);
}
