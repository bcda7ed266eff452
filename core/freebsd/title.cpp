// FreeBSD: setproctitle(3), in libc, declared in <unistd.h>. Checked
// against setproctitle(3). Not compiled or run on Linux: see README.md in
// this directory.
#include "../title.hpp"

#include <sys/types.h>

#include <unistd.h>

namespace jd {

// ps(1) shows "jaildaemon: WHAT": setproctitle(3) puts the program name and
// ": " in front (unless the format starts with "-"). rc.subr(8) finds the
// daemon by that "jaildaemon:" all the same.
void set_daemon_title(const std::string& what) {
    setproctitle("%s", what.c_str());
}

} // namespace jd
