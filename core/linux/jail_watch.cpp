// Linux: no kernel event for a new container; --watch-jails is refused.
// Containers get their standing probes from their manager's hooks
// (jaildaemon-hook(8): lxc, podman).
#include "jail_watch.hpp"

namespace jd {

namespace {

const char* const kWhy = "--watch-jails needs FreeBSD 15 (kqueue EVFILT_JAIL); on Linux the "
                         "managers' hooks bring the probes back (jaildaemon-hook(8))";

} // namespace

bool jail_watch_supported(Error& err) {
    err.set(EX_CONFIG_, kWhy);
    return false;
}

std::unique_ptr<JailWatch> open_jail_watch(boost::asio::io_context&, std::function<void(long)>,
                                           Error& err) {
    err.set(EX_CONFIG_, kWhy);
    return nullptr;
}

} // namespace jd
