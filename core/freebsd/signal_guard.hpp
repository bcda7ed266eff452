// FreeBSD: does the kernel itself keep unprivileged processes outside a
// jail from signalling the jail's processes? Where it does, a SIGHUP that
// reaches a probe came from its jail or from root, and the probe need not
// look its sender up (freebsd/probe_os.cpp probe_os_from_jail), a check
// that races with the sender's exit. Shared by the daemon (jail.cpp, at
// each launch), the client (host_uid.cpp) and the probe; header only.
//
// Checked against kern_prot.c (cr_cansignal, cr_bsd_visible,
// cr_canseejailproc, cr_can_tamper_with_subjail) and kern_jail.c
// (kern_jail_get). Never run on a FreeBSD kernel: README.md here.
#pragma once

#include "jail_get.hpp"

#include <sys/sysctl.h>
#include <sys/types.h>

#include <cstddef>

namespace jd::freebsd {

// security.bsd.see_jail_proc: at 0 no unprivileged process sees or signals
// a process of another jail (cr_cansignal -> cr_bsd_visible ->
// cr_canseejailproc; the host is another jail too). Readable from inside a
// jail, set by host root only. -1 when it cannot be read.
inline int see_jail_proc() {
    int v = -1;
    std::size_t len = sizeof v;
    if (sysctlbyname("security.bsd.see_jail_proc", &v, &len, nullptr, 0) == -1 || len != sizeof v)
        return -1;
    return v;
}

// Jail jid's allow.unprivileged_parent_tampering is off: cr_cansignal ->
// cr_can_tamper_with_subjail refuses a sender of another jail (the host
// included) without PRIV_SIGNAL_DIFFJAIL, which only root has. A kernel
// without the parameter answers EINVAL (get_jail_bool): not guarded. Only
// the parent side (host root) can change it, with jail -m.
inline bool parent_tampering_off(int jid) {
    int tamper = 1;
    return get_jail_bool(jid, "allow.unprivileged_parent_tampering", tamper) == 0 && tamper == 0;
}

} // namespace jd::freebsd
