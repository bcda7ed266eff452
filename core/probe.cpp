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
#include <grp.h>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sysexits.h>
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

// The one message the daemon wrote before starting us.
bool read_config(jd::ProbeConfig& cfg) {
    ssize_t n;
    while ((n = recv(jd::kStatusFd, &cfg, sizeof cfg, MSG_DONTWAIT)) < 0 && errno == EINTR) {
    }
    return n == ssize_t(sizeof cfg) && cfg.abi == jd::kProbeAbi &&
           cfg.jail_name[sizeof cfg.jail_name - 1] == '\0';
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
    if (!read_config(cfg))
        fail(EX_SOFTWARE, 0, "no valid probe configuration on descriptor 3");

    ProbeFailure f;
    if (!(cfg.flags & jd::kProbeHost) && !probe_os_attach(cfg, f))
        fail(f);
    // A session of our own: no terminal signal of the daemon's reaches us.
    if (setsid() < 0)
        fail(EX_OSERR, errno, "setsid");
    if (jd::IdCheck n = jd::resolve_jail_names(cfg); !n.ok)
        fail(EX_NOUSER, 0, n.why);
    drop_privileges(cfg);
    if (!probe_os_harden(cfg, f))
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
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, nullptr);
    for (;;) {
        int sig = 0;
        if (sigwait(&hup, &sig) == 0 && sig == SIGHUP)
            _exit(jd::kProbeTriggered);
    }
}
