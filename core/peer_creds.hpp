// Who is at the other end of the control socket (unix_socket.hpp). Linux:
// SO_PEERCRED (linux/peer_creds.cpp); FreeBSD: getpeereid(3)
// (freebsd/peer_creds.cpp).
#pragma once

#include <sys/types.h>

namespace jd {

// Uid and gid of the peer of a connected unix socket. False when they
// cannot be read.
bool peer_creds(int fd, uid_t& uid, gid_t& gid);

} // namespace jd
