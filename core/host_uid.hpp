// The client's warning for -u N where the system cannot tell a jail's
// SIGHUP from a host user's (jaildaemon(8) SECURITY CONSIDERATIONS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace jd {

// FreeBSD: warn on stderr when a probe of uid (not root) goes into a jail
// whose processes host users may signal (freebsd/signal_guard.hpp): the
// probe then checks each sender itself, which is not race-free
// (freebsd/probe_os.cpp). jail is the spec the daemon gets (a jid or a
// name); no warning when it names no jail (the daemon says why). Linux:
// nothing (the kernel says whether the sender is in the jail).
void warn_host_uid(std::optional<std::uint32_t> uid, const std::string& jail);

} // namespace jd
