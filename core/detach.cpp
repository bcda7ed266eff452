#include "detach.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace jd {

// Fork into the background. The original process waits until the daemon
// reports ready (ready_fd) so that "jaildaemon -D; jaildaemon -c ..." works
// and the pidfile is there when -D returns.
bool detach(const std::string& log_file, int& ready_fd, Error& err) {
    int logfd = ::open(log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (logfd < 0) {
        err.set(EX_CANTCREAT_, errno_text("cannot open log " + log_file, errno));
        return false;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        err.set(EX_OSERR_, errno_text("pipe", errno));
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        err.set(EX_OSERR_, errno_text("fork", errno));
        return false;
    }
    if (pid > 0) {
        ::close(p[1]);
        char c = 0;
        ssize_t n;
        while ((n = ::read(p[0], &c, 1)) < 0 && errno == EINTR) {
        }
        // The daemon printed its reason to the log if it did not get ready.
        _exit(n == 1 ? 0 : EX_OSERR_);
    }
    ::close(p[0]);
    setsid();
    pid = fork();
    if (pid < 0)
        _exit(EX_OSERR_);
    if (pid > 0)
        _exit(0);
    int nul = ::open("/dev/null", O_RDONLY);
    dup2(nul, 0);
    dup2(logfd, 1);
    dup2(logfd, 2);
    ::close(nul);
    ::close(logfd);
    ready_fd = p[1];
    return chdir("/") == 0;
}

} // namespace jd
