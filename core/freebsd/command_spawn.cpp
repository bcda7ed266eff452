// FreeBSD: posix_spawn(3) (vfork-like). The daemon does not hold a
// descriptor per probe here, so there is no table worth avoiding to copy.
// The end of a command is seen on a kqueue(2) of its own (EVFILT_PROC,
// NOTE_EXIT), which the event loop watches for reading: kevent(2) reports
// the exit and leaves the zombie for waitpid(2).
#include "command_spawn.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <sys/event.h>
#include <unistd.h>

namespace jd {

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    return posix_spawn_command(exe, argv, envp, pid);
}

void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited) {
    int kq = kqueue();
    if (kq < 0)
        return poll_exit(io, pid, std::move(exited));
    fcntl(kq, F_SETFD, FD_CLOEXEC);
    struct kevent ev;
    EV_SET(&ev, pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
    if (kevent(kq, &ev, 1, nullptr, 0, nullptr) < 0) {
        // ESRCH: it has exited already (a zombie cannot be attached to).
        ::close(kq);
        return poll_exit(io, pid, std::move(exited));
    }
    auto sd = std::make_shared<boost::asio::posix::stream_descriptor>(io);
    boost::system::error_code ec;
    sd->assign(kq, ec);
    if (ec) {
        ::close(kq);
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
