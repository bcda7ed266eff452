#include "capture.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace jd {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

} // namespace

bool capture(const std::vector<std::string>& argv, Captured& c, std::string& err, int timeout_ms) {
    c = Captured{};
    int po[2], pe[2];
    if (::pipe2(po, O_CLOEXEC) != 0) {
        err = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    Fd out_r{po[0]}, out_w{po[1]};
    if (::pipe2(pe, O_CLOEXEC) != 0) {
        err = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    Fd err_r{pe[0]}, err_w{pe[1]};

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_w.fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_w.fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        c.spawn_errno = rc;
        err = argv[0] + ": " + std::strerror(rc);
        return false;
    }
    out_w.reset();
    err_w.reset();

    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    bool timed_out = false;
    const std::size_t cap = 64 * 1024;
    while (out_r.fd >= 0 || err_r.fd >= 0) {
        pollfd pf[2];
        int n = 0;
        if (out_r.fd >= 0)
            pf[n++] = {out_r.fd, POLLIN, 0};
        if (err_r.fd >= 0)
            pf[n++] = {err_r.fd, POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        int r = ::poll(pf, static_cast<nfds_t>(n), static_cast<int>(left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err = std::string("poll: ") + std::strerror(errno);
            timed_out = true; // kill and reap below
            break;
        }
        for (int i = 0; i < n; ++i) {
            if (pf[i].revents == 0)
                continue;
            Fd& f = pf[i].fd == out_r.fd ? out_r : err_r;
            std::string& buf = pf[i].fd == out_r.fd ? c.out : c.errout;
            char chunk[4096];
            ssize_t got = ::read(f.fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                f.reset();
                continue;
            }
            if (buf.size() < cap)
                buf.append(chunk, static_cast<std::size_t>(got));
        }
    }
    if (timed_out)
        ::kill(pid, SIGKILL);
    int ws = 0;
    while (::waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        c.timed_out = true;
        if (err.empty())
            err = argv[0] + ": no answer within " + std::to_string(timeout_ms / 1000) + " s";
        return false;
    }
    c.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return true;
}

} // namespace jd
