// FreeBSD: read a kqueue(2) from Asio's event loop, shared by
// child_watch.cpp (EVFILT_PROC) and jail_watch.cpp (EVFILT_JAIL). Asio's
// reactor watches the kqueue descriptor, which is readable while events are
// pending (kqueue(2)); each time it is, every pending event is read without
// blocking and handed over. Header only: two small templates.
#pragma once

// <sys/types.h> first: <sys/event.h> relies on it.
#include <sys/types.h>

#include <sys/event.h>
#include <time.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <cstddef>
#include <span>
#include <utility>

namespace jd {

// Reads every event pending on the kqueue kq, in batches, and calls
// on_events(std::span<const struct kevent>) for each batch, in the order
// kevent(2) returns them, until none is left or kevent(2) fails. A zero
// timeout: kqueue_scan (sys/kern/kern_event.c) then returns at once with
// what is queued, never sleeping, so EINTR does not come; it would be
// retried.
template <class OnEvents> void drain_kevents(int kq, OnEvents&& on_events) {
    struct kevent evs[64];
    const struct timespec zero = {0, 0};
    for (;;) {
        int n = kevent(kq, nullptr, 0, evs, 64, &zero);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        on_events(std::span<const struct kevent>(evs, std::size_t(n)));
    }
}

// Calls ready() each time the kqueue that kq holds is readable, until the
// wait fails: operation_aborted, when kq is closed or destroyed (then kq
// is not touched again). ready() reads the events (drain_kevents).
template <class Ready>
void when_kqueue_readable(boost::asio::posix::stream_descriptor& kq, Ready ready) {
    kq.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                  [&kq, ready = std::move(ready)](const boost::system::error_code& ec) mutable {
                      if (ec)
                          return; // operation_aborted: going away
                      ready();
                      when_kqueue_readable(kq, std::move(ready));
                  });
}

} // namespace jd
