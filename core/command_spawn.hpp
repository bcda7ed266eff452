// Spawning the process of a host command (runner.hpp runs the command),
// the one thing on the trigger path that is not waiting. The command gets:
// cwd /, stdin /dev/null, stdout and stderr to the daemon's stderr (its
// log), no other descriptor, default dispositions for every signal the
// daemon ignores (SIGPIPE), an empty signal mask, and a process group of its
// own. It is also made the reaper of everything it starts (Linux:
// PR_SET_CHILD_SUBREAPER, FreeBSD: procctl PROC_REAP_ACQUIRE): while it
// lives, a process it started whose parent ends becomes its child, not
// init's, so that nothing leaves its tree, also not by setsid(2) and a
// double fork, and a timeout can kill all of it (signal_descendants).
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace jd {

// The PATH every host command and hook runs with.
constexpr const char* kCommandPath = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";

// argv/envp for spawn_command: pointers into v's strings, null-terminated.
// v must outlive the result.
inline std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (std::string& s : v)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// exe with argv and envp (null-terminated). Returns 0 with pid set once the
// command has exec'd, or the errno of what failed (nothing is left running
// then). The backend picks the cheapest way the system has.
int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

// Send sig to every live descendant of leader (a command spawn_command
// started, not yet reaped), not to leader itself. Returns how many got it.
// Linux: a walk of /proc (each one checked again through a pidfd before it
// is signalled); FreeBSD: procctl PROC_REAP_KILL.
int signal_descendants(pid_t leader, int sig);

// The portable way: posix_spawn(3), a vfork-like start that does not copy
// the daemon's memory. It does copy the descriptor table into the child
// and close it there, which costs time in proportion to the descriptors the
// daemon holds (one per probe on Linux). It cannot make the command a
// reaper: what it orphans leaves its tree.
int posix_spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid);

} // namespace jd
