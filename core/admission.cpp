#include "admission.hpp"

namespace jd {

namespace {
constexpr std::int64_t kBusyRetryMs = 1000;
}

Admit admit(const Limits& l, std::int64_t last_run_ms, std::int64_t now_ms, std::size_t running,
            std::int64_t* retry_ms) {
    std::int64_t cool = std::chrono::duration_cast<std::chrono::milliseconds>(l.cooldown).count();
    // A clock set backwards must not lock a probe out for long: never wait
    // more than one cooldown.
    if (cool > 0 && last_run_ms > 0 && now_ms - last_run_ms < cool) {
        std::int64_t left = cool - (now_ms - last_run_ms);
        *retry_ms = left > cool ? cool : left;
        return Admit::cooldown;
    }
    if (running >= l.max_commands) {
        *retry_ms = kBusyRetryMs;
        return Admit::busy;
    }
    *retry_ms = 0;
    return Admit::run;
}

std::string admit_reason(Admit a, const Limits& l, std::int64_t retry_ms) {
    if (a == Admit::cooldown)
        return "cooldown of " + std::to_string(l.cooldown.count()) + " s, " +
               std::to_string((retry_ms + 999) / 1000) + " s left";
    if (a == Admit::busy)
        return std::to_string(l.max_commands) + " commands already running (--max-commands)";
    return "admitted";
}

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace jd
