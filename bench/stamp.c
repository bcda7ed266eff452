/* stamp: the benchmark's host command. It records when it started.
 *
 *   stamp FIFO
 *
 * The first thing it does is read CLOCK_MONOTONIC (one clock for every
 * process on the machine); then it writes that time, in nanoseconds, as one
 * line to FIFO, which the harness holds open for reading. Built static, so
 * that no dynamic loader runs between exec and the reading of the clock.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (argc < 2)
        return 2;
    int fd = open(argv[1], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 1; /* nobody listening: not our business to wait */
    char line[32];
    int n = snprintf(line, sizeof line, "%lld\n",
                     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    return write(fd, line, (size_t)n) == n ? 0 : 1;
}
