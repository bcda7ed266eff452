// Reading a whole file, with a bound: for files a jail or a crash may have
// made arbitrarily large (the jail's /etc/passwd in the probe, the daemon's
// state file). Header only and exception-free: the probe uses it too.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string>
#include <unistd.h>

namespace jd {

// Append what fd holds from its offset to its end to out. Stops early with
// too_big once out holds more than cap bytes. Returns 0, or the errno of a
// failed read(2).
inline int read_capped(int fd, std::string& out, std::size_t cap, bool& too_big) {
    too_big = false;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return 0;
        out.append(buf, std::size_t(n));
        if (out.size() > cap) {
            too_big = true;
            return 0;
        }
    }
}

} // namespace jd
