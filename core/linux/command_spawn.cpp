// Linux: spawn host commands with clone_exec() (linux/clone_exec.hpp):
// without copying the daemon's descriptor table, which holds one pidfd per
// probe, and as the child subreaper of what they start. A kernel without
// CLOSE_RANGE_UNSHARE (before 5.9) gets posix_spawn, without the subreaper.
#include "command_spawn.hpp"
#include "clone_exec.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace jd {

int spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    static int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        return posix_spawn_command(exe, argv, envp, pid);
    // stdin /dev/null, stdout and stderr the daemon's stderr (its log).
    CloneExec c;
    c.exe = exe;
    c.argv = argv;
    c.envp = envp;
    c.fds[0] = null;
    c.fds[1] = c.fds[2] = STDERR_FILENO;
    c.nfds = 3;
    sigemptyset(&c.mask);
    c.own_pgrp = true;
    c.chdir_root = true;
    c.reaper = true;
    int rc = clone_exec(c, pid);
    return rc == ENOSYS ? posix_spawn_command(exe, argv, envp, pid) : rc;
}

namespace {

// The parent and state of process pid from /proc/PID/stat; false when it
// is gone.
bool parent_of(pid_t pid, pid_t& ppid, char& state) {
    char path[64], buf[512];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    // "pid (comm) S ppid ...": comm may hold anything, up to the last ')'.
    const char* p = std::strrchr(buf, ')');
    int pp = 0;
    if (!p || std::sscanf(p + 1, " %c %d", &state, &pp) != 2)
        return false;
    ppid = pid_t(pp);
    return true;
}

} // namespace

int signal_descendants(pid_t leader, int sig) {
    // Every process's parent, then the tree below leader.
    std::unordered_map<pid_t, std::vector<pid_t>> children;
    DIR* d = ::opendir("/proc");
    if (!d)
        return 0;
    while (struct dirent* e = ::readdir(d)) {
        char* end = nullptr;
        long v = std::strtol(e->d_name, &end, 10);
        pid_t ppid = 0;
        char state = 0;
        if (*end || v <= 0 || !parent_of(pid_t(v), ppid, state) || state == 'Z')
            continue;
        children[ppid].push_back(pid_t(v));
    }
    ::closedir(d);
    int sent = 0;
    std::vector<std::pair<pid_t, pid_t>> todo; // (pid, its parent)
    for (pid_t c : children[leader])
        todo.emplace_back(c, leader);
    while (!todo.empty()) {
        auto [pid, parent] = todo.back();
        todo.pop_back();
        for (pid_t c : children[pid])
            todo.emplace_back(c, pid);
        // The pid may have ended and been given to another process since the
        // walk: pin it, then check that it still has the parent seen.
        int fd = int(syscall(SYS_pidfd_open, pid, 0));
        if (fd < 0)
            continue;
        pid_t ppid = 0;
        char state = 0;
        if (parent_of(pid, ppid, state) && ppid == parent && state != 'Z' &&
            syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0) == 0)
            ++sent;
        ::close(fd);
    }
    return sent;
}

} // namespace jd
