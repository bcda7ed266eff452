/* The jail attacker of tests/e2e/attacker.sh and attacker_watch.sh. Run
 * inside a jail (its pid namespace and /proc).
 *
 *   hammer SECONDS
 *
 * For SECONDS, every process that appears in the jail is first looked at
 * (what /proc/PID/exe is, which descriptors it holds: one line per process
 * on stdout), then attacked, in turn: SIGSTOP, SIGTERM, SIGINT, SIGUSR1,
 * ptrace(PTRACE_ATTACH), SIGHUP (a trigger, which makes a -R probe
 * respawn), or left alone.
 *
 *   hammer watch SECONDS TITLE HOSTFILE SOCKET
 *
 * Spins on /proc/sys/kernel/ns_last_pid and catches every new process of
 * the jail the moment it exists: SIGSTOP (where it may), then reads what
 * /proc gives it of a process whose command line is TITLE (a launch of the
 * -R probe), resumes it and triggers it (SIGHUP: the daemon launches it
 * again). It counts the launches where it saw, of the host:
 *   mounts   a mount table (/proc/PID/mountinfo) other than its own
 *   socket   SOCKET (the daemon's control socket) in /proc/PID/net/unix
 *   hostfile HOSTFILE (hidden from the jail) through /proc/PID/root
 *   caps     a capability outside its own bounding set (/proc/PID/status),
 *            or a user namespace other than its own (/proc/PID/uid_map)
 * and prints one line: "watched N launches: mounts A socket B hostfile C
 * caps D (stopped S)".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* A whole small /proc file into buf; its length, or -1. */
static long slurp(const char* path, char* buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t n;
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = '\0';
    return (long)len;
}

static unsigned long long status_hex(const char* status, const char* key) {
    const char* p = strstr(status, key);
    return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static char own_mounts[1 << 16], own_uidmap[256];
static unsigned long long own_bnd;
static const char *title, *hostfile, *socket_path;
static unsigned long launches, stopped, n_mounts, n_socket, n_hostfile, n_caps;

/* A new process of the jail: catch it, look, let it go and trigger it. */
static void watch_one(int pid) {
    char path[300];
    static char buf[1 << 16];
    int stop = kill(pid, SIGSTOP) == 0;
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    long n = slurp(path, buf, sizeof buf);
    if (n <= 0 || strcmp(buf, title) != 0) {
        if (stop)
            kill(pid, SIGCONT);
        return;
    }
    ++launches;
    stopped += stop;
    snprintf(path, sizeof path, "/proc/%d/mountinfo", pid);
    /* Not the jail's as it is now (someone may mount in the jail meanwhile).
     * Empty: the process is ending and has no mount namespace left. */
    if (slurp(path, buf, sizeof buf) > 0 && strcmp(buf, own_mounts) != 0) {
        static char now_mounts[sizeof own_mounts];
        if (slurp("/proc/self/mountinfo", now_mounts, sizeof now_mounts) > 0)
            memcpy(own_mounts, now_mounts, sizeof own_mounts);
        if (strcmp(buf, own_mounts) != 0) {
            if (!n_mounts && getenv("HAMMER_DEBUG"))
                fprintf(stderr, "--- own\n%s--- pid %d\n%s", own_mounts, pid, buf);
            ++n_mounts;
        }
    }
    snprintf(path, sizeof path, "/proc/%d/net/unix", pid);
    if (slurp(path, buf, sizeof buf) >= 0 && strstr(buf, socket_path))
        ++n_socket;
    snprintf(path, sizeof path, "/proc/%d/root%s", pid, hostfile);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd >= 0) {
        ++n_hostfile;
        close(fd);
    }
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    int caps = 0;
    if (slurp(path, buf, sizeof buf) > 0 &&
        ((status_hex(buf, "CapEff:") | status_hex(buf, "CapPrm:")) & ~own_bnd))
        caps = 1;
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    if (slurp(path, buf, sizeof buf) > 0 && strcmp(buf, own_uidmap) != 0)
        caps = 1;
    n_caps += caps;
    if (stop)
        kill(pid, SIGCONT);
    kill(pid, SIGHUP);
}

static int watch(double seconds) {
    char buf[4096];
    if (slurp("/proc/self/mountinfo", own_mounts, sizeof own_mounts) <= 0 ||
        slurp("/proc/self/uid_map", own_uidmap, sizeof own_uidmap) <= 0 ||
        slurp("/proc/self/status", buf, sizeof buf) <= 0)
        return 1;
    own_bnd = status_hex(buf, "CapBnd:");
    int last_fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
    if (last_fd < 0)
        return 1;
    double until = now() + seconds, sweep = 0;
    long last = -1;
    for (;;) {
        char num[32];
        ssize_t k = pread(last_fd, num, sizeof num - 1, 0);
        if (k <= 0)
            return 1;
        num[k] = '\0';
        long cur = atol(num);
        if (last >= 0 && cur != last) {
            /* Wrapped around: from the bottom. */
            for (long pid = cur > last ? last + 1 : 2; pid <= cur; ++pid)
                if (pid != getpid())
                    watch_one((int)pid);
        }
        last = cur;
        double t = now();
        if (t > until)
            break;
        if (t > sweep) {
            /* A probe that was already up (or one we missed): trigger it. */
            sweep = t + 0.2;
            DIR* d = opendir("/proc");
            struct dirent* e;
            while (d && (e = readdir(d))) {
                int pid = atoi(e->d_name);
                char path[64];
                snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
                if (pid > 0 && slurp(path, buf, sizeof buf) > 0 && strcmp(buf, title) == 0)
                    kill(pid, SIGHUP);
            }
            if (d)
                closedir(d);
        }
    }
    printf("watched %lu launches: mounts %lu socket %lu hostfile %lu caps %lu (stopped %lu)\n",
           launches, n_mounts, n_socket, n_hostfile, n_caps, stopped);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 6 && strcmp(argv[1], "watch") == 0) {
        title = argv[3];
        hostfile = argv[4];
        socket_path = argv[5];
        return watch(atof(argv[2]));
    }
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
