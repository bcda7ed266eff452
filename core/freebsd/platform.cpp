// FreeBSD services for the daemon: peer credentials, reaping of our own
// children (kqueue(2) EVFILT_PROC), pidfile(3), setproctitle(3).
//
// Checked against getpeereid(3), kqueue(2), wait(2), pidfile(3) and
// setproctitle(3). Not compiled or run on Linux: see
// README.md in this directory.

#include "../platform.hpp"

#include "../command_spawn.hpp"

// <sys/param.h> first: it brings <sys/types.h>, which the others rely on.
#include <sys/param.h>

#include <sys/event.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <libutil.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jd::platform {

// getpeereid(3): the effective uid and gid the peer had when it called
// connect(2); neither side can change what the other sees afterwards.
// Returns -1 with errno (EBADF, ENOTSOCK, ENOTCONN, EINVAL) on failure.
bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    return getpeereid(fd, &uid, &gid) == 0;
}

namespace {

// Child exits through one kqueue(2) per io_context: EVFILT_PROC with
// NOTE_EXIT for each watched pid, so an exit costs one event, however many
// children are watched, and no descriptor per child. kevent(2) reports the
// exit and leaves the zombie: the caller reaps it (watch_child), or signals
// its process group first (the runner). The kqueue descriptor itself is
// watched by Asio's reactor (a kqueue is readable when events are pending:
// kqueue(2)). An Asio service, so that it lives and dies with its
// io_context.
class ExitWatcher : public boost::asio::execution_context::service {
  public:
    static inline boost::asio::execution_context::id id;

    explicit ExitWatcher(boost::asio::io_context& io)
        : boost::asio::execution_context::service(io), io_(io) {}

    void watch(pid_t pid, std::function<void()> exited) {
        if (!open())
            return poll_exit(io_, pid, std::move(exited));
        // kqueue(2): EV_ONESHOT removes the event after it fired. A child
        // that has exited already (a zombie) still fires at once; if the
        // kernel answers ESRCH all the same, poll it.
        struct kevent kev;
        EV_SET(&kev, pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
        if (kevent(kq_->native_handle(), &kev, 1, nullptr, 0, nullptr) == -1)
            return poll_exit(io_, pid, std::move(exited));
        waiting_[pid] = std::move(exited);
    }

  private:
    void shutdown() override {
        kq_.reset();
        waiting_.clear();
    }

    bool open() {
        if (kq_)
            return true;
        // kqueue(2): not inherited across fork(2); close-on-exec all the same.
        int fd = kqueue();
        if (fd == -1)
            return false;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        kq_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
        arm();
        return true;
    }

    void arm() {
        kq_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                        [this](const boost::system::error_code& ec) {
                            if (ec)
                                return; // operation_aborted: going away
                            drain();
                            arm();
                        });
    }

    // Every pending exit, without blocking (a zero timeout).
    void drain() {
        struct kevent evs[64];
        struct timespec zero = {0, 0};
        int n;
        while ((n = kevent(kq_->native_handle(), nullptr, 0, evs, 64, &zero)) == -1 &&
               errno == EINTR) {
        }
        std::vector<std::function<void()>> exited;
        for (int i = 0; i < n; ++i) {
            if (evs[i].filter != EVFILT_PROC || !(evs[i].fflags & NOTE_EXIT))
                continue;
            auto it = waiting_.find(pid_t(evs[i].ident));
            if (it == waiting_.end())
                continue;
            exited.push_back(std::move(it->second));
            waiting_.erase(it);
        }
        // Callbacks may watch new children: call them only now.
        for (auto& fn : exited)
            fn();
    }

    boost::asio::io_context& io_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> kq_;
    std::unordered_map<pid_t, std::function<void()>> waiting_;
};

} // namespace

} // namespace jd::platform

namespace jd {

void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited) {
    boost::asio::use_service<platform::ExitWatcher>(io).watch(pid, std::move(exited));
}

} // namespace jd

namespace jd::platform {

Pidfile::~Pidfile() {
    // Never written: a failed start; the locked, empty file is ours.
    if (!written_)
        remove();
    // pidfile_close(3) closes the file and keeps it; the lock goes with the
    // descriptor.
    if (impl_ != nullptr)
        pidfile_close(static_cast<struct pidfh*>(impl_));
}

// pidfile(3): pidfile_open() creates and flock(2)s the file, O_CLOEXEC, so no
// probe or host command inherits it. When another process holds the lock it
// fails with EEXIST and stores that process's pid, or -1 when the holder has
// not written its pid yet. Also meaning "locked by another process": EINVAL
// (the locked file does not hold a pid) and, from older libutil, EAGAIN (the
// holder has not written its pid yet).
bool Pidfile::open(const std::string& path, Error& err, pid_t* other) {
    path_ = path;
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
    impl_ = pfh;
    fd_ = pidfile_fileno(pfh); // the descriptor that holds the lock
    return true;
}

// pidfile_write(3) truncates the file and writes getpid(); on failure it
// removes the file itself.
bool Pidfile::write(Error& err) {
    if (impl_ == nullptr) {
        err.set(EX_SOFTWARE_, "pidfile " + path_ + " is not open");
        return false;
    }
    if (pidfile_write(static_cast<struct pidfh*>(impl_)) == -1) {
        err.set(EX_CANTCREAT_, errno_text("pidfile_write(" + path_ + ")", errno));
        return false;
    }
    written_ = true;
    return true;
}

// pidfile_remove(3) unlinks the file, then closes it, which drops the lock.
void Pidfile::remove() {
    if (impl_ == nullptr)
        return;
    pidfile_remove(static_cast<struct pidfh*>(impl_));
    impl_ = nullptr;
    fd_ = -1;
}

// setproctitle(3) shows "progname: title" in ps(1). setproctitle is in libc
// and declared in <unistd.h>.
void set_daemon_title(const char* title) {
    if (title != nullptr)
        setproctitle("%s", title);
}

} // namespace jd::platform
