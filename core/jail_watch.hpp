// --watch-jails: the jails that appear on this host, as the kernel reports
// them. FreeBSD 15: kqueue(2) EVFILT_JAIL on the host (jid 0),
// NOTE_JAIL_CHILD (freebsd/jail_watch.cpp). FreeBSD 14 and Linux have no
// such event: the option is refused there (linux/jail_watch.cpp).
#pragma once

#include "error.hpp"

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace jd {

class JailWatch {
  public:
    virtual ~JailWatch() = default;
};

// Whether this system can watch for new jails; if not, err says why in
// one line (EX_CONFIG_). Asked before the daemon detaches: a kqueue is not
// inherited across fork(2), the watch itself is opened afterwards.
bool jail_watch_supported(Error& err);

// Call appeared(jid) on the event loop for every jail created from now on;
// jid 0: more than one appeared since the last look and the kernel did not
// say which (NOTE_JAIL_MULTI). Null with err when it cannot watch.
std::unique_ptr<JailWatch> open_jail_watch(boost::asio::io_context& io,
                                           std::function<void(long jid)> appeared, Error& err);

} // namespace jd
