// The daemon's own title in ps(1). Linux: linux/title.cpp; FreeBSD:
// freebsd/title.cpp (setproctitle(3)).
#pragma once

#include <string>

namespace jd {

// Show what the daemon does ("listening on SOCKET"), best effort. FreeBSD:
// ps(1) shows "jaildaemon: listening on SOCKET" (setproctitle(3) puts the
// program name and a colon in front). Linux: ps shows the command line
// (argv), left as it is, and ps -e / pgrep the name, set to "jaildaemon":
// a process name holds 15 characters, too few for more.
void set_daemon_title(const std::string& what);

} // namespace jd
