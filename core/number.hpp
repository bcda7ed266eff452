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

// A process id, 1 to kMaxPid (a container's leader, "pid:N").
inline bool parse_pid(std::string_view s, long& pid) {
    unsigned v = 0;
    if (!parse_number(s, kMaxPid, v) || v == 0)
        return false;
    pid = long(v);
    return true;
}

// A jail id as jls(8) prints it, 1 to kMaxJid (0 is the host).
inline bool parse_jid(std::string_view s, long& jid) {
    unsigned v = 0;
    if (!parse_number(s, kMaxJid, v) || v == 0)
        return false;
    jid = long(v);
    return true;
}

} // namespace jd
