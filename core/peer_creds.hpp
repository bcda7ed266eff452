// Who is at the other end of the control socket (unix_socket.hpp). Linux:
// SO_PEERCRED (linux/peer_creds.cpp); FreeBSD: getpeereid(3)
// (freebsd/peer_creds.cpp).
#pragma once

#include <cstddef>
#include <sys/types.h>

namespace jd {

// Uid and gid of the peer of a connected unix socket. False when they
// cannot be read.
bool peer_creds(int fd, uid_t& uid, gid_t& gid);

// Have the kernel tag each message received on fd (a unix socket) with its
// sender's pid. Linux: SO_PASSCRED. FreeBSD: nothing (false).
bool want_sender_pid(int fd);

// recv(2) of one message, MSG_DONTWAIT, with the pid of the process that
// sent it as the kernel saw it (in our pid namespace): sender is -1 where
// the system does not say (FreeBSD) and 0 when the sender is outside our pid
// namespace. Returns what recv(2) returns.
ssize_t recv_from_pid(int fd, void* buf, std::size_t len, pid_t& sender);

} // namespace jd
