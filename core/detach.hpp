// Going into the background the way rc(8) expects: -D returns once the
// daemon is ready.
#pragma once

#include "error.hpp"

#include <string>

namespace jd {

// Fork twice, start a new session, put stdio on /dev/null and log_file. In
// the daemon, returns true with ready_fd set: write one byte to it when
// ready, which lets the original process exit 0. The original process
// never returns.
bool detach(const std::string& log_file, int& ready_fd, Error& err);

} // namespace jd
