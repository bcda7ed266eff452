// Starting a host command, the one thing on the trigger path that is not
// waiting. The command gets: cwd /, stdin /dev/null, stdout and stderr to the
// daemon's stderr (its log), no other descriptor, default dispositions for
// every signal the daemon ignores (SIGPIPE), an empty signal mask, and a
// process group of its own (so that a timeout can kill it and everything it
// started).
#pragma once

#include <functional>
#include <sys/types.h>

namespace boost::asio {
class io_context;
}

namespace jd {

// exe with argv and envp (null-terminated). Returns 0 with pid set once the
// command has exec'd, or the errno of what failed (nothing is left running
// then). The backend picks the cheapest way the system has.
int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

// The portable way: posix_spawn(3), a vfork-like start that does not copy
// the daemon's memory. It does copy the descriptor table into the child
// and close it there, which costs time in proportion to the descriptors the
// daemon holds (one per probe on Linux).
// Call exited() on the event loop once the command pid (ours, not reaped)
// has ended, WITHOUT reaping it: while its zombie exists its pid, and so its
// process group id, cannot be given to anybody else, so the caller may
// still signal the group safely, and reaps it (waitpid) afterwards. Linux: a
// pidfd; FreeBSD: a kqueue EVFILT_PROC NOTE_EXIT. Out of descriptors: a poll
// of waitid(WNOWAIT) every 100 ms. Never throws.
void watch_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited);

// The portable fallback of watch_exit: waitid(P_PID, WEXITED | WNOWAIT |
// WNOHANG) on a timer.
void poll_exit(boost::asio::io_context& io, pid_t pid, std::function<void()> exited);

int posix_spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

} // namespace jd
