// Asking the system which jid a jail name has: `jls -j NAME jid`, the way
// the FreeBSD tools do it (the program is configurable, "jls" by default).
#pragma once

#include <string>

namespace jdhook {

enum class Lookup {
    found,        // jid set
    unknown_jail, // the program ran and said no such jail
    failed,       // the program could not run, timed out or printed nonsense
};

Lookup lookup_jid(const std::string& jls, const std::string& jail, long& jid, std::string& err);

} // namespace jdhook
