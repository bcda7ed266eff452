/* The jail-root attacker of tests/e2e/attacker.sh. Run inside a jail (its
 * pid namespace and /proc) for a number of seconds: every process that
 * appears in the jail is first looked at (what /proc/PID/exe is, which
 * descriptors it holds: one line per process on stdout), then attacked, in
 * turn: SIGSTOP, SIGTERM, SIGINT, SIGUSR1, ptrace(PTRACE_ATTACH), SIGHUP
 * (a trigger, which makes a -R probe respawn), or left alone.
 *
 *   hammer SECONDS
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXSEEN 65536
static char seen[MAXSEEN];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void look(int pid) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0)
        snprintf(buf, sizeof buf, "?%s", strerror(errno));
    else
        buf[n] = '\0';
    printf("pid %d exe %s fds", pid, buf);
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR* d = opendir(path);
    if (!d) {
        printf(" ?%s\n", strerror(errno));
        return;
    }
    struct dirent* e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char fd[300], target[256];
        snprintf(fd, sizeof fd, "/proc/%d/fd/%s", pid, e->d_name);
        ssize_t m = readlink(fd, target, sizeof target - 1);
        if (m < 0)
            continue;
        target[m] = '\0';
        printf(" %s=%s", e->d_name, target);
    }
    closedir(d);
    printf("\n");
}

static const char* attack(int pid, unsigned turn) {
    switch (turn % 7) {
    case 0:
        kill(pid, SIGSTOP);
        return "SIGSTOP";
    case 1:
        kill(pid, SIGTERM);
        return "SIGTERM";
    case 2:
        kill(pid, SIGINT);
        return "SIGINT";
    case 3:
        kill(pid, SIGUSR1);
        return "SIGUSR1";
    case 4:
        if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) {
            waitpid(pid, NULL, __WALL);
            ptrace(PTRACE_DETACH, pid, 0, 0);
            return "ptrace attached";
        }
        return "ptrace refused";
    case 5:
        kill(pid, SIGHUP);
        return "SIGHUP";
    default:
        return "none";
    }
}

int main(int argc, char** argv) {
    double until = now() + (argc > 1 ? atof(argv[1]) : 10);
    unsigned turn = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* What runs already (init, our shell, us) is not attacked. */
    for (int first = 1;; first = 0) {
        DIR* d = opendir("/proc");
        if (!d)
            return 1;
        struct dirent* e;
        while ((e = readdir(d))) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid >= MAXSEEN || seen[pid])
                continue;
            seen[pid] = 1;
            if (first || pid == getpid())
                continue;
            look(pid);
            printf("pid %d attack %s\n", pid, attack(pid, turn++));
        }
        closedir(d);
        if (now() > until)
            return 0;
    }
}
