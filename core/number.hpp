// Whole numbers written in text (command line, config files, /proc, the
// jail's passwd), read one way everywhere: decimal digits only (no sign,
// no space, no "0x"), nothing after them, at most max.
#pragma once

#include <charconv>
#include <concepts>
#include <string_view>
#include <system_error>

namespace jd {

template <std::unsigned_integral T> bool parse_number(std::string_view s, T max, T& out) {
    T v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > max)
        return false;
    out = v;
    return true;
}

// The largest Linux pid (PID_MAX_LIMIT, 2^22) and FreeBSD jid (JAIL_MAX).
constexpr unsigned kMaxPid = 4194304;
constexpr unsigned kMaxJid = 999999999;

// An id that is never 0, from 1 to max.
inline bool parse_positive(std::string_view s, unsigned max, long& out) {
    unsigned v = 0;
    if (!parse_number(s, max, v) || v == 0)
        return false;
    out = long(v);
    return true;
}

// A process id (a container's leader, "pid:N").
inline bool parse_pid(std::string_view s, long& pid) {
    return parse_positive(s, kMaxPid, pid);
}

// A jail id as jls(8) prints it (0 is the host).
inline bool parse_jid(std::string_view s, long& jid) {
    return parse_positive(s, kMaxJid, jid);
}

} // namespace jd
