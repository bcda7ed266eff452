// jaildaemon-probe: the process that waits inside a jail. Its argv is just
// its title and its environment is empty. SIGHUP makes it exit with the
// magic code; the daemon then runs the probe's command on the host.
//
// Statically linked (inside a jail no host library may be loaded), plain C
// calls only, nothing else to do: it can not be told anything but "go".
#include "probe_os.hpp"
#include "spawn.hpp"

#include <csignal>
#include <unistd.h>

int main(int argc, char** argv) {
    probe_os_setup(argc > 0 && argv[0] ? argv[0] : "jaildaemon-probe");

    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    // Block SIGHUP and take it synchronously: no handler, no race.
    sigprocmask(SIG_BLOCK, &hup, nullptr);
    for (;;) {
        int sig = 0;
        if (sigwait(&hup, &sig) == 0 && sig == SIGHUP)
            _exit(jd::kProbeTriggered);
    }
}
