// The portable part of child_watch.hpp: the polling fallback, and reaping.
#include "child_watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <memory>
#include <sys/wait.h>

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
// readiness event on a reused descriptor state; on FreeBSD also NOTE_EXIT,
// which comes before the child is a zombie: freebsd/child_watch.cpp) just
// waits again: a blocking waitpid() would hang the whole daemon.
void watch_child(boost::asio::io_context& io, pid_t pid, std::function<void(int status)> done) {
    watch_exit(io, pid, [&io, pid, done = std::move(done)]() mutable {
        int st = 0;
        pid_t r;
        while ((r = waitpid(pid, &st, WNOHANG)) < 0 && errno == EINTR) {
        }
        if (r == 0)
            return watch_child(io, pid, std::move(done));
        done(r == pid ? st : -1);
    });
}

} // namespace jd
