// Linux part of the probe.
#include "probe_os.hpp"

#include <sys/prctl.h>

void probe_os_setup(const char* title) {
    // Not dumpable: /proc/<pid>/mem, ptrace and core dumps are closed to jail
    // root (exec made us dumpable again).
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    // fexecve() names the process after the descriptor ("3"); give it the
    // title (first 15 bytes) so that ps and plain pkill show it too.
    prctl(PR_SET_NAME, title, 0, 0, 0);
}
