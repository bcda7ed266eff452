// Seeing our own children end, from the event loop, without a SIGCHLD
// handler and without waitpid(-1): each child is watched by its pid.
// Linux: a pidfd each (linux/child_watch.cpp); FreeBSD: the daemon's one
// kqueue, EVFILT_PROC / NOTE_EXIT (freebsd/child_watch.cpp); the fallback
// of both, and watch_child, in child_watch.cpp.
#pragma once

#include <functional>
#include <sys/types.h>

namespace boost::asio {
class io_context;
}

namespace jd {

// Call exited() on the event loop once child pid (ours, not reaped) has
// ended, WITHOUT reaping it: while its zombie exists its pid, and so its
// process group id, cannot be given to anybody else, so the caller may
// still signal the group safely, and reaps it (waitpid) afterwards. Out of
// descriptors: a poll of waitid(WNOWAIT) every 100 ms. Never throws.
void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited);

// The portable fallback of watch_exit: waitid(P_PID, WEXITED | WNOWAIT |
// WNOHANG) on a timer.
void poll_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited);

// watch_exit, then reap: call done(wait_status) once when child pid (ours,
// not yet reaped) has ended. For probes and the probe launcher's children.
void watch_child(boost::asio::io_context& io, pid_t pid, std::function<void(int status)> done);

} // namespace jd
