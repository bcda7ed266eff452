// Linux: start a program at a cost that does not grow with the daemon, for
// the probe (linux/probe_spawn.cpp) and host commands
// (linux/command_spawn.cpp).
//
// The daemon holds one pidfd per probe. posix_spawn (like fork) copies the
// whole descriptor table into the child and closes every entry again there:
// with 10,000 probes, milliseconds per start. Here the child shares the
// daemon's memory and table (CLONE_VM | CLONE_FILES, the daemon suspended
// until exec: CLONE_VFORK) and its first act is close_range(2) with
// CLOSE_RANGE_UNSHARE, for which the kernel builds a new table holding only
// the few lowest descriptors. The descriptors the child is to get are put
// first into slots the daemon keeps reserved down there
// (prepare_clone_exec()). Every signal is blocked around the clone, so no
// handler of the daemon's runs in the child; the child resets every
// disposition, sets its mask and execs. System calls only until then.
#pragma once

#include <csignal>
#include <sys/types.h>

namespace jd {

constexpr int kMaxCloneFds = 5;

struct CloneExec {
    const char* exe = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    int fds[kMaxCloneFds] = {}; // fds[i] becomes descriptor i; all others closed
    int nfds = 0;
    sigset_t mask{};         // the child's signal mask
    bool own_pgrp = false;   // setpgid(0, 0)
    bool chdir_root = false; // chdir("/")
    bool reaper = false;     // PR_SET_CHILD_SUBREAPER (kept across exec)
};

// Reserve the low slots; call early, while the daemon holds few
// descriptors (later calls do nothing). False when it could not.
bool prepare_clone_exec();

// Returns 0 with pid once the child has exec'd, ENOSYS when the kernel has
// no CLOSE_RANGE_UNSHARE (before 5.9; nothing was started: use
// posix_spawn), or the errno of what failed (nothing left running).
int clone_exec(const CloneExec& c, pid_t& pid);

} // namespace jd
