// Errors that carry a sysexits(3) code and a one-line reason.
#pragma once

#include <string>

namespace jd {

// sysexits(3) values, spelled out so that no platform header is needed.
enum Exit : int {
    EX_OK_ = 0,
    EX_USAGE_ = 64,       // bad command line
    EX_DATAERR_ = 65,     // malformed request or value
    EX_NOUSER_ = 67,      // uid/gid does not exist
    EX_NOHOST_ = 68,      // jail does not exist / not running
    EX_UNAVAILABLE_ = 69, // no daemon, manager CLI missing
    EX_SOFTWARE_ = 70,    // internal error
    EX_OSERR_ = 71,       // a system call failed
    EX_CANTCREAT_ = 73,   // cannot create pidfile/socket
    EX_TEMPFAIL_ = 75,    // try again (cooldown, daemon busy)
    EX_PROTOCOL_ = 76,    // daemon answered nonsense
    EX_NOPERM_ = 77,      // not allowed
    EX_CONFIG_ = 78,      // bad configuration
};

struct Error {
    int code = 0;
    std::string what;

    explicit operator bool() const { return code != 0; }
    void set(int c, std::string w) {
        code = c;
        what = std::move(w);
    }
};

// "what: strerror(errno)"
std::string errno_text(const std::string& what, int err);

} // namespace jd
