// Linux: start a host command without copying the daemon's descriptor table.
//
// The daemon holds one pidfd per probe. posix_spawn (like fork) copies the
// whole descriptor table into the child, and the child then closes every
// entry again: with 10,000 probes that alone took milliseconds per command.
// Here the child shares the table (CLONE_FILES) and its first act is
// close_range(3, ~0, CLOSE_RANGE_UNSHARE), for which the kernel builds a new
// table holding only descriptors 0-2. Otherwise this is what glibc's
// posix_spawn does: clone(CLONE_VM | CLONE_VFORK) on a stack of its own,
// every signal blocked around it so that no handler of the daemon's runs in
// the child, dispositions reset there, and the daemon suspended until the
// child has exec'd. A kernel without CLOSE_RANGE_UNSHARE (before 5.9) gets
// posix_spawn.
#include "command_spawn.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <memory>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd {

namespace {

struct ChildArgs {
    const char* exe;
    char* const* argv;
    char* const* envp;
    int err = 0;           // what failed in the child (the memory is shared)
    bool unshared = false; // the child got a descriptor table of its own
};

// The child: in the daemon's memory, on its own stack, with the daemon's
// descriptor table until the first call. System calls only.
int child(void* p) {
    auto* a = static_cast<ChildArgs*>(p);
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_UNSHARE) != 0) {
        a->err = errno;
        _exit(127);
    }
    a->unshared = true;
    // The signal handlers are the daemon's, and ignored signals (SIGPIPE)
    // would stay ignored across exec: every signal to its default. (glibc
    // refuses its two internal signals here; they are never sent to us.)
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        struct sigaction cur;
        if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, nullptr, &cur) == 0 &&
            cur.sa_handler != SIG_DFL)
            sigaction(sig, &dfl, nullptr);
    }
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || (fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) < 0) ||
        dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || setpgid(0, 0) != 0 || chdir("/") != 0) {
        a->err = errno;
        _exit(127);
    }
    if (fd != STDIN_FILENO)
        close(fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(a->exe, a->argv, a->envp);
    a->err = errno;
    _exit(127);
}

} // namespace

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    constexpr std::size_t kStack = 256 * 1024;
    void* stack = mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return posix_spawn_command(exe, argv, envp, pid);
    ChildArgs a{exe, argv, envp};
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pid_t p = clone(child, static_cast<char*>(stack) + kStack,
                    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &a);
    int e = p < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    munmap(stack, kStack);
    if (p < 0)
        return e;
    if (a.err != 0) {
        int st;
        while (waitpid(p, &st, 0) < 0 && errno == EINTR) {
        }
        if (!a.unshared)
            return posix_spawn_command(exe, argv, envp, pid);
        return a.err;
    }
    pid = p;
    return 0;
}

void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited) {
    // A pidfd is readable once the process has ended; reading it does not
    // reap it.
    int fd = int(syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0)
        return poll_exit(io, pid, std::move(exited));
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    auto sd = std::make_shared<boost::asio::posix::stream_descriptor>(io);
    boost::system::error_code ec;
    sd->assign(fd, ec);
    if (ec) {
        ::close(fd);
        return poll_exit(io, pid, std::move(exited));
    }
    sd->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [sd, exited = std::move(exited)](const boost::system::error_code&) {
                       boost::system::error_code cec;
                       sd->close(cec);
                       exited();
                   });
}

} // namespace jd
