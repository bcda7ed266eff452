// Linux: nothing to warn about. A probe sees si_pid 0 for a sender outside
// its pid namespace and ignores that SIGHUP (linux/probe_os.cpp).
#include "host_uid.hpp"

namespace jd {

void warn_host_uid(std::optional<std::uint32_t>, const std::string&) {}

} // namespace jd
