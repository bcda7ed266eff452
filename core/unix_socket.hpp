// The control socket's plumbing, shared by the daemon and the client. The
// client half is unix_socket.cpp; claim_socket_path() and listen_unix(),
// the daemon's, are in unix_listen.cpp.
#pragma once

#include "error.hpp"

#include <string>
#include <sys/un.h>

namespace jd {

// Fill sa for path; false with err when the path does not fit.
bool unix_address(const std::string& path, struct sockaddr_un& sa, Error& err);

// A unix stream socket (close-on-exec) and the address of path, for connect
// or bind; -1 with err.
int stream_socket(const std::string& path, struct sockaddr_un& sa, Error& err);

// Connect to the daemon at path. Returns the descriptor, or -1 with err:
// EX_NOPERM_ (not allowed), EX_UNAVAILABLE_ (nobody listening).
int connect_unix(const std::string& path, Error& err);

// Daemon side, before binding: is a daemon already answering on path?
// Removes a stale socket a dead daemon left; refuses to touch anything
// that is not a socket.
bool claim_socket_path(const std::string& path, Error& err);

// Bind and listen on path, mode 0600 from the first moment.
int listen_unix(const std::string& path, Error& err);

} // namespace jd
