// FreeBSD 15: new jails from one kqueue(2), EVFILT_JAIL on the host (ident
// jid 0) with NOTE_JAIL_CHILD. Read in FreeBSD 15.0's kqueue(2) and
// sys/kern/kern_jail.c: the event carries the new jail's jid in data, or
// NOTE_JAIL_MULTI and data 0 when more than one jail was created since the
// last read. FreeBSD 14 has no EVFILT_JAIL: kevent(2) answers EINVAL.
// Checked in the FreeBSD simulation (tests/freebsd-sim/).
#include "jail_watch.hpp"
#include "kevent_drain.hpp"

#include <sys/event.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <unistd.h>

namespace jd {

namespace {

// A kqueue holding EVFILT_JAIL on the host, or -1 with err.
int open_kqueue(Error& err) {
    int kq = kqueue();
    if (kq == -1) {
        err.set(EX_OSERR_, std::string("--watch-jails: kqueue: ") + std::strerror(errno));
        return -1;
    }
    fcntl(kq, F_SETFD, FD_CLOEXEC);
    struct kevent kev;
    EV_SET(&kev, 0, EVFILT_JAIL, EV_ADD | EV_CLEAR, NOTE_JAIL_CHILD, 0, nullptr);
    if (kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1) {
        int e = errno;
        ::close(kq);
        if (e == EINVAL)
            err.set(EX_CONFIG_, "--watch-jails needs FreeBSD 15 (kqueue EVFILT_JAIL); this kernel "
                                "has none: use the jail managers' hooks (jaildaemon-hook(8))");
        else
            err.set(EX_OSERR_,
                    std::string("--watch-jails: kevent EVFILT_JAIL: ") + std::strerror(e));
        return -1;
    }
    return kq;
}

class KqueueJailWatch : public JailWatch {
  public:
    KqueueJailWatch(boost::asio::io_context& io, int kq, std::function<void(long)> appeared)
        : kq_(io, kq), appeared_(std::move(appeared)) {
        when_kqueue_readable(kq_, [this] { drain(); });
    }

  private:
    void drain() {
        drain_kevents(kq_.native_handle(), [this](std::span<const struct kevent> evs) {
            for (const struct kevent& ev : evs) {
                if (ev.filter != EVFILT_JAIL || !(ev.fflags & NOTE_JAIL_CHILD))
                    continue;
                appeared_((ev.fflags & NOTE_JAIL_MULTI) ? 0 : long(ev.data));
            }
        });
    }

    boost::asio::posix::stream_descriptor kq_;
    std::function<void(long)> appeared_;
};

} // namespace

bool jail_watch_supported(Error& err) {
    int kq = open_kqueue(err);
    if (kq < 0)
        return false;
    ::close(kq);
    return true;
}

std::unique_ptr<JailWatch> open_jail_watch(boost::asio::io_context& io,
                                           std::function<void(long)> appeared, Error& err) {
    int kq = open_kqueue(err);
    if (kq < 0)
        return nullptr;
    return std::make_unique<KqueueJailWatch>(io, kq, std::move(appeared));
}

} // namespace jd
