// FreeBSD: one jail_get(2) call for a jail's jid and name, shared by the
// daemon (jail.cpp: resolve a jail spec, check it is still the same jail)
// and the probe (probe_os.cpp: check the jid again before jail_attach).
// Header only, plain C types: the probe links nothing of the daemon.
#pragma once

// <sys/param.h> first: jail(2) requires it before <sys/jail.h>.
#include <sys/param.h>

#include <sys/jail.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

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
// Returns 0 with *jid and name set, or an errno; errmsg (errlen bytes, may be
// null) gets the kernel's message when it set one.
inline int get_jail(int* jid, char (&name)[MAXHOSTNAMELEN], char* errmsg, std::size_t errlen) {
    struct iovec iov[6];
    unsigned n = 4;
    jail_param(&iov[0], "jid", jid, sizeof *jid);
    jail_param(&iov[2], "name", name, sizeof name);
    if (errmsg != nullptr && errlen > 0) {
        errmsg[0] = '\0';
        jail_param(&iov[4], "errmsg", errmsg, errlen);
        n = 6;
    }
    if (jail_get(iov, n, 0) == -1)
        return errno;
    name[sizeof name - 1] = '\0';
    return 0;
}

} // namespace jd::freebsd
