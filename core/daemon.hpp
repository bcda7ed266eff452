// The daemon: control socket, probes, commands, in one single-threaded
// event loop.
#pragma once

#include "options.hpp"

namespace jd {

// Run the daemon until SIGTERM/SIGINT. Returns the process exit code.
int run_daemon(const DaemonOptions& opts);

} // namespace jd
