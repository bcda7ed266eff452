// Asking the system which jid a jail name has: `jls -j NAME jid`, the way
// the FreeBSD tools do it (the program is configurable, "jls" by default).
#pragma once

#include <string>
#include <vector>

namespace jdhook {

enum class Lookup {
    found,        // jid set
    unknown_jail, // the program ran and said no such jail
    failed,       // the program could not run, timed out or printed nonsense
};

Lookup lookup_jid(const std::string& jls, const std::string& jail, long& jid, std::string& err);

// Run argv (argv[0] looked up in PATH), stdin from /dev/null, and collect
// its standard output and error. Returns false with err when it cannot be
// started or does not finish within timeout_ms (it is then killed); status
// is the exit code, or 128 + signal.
bool run_capture(const std::vector<std::string>& argv, std::string& out, std::string& errout,
                 int& status, std::string& err, int timeout_ms = 10000);

} // namespace jdhook
