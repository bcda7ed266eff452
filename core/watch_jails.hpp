// --watch-jails (FreeBSD 15): the daemon itself gives every jail that
// appears its standing probes, with no jail manager involved. For each new
// jail it runs, as a host command, `HOOK --hook [-C CONFIG] -f SOCKET start
// watch NAME JID`: jaildaemon-hook's manager "watch" plans the probes of
// the [watch] and [probe NAME] sections exactly as every manager's hook
// does and registers them over the socket. The probes end with the jail.
#pragma once

#include "jail_watch.hpp"
#include "options.hpp"

namespace jd {

std::unique_ptr<JailWatch> watch_jails(boost::asio::io_context& io, const DaemonOptions& opts,
                                       Error& err);

} // namespace jd
