#include "log.hpp"

#include <cstdio>
#include <ctime>
#include <syslog.h>
#include <unistd.h>

namespace jd {

namespace {
bool use_syslog = false;
const char* ident_ = "jaildaemon";
} // namespace

void log_open(const char* ident, bool to_syslog) {
    ident_ = ident;
    use_syslog = to_syslog;
    if (use_syslog)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log(Level lvl, const std::string& line) {
    static const char* names[] = {"info", "warning", "error"};
    char stamp[32];
    std::time_t now = std::time(nullptr);
    struct tm tm;
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    std::fprintf(stderr, "%s %s[%ld] %s: %s\n", stamp, ident_, long(getpid()), names[int(lvl)],
                 line.c_str());
    std::fflush(stderr);
    if (use_syslog) {
        int pri = lvl == Level::err ? LOG_ERR : lvl == Level::warn ? LOG_WARNING : LOG_INFO;
        syslog(pri, "%s", line.c_str());
    }
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += char(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out + "\"";
}

} // namespace jd
