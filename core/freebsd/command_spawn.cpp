// FreeBSD: spawn host commands with posix_spawn(3) (vfork-like). The daemon
// does not hold a descriptor per probe here, so there is no table worth
// avoiding to copy.
// The end of a command is seen by watch_exit() (freebsd/child_watch.cpp: the
// daemon's one kqueue, EVFILT_PROC / NOTE_EXIT), which leaves the zombie
// for waitpid(2).
#include "command_spawn.hpp"

namespace jd {

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    return posix_spawn_command(exe, argv, envp, pid);
}

} // namespace jd
