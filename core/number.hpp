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

} // namespace jd
