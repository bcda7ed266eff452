// Running a helper program and reading what it prints: the container
// managers' CLIs for the client (container_spec.cpp) and jls(8) for
// jaildaemon-hook. Never used by the daemon, which does not wait on
// anything.
#pragma once

#include <string>
#include <vector>

namespace jd {

struct Captured {
    std::string out;        // standard output, at most 64 KiB kept
    std::string errout;     // standard error, likewise
    int status = 0;         // exit code, or 128 + the signal that ended it
    int spawn_errno = 0;    // when it could not be started: the errno (ENOENT: not in PATH)
    bool timed_out = false; // killed: no end within the timeout
};

// Run argv (argv[0] looked up in PATH) with stdin from /dev/null and collect
// its output. Returns false with err when it cannot be started ("ARGV0:
// strerror", spawn_errno set) or does not finish within timeout_ms (it is
// then killed: "ARGV0: no answer within N s").
bool capture(const std::vector<std::string>& argv, Captured& c, std::string& err,
             int timeout_ms = 10000);

} // namespace jd
