// The client's warning for -u N where the system cannot tell a jail's
// SIGHUP from a host user's (jaildaemon(8) SECURITY CONSIDERATIONS).
#pragma once

#include <cstdint>
#include <optional>

namespace jd {

// FreeBSD: warn on stderr when a host account other than root has uid:
// it may signal the probe, and the probe's check of where a signal came
// from is not race-free there (freebsd/probe_os.cpp). Linux: nothing (the
// kernel says whether the sender is in the jail).
void warn_host_uid(std::optional<std::uint32_t> uid);

} // namespace jd
