// Linux implementations of platform.hpp.
#include "platform.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd::platform {

bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return false;
    uid = cred.uid;
    gid = cred.gid;
    return true;
}

namespace {

void poll_child(std::shared_ptr<boost::asio::steady_timer> t, pid_t pid,
                std::function<void(int)> done) {
    t->expires_after(std::chrono::seconds(1));
    t->async_wait([t, pid, done = std::move(done)](const boost::system::error_code&) mutable {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return done(st);
        poll_child(t, pid, std::move(done));
    });
}

// Wait for the pidfd to turn readable, then reap without blocking. A
// wake-up while the child still runs (seen in a soak under Asio: a readiness
// event can land on a reused descriptor state) just waits again: a blocking
// waitpid() there would hang the whole daemon.
void arm_pidfd(std::shared_ptr<boost::asio::posix::stream_descriptor> sd, pid_t pid,
               std::function<void(int)> done) {
    sd->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [sd, pid, done = std::move(done)](const boost::system::error_code& ec) mutable {
                       if (ec == boost::asio::error::operation_aborted)
                           return;
                       if (ec) {
                           // The descriptor is unusable: poll this child instead.
                           auto t = std::make_shared<boost::asio::steady_timer>(sd->get_executor());
                           sd->close();
                           return poll_child(t, pid, std::move(done));
                       }
                       int st = 0;
                       pid_t r;
                       while ((r = waitpid(pid, &st, WNOHANG)) < 0 && errno == EINTR) {
                       }
                       if (r == 0)
                           return arm_pidfd(sd, pid, std::move(done));
                       sd->close();
                       done(r == pid ? st : -1);
                   });
}

} // namespace

void watch_child(boost::asio::io_context& io, pid_t pid, std::function<void(int status)> done) {
    int fd = int(syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) {
        // Out of descriptors: fall back to polling this one child.
        poll_child(std::make_shared<boost::asio::steady_timer>(io), pid, std::move(done));
        return;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    arm_pidfd(std::make_shared<boost::asio::posix::stream_descriptor>(io, fd), pid,
              std::move(done));
}

void set_daemon_title(const char* title) {
    prctl(PR_SET_NAME, title, 0, 0, 0);
}

Pidfile::~Pidfile() {
    if (!written_)
        remove(); // we hold the lock, so the empty file is ours
    if (fd_ >= 0)
        ::close(fd_);
}

bool Pidfile::open(const std::string& path, Error& err, pid_t* other) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        err.set(EX_CANTCREAT_, errno_text("cannot open pidfile " + path, errno));
        return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char buf[32] = {};
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        ::close(fd);
        long pid = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
        if (other)
            *other = pid_t(pid);
        if (e == EWOULDBLOCK)
            err.set(EX_UNAVAILABLE_,
                    "another jaildaemon (pid " + std::to_string(pid) + ") holds " + path);
        else
            err.set(EX_CANTCREAT_, errno_text("cannot lock pidfile " + path, e));
        return false;
    }
    fd_ = fd;
    path_ = path;
    return true;
}

bool Pidfile::write(Error& err) {
    std::string s = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, s.data(), s.size(), 0) != ssize_t(s.size())) {
        err.set(EX_CANTCREAT_, errno_text("cannot write pidfile " + path_, errno));
        return false;
    }
    written_ = true;
    return true;
}

void Pidfile::remove() {
    if (fd_ < 0)
        return;
    ::unlink(path_.c_str());
    ::close(fd_);
    fd_ = -1;
}

} // namespace jd::platform
