// Admission policy: what a jail can make the host do, bounded: a per-probe
// cooldown between commands, a cap on commands running at once, a timeout
// per command.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace jd {

struct Limits {
    std::chrono::seconds cooldown{1};           // default per probe; 0: none
    std::size_t max_commands = 8;               // commands running at once, >= 1
    std::chrono::seconds command_timeout{3600}; // 0: none
};

enum class Admit { run, cooldown, busy };

// May a probe whose command last ran at last_run_ms (wall clock, 0: never)
// run it again at now_ms, with running commands already going? When not,
// *retry_ms says how long to wait (the run is deferred, never dropped).
// l.cooldown is the probe's own cooldown when it has one.
Admit admit(const Limits& l, std::int64_t last_run_ms, std::int64_t now_ms, std::size_t running,
            std::int64_t* retry_ms);

// "cooldown, 3 s left" / "8 commands running (--max-commands)"
std::string admit_reason(Admit a, const Limits& l, std::int64_t retry_ms);

// Wall clock in milliseconds since the epoch.
std::int64_t wall_ms();

} // namespace jd
