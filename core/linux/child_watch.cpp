// Linux: the end of a child through its pidfd (pidfd_open(2), 5.3): one
// descriptor per watched child, readable once it has ended.
#include "child_watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <memory>
#include <sys/syscall.h>
#include <unistd.h>

namespace jd {

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
    sd->async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        [&io, sd, pid, exited = std::move(exited)](const boost::system::error_code& ec) mutable {
            if (ec == boost::asio::error::operation_aborted)
                return;
            boost::system::error_code cec;
            sd->close(cec);
            // An unusable descriptor: poll this one instead.
            if (ec)
                return poll_exit(io, pid, std::move(exited));
            exited();
        });
}

} // namespace jd
