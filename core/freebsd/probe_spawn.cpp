// FreeBSD: spawn the probe program with posix_spawn(3) (vfork(2)-style:
// rfork(RFSPAWN)). The child runs on the host, outside every jail. Its copy
// of the descriptor table is small: on FreeBSD the daemon holds no
// descriptor per probe (exits come from one kqueue). Checked against
// posix_spawn(3), posix_spawn_file_actions_addopen(3) (addclosefrom_np:
// FreeBSD 13.1 and later) and posix_spawnattr_setflags(3).
#include "../probe_spawn.hpp"
#include "../probe_abi.hpp"

#include <sys/types.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <vector>

namespace jd {

namespace {

// Sources of the dup2 actions must not be 0-4 already: they would clobber
// each other (and dup2 onto itself would keep close-on-exec).
int above_targets(int fd, std::vector<int>& owned) {
    if (fd > kTargetFd)
        return fd;
    int d = fcntl(fd, F_DUPFD_CLOEXEC, kTargetFd + 1);
    if (d >= 0)
        owned.push_back(d);
    return d;
}

} // namespace

void prepare_spawn() {}

int spawn_probe(const char* path, char* const argv[], char* const envp[], int null_fd,
                int status_fd, int target_fd, pid_t* pid) {
    std::vector<int> owned;
    int st = above_targets(status_fd, owned);
    int nl = above_targets(null_fd, owned);
    int tg = target_fd >= 0 ? above_targets(target_fd, owned) : -1;
    int rc = EMFILE;
    if (st >= 0 && nl >= 0 && (target_fd < 0 || tg >= 0)) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        for (int fd = 0; fd <= 2; ++fd)
            posix_spawn_file_actions_adddup2(&fa, nl, fd);
        posix_spawn_file_actions_adddup2(&fa, st, kStatusFd);
        if (tg >= 0)
            posix_spawn_file_actions_adddup2(&fa, tg, kTargetFd);
        // Closed, not close-on-exec.
        posix_spawn_file_actions_addclosefrom_np(&fa, tg >= 0 ? kTargetFd + 1 : kStatusFd + 1);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t all, hup;
        sigfillset(&all);
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setsigmask(&attr, &hup);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
    }
    for (int fd : owned)
        ::close(fd);
    return rc;
}

} // namespace jd
