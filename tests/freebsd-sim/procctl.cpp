// FREEBSD SIMULATION, tests only (README.md here): procctl(2) for the
// calling process, as sys/kern/kern_procctl.c and procctl(2) describe it,
// over prctl(2); getppid(2) and syscall(2) as a FreeBSD process sees them.
#include "sim.hpp"

#include <sys/jail.h>
#include <sys/procctl.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

int fail(int e) {
    errno = e;
    return -1;
}

// Is somebody ptrace(2)-ing us? (P_TRACED)
bool traced() {
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char* t = std::strstr(buf, "TracerPid:");
    return t != nullptr && std::atoi(t + 10) != 0;
}

// The parent of each process, from /proc/PID/stat (the field after the
// command name, which may hold spaces and parentheses: read from the last
// ')').
std::map<pid_t, pid_t> parents() {
    std::map<pid_t, pid_t> out;
    DIR* d = opendir("/proc");
    if (d == nullptr)
        return out;
    while (dirent* e = readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        char path[64], buf[1024];
        std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        const char* rp = std::strrchr(buf, ')');
        char state = 0;
        int ppid = 0;
        if (rp != nullptr && std::sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && state != 'Z')
            out[pid_t(pid)] = pid_t(ppid);
    }
    closedir(d);
    return out;
}

// A process's P_TREE_REAPER, which Linux shows to nobody else
// (PR_GET_CHILD_SUBREAPER answers for the caller only): while a process is
// a reaper, the file ROOT/reapers/PID-START exists (START: field 22 of its
// /proc/PID/stat, so that a reused pid is no reaper). Built and written
// with system calls and stack buffers only: PROC_REAP_ACQUIRE runs in the
// vfork(2) child of freebsd/command_spawn.cpp, which borrows the daemon's
// memory. The record outlives the process: its start time tells.
struct Path {
    char buf[512];
    size_t n = 0;
    void add(const char* s) {
        while (*s != '\0' && n + 1 < sizeof buf)
            buf[n++] = *s++;
        buf[n] = '\0';
    }
    void add(unsigned long long v) {
        char d[24];
        int i = 0;
        do
            d[i++] = char('0' + v % 10);
        while ((v /= 10) != 0 && i < 24);
        while (i > 0 && n + 1 < sizeof buf)
            buf[n++] = d[--i];
        buf[n] = '\0';
    }
};

// Field 22 (start time) of /proc/PID/stat (pid 0: our own), 0 when gone;
// *state gets field 3 when asked.
unsigned long long start_of(pid_t pid, char* state = nullptr) {
    Path p;
    p.add("/proc/");
    if (pid == 0)
        p.add("self");
    else
        p.add((unsigned long long)pid);
    p.add("/stat");
    char buf[1024];
    int fd = open(p.buf, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    const char* f = nullptr;
    for (const char* c = buf; *c != '\0'; ++c)
        if (*c == ')')
            f = c;
    if (f == nullptr)
        return 0;
    if (state != nullptr && f[1] == ' ')
        *state = f[2];
    // After ") ": field 3; then 19 more spaces to field 22.
    for (int field = 2; field < 22 && f != nullptr; ++field) {
        while (*f != '\0' && *f != ' ')
            ++f;
        if (*f == '\0')
            return 0;
        ++f;
    }
    unsigned long long v = 0;
    while (*f >= '0' && *f <= '9')
        v = v * 10 + unsigned(*f++ - '0');
    return v;
}

Path reaper_record(pid_t pid, unsigned long long start) {
    Path p;
    const char* r = getenv("FBSDSIM_ROOT");
    p.add(r != nullptr && *r != '\0' ? r : "/run/jaildaemon-fbsdsim");
    p.add("/reapers/");
    p.add((unsigned long long)pid);
    p.add("-");
    p.add(start);
    return p;
}

// Record (or drop) the caller as a reaper.
void record_reaper(bool on) {
    Path dir;
    const char* r = getenv("FBSDSIM_ROOT");
    dir.add(r != nullptr && *r != '\0' ? r : "/run/jaildaemon-fbsdsim");
    mkdir(dir.buf, 0755);
    dir.add("/reapers");
    mkdir(dir.buf, 0755);
    Path rec = reaper_record(getpid(), start_of(0));
    if (!on) {
        unlink(rec.buf);
        return;
    }
    int fd = open(rec.buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
}

// Records of processes that are gone, or whose pid is another process's
// now (its start time differs): removed. Not in the vfork child.
void sweep_reapers() {
    const char* r = getenv("FBSDSIM_ROOT");
    std::string dir =
        std::string(r != nullptr && *r != '\0' ? r : "/run/jaildaemon-fbsdsim") + "/reapers";
    DIR* d = opendir(dir.c_str());
    if (d == nullptr)
        return;
    while (struct dirent* e = readdir(d)) {
        unsigned long pid = 0;
        unsigned long long start = 0;
        if (std::sscanf(e->d_name, "%lu-%llu", &pid, &start) == 2 && start_of(pid_t(pid)) != start)
            unlink((dir + "/" + e->d_name).c_str());
    }
    closedir(d);
}

bool is_reaper(pid_t pid) {
    unsigned long long start = start_of(pid);
    return start != 0 && access(reaper_record(pid, start).buf, F_OK) == 0;
}

// PROC_REAP_STATUS (kern_procctl.c reap_status): REAPER_STATUS_OWNED when
// pid is a reaper itself. Its reaper otherwise is not simulated: init
// (REAPER_STATUS_REALINIT). Children and descendants are not counted.
int reap_status(pid_t pid, procctl_reaper_status* rs) {
    // kern_procctl.c: a P_PID is looked up with pfind(), which skips
    // zombies.
    char st = 0;
    if (start_of(pid, &st) == 0 || st == 'Z')
        return fail(ESRCH);
    sweep_reapers();
    *rs = procctl_reaper_status{};
    if (is_reaper(pid)) {
        rs->rs_flags = REAPER_STATUS_OWNED;
        rs->rs_reaper = pid;
    } else {
        rs->rs_flags = REAPER_STATUS_REALINIT;
        rs->rs_reaper = 1;
    }
    rs->rs_pid = -1;
    return 0;
}

// PROC_REAP_KILL on a reaper (kern_procctl.c reap_kill, flags 0: the whole
// subtree): every live descendant of the reaper gets rk_sig, the reaper
// itself does not; rk_killed counts them, rk_fpid is the first that could
// not be signalled; ESRCH when none was. On Linux the reaper is a child
// subreaper (PROC_REAP_ACQUIRE below), so its orphans are still its
// descendants by parent pid, as they are on FreeBSD by p_reaper.
int reap_kill(pid_t reaper, procctl_reaper_kill* rk) {
    if (rk->rk_sig <= 0 || rk->rk_sig > 128 || rk->rk_sig >= NSIG ||
        (rk->rk_flags & ~unsigned(REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE)) != 0 ||
        rk->rk_flags == (REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE))
        return fail(EINVAL);
    if (rk->rk_flags != 0)
        return fail(EINVAL); // REAPER_KILL_CHILDREN/SUBTREE: not simulated
    std::map<pid_t, pid_t> pp = parents();
    if (pp.find(reaper) == pp.end())
        return fail(ESRCH);
    // FreeBSD acts on the process's own reaper when it is none: for a
    // child of the daemon, init, and so every process of the system. The
    // simulation cannot do that and must not let it pass: the caller dies
    // (SIGABRT), so that a test sees it.
    if (!is_reaper(reaper)) {
        static const char m[] = "fbsdsim: PROC_REAP_KILL on a process that is no reaper: FreeBSD "
                                "would signal every descendant of its reaper (init: all)\n";
        (void)write(STDERR_FILENO, m, sizeof m - 1);
        abort();
    }
    std::vector<pid_t> todo{reaper};
    rk->rk_killed = 0;
    rk->rk_fpid = -1;
    int error = ESRCH;
    while (!todo.empty()) {
        pid_t p = todo.back();
        todo.pop_back();
        for (const auto& [child, parent] : pp) {
            if (parent != p)
                continue;
            todo.push_back(child);
            if (kill(child, rk->rk_sig) == 0) {
                rk->rk_killed++;
                error = 0;
            } else if (rk->rk_fpid == -1) {
                rk->rk_fpid = child;
                error = errno;
            }
        }
    }
    return error == 0 ? 0 : fail(error);
}

} // namespace

extern "C" {

pid_t __real_getppid(void);
long __real_syscall(long number, ...);

// procctl(2). Only the calling process (P_PID, id 0 or our pid), as the
// backend uses it; anything else is refused with EINVAL here (a limit of
// the simulation, not FreeBSD's answer).
int procctl(idtype_t idtype, id_t id, int cmd, void* data) {
    // PROC_REAP_KILL is asked of another process (the command, by the
    // daemon): any pid.
    if (cmd == PROC_REAP_KILL && idtype == P_PID)
        return reap_kill(id == 0 ? getpid() : pid_t(id), static_cast<procctl_reaper_kill*>(data));
    if (cmd == PROC_REAP_STATUS && idtype == P_PID)
        return reap_status(id == 0 ? getpid() : pid_t(id),
                           static_cast<procctl_reaper_status*>(data));
    if (idtype != P_PID || (id != 0 && pid_t(id) != getpid()))
        return fail(EINVAL);
    int* arg = static_cast<int*>(data);
    switch (cmd) {
    case PROC_TRACE_CTL:
        // kern_procctl.c trace_ctl: ENABLE, DISABLE, DISABLE_EXEC, else
        // EINVAL; disabling while traced is EBUSY. Disabled: no ptrace, no
        // core dump, no /proc/PID/mem: Linux's non-dumpable.
        switch (*arg) {
        case PROC_TRACE_CTL_ENABLE:
            return prctl(PR_SET_DUMPABLE, 1);
        case PROC_TRACE_CTL_DISABLE:
        case PROC_TRACE_CTL_DISABLE_EXEC:
            if (traced())
                return fail(EBUSY);
            return prctl(PR_SET_DUMPABLE, 0);
        default:
            return fail(EINVAL);
        }
    case PROC_TRACE_STATUS:
        // trace_status: -1 when disabled, else the tracer's pid or 0.
        *arg = prctl(PR_GET_DUMPABLE) == 0 ? -1 : 0;
        return 0;
    case PROC_PDEATHSIG_CTL: {
        // kern_procctl.c: a signal number 0.._SIG_MAXSIG (128), else EINVAL.
        int sig = *arg;
        if (sig < 0 || sig > 128 || sig >= NSIG)
            return fail(EINVAL);
        if (fbsdsim::anchor_fd() >= 0) {
            long r = 0;
            if (!fbsdsim::ask_anchor('P', sig, r))
                return fail(ESRCH);
            return r == 0 ? 0 : fail(int(-r));
        }
        return prctl(PR_SET_PDEATHSIG, sig);
    }
    case PROC_PDEATHSIG_STATUS: {
        if (fbsdsim::anchor_fd() >= 0) {
            long r = 0;
            if (!fbsdsim::ask_anchor('S', 0, r))
                return fail(ESRCH);
            *arg = int(r);
            return 0;
        }
        return prctl(PR_GET_PDEATHSIG, arg);
    }
    case PROC_NO_NEW_PRIVS_CTL:
        // no_new_privs_ctl: only ENABLE; it cannot be undone (EINVAL).
        if (*arg != PROC_NO_NEW_PRIVS_ENABLE)
            return fail(EINVAL);
        return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    case PROC_NO_NEW_PRIVS_STATUS:
        *arg = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? PROC_NO_NEW_PRIVS_ENABLE
                                                           : PROC_NO_NEW_PRIVS_DISABLE;
        return 0;
    case PROC_REAP_ACQUIRE: {
        // reap_acquire: EBUSY when we are a reaper already.
        int on = 0;
        prctl(PR_GET_CHILD_SUBREAPER, &on);
        if (on)
            return fail(EBUSY);
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
            return -1;
        record_reaper(true);
        return 0;
    }
    case PROC_REAP_RELEASE: {
        // reap_release: EINVAL when we are not one.
        int on = 0;
        prctl(PR_GET_CHILD_SUBREAPER, &on);
        if (!on)
            return fail(EINVAL);
        if (prctl(PR_SET_CHILD_SUBREAPER, 0) != 0)
            return -1;
        record_reaper(false);
        return 0;
    }
    default:
        return fail(EINVAL);
    }
}

// getppid(2) of the FreeBSD process: after jail_attach, the parent of the
// anchor (the inside half's Linux parent is outside its pid namespace).
// Linked with -Wl,--wrap=getppid.
pid_t __wrap_getppid(void) {
    long r = 0;
    if (fbsdsim::anchor_fd() >= 0)
        return fbsdsim::ask_anchor('G', 0, r) ? pid_t(r) : 1;
    return __real_getppid();
}

// In a --coverage build (the freebsd-sim coverage stage), the counters of
// a process that ends with _exit(2): the probe always does, and gcov only
// writes at exit(3). Linked with -Wl,--wrap=_exit.
// The counters are then reset: a vfork(2) child (freebsd/command_spawn.cpp)
// shares them with its parent, and a dump without a reset would mark the
// parent's counters as written, so that nothing after it reached the files
// (gcov merges each dump into them, so the totals stay right).
void __gcov_dump(void) __attribute__((weak));
void __gcov_reset(void) __attribute__((weak));
void __real__exit(int) __attribute__((noreturn));
void __wrap__exit(int status) {
    if (__gcov_dump != nullptr)
        __gcov_dump();
    if (__gcov_reset != nullptr)
        __gcov_reset();
    __real__exit(status);
}

// syscall(2): FreeBSD 15's jail descriptor calls by number (597, 598 in
// sys/kern/syscalls.master); every other number is Linux's own. Linked
// with -Wl,--wrap=syscall.
long __wrap_syscall(long number, ...) {
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (long& x : a)
        x = va_arg(ap, long);
    va_end(ap);
    // sigaction(2) and sigprocmask(2) by FreeBSD's numbers (416, 340): the
    // vfork child of freebsd/command_spawn.cpp calls them so; glibc's
    // wrappers are plain system calls here.
    if (number == 416)
        return sigaction(int(a[0]), reinterpret_cast<const struct sigaction*>(a[1]),
                         reinterpret_cast<struct sigaction*>(a[2]));
    if (number == 340)
        return sigprocmask(int(a[0]), reinterpret_cast<const sigset_t*>(a[1]),
                           reinterpret_cast<sigset_t*>(a[2]));
    if (number == 597)
        return jail_attach_jd(int(a[0]));
    if (number == 598) {
        if (fbsdsim::kernel() < 15) {
            raise(SIGSYS);
            return fail(ENOSYS);
        }
        return fail(EPERM); // jail_remove_jd: not simulated
    }
    return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

} // extern "C"
