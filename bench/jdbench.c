/* jdbench: the measuring side of bench/run.sh.
 *
 *   jdbench latency  -o OUT -n ROUNDS [-w WARMUP] [-g GAP_MS] [-e K] -d FIFODIR
 *                    [-F FLOOR,STAMP] [-J SOCK,JAIL,TITLE[,NAME]]... [-H PORT,PATH]
 *                    [-s "SSH ARGV"] [-m "SSH ARGV"]
 *       Trigger -> command started, every contender once per round, in an
 *       order that rotates from round to round. t0 is read just before the
 *       trigger leaves the harness (kill(2), send(2) of the HTTP request,
 *       posix_spawn(3) of the ssh client); t1 is what the command (stamp)
 *       read as the first thing in main(). Writes "NAME<TAB>ROUND<TAB>NS".
 *       Each contender's command writes to FIFODIR/NAME.fifo (ssh-mux: ssh).
 *       The ssh contenders take part in every K-th round only (-e K).
 *   jdbench register -f SOCK -c COMMAND -o OUT -p PER_JAIL [-r RESPAWN]
 *                    [-t PREFIX] [-x] [-C CLIENT] [-N NAME] [-R] [-T SECONDS] LEADER...
 *       Registers PER_JAIL probes in each jail (pid:LEADER), one request at
 *       a time, straight on the control socket (or, with -C, by running the
 *       jaildaemon client). Records each round trip. With -x each probe is
 *       also timed until it is ready for SIGHUP, and then removed again.
 *       -R: round robin (title i in every jail, then i+1); -T: stop
 *       registering after SECONDS.
 *   jdbench stats [-c CDFDIR] FILE...
 *       Count, min, median, p90, p99, max per name (microseconds), and the
 *       ratios of median and p90 to those of "floor".
 *   jdbench idle PID SECONDS
 *       Context switches of PID (all its threads) and of all its children
 *       over SECONDS, and the CPU time they used.
 *   jdbench mem PID
 *       RSS and PSS of PID and the sum over its children.
 *
 * Loopback and local sockets only; every wait is bounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TRIAL_TIMEOUT_MS 10000

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("jdbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/* Wait up to ms for pid to end; kill it if it does not. */
static int reap(pid_t pid, int ms) {
    int st = 0, fd = pidfd_open(pid);
    if (fd >= 0) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, ms) != 1)
            kill(pid, SIGKILL);
        close(fd);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return st;
}

/* Split s on spaces into a NULL-terminated argv (s is modified). */
static char **split(char *s) {
    size_t n = 0, cap = 8;
    char **v = malloc(cap * sizeof *v);
    for (char *t = strtok(s, " "); t; t = strtok(NULL, " ")) {
        if (n + 2 > cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[n++] = t;
    }
    v[n] = NULL;
    return v;
}

static pid_t spawn_quiet(char **argv, int out_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0)
        die("cannot start %s: %s", argv[0], strerror(e));
    return pid;
}

/* ---- the stamp FIFOs ---------------------------------------------------- */

static int open_fifo(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.fifo", dir, name);
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        die("open %s: %s", path, strerror(errno));
    return fd;
}

static void drain(int fd) {
    char buf[512];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

/* The next stamp line; 0 on timeout. */
static int64_t wait_stamp(int fd, int ms) {
    char buf[64];
    size_t got = 0;
    int64_t end = now_ns() + (int64_t)ms * 1000000;
    for (;;) {
        int left = (int)((end - now_ns()) / 1000000);
        if (left < 0)
            return 0;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left) != 1)
            continue;
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            continue;
        got += (size_t)n;
        buf[got] = '\0';
        char *nl = strchr(buf, '\n');
        if (nl)
            return strtoll(buf, NULL, 10);
        if (got == sizeof buf - 1)
            return 0;
    }
}

/* ---- jaildaemon's control socket --------------------------------------- */

/* One request, one reply line. Returns the reply (malloc'd) or NULL. */
static char *jd_call(const char *sock, const char *req, int64_t *rtt) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    int64_t t0 = now_ns();
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t len = strlen(req), sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            close(fd);
            return NULL;
        }
        sent += (size_t)n;
    }
    size_t cap = 65536, got = 0;
    char *buf = malloc(cap);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, TRIAL_TIMEOUT_MS) != 1)
            break;
        if (got + 4096 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = recv(fd, buf + got, cap - got - 1, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (buf[got - 1] == '\n')
            break;
    }
    if (rtt)
        *rtt = now_ns() - t0;
    close(fd);
    buf[got] = '\0';
    if (got == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void json_str(char *out, size_t cap, const char *s) {
    size_t o = 0;
    out[o++] = '"';
    for (; *s && o + 8 < cap; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

static long json_num_after(const char *from, const char *key) {
    const char *p = strstr(from, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Host pid of the probe titled title in jail, when it is waiting; else 0. */
static pid_t jd_probe_pid(const char *sock, const char *jail, const char *title) {
    char req[1024], j[600], t[600], key[700];
    json_str(j, sizeof j, jail);
    json_str(t, sizeof t, title);
    snprintf(req, sizeof req, "{\"op\":\"list\",\"jail\":%s}\n", j);
    char *reply = jd_call(sock, req, NULL);
    if (!reply)
        return 0;
    snprintf(key, sizeof key, "\"title\":%s,", t);
    pid_t pid = 0;
    char *at = strstr(reply, key);
    if (at) {
        char *end = strchr(at, '}');
        if (end)
            *end = '\0';
        if (strstr(at, "\"state\":\"waiting\""))
            pid = (pid_t)json_num_after(at, "\"pid\":");
    }
    free(reply);
    return pid > 0 ? pid : 0;
}

/* A probe is ready when SIGHUP can no longer kill it: it has blocked
 * SIGHUP, or it sleeps in sigwait (which unblocks the signals it waits for
 * while it waits, so SigBlk reads 0 then). */
static int probe_ready(pid_t pid) {
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            if (isdigit((unsigned char)buf[0]) && atol(buf) == SYS_rt_sigtimedwait)
                return 1;
        }
    }
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *b = strstr(buf, "\nSigBlk:\t");
    if (!b)
        return 0;
    unsigned long long mask = strtoull(b + 9, NULL, 16);
    return (mask & (1ULL << (SIGHUP - 1))) != 0;
}

/* ---- webhook over one kept-alive HTTP/1.1 connection ------------------- */

static int tcp_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read one HTTP response (headers and Content-Length body). 0 when whole. */
static int http_response(int fd) {
    char buf[8192];
    size_t got = 0;
    long body = -1;
    size_t head = 0;
    int64_t end = now_ns() + (int64_t)TRIAL_TIMEOUT_MS * 1000000;
    for (;;) {
        if (head && got >= head + (size_t)body)
            return got == head + (size_t)body ? 0 : -1;
        int left = (int)((end - now_ns()) / 1000000);
        struct pollfd p = {fd, POLLIN, 0};
        if (left < 0 || poll(&p, 1, left) != 1)
            return -1;
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
        buf[got] = '\0';
        if (!head) {
            char *e = strstr(buf, "\r\n\r\n");
            if (e) {
                head = (size_t)(e + 4 - buf);
                char *cl = strcasestr(buf, "\r\nContent-Length:");
                body = cl ? strtol(cl + 17, NULL, 10) : 0;
                if (strncmp(buf, "HTTP/1.1 200", 12) != 0)
                    return -1;
            }
        }
        if (got == sizeof buf - 1)
            return -1;
    }
}

/* ---- latency ------------------------------------------------------------ */

enum kind { FLOOR, JD, WEBHOOK, SSH };

struct contender {
    const char *name;
    enum kind kind;
    int fifo;
    int fails, consecutive;
    /* floor */
    pid_t floor_pid;
    FILE *floor_out;
    /* jaildaemon */
    char *sock, *jail, *title;
    /* webhook */
    int port, conn;
    char *path;
    /* ssh */
    char **argv;
};

/* One trial; the latency in ns, or -1. */
static int64_t trial(struct contender *c) {
    int64_t t0 = 0, t1 = 0;
    drain(c->fifo);
    if (c->kind == FLOOR) {
        char line[32];
        struct pollfd p = {fileno(c->floor_out), POLLIN, 0};
        if (poll(&p, 1, TRIAL_TIMEOUT_MS) != 1 || !fgets(line, sizeof line, c->floor_out))
            return -1;
        pid_t pid = (pid_t)atoi(line);
        t0 = now_ns();
        if (kill(pid, SIGHUP) != 0)
            return -1;
        t1 = wait_stamp(c->fifo, TRIAL_TIMEOUT_MS);
    } else if (c->kind == JD) {
        pid_t pid = 0;
        int64_t end = now_ns() + (int64_t)TRIAL_TIMEOUT_MS * 1000000;
        while (now_ns() < end) {
            pid = jd_probe_pid(c->sock, c->jail, c->title);
            if (pid && probe_ready(pid))
                break;
            pid = 0;
            sleep_ms(2);
        }
        if (!pid)
            return -1;
        t0 = now_ns();
        if (kill(pid, SIGHUP) != 0)
            return -1;
        t1 = wait_stamp(c->fifo, TRIAL_TIMEOUT_MS);
    } else if (c->kind == WEBHOOK) {
        if (c->conn < 0 && (c->conn = tcp_connect(c->port)) < 0)
            return -1;
        char req[512];
        int n = snprintf(req, sizeof req,
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
                         c->path);
        t0 = now_ns();
        if (send(c->conn, req, (size_t)n, MSG_NOSIGNAL) != n) {
            close(c->conn);
            c->conn = -1;
            return -1;
        }
        t1 = wait_stamp(c->fifo, TRIAL_TIMEOUT_MS);
        if (http_response(c->conn) != 0) {
            close(c->conn);
            c->conn = -1; /* reconnect, untimed, next round */
        }
    } else {
        t0 = now_ns();
        pid_t pid = spawn_quiet(c->argv, -1);
        t1 = wait_stamp(c->fifo, TRIAL_TIMEOUT_MS);
        int st = reap(pid, TRIAL_TIMEOUT_MS);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return -1;
    }
    return t1 > 0 ? t1 - t0 : -1;
}

static int cmd_latency(int argc, char **argv) {
    const char *out = NULL, *dir = NULL;
    int rounds = 0, warmup = 10, gap = 5, ssh_every = 1;
    struct contender cs[8];
    int nc = 0;
    int o;
    while ((o = getopt(argc, argv, "o:n:w:g:d:e:F:J:H:s:m:")) != -1) {
        struct contender *c = &cs[nc];
        memset(c, 0, sizeof *c);
        c->conn = -1;
        char *a = optarg;
        switch (o) {
        case 'o': out = a; continue;
        case 'n': rounds = atoi(a); continue;
        case 'w': warmup = atoi(a); continue;
        case 'g': gap = atoi(a); continue;
        case 'e': ssh_every = atoi(a) > 0 ? atoi(a) : 1; continue;
        case 'd': dir = a; continue;
        case 'F': {
            c->name = "floor";
            c->kind = FLOOR;
            char *floor_bin = strtok(a, ","), *stamp = strtok(NULL, ",");
            if (!floor_bin || !stamp)
                die("-F FLOOR,STAMP");
            c->argv = malloc(4 * sizeof(char *));
            c->argv[0] = floor_bin;
            c->argv[1] = stamp;
            c->argv[2] = NULL; /* fifo path filled in below */
            break;
        }
        case 'J': {
            c->kind = JD;
            c->sock = strtok(a, ",");
            c->jail = strtok(NULL, ",");
            c->title = strtok(NULL, ",");
            char *name = strtok(NULL, ",");
            c->name = name ? name : "jaildaemon";
            if (!c->title)
                die("-J SOCK,JAIL,TITLE[,NAME]");
            break;
        }
        case 'H':
            c->name = "webhook";
            c->kind = WEBHOOK;
            c->port = atoi(strtok(a, ","));
            c->path = strtok(NULL, ",");
            if (!c->path)
                die("-H PORT,PATH");
            break;
        case 's':
        case 'm':
            c->name = o == 's' ? "ssh" : "ssh-mux";
            c->kind = SSH;
            c->argv = split(a);
            break;
        default:
            return 2;
        }
        if (++nc == 8)
            die("too many contenders");
    }
    if (!out || !dir || rounds <= 0 || nc == 0)
        die("latency: -o OUT -d FIFODIR -n ROUNDS and at least one contender");
    for (int i = 0; i < nc; ++i) {
        struct contender *c = &cs[i];
        /* ssh and ssh-mux share the forced command, and its FIFO */
        c->fifo = open_fifo(dir, c->kind == SSH ? "ssh" : c->name);
        if (c->kind == FLOOR) {
            char *path = malloc(4096);
            snprintf(path, 4096, "%s/floor.fifo", dir);
            c->argv[2] = path;
            c->argv[3] = NULL;
            int p[2];
            if (pipe2(p, O_CLOEXEC) != 0)
                die("pipe");
            c->floor_pid = spawn_quiet(c->argv, p[1]);
            close(p[1]);
            c->floor_out = fdopen(p[0], "r");
        }
    }
    FILE *f = fopen(out, "w");
    if (!f)
        die("%s: %s", out, strerror(errno));
    int total = warmup + rounds;
    for (int r = 0; r < total; ++r) {
        for (int k = 0; k < nc; ++k) {
            struct contender *c = &cs[(r + k) % nc];
            if (c->consecutive >= 5)
                continue; /* broken: reported, not retried forever */
            if (c->kind == SSH && r % ssh_every != 0)
                continue; /* slow: sampled in every ssh_every-th round only */
            int64_t ns = trial(c);
            if (ns < 0) {
                ++c->fails;
                ++c->consecutive;
                fprintf(stderr, "jdbench: %s: round %d failed\n", c->name, r);
            } else {
                c->consecutive = 0;
            }
            if (r >= warmup)
                fprintf(f, "%s\t%d\t%lld\n", c->name, r - warmup, (long long)ns);
            sleep_ms(gap);
        }
    }
    fclose(f);
    int bad = 0;
    for (int i = 0; i < nc; ++i) {
        struct contender *c = &cs[i];
        if (c->kind == FLOOR) {
            kill(c->floor_pid, SIGKILL);
            reap(c->floor_pid, 1000);
        }
        if (c->fails)
            fprintf(stderr, "jdbench: %s: %d of %d trials failed\n", c->name, c->fails, total);
        if (c->consecutive >= 5)
            bad = 1;
    }
    return bad;
}

/* ---- registration ------------------------------------------------------- */

static int cmd_register(int argc, char **argv) {
    const char *sock = NULL, *command = NULL, *out = NULL, *respawn = "after",
               *prefix = "P", *client = NULL, *label = NULL;
    int per_jail = 1, once = 0, rr = 0, o;
    double budget = 0;
    while ((o = getopt(argc, argv, "f:c:o:p:r:t:xC:N:RT:")) != -1) {
        switch (o) {
        case 'R': rr = 1; break;
        case 'T': budget = atof(optarg); break;
        case 'N': label = optarg; break;
        case 'f': sock = optarg; break;
        case 'c': command = optarg; break;
        case 'o': out = optarg; break;
        case 'p': per_jail = atoi(optarg); break;
        case 'r': respawn = optarg; break;
        case 't': prefix = optarg; break;
        case 'x': once = 1; break;
        case 'C': client = optarg; break;
        default: return 2;
        }
    }
    if (!sock || !command || !out || optind >= argc)
        die("register: -f SOCK -c COMMAND -o OUT LEADER...");
    FILE *f = fopen(out, "w");
    if (!f)
        die("%s: %s", out, strerror(errno));
    char cmd[8192], jail[64], title[256], tj[300], tt[300], req[16384];
    json_str(cmd, sizeof cmd, command);
    int64_t start = now_ns();
    long n = 0, fails = 0;
    const char *name = label ? label : client ? "register-cli" : "register";
    int jails = argc - optind;
    long total = (long)jails * per_jail;
    int out_of_time = 0;
    for (long k = 0; k < total; ++k, ++n) {
        if (budget > 0 && (double)(now_ns() - start) / 1e9 > budget) {
            out_of_time = 1;
            break;
        }
        {
            /* jail by jail, or (-R) round robin: title i in every jail, then i+1 */
            int j = optind + (int)(rr ? k % jails : k / per_jail);
            snprintf(jail, sizeof jail, "pid:%s", argv[j]);
            snprintf(title, sizeof title, "%s%ld", prefix, rr ? k / jails : n);
            json_str(tj, sizeof tj, jail);
            json_str(tt, sizeof tt, title);
            int64_t rtt = -1, ready = -1;
            pid_t pid = 0;
            long id = 0;
            if (client) {
                const char *flag = strcmp(respawn, "after") == 0 ? "-r"
                                   : strcmp(respawn, "now") == 0 ? "-R"
                                                                  : NULL;
                char *av[] = {(char *)client, "-c", (char *)command, "-j", jail, "-t", title,
                              "-f", (char *)sock, (char *)flag, NULL};
                int64_t t0 = now_ns();
                pid_t c = spawn_quiet(av, -1);
                int st = reap(c, TRIAL_TIMEOUT_MS);
                if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                    rtt = now_ns() - t0;
            } else {
                snprintf(req, sizeof req,
                         "{\"op\":\"add\",\"jail\":%s,\"command\":%s,\"title\":%s,"
                         "\"respawn\":\"%s\"}\n",
                         tj, cmd, tt, respawn);
                int64_t t0 = now_ns(), r;
                char *reply = jd_call(sock, req, &r);
                if (reply && strstr(reply, "\"ok\":true")) {
                    rtt = r;
                    id = json_num_after(reply, "\"id\":");
                    if (once) {
                        /* the reply says the probe exec'd; now until it waits */
                        pid = jd_probe_pid(sock, jail, title);
                        int64_t end = t0 + (int64_t)TRIAL_TIMEOUT_MS * 1000000;
                        while (pid && !probe_ready(pid) && now_ns() < end) {
                        }
                        if (pid && probe_ready(pid))
                            ready = now_ns() - t0;
                    }
                } else if (reply) {
                    fprintf(stderr, "jdbench: register %s %s: %s", jail, title, reply);
                }
                free(reply);
            }
            if (rtt < 0)
                ++fails;
            fprintf(f, "%s\t%ld\t%lld\n", name, n, (long long)rtt);
            if (once && ready >= 0)
                fprintf(f, "%s-ready\t%ld\t%lld\n", name, n, (long long)ready);
            if (once) {
                if (id > 0)
                    snprintf(req, sizeof req, "{\"op\":\"remove\",\"id\":%ld}\n", id);
                else
                    snprintf(req, sizeof req, "{\"op\":\"remove\",\"jail\":%s,\"title\":%s}\n",
                             tj, tt);
                free(jd_call(sock, req, NULL));
            }
        }
    }
    fclose(f);
    double secs = (double)(now_ns() - start) / 1e9;
    printf("registered=%ld failed=%ld seconds=%.3f wanted=%ld out_of_time=%d\n", n - fails, fails,
           secs, total, out_of_time);
    return fails ? 1 : 0;
}

/* ---- stats -------------------------------------------------------------- */

struct series {
    char name[64];
    int64_t *v;
    size_t n, cap;
    long fails;
};

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted series. */
static double pct(const struct series *s, double p) {
    if (s->n == 0)
        return 0;
    size_t k = (size_t)((p / 100.0) * (double)s->n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > s->n)
        k = s->n;
    return (double)s->v[k - 1] / 1000.0;
}

static int cmd_stats(int argc, char **argv) {
    const char *cdf = NULL;
    int o;
    while ((o = getopt(argc, argv, "c:")) != -1) {
        if (o == 'c')
            cdf = optarg;
        else
            return 2;
    }
    struct series ss[32];
    size_t ns = 0;
    for (int i = optind; i < argc; ++i) {
        FILE *f = fopen(argv[i], "r");
        if (!f)
            die("%s: %s", argv[i], strerror(errno));
        char name[64];
        long round;
        long long v;
        while (fscanf(f, "%63s %ld %lld", name, &round, &v) == 3) {
            size_t k = 0;
            while (k < ns && strcmp(ss[k].name, name) != 0)
                ++k;
            if (k == ns) {
                if (ns == 32)
                    die("too many series");
                memset(&ss[ns], 0, sizeof ss[ns]);
                snprintf(ss[ns].name, sizeof ss[ns].name, "%s", name);
                ++ns;
            }
            struct series *s = &ss[k];
            if (v < 0) {
                ++s->fails;
                continue;
            }
            if (s->n == s->cap)
                s->v = realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 256) * sizeof *s->v);
            s->v[s->n++] = v;
        }
        fclose(f);
    }
    double fmed = 0, fp90 = 0;
    for (size_t k = 0; k < ns; ++k) {
        qsort(ss[k].v, ss[k].n, sizeof *ss[k].v, cmp64);
        if (strcmp(ss[k].name, "floor") == 0) {
            fmed = pct(&ss[k], 50);
            fp90 = pct(&ss[k], 90);
        }
    }
    printf("name\tn\tfailed\tmin_us\tmedian_us\tp90_us\tp99_us\tmax_us\tmedian_x_floor\tp90_x_floor\n");
    for (size_t k = 0; k < ns; ++k) {
        struct series *s = &ss[k];
        if (s->n == 0) {
            printf("%s\t0\t%ld\t-\t-\t-\t-\t-\t-\t-\n", s->name, s->fails);
            continue;
        }
        double med = pct(s, 50), p90 = pct(s, 90);
        printf("%s\t%zu\t%ld\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f", s->name, s->n, s->fails,
               (double)s->v[0] / 1000.0, med, p90, pct(s, 99), (double)s->v[s->n - 1] / 1000.0);
        if (fmed > 0)
            printf("\t%.2f\t%.2f\n", med / fmed, p90 / fp90);
        else
            printf("\t-\t-\n");
        if (cdf) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.cdf", cdf, s->name);
            FILE *f = fopen(path, "w");
            if (!f)
                die("%s: %s", path, strerror(errno));
            for (size_t i = 0; i < s->n; ++i)
                fprintf(f, "%.4f\t%.5f\n", (double)s->v[i] / 1e6, (double)(i + 1) / (double)s->n);
            fclose(f);
        }
    }
    return 0;
}

/* ---- idle and memory ---------------------------------------------------- */

/* Fields of /proc/PID/stat after the command name: index 0 is the state. */
static int proc_stat(pid_t pid, long long *ppid, long long *ticks) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    long long v[16] = {0};
    int i = 0;
    for (char *t = strtok(p + 2, " "); t && i < 16; t = strtok(NULL, " "), ++i)
        v[i] = i == 0 ? 0 : atoll(t);
    *ppid = v[1];
    *ticks = v[11] + v[12]; /* utime + stime */
    return 0;
}

static long long status_field(const char *path, const char *key) {
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strstr(buf, key);
    return p ? atoll(p + strlen(key)) : -1;
}

/* Context switches of all threads of pid. */
static long long ctxsw(pid_t pid) {
    char dir[64], path[512];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    long long sum = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/status", dir, e->d_name);
        long long a = status_field(path, "\nvoluntary_ctxt_switches:");
        long long b = status_field(path, "\nnonvoluntary_ctxt_switches:");
        if (a >= 0 && b >= 0)
            sum += a + b;
    }
    closedir(d);
    return sum;
}

static size_t children(pid_t parent, pid_t **out) {
    size_t n = 0, cap = 1024;
    pid_t *v = malloc(cap * sizeof *v);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        long long pp, t;
        if (proc_stat(pid, &pp, &t) == 0 && pp == parent) {
            if (n == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[n++] = pid;
        }
    }
    closedir(d);
    *out = v;
    return n;
}

static int cmd_idle(int argc, char **argv) {
    if (argc < 3)
        die("idle PID SECONDS");
    pid_t pid = (pid_t)atoi(argv[1]);
    int secs = atoi(argv[2]);
    pid_t *kids;
    size_t nk = children(pid, &kids);
    long long pp, t0, t1, k0 = 0, k1 = 0, kt0 = 0, kt1 = 0, t;
    long long d0 = ctxsw(pid);
    proc_stat(pid, &pp, &t0);
    for (size_t i = 0; i < nk; ++i) {
        long long c = ctxsw(kids[i]);
        k0 += c > 0 ? c : 0;
        if (proc_stat(kids[i], &pp, &t) == 0)
            kt0 += t;
    }
    sleep_ms(secs * 1000);
    long long d1 = ctxsw(pid);
    proc_stat(pid, &pp, &t1);
    size_t alive = 0;
    for (size_t i = 0; i < nk; ++i) {
        long long c = ctxsw(kids[i]);
        if (c < 0)
            continue;
        ++alive;
        k1 += c;
        if (proc_stat(kids[i], &pp, &t) == 0)
            kt1 += t;
    }
    printf("seconds=%d daemon_wakeups=%lld daemon_cpu_ticks=%lld probes=%zu probes_alive=%zu "
           "probe_wakeups=%lld probe_cpu_ticks=%lld\n",
           secs, d1 - d0, t1 - t0, nk, alive, k1 - k0, kt1 - kt0);
    return 0;
}

static long long kib(pid_t pid, const char *file, const char *key) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    return status_field(path, key);
}

static int cmd_mem(int argc, char **argv) {
    if (argc < 2)
        die("mem PID");
    pid_t pid = (pid_t)atoi(argv[1]);
    pid_t *kids;
    size_t nk = children(pid, &kids);
    long long rss = 0, pss = 0, one_rss = -1, one_pss = -1;
    for (size_t i = 0; i < nk; ++i) {
        long long r = kib(kids[i], "status", "\nVmRSS:");
        long long p = kib(kids[i], "smaps_rollup", "\nPss:");
        if (r < 0 || p < 0)
            continue;
        rss += r;
        pss += p;
        if (one_rss < 0) {
            one_rss = r;
            one_pss = p;
        }
    }
    printf("rss_kib=%lld pss_kib=%lld children=%zu children_rss_kib=%lld children_pss_kib=%lld "
           "child_rss_kib=%lld child_pss_kib=%lld\n",
           kib(pid, "status", "\nVmRSS:"), kib(pid, "smaps_rollup", "\nPss:"), nk, rss, pss,
           one_rss, one_pss);
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        die("usage: jdbench latency|register|stats|idle|mem ...");
    const char *c = argv[1];
    if (strcmp(c, "latency") == 0)
        return cmd_latency(argc - 1, argv + 1);
    if (strcmp(c, "register") == 0)
        return cmd_register(argc - 1, argv + 1);
    if (strcmp(c, "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(c, "idle") == 0)
        return cmd_idle(argc - 1, argv + 1);
    if (strcmp(c, "mem") == 0)
        return cmd_mem(argc - 1, argv + 1);
    die("unknown command %s", c);
}
