#include "lockfile.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace jd {

LockFile::~LockFile() {
    if (!written_)
        remove(); // we hold the lock, so the empty file is ours
    if (fd_ >= 0)
        ::close(fd_);
}

bool LockFile::open(const std::string& path, Error& err, pid_t* other) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        err.set(EX_CANTCREAT_, errno_text("cannot open " + what_ + " " + path, errno));
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
            err.set(EX_CANTCREAT_, errno_text("cannot lock " + what_ + " " + path, e));
        return false;
    }
    fd_ = fd;
    path_ = path;
    return true;
}

bool LockFile::write(Error& err) {
    std::string s = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, s.data(), s.size(), 0) != ssize_t(s.size())) {
        err.set(EX_CANTCREAT_, errno_text("cannot write " + what_ + " " + path_, errno));
        return false;
    }
    written_ = true;
    return true;
}

void LockFile::remove() {
    if (fd_ < 0)
        return;
    ::unlink(path_.c_str());
    ::close(fd_);
    fd_ = -1;
}

} // namespace jd
