#include "command_spawn.hpp"

#include "platform.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd {

namespace {
void poll_again(std::shared_ptr<boost::asio::steady_timer> t, pid_t pid,
                std::function<void()> exited) {
    t->expires_after(std::chrono::milliseconds(100));
    t->async_wait([t, pid, exited = std::move(exited)](const boost::system::error_code& ec) {
        if (ec)
            return;
        siginfo_t si = {};
        int r;
        while ((r = waitid(P_PID, id_t(pid), &si, WEXITED | WNOHANG | WNOWAIT)) < 0 &&
               errno == EINTR) {
        }
        // r == 0 and si_pid == pid: it has ended (still a zombie). ECHILD:
        // gone (cannot happen unless reaped elsewhere): report it all the same.
        if ((r == 0 && si.si_pid == pid) || (r < 0 && errno == ECHILD))
            exited();
        else
            poll_again(t, pid, std::move(exited));
    });
}
} // namespace

void poll_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited) {
    poll_again(std::make_shared<boost::asio::steady_timer>(io), pid, std::move(exited));
}

// Probes and the probe launcher's children: watch_exit, then reap. A
// wake-up while the child still runs (seen in a soak under Asio: a
// readiness event on a reused descriptor state) just waits again: a
// blocking waitpid() would hang the whole daemon.
void platform::watch_child(boost::asio::io_context& io, pid_t pid,
                           std::function<void(int status)> done) {
    watch_exit(io, pid, [&io, pid, done = std::move(done)]() mutable {
        int st = 0;
        pid_t r;
        while ((r = waitpid(pid, &st, WNOHANG)) < 0 && errno == EINTR) {
        }
        if (r == 0)
            return platform::watch_child(io, pid, std::move(done));
        done(r == pid ? st : -1);
    });
}

int posix_spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (int e = posix_spawn_file_actions_init(&fa))
        return e;
    if (int e = posix_spawnattr_init(&attr)) {
        posix_spawn_file_actions_destroy(&fa);
        return e;
    }
    // Caught signals are reset by exec; ignored ones would stay ignored. The
    // daemon ignores SIGPIPE: a command (and a shell, which could not undo
    // it) must not inherit that.
    sigset_t none, ignored;
    sigemptyset(&none);
    sigemptyset(&ignored);
    for (int sig = 1; sig < 32; ++sig) {
        struct sigaction sa;
        if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, nullptr, &sa) == 0 &&
            sa.sa_handler == SIG_IGN)
            sigaddset(&ignored, sig);
    }
    int e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    if (!e)
        e = posix_spawn_file_actions_addchdir_np(&fa, "/");
    if (!e)
        e = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
    if (!e)
        e = posix_spawnattr_setpgroup(&attr, 0);
    if (!e)
        e = posix_spawnattr_setsigmask(&attr, &none);
    if (!e)
        e = posix_spawnattr_setsigdefault(&attr, &ignored);
    if (!e)
        e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                POSIX_SPAWN_SETSIGDEF);
    if (!e)
        e = posix_spawn(&pid, exe, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

} // namespace jd
