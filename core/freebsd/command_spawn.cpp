// FreeBSD: spawn host commands with vfork(2), as posix_spawn(3) does, with
// one more step: the command becomes a reaper (procctl(2)
// PROC_REAP_ACQUIRE, which only a process can ask for itself), so that what
// it starts and orphans stays its descendant, and a timeout reaches all of
// it with PROC_REAP_KILL. The daemon does not hold a descriptor per probe
// here, so there is no table worth avoiding to copy.
// The end of a command is seen by watch_exit() (freebsd/child_watch.cpp: the
// daemon's one kqueue, EVFILT_PROC / NOTE_EXIT), which leaves the zombie
// for waitpid(2).
#include "command_spawn.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/procctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd {

namespace {

// The highest signal number: FreeBSD's NSIG is 32, "number of old
// signals" (sys/signal.h); sigaction(2) takes 1.._SIG_MAXSIG (128,
// sys/_sigset.h), the real-time signals included.
#ifdef _SIG_MAXSIG
constexpr int kMaxSig = _SIG_MAXSIG;
#else
constexpr int kMaxSig = NSIG - 1;
#endif

// In the vfork child, which borrows the daemon's memory: only system calls.
// Signal dispositions and the mask go through syscall(2), not libthr's
// sigaction and sigprocmask, which keep state in that memory (vfork(2)).
[[noreturn]] void child(const char* exe, char* const argv[], char* const envp[], int null,
                        volatile int* err) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigset_t none;
    sigemptyset(&none);
    if (procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, nullptr) != 0)
        goto fail;
    if (dup2(null, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || chdir("/") != 0 ||
        setpgid(0, 0) != 0)
        goto fail;
    closefrom(STDERR_FILENO + 1);
    // Every signal blocked since before vfork: no handler of the daemon's
    // runs here. Default dispositions for all, then the empty mask.
    for (int sig = 1; sig <= kMaxSig; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)syscall(SYS_sigaction, sig, &dfl, nullptr);
    if (syscall(SYS_sigprocmask, SIG_SETMASK, &none, nullptr) != 0)
        goto fail;
    execve(exe, argv, envp);
fail:
    *err = errno ? errno : EINVAL;
    _exit(127);
}

} // namespace

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    // Opened once, and tried again while it fails (out of descriptors for a
    // moment): a command started without it is no reaper, and its timeout
    // reaches only itself (signal_descendants).
    static int null = -1;
    if (null < 0)
        null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        return posix_spawn_command(exe, argv, envp, pid);
    volatile int err = 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t p = vfork();
    if (p == 0)
        child(exe, argv, envp, null, &err);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (p < 0)
        return e;
    if (err) {
        // It has exited already: reap it here.
        while (waitpid(p, nullptr, 0) < 0 && errno == EINTR) {
        }
        return err;
    }
    pid = p;
    return 0;
}

// The command is the reaper of its descendants (spawn_command): one call
// signals all of them, also those it orphaned, not the command itself.
// ESRCH: it has no descendants. Only while it is a reaper: PROC_REAP_KILL
// on a process that is not acts on that process's reaper (kern_procctl.c
// reap_kill), init for our commands, that is every process of the host. A
// command started without /dev/null (posix_spawn_command) never was one,
// and one may give it up itself (PROC_REAP_RELEASE); PROC_REAP_STATUS says
// (REAPER_STATUS_OWNED, reap_status). That narrows the window, it does not
// close it: a command that releases between the two calls (host root's own
// program) still turns the kill on its reaper. procctl(2) finds no zombie
// (kern_procctl.c looks a P_PID up with pfind(), which skips them): once
// the command has exited both calls are ESRCH and nothing is sent (the
// runner stops at its end anyway), and its pid cannot name another process
// before we reap it.
int signal_descendants(pid_t leader, int sig) {
    struct procctl_reaper_status rs {};
    if (procctl(P_PID, leader, PROC_REAP_STATUS, &rs) != 0 || !(rs.rs_flags & REAPER_STATUS_OWNED))
        return 0;
    struct procctl_reaper_kill rk {};
    rk.rk_sig = sig;
    if (procctl(P_PID, leader, PROC_REAP_KILL, &rk) != 0)
        return 0;
    return int(rk.rk_killed);
}

} // namespace jd
