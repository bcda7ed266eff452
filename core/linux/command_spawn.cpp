// Linux: spawn host commands with clone_exec() (linux/clone_exec.hpp):
// without copying the daemon's descriptor table, which holds one pidfd per
// probe. A kernel without CLOSE_RANGE_UNSHARE (before 5.9) gets posix_spawn.
#include "command_spawn.hpp"
#include "clone_exec.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

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
    int rc = clone_exec(c, pid);
    return rc == ENOSYS ? posix_spawn_command(exe, argv, envp, pid) : rc;
}

} // namespace jd
