#include "clone_exec.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd {

namespace {

// Lowest free descriptors from 3 up, in increasing order: slot[i] >= 3 + i,
// so moving slot[i] to descriptor i never overwrites a slot not yet moved.
int slot[kMaxCloneFds] = {-1, -1, -1, -1, -1};

struct Child {
    const CloneExec* c;
    int err = 0;           // what failed in the child (the memory is shared)
    bool unshared = false; // the child got a descriptor table of its own
};

__attribute__((no_sanitize("address", "undefined"))) int child_main(void* arg) {
    Child* ch = static_cast<Child*>(arg);
    const CloneExec& c = *ch->c;
    if (syscall(SYS_close_range, unsigned(slot[c.nfds - 1] + 1), ~0U, CLOSE_RANGE_UNSHARE) != 0)
        goto fail;
    ch->unshared = true;
    for (int i = 0; i < c.nfds; ++i)
        if (dup2(slot[i], i) < 0 || fcntl(i, F_SETFD, 0) < 0)
            goto fail;
    // Closed, not close-on-exec.
    if (syscall(SYS_close_range, unsigned(c.nfds), ~0U, 0) != 0)
        goto fail;
    {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        // (glibc refuses its two internal signals; they are never sent to us.)
        for (int sig = 1; sig < NSIG; ++sig)
            if (sig != SIGKILL && sig != SIGSTOP)
                (void)sigaction(sig, &dfl, nullptr);
    }
    if ((c.own_pgrp && setpgid(0, 0) != 0) || (c.chdir_root && chdir("/") != 0) ||
        (c.reaper && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) ||
        sigprocmask(SIG_SETMASK, &c.mask, nullptr) != 0)
        goto fail;
    execve(c.exe, c.argv, c.envp);
fail:
    ch->err = errno ? errno : EINVAL;
    _exit(127);
}

} // namespace

bool prepare_clone_exec() {
    if (slot[0] >= 0)
        return true;
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        return false;
    for (int i = 0; i < kMaxCloneFds; ++i)
        slot[i] = fcntl(null, F_DUPFD_CLOEXEC, 3);
    ::close(null);
    for (int i = 0; i < kMaxCloneFds; ++i)
        if (slot[i] < 3 + i || (i && slot[i] < slot[i - 1]))
            return false;
    return true;
}

int clone_exec(const CloneExec& c, pid_t& pid) {
    if (c.nfds < 1 || c.nfds > kMaxCloneFds || !prepare_clone_exec())
        return EINVAL;
    // One stack is enough: CLONE_VFORK waits until the child has exec'd.
    constexpr std::size_t kStack = 64 * 1024;
    static void* stack = nullptr;
    if (!stack) {
        void* s = mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (s == MAP_FAILED)
            return errno;
        stack = s;
    }
    for (int i = 0; i < c.nfds; ++i)
        if (c.fds[i] != slot[i] && dup3(c.fds[i], slot[i], O_CLOEXEC) < 0)
            return errno;
    Child ch{&c};
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t p = clone(child_main, static_cast<char*>(stack) + kStack,
                    CLONE_VM | CLONE_FILES | CLONE_VFORK | SIGCHLD, &ch);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    // The slots let go of what they held (a status socket must see its EOF).
    for (int i = 1; i < c.nfds; ++i)
        (void)dup3(slot[0], slot[i], O_CLOEXEC);
    if (p < 0)
        return e;
    if (ch.err) {
        // It has exited already: reap it here.
        int st;
        while (waitpid(p, &st, 0) < 0 && errno == EINTR) {
        }
        return ch.unshared ? ch.err : ENOSYS;
    }
    pid = p;
    return 0;
}

} // namespace jd
