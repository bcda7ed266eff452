// The portable way to spawn a host command (command_spawn.hpp).
#include "command_spawn.hpp"

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

namespace jd {

int posix_spawn_command(const char* exe, char* const argv[], char* const envp[], pid_t& pid) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (int e = posix_spawn_file_actions_init(&fa))
        return e;
    if (int e = posix_spawnattr_init(&attr)) {
        posix_spawn_file_actions_destroy(&fa);
        return e;
    }
    // Caught signals are reset by exec; ignored ones would stay ignored. The
    // daemon ignores SIGPIPE: a command (and a shell, which could not undo
    // it) must not inherit that.
    sigset_t none, ignored;
    sigemptyset(&none);
    sigemptyset(&ignored);
    for (int sig = 1; sig < 32; ++sig) {
        struct sigaction sa;
        if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, nullptr, &sa) == 0 &&
            sa.sa_handler == SIG_IGN)
            sigaddset(&ignored, sig);
    }
    int e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    if (!e)
        e = posix_spawn_file_actions_addchdir_np(&fa, "/");
    if (!e)
        e = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
    if (!e)
        e = posix_spawnattr_setpgroup(&attr, 0);
    if (!e)
        e = posix_spawnattr_setsigmask(&attr, &none);
    if (!e)
        e = posix_spawnattr_setsigdefault(&attr, &ignored);
    if (!e)
        e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                POSIX_SPAWN_SETSIGDEF);
    if (!e)
        e = posix_spawn(&pid, exe, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

} // namespace jd
