/* A jail that holds up every launch into it, for tests/e2e/fair_launch.sh.
 * Run inside a jail (its pid namespace and /proc) as its root: for SECONDS,
 * every process that appears in the jail is stopped (SIGSTOP) the moment
 * its pid is handed out (/proc/sys/kernel/ns_last_pid), and every 100 ms
 * each process whose command line starts with PREFIX and is not stopped
 * gets SIGHUP (a trigger: a -R probe respawns, into the stall). At the end
 * it prints how many processes it stopped.
 *
 *   stall SECONDS PREFIX
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXPENDING 4096

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long last_pid(void) {
    char buf[32];
    FILE* f = fopen("/proc/sys/kernel/ns_last_pid", "r");
    if (!f)
        return -1;
    long v = fgets(buf, sizeof buf, f) ? strtol(buf, NULL, 10) : -1;
    fclose(f);
    return v;
}

/* SIGHUP to every running (not stopped) process whose argv[0] starts with
 * prefix. */
static void trigger(const char* prefix) {
    DIR* d = opendir("/proc");
    if (!d)
        return;
    struct dirent* e;
    while ((e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 1 || pid == getpid())
            continue;
        char path[64], buf[256];
        snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
        FILE* f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        if (strncmp(buf, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof path, "/proc/%d/stat", pid);
        f = fopen(path, "r");
        if (!f)
            continue;
        char state = '?';
        /* pid (comm) state: comm is the title here, without ')' */
        if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
            state = '?';
        fclose(f);
        if (state != 'T')
            kill(pid, SIGHUP);
    }
    closedir(d);
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: stall SECONDS PREFIX\n");
        return 64;
    }
    double end = now() + atof(argv[1]);
    const char* prefix = argv[2];
    long seen = last_pid();
    if (seen < 0) {
        perror("stall: /proc/sys/kernel/ns_last_pid");
        return 71;
    }
    /* A pid is handed out before its process can be signalled: keep
     * trying each for a while. */
    long pending[MAXPENDING];
    double since[MAXPENDING];
    int npending = 0;
    long stopped = 0;
    double next_trigger = 0;
    while (now() < end) {
        long last = last_pid();
        for (long pid = seen + 1; pid <= last && npending < MAXPENDING; ++pid) {
            pending[npending] = pid;
            since[npending++] = now();
        }
        if (last > seen)
            seen = last;
        for (int i = 0; i < npending;) {
            int r = kill((pid_t)pending[i], SIGSTOP);
            if (r == 0)
                ++stopped;
            if (r == 0 || now() - since[i] > 0.05) {
                pending[i] = pending[npending - 1];
                since[i] = since[--npending];
            } else {
                ++i;
            }
        }
        if (now() >= next_trigger) {
            trigger(prefix);
            next_trigger = now() + 0.1;
        }
    }
    printf("%ld\n", stopped);
    return 0;
}
