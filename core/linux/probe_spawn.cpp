// Linux: start the probe program at a cost that does not grow with the
// daemon. posix_spawn(3) copies the whole descriptor table into its child
// and closes it again there, and the daemon holds a pidfd per probe: with
// 10,000 probes that is 10,000 descriptors per spawn. Here the child shares
// the daemon's memory and descriptor table (CLONE_VM | CLONE_FILES, the
// daemon waiting: CLONE_VFORK) and takes a private copy of only the lowest
// few descriptors (close_range(2) with CLOSE_RANGE_UNSHARE copies just
// those below the range), where the daemon has put what the probe gets.
//
// The child runs on the host, in the daemon's namespaces, as root: no jail
// can see it, signal it or trace it. It runs only system calls until
// execve(2).
#include "platform.hpp"
#include "probe_abi.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd::platform {

namespace {

// Three descriptors the daemon keeps low and free for spawning: the child's
// private table holds 0 .. slot[2] and nothing above.
int slot[3] = {-1, -1, -1};

bool reserve_slots() {
    if (slot[0] >= 0)
        return true;
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        return false;
    for (int i = 0; i < 3; ++i)
        slot[i] = fcntl(null, F_DUPFD_CLOEXEC, 3);
    ::close(null);
    return slot[0] >= 0 && slot[1] > slot[0] && slot[2] > slot[1];
}

struct Child {
    const char* path;
    char* const* argv;
    char* const* envp;
    bool with_target;
    int err; // written by the child when exec fails (shared memory)
};

// Only system calls: the child shares the daemon's memory until execve.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void* arg) {
    Child* c = static_cast<Child*>(arg);
    // A private descriptor table holding only 0 .. slot[2].
    if (syscall(SYS_close_range, unsigned(slot[2] + 1), ~0U, CLOSE_RANGE_UNSHARE) != 0)
        goto fail;
    // slot[0] /dev/null -> 0-2, slot[1] status -> 3, slot[2] target -> 4.
    // Each target is at most its source and above what was used already.
    for (int fd = 0; fd <= 2; ++fd)
        if (dup2(slot[0], fd) < 0)
            goto fail;
    if (slot[1] != kStatusFd && dup2(slot[1], kStatusFd) < 0)
        goto fail;
    if (c->with_target && slot[2] != kTargetFd && dup2(slot[2], kTargetFd) < 0)
        goto fail;
    for (int fd = 0; fd <= (c->with_target ? kTargetFd : kStatusFd); ++fd)
        if (fcntl(fd, F_SETFD, 0) < 0)
            goto fail;
    // Closed, not close-on-exec.
    if (syscall(SYS_close_range, unsigned(c->with_target ? kTargetFd + 1 : kStatusFd + 1), ~0U,
                0) != 0)
        goto fail;
    {
        // Every disposition to default (the daemon's handlers never run
        // here: all signals are blocked since before clone), then the
        // probe's mask: only SIGHUP blocked.
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig)
            if (sig != SIGKILL && sig != SIGSTOP)
                (void)sigaction(sig, &dfl, nullptr);
        sigset_t hup;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        if (sigprocmask(SIG_SETMASK, &hup, nullptr) != 0)
            goto fail;
    }
    execve(c->path, c->argv, c->envp);
fail:
    c->err = errno ? errno : EINVAL;
    _exit(127);
}

} // namespace

int spawn_probe_process(const char* path, char* const argv[], char* const envp[], int null_fd,
                        int status_fd, int target_fd, pid_t* pid) {
    if (!reserve_slots())
        return EMFILE;
    // The child's stack; one is enough: CLONE_VFORK waits until it execs.
    static void* stack = nullptr;
    constexpr std::size_t kStack = 64 * 1024;
    if (!stack) {
        void* s = mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (s == MAP_FAILED)
            return errno;
        stack = s;
    }
    int srcs[3] = {null_fd, status_fd, target_fd >= 0 ? target_fd : null_fd};
    for (int i = 0; i < 3; ++i)
        if (srcs[i] != slot[i] && dup3(srcs[i], slot[i], O_CLOEXEC) < 0)
            return errno;
    Child c{path, argv, envp, target_fd >= 0, 0};
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t p = clone(child_main, static_cast<char*>(stack) + kStack,
                    CLONE_VM | CLONE_FILES | CLONE_VFORK | SIGCHLD, &c);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    // The slots let go of the status socket and the pidfd again.
    for (int i = 1; i < 3; ++i)
        (void)dup3(null_fd, slot[i], O_CLOEXEC);
    if (p < 0)
        return e;
    if (c.err) {
        // Exec failed: the child has exited; reap it here (it is gone at once).
        int st;
        while (waitpid(p, &st, 0) < 0 && errno == EINTR) {
        }
        return c.err;
    }
    *pid = p;
    return 0;
}

} // namespace jd::platform
