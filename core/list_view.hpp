// What jaildaemon -l prints: a table that fits 80 columns, or with -v
// everything the daemon knows of each probe.
#pragma once

#include "protocol.hpp"

#include <string>
#include <vector>

namespace jd {

// One row per probe: id, jail, title, state, pid, respawn, last result,
// triggers. Long names are cut with a "~".
std::string list_table(const std::vector<ProbeInfo>& probes);
// A block per probe: every field, the command, the note and the last lines
// of its command's output.
std::string list_verbose(const std::vector<ProbeInfo>& probes);
// How the last run ended, short: "-", "running", "exit 0", "signal 9".
std::string last_result(const ProbeInfo& p);

} // namespace jd
