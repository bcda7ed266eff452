// FreeBSD part of the probe: jail_attach(2) by jid, after checking that the
// jid still names the jail the daemon resolved. The daemon started us on
// the host, outside every jail; tracing is off before we attach.
//
// Checked against jail(2), procctl(2), getppid(2) (FreeBSD 14). Cross-built
// from Linux; never run on a FreeBSD kernel yet: see README.md here.

#include "../probe_os.hpp"
#include "jail_get.hpp"
#include "signal_guard.hpp"

// <sys/param.h> first: jail(2) requires it before <sys/jail.h>.
#include <sys/param.h>

#include <sys/jail.h>
#include <sys/procctl.h>
#include <sys/sysctl.h>
#include <sys/user.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sysexits.h>
#include <unistd.h>

namespace {

// Does jid still name a live jail called name? jail_get(2) by jid, flags 0
// (a dying jail is not found); the name buffer is zero-filled and the
// kernel writes the jail's name into it.
bool same_jail(int jid, const char* name) {
    char namebuf[MAXHOSTNAMELEN] = {};
    int id = jid;
    return jd::freebsd::get_jail(&id, namebuf, nullptr, 0) == 0 && std::strcmp(namebuf, name) == 0;
}

// security.bsd.see_jail_proc when the probe was made ready
// (probe_os_harden): a SIGHUP is taken on its word only when it was 0 then
// and is 0 still.
int see_jail_proc_at_start = -1;

} // namespace

void probe_os_first() {
    // No ptrace(2), ktrace(2), core dumps or debugging sysctls on us from
    // now on (procctl(2) PROC_TRACE_CTL; id 0 is the caller). No later exec
    // follows, so DISABLE (undone by exec) is enough. Failure (EBUSY: host
    // root traces us already) only loses hardening against the host.
    int mode = PROC_TRACE_CTL_DISABLE;
    (void)procctl(P_PID, 0, PROC_TRACE_CTL, &mode);
}

bool probe_os_attach(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    if (cfg.flags & jd::kProbeHost)
        return true;
    // FreeBSD 15: descriptor 4, when passed (kProbeTargetFd), is a jail
    // descriptor of the very jail the daemon resolved (freebsd/jail.cpp): it
    // cannot name a later jail with the same jid, so no jid/name check is
    // needed. It carries host root's authority over the jail: closed at once,
    // before anything of the jail's could reach it. Never judged by what is
    // open on 4: on 14 the report socket lands there.
    if (cfg.flags & jd::kProbeTargetFd) {
        int r = jd::freebsd::attach_jail_desc(jd::kTargetFd);
        int e = errno;
        close(jd::kTargetFd);
        errno = e;
        if (r == -1)
            return probe_failed(f, e == ENOENT ? EX_NOHOST : EX_OSERR, "jail_attach_jd");
        if (chdir("/") == -1)
            return probe_failed(f, EX_OSERR, "chdir(/)");
        return true;
    }
    if (!same_jail(cfg.target, cfg.jail_name)) {
        errno = ENOENT;
        return probe_failed(f, EX_NOHOST, "the jail is gone or dying");
    }
    // jail_attach(2): root only; EINVAL when the jail does not exist (or is
    // dying). It chroots to the jail's path before the process becomes part
    // of the jail: no process of the jail ever sees us outside it.
    if (jail_attach(cfg.target) == -1)
        return probe_failed(f, errno == EINVAL ? EX_NOHOST : EX_OSERR, "jail_attach");
    // chroot(2) leaves the cwd alone; jail(2) promises only the chroot.
    if (chdir("/") == -1)
        return probe_failed(f, EX_OSERR, "chdir(/)");
    return true;
}

bool probe_os_harden(const jd::ProbeConfig&, ProbeFailure& f) {
    see_jail_proc_at_start = jd::freebsd::see_jail_proc();
#ifdef PROC_NO_NEW_PRIVS_CTL
    // FreeBSD 14+: set-user-ID and set-group-ID bits are ignored by every
    // later execve(2). Cannot be undone.
    int nnp = PROC_NO_NEW_PRIVS_ENABLE;
    if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_CTL, &nnp) == -1)
        return probe_failed(f, EX_OSERR, "procctl(PROC_NO_NEW_PRIVS_CTL)");
#else
    (void)f;
#endif
    return true;
}

bool probe_os_enter(const jd::ProbeConfig&, ProbeFailure&) {
    return true; // one process: jail_attach(2) moved this one
}

bool probe_os_watch_parent(const jd::ProbeConfig& cfg, ProbeFailure& f) {
    // SIGKILL when the daemon, our parent, exits. After the uid change, as
    // on Linux.
    int sig = SIGKILL;
    if (procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig) == -1)
        return probe_failed(f, EX_OSERR, "procctl(PROC_PDEATHSIG_CTL)");
    // If the daemon died before that, we were reparented already. getppid(2)
    // is not filtered by jails (kill(daemon, 0) would be: ESRCH from inside).
    if (getppid() != pid_t(cfg.daemon_pid)) {
        errno = ESRCH;
        return probe_failed(f, EX_UNAVAILABLE, "the daemon is gone");
    }
    return true;
}

bool probe_os_from_jail(const siginfo_t& si, const jd::ProbeConfig& cfg) {
    // Only root and our own uid may signal us (cr_cansignal). A probe that
    // runs as root can be signalled from outside the jail only by host
    // root, who is trusted: nothing to check, and no race.
    if ((cfg.flags & jd::kProbeHost) || getuid() == 0)
        return true;
    if (si.si_code != SI_USER && si.si_code != SI_QUEUE)
        return false;
    // Root (host or jail) counts wherever it is; the kernel fills in si_uid
    // (sigqueue(2) takes only a value).
    if (si.si_uid == 0)
        return true;
    // Where the kernel itself keeps unprivileged senders outside our jail
    // from signalling us, whatever arrived came from the jail: no check, no
    // race. cr_cansignal (kern_prot.c) refuses them with EPERM when our jail
    // has allow.unprivileged_parent_tampering off (cr_can_tamper_with_subjail;
    // the daemon asked at launch: kProbeSignalGuard, kept for the probe's
    // life: jaildaemon(8) says to register again after turning it on), and
    // with ESRCH when security.bsd.see_jail_proc is 0 (cr_canseejailproc;
    // 0 when we started and 0 now, as host root may change it).
    if ((cfg.flags & jd::kProbeSignalGuard) ||
        (see_jail_proc_at_start == 0 && jd::freebsd::see_jail_proc() == 0))
        return true;
    // Otherwise a host user with our uid may signal us too. FreeBSD does not
    // translate pids: si_pid is the sender's pid (siginfo(3)). From inside
    // a jail, sysctl kern.proc.pid sees only processes of this jail and its
    // children (p_cansee, prison_check): a host process is not found. Not
    // race-free (no interface is): a sender that has exited and been reaped
    // before we look (pkill, kill(1)) is not found either (refused,
    // reported), and a pid reused by then is judged by its new owner.
    // jaildaemon(8) SECURITY CONSIDERATIONS; jail-reboot signals from a
    // shell that waits, so it is always found.
    // What is found is in our jail or in a jail below it, and ki_jid tells
    // which: kern_proc.c fill_kinfo_proc_only sets it only for a process
    // whose prison is not the caller's own ("If inside the jail, use 0 as a
    // jail ID"); from here a process of our jail has ki_jid 0.
    struct kinfo_proc kp;
    std::size_t len = sizeof kp;
    int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, int(si.si_pid)};
    if (sysctl(mib, 4, &kp, &len, nullptr, 0) == -1 || len != sizeof kp)
        return false;
    return kp.ki_jid == 0;
}

void probe_os_title(const char* title) {
    // No setproctitle(3): argv already is exactly the title, which ps(1) and
    // pkill -f read from the kernel's copy of the arguments;
    // setproctitle("%s", t) would make it "progname: t" and break
    // pkill -f '^REBOOT$'.
    (void)title;
}
