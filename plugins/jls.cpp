#include "jls.hpp"

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

namespace jdhook {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
};

std::string first_line(std::string s) {
    std::size_t nl = s.find('\n');
    if (nl != std::string::npos)
        s.resize(nl);
    return s;
}

} // namespace

bool run_capture(const std::vector<std::string>& argv, std::string& out, std::string& errout,
                 int& status, std::string& err, int timeout_ms) {
    out.clear();
    errout.clear();
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
        err = argv[0] + ": " + std::strerror(rc);
        return false;
    }
    ::close(out_w.fd);
    out_w.fd = -1;
    ::close(err_w.fd);
    err_w.fd = -1;

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
            std::string& buf = pf[i].fd == out_r.fd ? out : errout;
            char chunk[4096];
            ssize_t got = ::read(f.fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                ::close(f.fd);
                f.fd = -1;
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
        if (err.empty())
            err = argv[0] + ": no answer within " + std::to_string(timeout_ms / 1000) + " s";
        return false;
    }
    status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return true;
}

Lookup lookup_jid(const std::string& jls, const std::string& jail, long& jid, std::string& err) {
    std::string out, errout;
    int status = 0;
    if (!run_capture({jls, "-j", jail, "jid"}, out, errout, status, err))
        return Lookup::failed;
    if (status == 127 && out.empty()) {
        err = jls + ": cannot run it" + (errout.empty() ? "" : ": " + first_line(errout));
        return Lookup::failed;
    }
    if (status != 0) {
        std::string why = first_line(errout);
        err = "jail \"" + jail + "\" is not running" + (why.empty() ? "" : " (" + why + ")");
        return Lookup::unknown_jail;
    }
    std::string line = first_line(out);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    long v = 0;
    bool ok = !line.empty() && line.size() <= 9;
    for (char c : line) {
        ok = ok && c >= '0' && c <= '9';
        if (ok)
            v = v * 10 + (c - '0');
    }
    if (!ok || v <= 0) {
        err = jls + " -j " + jail + " jid: expected a jid, got \"" + line + "\"";
        return Lookup::failed;
    }
    jid = v;
    return Lookup::found;
}

} // namespace jdhook
