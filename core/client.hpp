// The client side of the control socket.
#pragma once

#include "error.hpp"
#include "protocol.hpp"

#include <string>

namespace jd {

// Send one request to the daemon listening on sockpath and return its reply.
// Returns false with err when no daemon answers (EX_UNAVAILABLE), the socket
// cannot be used (EX_NOPERM, EX_OSERR) or the reply is malformed
// (EX_PROTOCOL). A reply with ok == false is still returned as true: the
// caller reports reply.error and exits with reply.code.
bool call_daemon(const std::string& sockpath, const Request& req, Reply& reply, Error& err,
                 int timeout_ms = 30000);

} // namespace jd
