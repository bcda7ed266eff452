// FreeBSD: the pidfile with pidfile(3) from libutil. Checked against
// pidfile(3). Not compiled or run on Linux: see README.md in this
// directory.
#include "../lockfile.hpp"

// <sys/param.h> first: it brings <sys/types.h>, which the others rely on.
#include <sys/param.h>

#include <libutil.h>

#include <cerrno>

namespace jd {

struct Pidfile::Impl {
    std::string path;
    struct pidfh* pfh = nullptr;
    bool written = false; // pidfile_write() succeeded in this process
};

Pidfile::Pidfile() : impl_(std::make_unique<Impl>()) {}

Pidfile::~Pidfile() {
    // Never written: a failed start; the locked, empty file is ours.
    if (!impl_->written)
        remove();
    // pidfile_close(3) closes the file and keeps it; the lock goes with the
    // descriptor.
    if (impl_->pfh != nullptr)
        pidfile_close(impl_->pfh);
}

// pidfile(3): pidfile_open() creates and flock(2)s the file, O_CLOEXEC, so no
// probe or host command inherits it. When another process holds the lock it
// fails with EEXIST and stores that process's pid, or -1 when the holder has
// not written its pid yet. Also meaning "locked by another process": EINVAL
// (the locked file does not hold a pid) and, from older libutil, EAGAIN (the
// holder has not written its pid yet).
bool Pidfile::open(const std::string& path, Error& err, pid_t* other) {
    impl_->path = path;
    pid_t holder = -1;
    struct pidfh* pfh = pidfile_open(path.c_str(), 0644, &holder);
    if (pfh == nullptr) {
        int e = errno;
        if (e == EEXIST || e == EINVAL || e == EAGAIN) {
            if (other != nullptr)
                *other = holder;
            if (e == EEXIST && holder > 0)
                err.set(EX_UNAVAILABLE_,
                        "another jaildaemon (pid " + std::to_string(holder) + ") holds " + path);
            else
                err.set(EX_UNAVAILABLE_,
                        "another process holds " + path + " locked, its pid unknown");
            return false;
        }
        err.set(EX_CANTCREAT_, errno_text("pidfile_open(" + path + ")", e));
        return false;
    }
    impl_->pfh = pfh;
    return true;
}

// pidfile_write(3) truncates the file and writes getpid(); on failure it
// removes the file itself.
bool Pidfile::write(Error& err) {
    if (impl_->pfh == nullptr) {
        err.set(EX_SOFTWARE_, "pidfile " + impl_->path + " is not open");
        return false;
    }
    if (pidfile_write(impl_->pfh) == -1) {
        err.set(EX_CANTCREAT_, errno_text("pidfile_write(" + impl_->path + ")", errno));
        return false;
    }
    impl_->written = true;
    return true;
}

// pidfile_remove(3) unlinks the file, then closes it, which drops the lock.
void Pidfile::remove() {
    if (impl_->pfh == nullptr)
        return;
    pidfile_remove(impl_->pfh);
    impl_->pfh = nullptr;
}

} // namespace jd
