/* floor: the bare reference that jaildaemon is measured against.
 *
 *   floor COMMAND [ARG...]
 *
 * It does what jaildaemon does on a trigger, and nothing else: it forks a
 * child that waits for SIGHUP and then exits with code 74; it waits for that
 * exit on a pidfd, reaps the child, and starts COMMAND the way jaildaemon
 * does (clean environment, cwd /, stdin /dev/null, stdout and stderr kept,
 * its own process group) with posix_spawn, the cheapest way glibc has. Then
 * it waits for the command and forks the next child.
 *
 * Each waiting child's pid is written to stdout, one line each, for the
 * harness to signal. No namespaces, no event loop, no registry, no log: a
 * floor, not a competitor. Dies with its parent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: floor COMMAND [ARG...]\n");
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char *envp[] = {
        "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
        "HOME=/",
        "SHELL=/bin/sh",
        "JAILDAEMON_JAIL=floor",
        "JAILDAEMON_JID=0",
        "JAILDAEMON_TITLE=FLOOR",
        NULL,
    };
    /* Blocked before fork: the child inherits the mask and can never be
     * killed by a SIGHUP that arrives before it waits. */
    sigset_t hup, none;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &hup, NULL);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addchdir_np(&fa, "/");
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);

    for (;;) {
        pid_t child = fork();
        if (child < 0)
            return 1;
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            int sig = 0;
            for (;;)
                if (sigwait(&hup, &sig) == 0 && sig == SIGHUP)
                    _exit(74);
        }
        int pfd = pidfd_open(child);
        if (pfd < 0)
            return 1;
        if (printf("%d\n", (int)child) < 0 || fflush(stdout) != 0)
            return 0; /* the harness went away */
        struct pollfd p = {pfd, POLLIN, 0};
        while (poll(&p, 1, -1) < 0 && errno == EINTR) {
        }
        int st = 0;
        while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
        }
        close(pfd);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 74)
            return 1;
        pid_t cmd;
        int e = posix_spawn(&cmd, argv[1], &fa, &at, argv + 1, envp);
        if (e != 0) {
            fprintf(stderr, "floor: %s: %s\n", argv[1], strerror(e));
            return 1;
        }
        while (waitpid(cmd, &st, 0) < 0 && errno == EINTR) {
        }
    }
}
