// Linux: spawn the probe program on the host with clone_exec(): its cost
// does not grow with the daemon's descriptors (one pidfd per probe). The
// child runs in the daemon's namespaces as root: no jail can see, signal
// or trace it.
#include "probe_spawn.hpp"
#include "clone_exec.hpp"
#include "probe_abi.hpp"

#include <cerrno>

namespace jd {

void prepare_spawn() {
    (void)prepare_clone_exec(); // on failure clone_exec says so at each start
}

int spawn_probe(const char* path, char* const argv[], char* const envp[], int null_fd,
                int status_fd, int target_fd, pid_t* pid) {
    static_assert(kStatusFd == 3 && kTargetFd == 4, "descriptor order of probe_abi.hpp");
    CloneExec c;
    c.exe = path;
    c.argv = argv;
    c.envp = envp;
    c.fds[0] = c.fds[1] = c.fds[2] = null_fd;
    c.fds[kStatusFd] = status_fd;
    c.nfds = kStatusFd + 1;
    if (target_fd >= 0)
        c.fds[c.nfds++] = target_fd;
    // SIGHUP stays blocked across exec: one sent the moment the probe is
    // visible is pending, not fatal.
    sigemptyset(&c.mask);
    sigaddset(&c.mask, SIGHUP);
    int rc = clone_exec(c, *pid);
    // Kernels before 5.9 have no CLOSE_RANGE_UNSHARE: not supported (the
    // pidfd backend needs 5.3 and setns on a pidfd 5.8 already).
    return rc == ENOSYS ? EOPNOTSUPP : rc;
}

} // namespace jd
