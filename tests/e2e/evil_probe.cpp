/* A hostile stand-in for the probe program (tests/e2e/status_peer.sh), given
 * to the daemon with --probe. It speaks on the status socket as the probe
 * would (core/probe_abi.hpp), but lies, chosen by its title (argv[0]):
 *
 *   evil-name-PID     as stage 1: "the probe is PID" (a process not its own)
 *   evil-forge-ready  a grandchild, not the probe, says "ready"
 *   evil-forge-child  a grandchild names itself as the probe
 *   evil-text         "failed" with control characters in its text
 *
 * Any other title: it becomes the real probe program (REAL_PROBE), so that
 * the daemon can have genuine probes and commands to be lied about.
 */
#include "probe_abi.hpp"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(jd::ProbeReport kind, int pid, const char* text) {
    jd::ProbeStatus s;
    s.kind = kind;
    s.pid = pid;
    snprintf(s.text, sizeof s.text, "%s", text);
    (void)send(jd::kStatusFd, &s, sizeof s, MSG_NOSIGNAL);
}

int main(int argc, char** argv) {
    const char* title = argc > 0 ? argv[0] : "";
    if (strncmp(title, "evil-", 5) != 0) {
        char* envp[] = {nullptr};
        execve(REAL_PROBE, argv, envp);
        return 127;
    }
    jd::ProbeConfig cfg;
    (void)recv(jd::kStatusFd, &cfg, sizeof cfg, MSG_DONTWAIT);
    if (strncmp(title, "evil-name-", 10) == 0) {
        say(jd::ProbeReport::child, atoi(title + 10), "");
    } else if (strcmp(title, "evil-forge-ready") == 0 || strcmp(title, "evil-forge-child") == 0) {
        pid_t kid = fork();
        if (kid == 0) {
            if (title[11] == 'r')
                say(jd::ProbeReport::ready, 0, "");
            else
                say(jd::ProbeReport::child, getpid(), "");
            pause();
            _exit(0);
        }
        pause(); /* the daemon kills us; our orphan dies with its socket */
    } else if (strcmp(title, "evil-text") == 0) {
        say(jd::ProbeReport::failed, 0, "\033[31mEVIL\r\nforged log line");
    }
    sleep(20);
    return 0;
}
