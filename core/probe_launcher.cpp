#include "probe_launcher.hpp"

#include "child_watch.hpp"
#include "log.hpp"
#include "peer_creds.hpp"
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
#include <sys/uio.h>
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

struct ProbeLauncher::Reports {
    explicit Reports(asio::io_context& io) : sock(io) {}
    asio::posix::stream_descriptor sock; // the daemon's end
    int probes_end = -1;                 // what each probe gets
    std::chrono::steady_clock::time_point last{};
    unsigned quiet = 0; // reports not logged (at most one line a second)
};

struct ProbeLauncher::Launch {
    explicit Launch(asio::io_context& io)
        : sock(io), timer(io), exit(std::make_shared<ExitSlot>(io)) {}
    asio::posix::stream_descriptor sock;
    asio::steady_timer timer;
    std::shared_ptr<ExitSlot> exit;
    std::shared_ptr<Jail> jail;
    std::string name;
    std::string title;
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

bool send_config(int fd, const ProbeConfig& cfg, int report) {
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct iovec iov = {const_cast<ProbeConfig*>(&cfg), sizeof cfg};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (report >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &report, sizeof report);
    }
    return sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) == ssize_t(sizeof cfg);
}

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
    : io_(io), image_(image), devnull_(devnull) {
    open_reports();
}

ProbeLauncher::~ProbeLauncher() {
    kill_all();
    if (reports_ && reports_->probes_end >= 0)
        ::close(reports_->probes_end);
}

void ProbeLauncher::launch(std::shared_ptr<Jail> jail, const ProbeSpec& spec, Done done,
                           Deadline deadline) {
    Queued q{std::move(jail), spec, std::move(done), deadline};
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
    l->title = q.spec.title;
    l->done = std::move(q.done);
    ++running_;
    live_[l.get()] = l;

    Error err;
    auto until =
        q.deadline.value_or(std::chrono::steady_clock::now() + std::chrono::seconds(kReadySeconds));
    if (until <= std::chrono::steady_clock::now()) {
        err.set(EX_TEMPFAIL_, "probe in jail " + l->name + " not started within " +
                                  std::to_string(kReadySeconds) + " s (too many launches)");
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    LaunchTarget t;
    if (!q.jail->launch_target(t, err)) {
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    ProbeConfig cfg;
    cfg.flags = t.flags;
    if (t.fd >= 0)
        cfg.flags |= kProbeTargetFd;
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

    // A datagram-like socket: each status message arrives whole or not at all,
    // tagged by the kernel with its sender's pid (Linux).
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        err.set(EX_OSERR_, errno_text("socketpair", errno));
        asio::post(io_, [this, l, err] { finish(l, -1, err); });
        return;
    }
    (void)want_sender_pid(sv[0]);
    // Fits the socket buffer: never blocks. The report socket rides along.
    if (!send_config(sv[0], cfg, reports_ ? reports_->probes_end : -1)) {
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
    if (rc == 0) {
        l->spawned = pid;
        ours_[pid] = l;
    }
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
    l->timer.expires_at(until);
    l->timer.async_wait([this, weak](const boost::system::error_code& ec) {
        auto l = weak.lock();
        if (ec || !l)
            return;
        finish(l, -1,
               Error{EX_TEMPFAIL_, "probe in jail " + l->name + " was not ready within " +
                                       std::to_string(kReadySeconds) +
                                       " s (stopped, frozen or held up inside the jail); killed"});
    });

    // Read every status message waiting now; false when there is nothing
    // more to read. The socket is untrusted: the jail can reach the probe
    // (Linux stage 2; root of a container without a user namespace and with
    // CAP_SYS_PTRACE may even take its descriptors). What counts is what the
    // kernel says and what the daemon can check: who sent a message (its
    // pid), that a named pid is our own new child, and that a probe saying
    // "ready" is inside its jail. Text from the probe is quoted.
    auto drain = std::make_shared<std::function<bool()>>();
    *drain = [this, weak]() -> bool {
        auto l = weak.lock();
        if (!l || l->finished)
            return false;
        for (;;) {
            ProbeStatus s;
            pid_t from = -1;
            ssize_t n = recv_from_pid(l->sock.native_handle(), &s, sizeof s, from);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return true;
            if (n <= 0)
                return false; // every probe end closed: the exits tell why
            if (n != ssize_t(sizeof s)) {
                finish(l, -1,
                       Error{EX_PROTOCOL_,
                             "probe in jail " + l->name + " sent a malformed status message"});
                return false;
            }
            ++l->messages;
            // Stage 1 (Linux: on the host, never seen by a jail) sends
            // "child" and may fail; after it only the probe it named speaks.
            bool from_ok = from == -1 || from == l->spawned || (l->probe && from == l->probe);
            if (s.kind == ProbeReport::child && (from == -1 || from == l->spawned) &&
                l->messages == 1 && !l->probe) {
                // It must be our own child (waitid() finds only children not
                // reaped), inside the jail (not a host command of ours), and
                // none that any launch or probe of ours already has.
                siginfo_t si{};
                pid_t pid = pid_t(s.pid);
                if (pid <= 0 || ours_.count(pid) ||
                    waitid(P_PID, id_t(pid), &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
                    !l->jail->holds(pid)) {
                    finish(l, -1,
                           Error{EX_PROTOCOL_,
                                 "probe in jail " + l->name + " named a process that is not ours"});
                    return false;
                }
                l->probe = pid;
                ours_[pid] = l;
                // The watchers own the launch: it lives until both are reaped.
                watch_child(io_, pid, [this, l](int st) {
                    l->probe_reaped = true;
                    ours_.erase(l->probe);
                    if (l->ready)
                        l->exit->fire(st);
                    else
                        finish(l, -1,
                               Error{EX_OSERR_, "probe in jail " + l->name +
                                                    " ended before it was ready (" +
                                                    status_text(st) + ")"});
                });
            } else if (s.kind == ProbeReport::ready &&
                       (from == -1 || from == (l->probe ? l->probe : l->spawned))) {
                if (!l->probe)
                    l->probe = l->spawned;
                if (!l->jail->holds(l->probe)) {
                    finish(l, -1,
                           Error{EX_PROTOCOL_, "probe in jail " + l->name +
                                                   " said it was ready but is not in the jail"});
                    return false;
                }
                l->ready = true;
                finish(l, l->probe, Error{});
                return false;
            } else if (s.kind == ProbeReport::failed && from_ok) {
                s.text[sizeof s.text - 1] = '\0';
                std::string what = "cannot start probe in jail " + l->name + ": " + quoted(s.text);
                finish(l, -1,
                       Error{exit_code_from(s.code), s.err ? errno_text(what, s.err) : what});
                return false;
            } else {
                finish(l, -1,
                       Error{EX_PROTOCOL_, "probe in jail " + l->name +
                                               " sent an unexpected status message (from pid " +
                                               std::to_string(from) + ")"});
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
        ours_.erase(l->spawned);
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

void ProbeLauncher::open_reports() {
    // One datagram socket for every probe's reports, not one per probe: a
    // daemon with 10,000 probes already holds a descriptor for each.
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0) {
        log_warn(
            errno_text("socketpair for probe reports (refused triggers are not logged)", errno));
        return;
    }
    (void)want_sender_pid(sv[0]);
    reports_ = std::make_unique<Reports>(io_);
    reports_->sock.assign(sv[0]);
    reports_->probes_end = sv[1];
    ::shutdown(sv[1], SHUT_RD);
    read_reports();
}

void ProbeLauncher::read_reports() {
    reports_->sock.async_wait(
        asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
            if (ec)
                return;
            for (;;) {
                ProbeStatus s;
                pid_t from = -1;
                ssize_t n = recv_from_pid(reports_->sock.native_handle(), &s, sizeof s, from);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0)
                    break;
                if (n == ssize_t(sizeof s) && s.kind == ProbeReport::refused)
                    refused(from, s);
            }
            read_reports();
        });
}

void ProbeLauncher::refused(pid_t from, const ProbeStatus& s) {
    // Any process holding the probes' end may send here (a jail that took a
    // probe's descriptors too): named by the kernel's sender pid, only a
    // ready probe of ours is reported, and at most one line a second.
    std::shared_ptr<Launch> l;
    if (auto it = ours_.find(from); it != ours_.end())
        l = it->second.lock();
    std::string who;
    if (l && l->ready && from == l->probe)
        who = "probe " + quoted(l->title) + " in jail " + l->name;
    else if (from == -1) // the system does not say who sent it
        who = "a probe titled " + quoted(std::string(s.text, strnlen(s.text, sizeof s.text)));
    else
        return;
    auto now = std::chrono::steady_clock::now();
    if (now - reports_->last < std::chrono::seconds(1)) {
        ++reports_->quiet;
        return;
    }
    reports_->last = now;
    std::string more;
    if (reports_->quiet)
        more = "; " + std::to_string(reports_->quiet) + " more not logged";
    reports_->quiet = 0;
    log_warn(who + " ignored a SIGHUP from outside its jail (sender uid " +
             std::to_string(std::uint32_t(s.code)) + ")" + more);
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
