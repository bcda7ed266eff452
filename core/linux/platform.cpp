// Linux implementations of platform.hpp.
#include "platform.hpp"

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
