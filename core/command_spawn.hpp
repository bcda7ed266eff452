// Spawning the process of a host command (runner.hpp runs the command),
// the one thing on the trigger path that is not waiting. The command gets:
// cwd /, stdin /dev/null, stdout and stderr to the daemon's stderr (its
// log), no other descriptor, default dispositions for every signal the
// daemon ignores (SIGPIPE), an empty signal mask, and a process group of its
// own (so that a timeout can kill it and everything it started).
#pragma once

#include <sys/types.h>

namespace jd {

// exe with argv and envp (null-terminated). Returns 0 with pid set once the
// command has exec'd, or the errno of what failed (nothing is left running
// then). The backend picks the cheapest way the system has.
int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

// The portable way: posix_spawn(3), a vfork-like start that does not copy
// the daemon's memory. It does copy the descriptor table into the child
// and close it there, which costs time in proportion to the descriptors the
// daemon holds (one per probe on Linux).
int posix_spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

} // namespace jd
