// FreeBSD: one jail_get(2) call for a jail's jid and name, shared by the
// daemon (jail.cpp: resolve a jail spec, check it is still the same jail)
// and the probe (probe_os.cpp: check the jid again before jail_attach).
// Header only, plain C types: the probe links nothing of the daemon.
#pragma once

// <sys/param.h> first: jail(2) requires it before <sys/jail.h>.
#include <sys/param.h>

#include <sys/jail.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

// FreeBSD 15's jail descriptors (sys/sys/jail.h, sys/kern/syscalls.master
// of 15.0). A binary built against 14's headers still knows them, and one
// built for 14 never needs a symbol 14's libc lacks: jail_attach_jd(2) goes
// through syscall(2), and only with a descriptor that jail_get(2) gave, so
// a FreeBSD 14 kernel (which answers JAIL_GET_DESC with EINVAL) never sees
// the unknown system call (nosys() in kern_sig.c would send SIGSYS).
#ifndef JAIL_USE_DESC
#define JAIL_USE_DESC 0x10
#endif
#ifndef JAIL_GET_DESC
#define JAIL_GET_DESC 0x40
#endif
#ifndef SYS_jail_attach_jd
#define SYS_jail_attach_jd 597
#endif

namespace jd::freebsd {

// One name-value pair of a jail_get(2) parameter list. Names are passed with
// their NUL, as jail_get(2) expects.
inline void jail_param(struct iovec* iov, const char* name, void* value, std::size_t len) {
    iov[0].iov_base = const_cast<char*>(name);
    iov[0].iov_len = std::strlen(name) + 1;
    iov[1].iov_base = value;
    iov[1].iov_len = len;
}

// jail_get(2) by jid when *jid != 0, else by the name in name (a
// MAXHOSTNAMELEN buffer). One call returns jid and name together, so they
// belong to the same jail.
//
// jail(2): "If they [jid, name] are included but are not intended to be the
// search key, they should be cleared (zero and the empty string)". The name
// buffer must be zero-filled past the name: the kernel rejects a name value
// whose last byte is not NUL (EINVAL), and writes the jail's name back into
// it (up to MAXHOSTNAMELEN, the kernel's own limit for jail names).
//
// flags is 0, never JAIL_DYING: a jail being removed is then not found
// (ENOENT, errmsg "jail N is dying"), and for us a dying jail is gone.
//
// FreeBSD 15 (kern_jail.c kern_jail_get, kern_jaildesc.c): with desc and
// JAIL_GET_DESC, *desc gets a new descriptor of the jail found, not owning
// (closing it does not remove the jail) and WITHOUT close-on-exec; with
// JAIL_USE_DESC the jail is the one *desc refers to (ENOENT once it is
// gone, never a later jail with its jid). FreeBSD 14 answers either flag
// with EINVAL (flags outside JAIL_GET_MASK).
//
// Returns 0 with *jid and name set, or an errno; errmsg (errlen bytes, may be
// null) gets the kernel's message when it set one.
inline int get_jail(int* jid, char (&name)[MAXHOSTNAMELEN], char* errmsg, std::size_t errlen,
                    int flags = 0, int* desc = nullptr) {
    struct iovec iov[8];
    unsigned n = 4;
    jail_param(&iov[0], "jid", jid, sizeof *jid);
    jail_param(&iov[2], "name", name, sizeof name);
    if (errmsg != nullptr && errlen > 0) {
        errmsg[0] = '\0';
        jail_param(&iov[n], "errmsg", errmsg, errlen);
        n += 2;
    }
    if (desc != nullptr) {
        jail_param(&iov[n], "desc", desc, sizeof *desc);
        n += 2;
    }
    if (jail_get(iov, n, flags) == -1)
        return errno;
    name[sizeof name - 1] = '\0';
    return 0;
}

// One boolean parameter of jail jid, such as an allow.* permission:
// jail_get(2) by jid with the parameter's int (kern_jail_get writes 0 or 1
// for a flag, and refuses a value of another size). Returns 0 with value
// set, or an errno: EINVAL ("unknown parameter: ...") from a kernel that
// lacks the parameter (kern_jail_get: every parameter asked for must be
// known), ENOENT when the jail is gone or dying.
inline int get_jail_bool(int jid, const char* param, int& value) {
    struct iovec iov[4];
    int id = jid;
    int v = 0;
    jail_param(&iov[0], "jid", &id, sizeof id);
    jail_param(&iov[2], param, &v, sizeof v);
    if (jail_get(iov, 4, 0) == -1)
        return errno;
    value = v;
    return 0;
}

} // namespace jd::freebsd

namespace jd::freebsd {

// jail_attach_jd(2), FreeBSD 15: enter the jail desc refers to. EBADF: not
// a jail descriptor; ENOENT: its jail is gone.
inline int attach_jail_desc(int desc) {
    return int(::syscall(SYS_jail_attach_jd, desc));
}

} // namespace jd::freebsd
