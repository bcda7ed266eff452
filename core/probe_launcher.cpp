#include "probe_launcher.hpp"

#include "child_watch.hpp"
#include "log.hpp"
#include "probe_abi.hpp"
#include "probe_spawn.hpp"
#include "runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace asio = boost::asio;

namespace jd {

bool ProbeImage::open(const std::string& given, Error& err) {
    // Absolute and free of links from here on: a detached daemon works in
    // "/", and the path is exec'd many times later.
    char* real = ::realpath(given.c_str(), nullptr);
    if (!real) {
        err.set(EX_CONFIG_, errno_text("cannot find probe program " + given, errno));
        return false;
    }
    std::string path = real;
    std::free(real);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        err.set(EX_CONFIG_, errno_text("cannot find probe program " + path, errno));
        return false;
    }
    if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXOTH)) {
        err.set(EX_CONFIG_, "probe program " + path + " is not an executable file");
        return false;
    }
    // The daemon runs this as root: nobody but root may change it.
    if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
        err.set(EX_CONFIG_, "probe program " + path +
                                " must be owned by root and not writable by group or others");
        return false;
    }
    path_ = path;
    return true;
}

void ExitSlot::set(std::function<void(int)> fn) {
    if (early_) {
        int st = *early_;
        early_.reset();
        asio::post(io_, [fn = std::move(fn), st] { fn(st); });
        return;
    }
    fn_ = std::move(fn);
}

void ExitSlot::fire(int status) {
    if (fn_)
        fn_(status);
    else
        early_ = status;
}

struct ProbeLauncher::Launch {
    explicit Launch(asio::io_context& io)
        : sock(io), timer(io), exit(std::make_shared<ExitSlot>(io)) {}
    asio::posix::stream_descriptor sock;
    asio::steady_timer timer;
    std::shared_ptr<ExitSlot> exit;
    std::shared_ptr<Jail> jail;
    std::string name;
    Done done;
    pid_t spawned = 0; // what spawn_probe() created (Linux: stage 1)
    bool spawned_reaped = false;
    pid_t probe = 0; // the probe proper, once known
    bool probe_reaped = false;
    int messages = 0;
    bool ready = false;
    bool finished = false;
    std::shared_ptr<std::function<void()>> rearm; // re-arms the status read
};

namespace {

int exit_code_from(std::int32_t c) {
    switch (c) {
    case EX_NOUSER_:
    case EX_NOHOST_:
    case EX_UNAVAILABLE_:
    case EX_SOFTWARE_:
    case EX_OSERR_:
    case EX_NOPERM_:
        return c;
    default:
        return EX_OSERR_;
    }
}

} // namespace

ProbeLauncher::ProbeLauncher(asio::io_context& io, const ProbeImage& image, int devnull)
    : io_(io), image_(image), devnull_(devnull) {}

ProbeLauncher::~ProbeLauncher() {
    kill_all();
}

void ProbeLauncher::launch(std::shared_ptr<Jail> jail, const ProbeSpec& spec, Done done) {
    Queued q{std::move(jail), spec, std::move(done)};
    if (running_ >= kMaxInFlight) {
        queue_.push_back(std::move(q));
        return;
    }
    begin(std::move(q));
}

void ProbeLauncher::next() {
    while (running_ < kMaxInFlight && !queue_.empty()) {
        Queued q = std::move(queue_.front());
        queue_.pop_front();
        begin(std::move(q));
    }
}

void ProbeLauncher::kill_all() {
    for (auto& [key, w] : live_) {
        if (auto l = w.lock()) {
            l->finished = true;
            if (l->spawned && !l->spawned_reaped)
                kill(l->spawned, SIGKILL);
            if (l->probe && !l->probe_reaped)
                kill(l->probe, SIGKILL);
        }
    }
    live_.clear();
    queue_.clear();
}

void ProbeLauncher::begin(Queued q) {
    auto l = std::make_shared<Launch>(io_);
    l->jail = q.jail;
    l->name = q.jail->name();
    l->done = std::move(q.done);
    ++running_;
    live_[l.get()] = l;

    Error err;
    LaunchTarget t;
    if (!q.jail->launch_target(t, err)) {
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    ProbeConfig cfg;
    cfg.flags = t.flags;
    cfg.target = t.target;
    cfg.daemon_pid = std::int32_t(getpid());
    if (q.spec.uid) {
        cfg.flags |= kProbeUid;
        cfg.uid = *q.spec.uid;
    }
    if (q.spec.gid) {
        cfg.flags |= kProbeGid;
        cfg.gid = *q.spec.gid;
    }
    if (q.spec.last_failed)
        cfg.flags |= kProbeLastFailed;
    // Names (validated: at most kMaxNameBytes) are looked up by the probe.
    if (!q.spec.user.empty()) {
        cfg.flags |= kProbeUser;
        q.spec.user.copy(cfg.user, sizeof cfg.user - 1);
    }
    if (!q.spec.group.empty()) {
        cfg.flags |= kProbeGroup;
        q.spec.group.copy(cfg.group, sizeof cfg.group - 1);
    }
    if (t.name.size() >= sizeof cfg.jail_name) {
        err.set(EX_USAGE_, "jail name " + quoted(t.name) + " is too long");
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    std::memcpy(cfg.jail_name, t.name.data(), t.name.size());

    // A datagram-like socket: each status message arrives whole or not at all.
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        err.set(EX_OSERR_, errno_text("socketpair", errno));
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    // Fits the socket buffer: never blocks.
    if (send(sv[0], &cfg, sizeof cfg, MSG_NOSIGNAL | MSG_DONTWAIT) != ssize_t(sizeof cfg)) {
        err.set(EX_OSERR_, errno_text("send probe configuration", errno));
        ::close(sv[0]);
        ::close(sv[1]);
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }

    std::string title = q.spec.title;
    char* argv[] = {title.data(), nullptr};
    char* envp[] = {nullptr};
    pid_t pid = 0;
    int rc = spawn_probe(image_.path().c_str(), argv, envp, devnull_, sv[1], t.fd, &pid);
    if (rc == 0)
        l->spawned = pid;
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        err.set(EX_OSERR_, errno_text("cannot start probe program " + image_.path(), rc));
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    l->sock.assign(sv[0]);

    // Every step from here is an event: a status message, an exit, the deadline.
    std::weak_ptr<Launch> weak = l;
    l->timer.expires_after(std::chrono::seconds(kReadySeconds));
    l->timer.async_wait([this, weak](const boost::system::error_code& ec) {
        auto l = weak.lock();
        if (ec || !l)
            return;
        finish(l, -1,
               Error{EX_TEMPFAIL_, "probe in jail " + l->name + " was not ready within " +
                                       std::to_string(kReadySeconds) +
                                       " s (stopped, frozen or held up inside the jail); killed"});
    });

    // Read every status message waiting now; false when the launch is over.
    auto drain = std::make_shared<std::function<bool()>>();
    *drain = [this, weak]() -> bool {
        auto l = weak.lock();
        if (!l || l->finished)
            return false;
        for (;;) {
            ProbeStatus s;
            ssize_t n = recv(l->sock.native_handle(), &s, sizeof s, MSG_DONTWAIT);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return true;
            if (n == 0)
                return false; // every probe end closed: the exits tell why
            if (n != ssize_t(sizeof s)) {
                finish(l, -1,
                       Error{EX_PROTOCOL_,
                             "probe in jail " + l->name + " sent a malformed status message"});
                return false;
            }
            ++l->messages;
            if (s.kind == ProbeReport::child && l->messages == 1 && !l->probe) {
                // Stage 1 (on the host, not yet seen by any jail) names stage
                // 2. It must be our own child and not stage 1 itself.
                siginfo_t si{};
                pid_t pid = pid_t(s.pid);
                if (pid <= 0 || pid == l->spawned ||
                    waitid(P_PID, id_t(pid), &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
                    finish(l, -1,
                           Error{EX_PROTOCOL_,
                                 "probe in jail " + l->name + " named a process that is not ours"});
                    return false;
                }
                l->probe = pid;
                // The watchers own the launch: it lives until both are reaped.
                watch_child(io_, pid, [this, l](int st) {
                    l->probe_reaped = true;
                    if (l->ready)
                        l->exit->fire(st);
                    else
                        finish(l, -1,
                               Error{EX_OSERR_, "probe in jail " + l->name +
                                                    " ended before it was ready (" +
                                                    status_text(st) + ")"});
                });
            } else if (s.kind == ProbeReport::ready) {
                if (!l->probe)
                    l->probe = l->spawned;
                l->ready = true;
                finish(l, l->probe, Error{});
                return false;
            } else if (s.kind == ProbeReport::failed) {
                s.text[sizeof s.text - 1] = '\0';
                std::string what = "cannot start probe in jail " + l->name + ": " + s.text;
                finish(l, -1,
                       Error{exit_code_from(s.code), s.err ? errno_text(what, s.err) : what});
                return false;
            } else {
                finish(l, -1,
                       Error{EX_PROTOCOL_,
                             "probe in jail " + l->name + " sent an unexpected status message"});
                return false;
            }
        }
    };
    auto arm = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weak_arm = arm;
    *arm = [weak, drain, weak_arm] {
        auto l = weak.lock();
        if (!l || l->finished)
            return;
        l->sock.async_wait(asio::posix::stream_descriptor::wait_read,
                           [drain, weak_arm](const boost::system::error_code& ec) {
                               if (ec || !(*drain)())
                                   return;
                               if (auto a = weak_arm.lock())
                                   (*a)();
                           });
    };
    // The launch owns the re-arm function; the function only points back.
    l->rearm = arm;
    (*arm)();

    watch_child(io_, l->spawned, [this, l, drain](int st) {
        l->spawned_reaped = true;
        // A "child" message may still sit unread in the socket.
        if (!l->finished)
            (*drain)();
        if (l->probe && l->probe != l->spawned)
            return; // stage 1 done its job
        if (l->ready)
            l->exit->fire(st);
        else
            finish(l, -1,
                   Error{EX_OSERR_, "probe in jail " + l->name + " ended before it was ready (" +
                                        status_text(st) + ")"});
    });
}

void ProbeLauncher::finish(const std::shared_ptr<Launch>& l, pid_t pid, const Error& err) {
    if (l->finished)
        return;
    l->finished = true;
    l->timer.cancel();
    boost::system::error_code ec;
    l->sock.close(ec);
    l->rearm.reset();
    --running_;
    live_.erase(l.get());
    Done done = std::move(l->done);
    if (pid < 0) {
        // Whatever is left of it dies; the exit watchers still reap it.
        if (l->spawned && !l->spawned_reaped)
            kill(l->spawned, SIGKILL);
        if (l->probe && !l->probe_reaped)
            kill(l->probe, SIGKILL);
        l->exit->set([](int) {});
        done(-1, nullptr, err);
    } else {
        done(pid, l->exit, err);
    }
    next();
}

} // namespace jd
