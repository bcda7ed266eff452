// Linux: the process name (ps -e, pgrep, /proc/PID/comm). The command line
// ps shows by default is argv, not changed here.
#include "title.hpp"

#include <sys/prctl.h>

namespace jd {

void set_daemon_title(const std::string& /*what: no room in 15 characters*/) {
    prctl(PR_SET_NAME, "jaildaemon", 0, 0, 0);
}

} // namespace jd
