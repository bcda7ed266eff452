// The daemon's log: one line per event, to exactly one place: syslog(3)
// (-D --syslog), or stderr (foreground, or the log file a detached daemon
// redirects stderr to, which log_reopen() opens again after rotation).
#pragma once

#include "error.hpp"

#include <string>

namespace jd {

enum class Level { info, warn, err };

void log_open(const char* ident, bool to_syslog);
// Open path again (O_APPEND, created 0640 when missing) as stdout and stderr:
// the file newsyslog(8) or logrotate moved away is let go.
bool log_reopen(const std::string& path, Error& err);
void log(Level lvl, const std::string& line);
inline void log_info(const std::string& l) {
    log(Level::info, l);
}
inline void log_warn(const std::string& l) {
    log(Level::warn, l);
}
inline void log_err(const std::string& l) {
    log(Level::err, l);
}

// Quote a string for a log line: printable ASCII kept, the rest escaped.
std::string quoted(const std::string& s);

} // namespace jd
