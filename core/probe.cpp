// jaildaemon-probe: the one program that ever runs where a jail can see it.
// The daemon starts it on the host (probe_abi.hpp); it attaches itself to the
// jail, drops privileges, tells the daemon it is ready and waits. SIGHUP
// makes it exit with the magic code; the daemon then runs the probe's
// command on the host. Its argv is just its title, its environment is empty.
//
// Statically linked (inside a jail no library of the jail's may be loaded),
// no exceptions, no RTTI, nothing else to do: it can not be told anything
// but "go".
#include "jail_users.hpp"
#include "probe_os.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

bool probe_report(const jd::ProbeStatus& s) {
    ssize_t n;
    while ((n = send(jd::kStatusFd, &s, sizeof s, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    return n == ssize_t(sizeof s);
}

namespace {

[[noreturn]] void fail(int code, int err, const char* what) {
    jd::ProbeStatus s;
    s.kind = jd::ProbeReport::failed;
    s.code = code;
    s.err = err;
    std::snprintf(s.text, sizeof s.text, "%s", what);
    probe_report(s);
    _exit(127);
}

[[noreturn]] void fail(const ProbeFailure& f) {
    fail(f.code, f.err, f.what);
}

// The one message the daemon wrote before starting us, and with it the
// daemon's report socket (SCM_RIGHTS), or -1.
bool read_config(jd::ProbeConfig& cfg, int& report) {
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&cfg, sizeof cfg};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = recvmsg(jd::kStatusFd, &msg, MSG_DONTWAIT)) < 0 && errno == EINTR) {
    }
    report = -1;
    for (struct cmsghdr* c = n > 0 ? CMSG_FIRSTHDR(&msg) : nullptr; c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int)))
            std::memcpy(&report, CMSG_DATA(c), sizeof report);
    // The kernel gives it the lowest free descriptor: 4 when the daemon
    // passed no target there (FreeBSD 14: no jail descriptor), where the
    // FreeBSD probe would take it for one (freebsd/probe_os.cpp). Moved
    // above every descriptor of the ABI (probe_abi.hpp).
    if (report >= 0 && report <= jd::kTargetFd) {
        int moved = fcntl(report, F_DUPFD_CLOEXEC, jd::kTargetFd + 1);
        ::close(report);
        report = moved;
    }
    return n == ssize_t(sizeof cfg) && !(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
           cfg.abi == jd::kProbeAbi && cfg.jail_name[sizeof cfg.jail_name - 1] == '\0';
}

// Groups first, then gid, then uid; verify that it sticks and that there is
// no way back. Only ids that exist in the jail: its own /etc/passwd and
// /etc/group, read now that we are inside.
void drop_privileges(const jd::ProbeConfig& cfg) {
    std::optional<std::uint32_t> uid, gid;
    if (cfg.flags & jd::kProbeUid)
        uid = cfg.uid;
    if (cfg.flags & jd::kProbeGid)
        gid = cfg.gid;
    if (!uid && !gid)
        return;
    jd::IdCheck ids = jd::check_jail_ids(uid, gid);
    if (!ids.ok)
        fail(EX_NOUSER, 0, ids.why);
    gid_t g = gid_t(ids.gid);
    if (setgroups(1, &g) != 0)
        fail(EX_NOUSER, errno, "setgroups");
    if (setgid(g) != 0)
        fail(EX_NOUSER, errno, "setgid");
    if (getgid() != g || getegid() != g)
        fail(EX_OSERR, EPERM, "setgid verify");
    if (uid) {
        uid_t u = uid_t(*uid);
        if (setuid(u) != 0)
            fail(EX_NOUSER, errno, "setuid");
        if (getuid() != u || geteuid() != u)
            fail(EX_OSERR, EPERM, "setuid verify");
        if (u != 0 && setuid(0) == 0)
            fail(EX_OSERR, EPERM, "setuid verify");
    }
}

} // namespace

int main(int argc, char** argv) {
    probe_os_first();
    const char* title = argc > 0 && argv[0] ? argv[0] : "jaildaemon-probe";

    jd::ProbeConfig cfg;
    int report = -1;
    if (!read_config(cfg, report))
        fail(EX_SOFTWARE, 0, "no valid probe configuration on descriptor 3");

    // Every privileged step, in the process no jail can see (Linux stage 1;
    // linux/probe_os.cpp says why in this order): attach, the jail's
    // uid/gid, no capability, no new privileges.
    ProbeFailure f;
    if (!probe_os_attach(cfg, f))
        fail(f);
    // -u/-g names, in the jail's own passwd and group (we are in its root).
    if (jd::IdCheck n = jd::resolve_jail_names(cfg); !n.ok)
        fail(EX_NOUSER, 0, n.why);
    drop_privileges(cfg);
    if (!probe_os_harden(cfg, f))
        fail(f);
    // Only now the process the jail sees (Linux: stage 2, born in the jail;
    // stage 1 never returns from here).
    if (!(cfg.flags & jd::kProbeHost) && !probe_os_enter(cfg, f))
        fail(f);
    // A session of our own: no terminal signal of the daemon's reaches us.
    if (setsid() < 0)
        fail(EX_OSERR, errno, "setsid");
    if (!probe_os_watch_parent(cfg, f))
        fail(f);
    // The daemon holds the other end of the status socket until it has our
    // answer. If it is gone, nobody would ever reap us: leave.
    struct pollfd pfd = {jd::kStatusFd, POLLOUT, 0};
    if (poll(&pfd, 1, 0) != 1 || (pfd.revents & (POLLERR | POLLHUP)))
        _exit(126);
    probe_os_title(title);
    if (cfg.flags & jd::kProbeLastFailed)
        setpriority(PRIO_PROCESS, 0, 1);

    jd::ProbeStatus ready;
    ready.kind = jd::ProbeReport::ready;
    if (!probe_report(ready))
        _exit(126);
    close(jd::kStatusFd);

    // SIGHUP has been blocked since before exec (the daemon's spawn mask), so
    // one sent the moment we became visible is pending, not lost. Take it
    // synchronously: no handler, no race, whatever dispositions we inherited.
    // Only a sender inside our jail (or host root) counts; one from outside
    // (a host user who has our uid) is ignored and reported on the daemon's
    // report socket (one for all probes), at most once a second.
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, nullptr);
    struct timespec last = {0, 0};
    for (;;) {
        siginfo_t si;
        if (sigwaitinfo(&hup, &si) != SIGHUP)
            continue;
        if (probe_os_from_jail(si, cfg))
            _exit(jd::kProbeTriggered);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (last.tv_sec == 0 || now.tv_sec > last.tv_sec) {
            last = now;
            jd::ProbeStatus r;
            r.kind = jd::ProbeReport::refused;
            r.pid = std::int32_t(si.si_pid);
            r.code = std::int32_t(si.si_uid);
            std::snprintf(r.text, sizeof r.text, "%s", title);
            (void)send(report, &r, sizeof r, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
    }
}
