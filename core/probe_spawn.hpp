// Creating the probe program's process on the host (the launcher,
// probe_launcher.hpp, then hands it its jail). Linux: linux/probe_spawn.cpp
// (clone_exec); FreeBSD: freebsd/probe_spawn.cpp (posix_spawn(3)).
#pragma once

#include <sys/types.h>

namespace jd {

// Get ready to spawn processes cheaply, probes and host commands alike
// (Linux: reserve the low descriptor slots of clone_exec); call once,
// early, while few descriptors are open.
void prepare_spawn();

// Spawn the probe program (probe_abi.hpp) at path with argv and envp: on
// the host, outside every jail, with every signal disposition at default,
// only SIGHUP blocked, null_fd on 0-2, status_fd on 3, target_fd (if >= 0)
// on 4, and every other descriptor closed before exec. Returns 0 with *pid,
// or an errno.
int spawn_probe(const char* path, char* const argv[], char* const envp[], int null_fd,
                int status_fd, int target_fd, pid_t* pid);

} // namespace jd
