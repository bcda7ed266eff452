// Linux: the pidfile is a LockFile (lockfile.cpp): flock(2), our pid in it.
#include "lockfile.hpp"

namespace jd {

struct Pidfile::Impl {
    LockFile file{"pidfile"}; // removes an unwritten pidfile itself
};

Pidfile::Pidfile() : impl_(std::make_unique<Impl>()) {}
Pidfile::~Pidfile() = default;

bool Pidfile::open(const std::string& path, Error& err, pid_t* other) {
    return impl_->file.open(path, err, other);
}

bool Pidfile::write(Error& err) {
    return impl_->file.write(err);
}

void Pidfile::remove() {
    impl_->file.remove();
}

} // namespace jd
