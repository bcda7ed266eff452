// Linux: start a host command with clone_exec() (linux/clone_exec.hpp):
// without copying the daemon's descriptor table, which holds one pidfd per
// probe. A kernel without CLOSE_RANGE_UNSHARE (before 5.9) gets posix_spawn.
#include "command_spawn.hpp"
#include "clone_exec.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <sys/syscall.h>
#include <unistd.h>

namespace jd {

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    static int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        return posix_spawn_command(exe, argv, envp, pid);
    // stdin /dev/null, stdout and stderr the daemon's stderr (its log).
    CloneExec c;
    c.exe = exe;
    c.argv = argv;
    c.envp = envp;
    c.fds[0] = null;
    c.fds[1] = c.fds[2] = STDERR_FILENO;
    c.nfds = 3;
    sigemptyset(&c.mask);
    c.own_pgrp = true;
    c.chdir_root = true;
    int rc = clone_exec(c, pid);
    return rc == ENOSYS ? posix_spawn_command(exe, argv, envp, pid) : rc;
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
