// The jaildaemon command line: the original -D / -c interface plus the
// list and remove modes. Parsing only; main.cpp acts on the result.
#pragma once

#include "error.hpp"
#include "options.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jd {

enum class Mode { daemon, add, list, remove, help, version };

struct CliOptions {
    Mode mode = Mode::help;
    DaemonOptions daemon;
    std::string socket;
    ProbeSpec probe;                 // -c: the probe to register
    std::optional<std::uint64_t> id; // -x -i ID
    std::string jail;                // -l / -x with -j
    std::string title;               // -x with -t
    bool json = false;
    bool verbose = false; // -l -v
    bool all = false;     // -l --all
    // Options the original ignores in this mode: one line each for stderr.
    std::vector<std::string> warnings;
};

// Parse argv. On error returns false with err.code EX_USAGE_ and a one-line
// reason.
bool parse_cli(const std::vector<std::string>& args, CliOptions& out, Error& err);

std::string usage_text();
std::string help_text();

} // namespace jd
