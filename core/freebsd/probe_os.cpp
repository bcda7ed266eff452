// What the probe does on FreeBSD. Plain C calls: the probe is a small static
// program. Checked against procctl(2) and setproctitle(3). Not compiled or
// run on Linux: see README.md in this directory.

#include "../probe_os.hpp"

#include <sys/types.h>

#include <sys/procctl.h>

void probe_os_setup(const char* title) {
    // No setproctitle(3) here. The daemon exec'd us with argv = { title }, so
    // ps(1) and pgrep(1)/pkill(1) -f already read exactly the title (from the
    // kernel's copy of the arguments). setproctitle("%s", title) would turn
    // it into "progname: title" and break the anchored pkill -f '^REBOOT$'.
    (void)title;

    // No tracing and no core dumps (procctl(2): tracing "includes ... core
    // dumping"). The daemon already set this before exec; DISABLE_EXEC, not
    // DISABLE: on a process with the persistent setting, DISABLE would
    // switch the persistence off. id 0 is the caller. Failure (EBUSY: we are
    // being traced) only loses hardening, and the daemon's own call has
    // already refused that case.
    int mode = PROC_TRACE_CTL_DISABLE_EXEC;
    (void)procctl(P_PID, 0, PROC_TRACE_CTL, &mode);
}
