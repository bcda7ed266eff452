#include "log.hpp"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
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
    if (use_syslog) {
        int pri = lvl == Level::err ? LOG_ERR : lvl == Level::warn ? LOG_WARNING : LOG_INFO;
        syslog(pri, "%s", line.c_str());
        return;
    }
    std::fprintf(stderr, "%s %s[%ld] %s: %s\n", stamp, ident_, long(getpid()), names[int(lvl)],
                 line.c_str());
    std::fflush(stderr);
}

bool log_reopen(const std::string& path, Error& err) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        err.set(EX_CANTCREAT_, errno_text("cannot open log " + path, errno));
        return false;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
        int e = errno;
        ::close(fd);
        err.set(EX_OSERR_, errno_text("cannot reopen log " + path, e));
        return false;
    }
    ::close(fd);
    return true;
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
