// FreeBSD: the end of our own children, seen through one kqueue(2)
// (EVFILT_PROC). Checked against kqueue(2) and wait(2). Not compiled or run
// on Linux: see README.md in this directory.

#include "../child_watch.hpp"
#include "kevent_drain.hpp"

// <sys/param.h> first: it brings <sys/types.h>, which the others rely on.
#include <sys/param.h>

#include <sys/event.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jd {

namespace {

// Child exits through one kqueue(2) per io_context: EVFILT_PROC with
// NOTE_EXIT for each watched pid, so an exit costs one event, however many
// children are watched, and no descriptor per child. kevent(2) reports the
// exit and leaves the zombie: the caller reaps it (watch_child), or signals
// its process group first (the runner). The event can come a moment early:
// exit1() posts NOTE_EXIT before it makes the process a zombie
// (sys/kern/kern_exit.c), so waitpid(WNOHANG) may still find nothing; then
// watch_child watches again, and filt_procattach (kern_event.c) fires at
// once for a process that is exiting (P_WEXIT). The kqueue descriptor
// itself is watched by Asio's reactor (a kqueue is readable when events are
// pending: kqueue(2)). An Asio service, so that it lives and dies with its
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
        when_kqueue_readable(*kq_, [this] { drain(); });
        return true;
    }

    // Every pending exit (kevent_drain.hpp).
    void drain() {
        std::vector<std::function<void()>> exited;
        drain_kevents(kq_->native_handle(), [&](std::span<const struct kevent> evs) {
            for (const struct kevent& ev : evs) {
                if (ev.filter != EVFILT_PROC || !(ev.fflags & NOTE_EXIT))
                    continue;
                auto it = waiting_.find(pid_t(ev.ident));
                if (it == waiting_.end())
                    continue;
                exited.push_back(std::move(it->second));
                waiting_.erase(it);
            }
        });
        // Callbacks may watch new children: call them only now.
        for (auto& fn : exited)
            fn();
    }

    boost::asio::io_context& io_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> kq_;
    std::unordered_map<pid_t, std::function<void()>> waiting_;
};

} // namespace

void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited) {
    boost::asio::use_service<ExitWatcher>(io).watch(pid, std::move(exited));
}

} // namespace jd
