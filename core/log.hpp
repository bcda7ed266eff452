// The daemon's log: one line per event, to stderr (foreground, or the log
// file a detached daemon redirects stderr to) and, on FreeBSD, to syslog.
#pragma once

#include <string>

namespace jd {

enum class Level { info, warn, err };

void log_open(const char* ident, bool to_syslog);
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
