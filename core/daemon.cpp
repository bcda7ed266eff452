#include "daemon.hpp"

#include "config.h"
#include "detach.hpp"
#include "jail.hpp"
#include "limits.hpp"
#include "log.hpp"
#include "platform.hpp"
#include "probe_abi.hpp"
#include "probe_launcher.hpp"
#include "registry.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "unix_socket.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace jd {

namespace {

constexpr int kMaxSessions = 64;
constexpr auto kRequestTimeout = std::chrono::seconds(5);
// A probe that cannot be respawned while its jail lives is tried this often
// (1 s, 2 s, 3 s apart) before it is forgotten.
constexpr int kRespawnTries = 3;
// The state file is written at most this often (and before a list reply).
constexpr auto kSaveInterval = std::chrono::milliseconds(100);

class Daemon;

// One client connection: read one line, answer it, close.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Daemon& d, local::socket s, uid_t uid)
        : d_(d), sock_(std::move(s)), timer_(sock_.get_executor()), buf_(kMaxRequestBytes + 1),
          uid_(uid) {}
    void start();
    uid_t uid() const { return uid_; }

  private:
    void answer(const Reply& r);

    Daemon& d_;
    local::socket sock_;
    asio::steady_timer timer_;
    asio::streambuf buf_;
    std::string out_;
    uid_t uid_;
};

class Daemon {
  public:
    Daemon(asio::io_context& io, const DaemonOptions& o, local::acceptor acc, ProbeImage& image,
           int devnull, StateFile& state)
        : io_(io), opts_(o), acceptor_(std::move(acc)), signals_(io, SIGTERM, SIGINT),
          hup_(io, SIGHUP), launcher_(io, image, devnull), state_(state), save_timer_(io),
          runner_(io) {}

    void start() {
        signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (!ec)
                stop(sig);
        });
        watch_hup();
        log_info("jaildaemon " JAILDAEMON_VERSION " listening on " + opts_.socket + ", state " +
                 state_.path() + ", cooldown " + std::to_string(opts_.limits.cooldown.count()) +
                 " s, at most " + std::to_string(opts_.limits.max_commands) +
                 " commands at once, command timeout " +
                 std::to_string(opts_.limits.command_timeout.count()) + " s");
    }

    // Bring saved probes back, all started side by side; restored() is
    // called once every one of them is running or has failed its first try.
    void restore(const SavedState& saved, std::function<void()> restored);
    // Take requests: once restored, so that the first answer already sees
    // every restored probe running.
    void serve() { accept(); }
    using Done = std::function<void(Reply)>;
    // Answer one request line; done may be called later, from the loop.
    void handle(const std::string& line, uid_t peer, Done done);
    int sessions = 0;

  private:
    void accept() {
        acceptor_.async_accept([this](const boost::system::error_code& ec, local::socket s) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!ec) {
                uid_t uid = uid_t(-1);
                gid_t gid = gid_t(-1);
                if (!platform::peer_creds(s.native_handle(), uid, gid)) {
                    log_warn("audit: refused a connection: cannot read peer credentials");
                } else if (sessions >= kMaxSessions) {
                    log_warn("audit: refused a connection from uid " + std::to_string(uid) + ": " +
                             std::to_string(kMaxSessions) + " sessions open");
                } else {
                    std::make_shared<Session>(*this, std::move(s), uid)->start();
                }
            } else {
                log_warn("accept: " + ec.message());
            }
            accept();
        });
    }

    void watch_hup() {
        // SIGHUP to the daemon itself is not a trigger; note it and go on.
        hup_.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            log_info("SIGHUP received; nothing to reload");
            watch_hup();
        });
    }

    void stop(int sig) {
        // The state file stays: the next daemon brings these probes back.
        log_info("signal " + std::to_string(sig) + ": stopping, " +
                 std::to_string(registry_.size()) + " probes killed (kept in " + state_.path() +
                 ")");
        boost::system::error_code ec;
        acceptor_.close(ec);
        ::unlink(opts_.socket.c_str());
        flush();
        launcher_.kill_all();
        for (Probe* p : registry_.all())
            if (p->pid)
                kill(p->pid, SIGKILL);
        for (Probe* p : registry_.all())
            if (p->pid)
                waitpid(p->pid, nullptr, 0);
        io_.stop();
    }

    void add(const ProbeSpec& spec, Done done);
    void finish_add(const ProbeSpec& spec, std::shared_ptr<Jail> jail, pid_t pid,
                    std::shared_ptr<ExitSlot> exit, Done done);
    Reply remove(const Request& r);
    Reply list(const Request& r);
    void spawn(std::uint64_t id, std::function<void()> then = {});
    void spawn_failed(std::uint64_t id, const Error& err);
    void adopt(Probe& p, pid_t pid, std::shared_ptr<ExitSlot> exit);
    void respawn(std::uint64_t id);
    void respawn_later(std::uint64_t id, std::int64_t ms);
    void on_probe_exit(std::uint64_t id, pid_t pid, int status);
    void trigger(Probe& p);
    void save();
    void flush();
    void write_state();
    void forget(Probe& p) {
        if (p.pid)
            kill(p.pid, SIGKILL); // not reaped yet: the pid is still ours
        respawn_tries_.erase(p.id);
        launching_.erase(p.id);
        registry_.erase(p.id);
    }
    static std::string describe(const Probe& p) {
        return "probe " + std::to_string(p.id) + " " + quoted(p.spec.title) + " in jail " +
               p.jail->name();
    }

    asio::io_context& io_;
    const DaemonOptions& opts_;
    local::acceptor acceptor_;
    asio::signal_set signals_;
    asio::signal_set hup_;
    ProbeLauncher launcher_;
    StateFile& state_;
    Registry registry_;
    // Saving: every change marks the state dirty; it is written once per
    // event-loop turn, at most every kSaveInterval, before every list reply
    // and at stop. A burst of registrations costs one write, not one each.
    asio::steady_timer save_timer_;
    bool dirty_ = false;
    bool save_armed_ = false;
    std::chrono::steady_clock::time_point last_save_{};
    Runner runner_;
    std::unordered_map<std::uint64_t, int> respawn_tries_;
    // Probes whose (re)start is under way.
    std::unordered_set<std::uint64_t> launching_;
};

void Session::start() {
    ++d_.sessions;
    auto self = shared_from_this();
    timer_.expires_after(kRequestTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
        if (!ec)
            self->answer(error_reply(EX_TEMPFAIL_, "request not complete within 5 s"));
    });
    asio::async_read_until(
        sock_, buf_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted)
                return;
            if (ec == asio::error::not_found) {
                self->answer(error_reply(EX_DATAERR_, "request longer than " +
                                                          std::to_string(kMaxRequestBytes) +
                                                          " bytes"));
                return;
            }
            if (ec) {
                self->answer(error_reply(EX_DATAERR_, "request not terminated by newline"));
                return;
            }
            std::string line(asio::buffers_begin(self->buf_.data()),
                             asio::buffers_begin(self->buf_.data()) + n - 1);
            // The request is in: its deadline is over. Starting a probe has
            // a deadline of its own (ProbeLauncher::kReadySeconds).
            self->timer_.cancel();
            self->d_.handle(line, self->uid_, [self](const Reply& r) { self->answer(r); });
        });
}

void Session::answer(const Reply& r) {
    if (!out_.empty())
        return; // answered already (timeout vs. read race)
    timer_.cancel();
    // Every refused request leaves exactly one line, naming the peer.
    if (!r.ok)
        log_warn("audit: refused request from uid " + std::to_string(uid_) + ": " + r.error);
    out_ = encode(r);
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_),
                      [self](const boost::system::error_code&, std::size_t) {
                          boost::system::error_code ec;
                          self->sock_.shutdown(local::socket::shutdown_both, ec);
                          self->sock_.close(ec);
                          --self->d_.sessions;
                      });
}

void Daemon::handle(const std::string& line, uid_t peer, Done done) {
    Request req;
    Error err;
    if (!decode(line, req, err))
        return done(error_reply(err.code, err.what));
    if (req.op == Op::ping) {
        Reply r;
        r.version = JAILDAEMON_VERSION;
        return done(r);
    }
    if (req.op == Op::list)
        return done(list(req));
    if (peer != 0)
        return done(error_reply(EX_NOPERM_, "permission denied: only root may register or "
                                            "remove probes (you are uid " +
                                                std::to_string(peer) + ")"));
    if (req.op == Op::add)
        return add(req.probe, std::move(done));
    done(remove(req));
}

void Daemon::save() {
    dirty_ = true;
    if (save_armed_)
        return;
    save_armed_ = true;
    auto due = last_save_ + kSaveInterval;
    save_timer_.expires_at(std::max(due, std::chrono::steady_clock::now()));
    save_timer_.async_wait([this](const boost::system::error_code& ec) {
        save_armed_ = false;
        if (!ec)
            flush();
    });
}

void Daemon::flush() {
    if (!dirty_)
        return;
    dirty_ = false;
    last_save_ = std::chrono::steady_clock::now();
    write_state();
}

void Daemon::write_state() {
    SavedState s;
    s.next_id = registry_.next_id();
    for (Probe* p : registry_.all()) {
        SavedProbe sp;
        sp.id = p->id;
        sp.spec = p->spec;
        sp.identity = p->jail->identity();
        sp.triggers = p->triggers;
        sp.last_run_ms = p->last_run_ms;
        s.probes.push_back(std::move(sp));
    }
    Error err;
    if (!state_.save(s, err))
        log_err("state NOT saved, a restart would lose changes: " + err.what);
}

void Daemon::restore(const SavedState& saved, std::function<void()> restored_cb) {
    JailOptions jo;
    jo.allow_host = opts_.allow_host;
    std::size_t restored = 0;
    auto pending = std::make_shared<std::size_t>(1);
    auto one_done = [pending, restored_cb] {
        if (--*pending == 0 && restored_cb)
            restored_cb();
    };
    for (const SavedProbe& sp : saved.probes) {
        std::string who = "saved probe " + std::to_string(sp.id) + " " + quoted(sp.spec.title) +
                          " in jail " + (sp.spec.label.empty() ? sp.spec.jail : sp.spec.label);
        Error err;
        std::shared_ptr<Jail> jail = open_jail(sp.spec.jail, jo, err);
        if (!jail) {
            log_warn(who +
                     (err.code == EX_NOHOST_ ? " dropped: the jail is gone ("
                                             : " dropped: its jail is refused (") +
                     err.what + ")");
            continue;
        }
        if (jail->identity() != sp.identity) {
            log_warn(who + " dropped: that jail is not the same jail any more (was " +
                     quoted(sp.identity) + ", now " + quoted(jail->identity()) + ")");
            continue;
        }
        if (registry_.find(sp.id) || registry_.find(jail->key(), sp.spec.title)) {
            log_warn(who + " dropped: a probe with that id or jail and title is restored already");
            continue;
        }
        Probe& p = registry_.restore(sp.id, sp.spec, jail);
        p.triggers = sp.triggers;
        p.last_run_ms = sp.last_run_ms;
        ++restored;
        // All at once: the launcher starts them side by side. A probe that
        // fails to start is tried again (spawn_failed), not dropped at once.
        ++*pending;
        spawn(p.id, one_done);
    }
    registry_.set_next_id(saved.next_id);
    if (!saved.probes.empty())
        log_info("restored " + std::to_string(restored) + " of " +
                 std::to_string(saved.probes.size()) + " saved probes from " + state_.path());
    save();
    one_done();
}

void Daemon::add(const ProbeSpec& spec, Done done) {
    Error err;
    JailOptions jo;
    jo.allow_host = opts_.allow_host;
    std::shared_ptr<Jail> jail = open_jail(spec.jail, jo, err);
    if (!jail)
        return done(error_reply(err.code, "probe " + quoted(spec.title) + " for jail " +
                                              quoted(spec.label.empty() ? spec.jail : spec.label) +
                                              ": " + err.what));
    // Start the probe before it enters the registry: a failure leaves the
    // registry (and a probe this one would replace) untouched. The answer
    // waits for the probe's "ready"; the loop serves others meanwhile.
    launcher_.start(jail, spec,
                    [this, spec, jail, done = std::move(done)](
                        pid_t pid, std::shared_ptr<ExitSlot> exit, const Error& e) {
                        if (pid < 0)
                            return done(error_reply(e.code, e.what));
                        finish_add(spec, jail, pid, std::move(exit), done);
                    });
}

void Daemon::finish_add(const ProbeSpec& spec, std::shared_ptr<Jail> jail, pid_t pid,
                        std::shared_ptr<ExitSlot> exit, Done done) {
    Probe* old = registry_.find(jail->key(), spec.title);
    std::uint64_t old_id = old ? old->id : 0;
    std::int64_t old_last_run = old ? old->last_run_ms : 0;
    Probe& p = registry_.add(spec, jail);
    adopt(p, pid, std::move(exit));
    // Replacing a probe does not reset its cooldown.
    p.last_run_ms = old_last_run;
    Reply r;
    r.id = p.id;
    if (Probe* o = old_id ? registry_.find(old_id) : nullptr) {
        log_info(describe(*o) + " replaced by probe " + std::to_string(p.id));
        forget(*o);
        r.replaced = true;
    }
    log_info(describe(p) + " registered (pid " + std::to_string(p.pid) + ", respawn " +
             respawn_name(spec.respawn) + "): " + quoted(spec.command));
    save();
    done(r);
}

Reply Daemon::remove(const Request& req) {
    std::vector<Probe*> victims;
    if (req.id) {
        if (Probe* p = registry_.find(*req.id))
            victims.push_back(p);
    } else {
        for (Probe* p : registry_.of_jail(req.jail))
            if (req.title.empty() || p->spec.title == req.title)
                victims.push_back(p);
    }
    if (victims.empty())
        return error_reply(EX_DATAERR_, req.id
                                            ? "no probe with id " + std::to_string(*req.id)
                                            : "no probe matches jail " + req.jail +
                                                  (req.title.empty() ? "" : " title " + req.title));
    Reply r;
    for (Probe* p : victims) {
        log_info(describe(*p) + " removed");
        forget(*p);
        ++r.removed;
    }
    save();
    return r;
}

Reply Daemon::list(const Request& req) {
    // What -l shows is what a restart restores.
    flush();
    Reply r;
    for (Probe* p : req.jail.empty() ? registry_.all() : registry_.of_jail(req.jail))
        r.probes.push_back(registry_.info(*p));
    return r;
}

void Daemon::spawn(std::uint64_t id, std::function<void()> then) {
    Probe* p = registry_.find(id);
    if (!p || p->pid || launching_.count(id)) {
        if (then)
            then();
        return; // removed, already back, or on its way
    }
    p->state = ProbeState::spawning;
    launching_.insert(id);
    launcher_.start(p->jail, p->spec,
                    [this, id, then](pid_t pid, std::shared_ptr<ExitSlot> exit, const Error& err) {
                        launching_.erase(id);
                        struct Then {
                            std::function<void()> fn;
                            ~Then() {
                                if (fn)
                                    fn();
                            }
                        } at_end{then};
                        Probe* p = registry_.find(id);
                        if (!p || p->pid) {
                            // Removed or replaced while it started.
                            if (pid > 0) {
                                kill(pid, SIGKILL);
                                exit->set([](int) {});
                            }
                            return;
                        }
                        if (pid < 0)
                            return spawn_failed(id, err);
                        respawn_tries_.erase(id);
                        adopt(*p, pid, std::move(exit));
                    });
}

void Daemon::adopt(Probe& p, pid_t pid, std::shared_ptr<ExitSlot> exit) {
    registry_.set_pid(p, pid);
    p.state = ProbeState::waiting;
    std::uint64_t id = p.id;
    exit->set([this, id, pid](int st) { on_probe_exit(id, pid, st); });
}

void Daemon::respawn(std::uint64_t id) {
    Probe* p = registry_.find(id);
    if (!p || p->pid || launching_.count(id))
        return; // removed or replaced meanwhile, or already back
    if (!p->jail->alive()) {
        log_info(describe(*p) + " not respawned: the jail is gone; forgotten");
        forget(*p);
        save();
        return;
    }
    spawn(id);
}

// A probe that could not be (re)started while its jail lives is tried again
// (1 s, 2 s apart) before it is forgotten: a passing failure (descriptors,
// a jail busy starting) must not lose it.
void Daemon::spawn_failed(std::uint64_t id, const Error& err) {
    Probe* p = registry_.find(id);
    if (!p)
        return;
    if (!p->jail->alive()) {
        log_info(describe(*p) + " not started: the jail is gone (" + err.what + "); forgotten");
        forget(*p);
        save();
        return;
    }
    int tries = ++respawn_tries_[id];
    if (tries < kRespawnTries) {
        log_warn(describe(*p) + " could not be started: " + err.what + "; trying again in " +
                 std::to_string(tries) + " s");
        respawn_later(id, 1000 * tries);
        return;
    }
    log_warn(describe(*p) + " could not be started: " + err.what + "; forgotten after " +
             std::to_string(tries) + " tries");
    forget(*p);
    save();
}

void Daemon::respawn_later(std::uint64_t id, std::int64_t ms) {
    if (Probe* p = registry_.find(id))
        p->state = ProbeState::spawning;
    auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(ms));
    t->async_wait([this, t, id](const boost::system::error_code& ec) {
        if (!ec)
            respawn(id);
    });
}

void Daemon::on_probe_exit(std::uint64_t id, pid_t pid, int status) {
    Probe* p = registry_.find(id);
    if (!p || p->pid != pid)
        return; // removed or replaced: reaped, nothing else to do
    registry_.set_pid(*p, 0);
    // A probe killed by the SIGHUP itself (it cannot be, its SIGHUP is
    // blocked from fork to sigwait; but if it were) was triggered all the same.
    if ((WIFEXITED(status) && WEXITSTATUS(status) == kProbeTriggered) ||
        (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP)) {
        trigger(*p);
        return;
    }
    log_info(describe(*p) + " ended without trigger (" + status_text(status) +
             "); no command run, forgotten");
    forget(*p);
    save();
}

void Daemon::trigger(Probe& p) {
    std::uint64_t id = p.id;
    std::string who = describe(p);
    std::string cmd = quoted(p.spec.command);
    std::int64_t now = wall_ms(), retry_ms = 0;
    Admit a = admit(opts_.limits, p.last_run_ms, now, runner_.running(), &retry_ms);
    if (a != Admit::run) {
        // Refused: the command does not run, and the probe is not used up,
        // whatever its respawn mode. It comes back when the reason is gone,
        // so that a jail cannot make the host fork in a loop either.
        log_warn("audit: trigger of " + who +
                 " refused: " + admit_reason(a, opts_.limits, retry_ms) + "; command " + cmd +
                 " not run; probe back in " + std::to_string((retry_ms + 999) / 1000) + " s");
        respawn_later(id, retry_ms);
        return;
    }
    ++p.triggers;
    p.last_run_ms = now;
    CommandJob job{p.spec.command, p.jail->name(), p.jail->id(), p.spec.title,
                   opts_.limits.command_timeout};
    Respawn mode = p.spec.respawn;
    log_info(who + " triggered: running " + cmd);
    Error err;
    bool started = runner_.start(
        job,
        [this, id, who, cmd, mode](const CommandResult& r) {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.took).count();
            std::string how = status_text(r.status);
            if (r.timed_out)
                how += " (killed: timeout of " +
                       std::to_string(opts_.limits.command_timeout.count()) + " s)";
            log(r.status == 0 ? Level::info : Level::warn,
                "audit: trigger of " + who + ": command " + cmd + " " + how + " after " +
                    std::to_string(ms) + " ms");
            if (mode == Respawn::after)
                respawn(id);
        },
        err);
    if (!started) {
        // Not run: like a refused trigger, the probe is not used up.
        log_err("audit: trigger of " + who + ": command " + cmd + " not started: " + err.what +
                "; probe back in 1 s");
        respawn_later(id, 1000);
    } else if (mode == Respawn::none) {
        forget(p);
    } else if (mode == Respawn::now) {
        respawn(id);
    } else {
        p.state = ProbeState::running;
    }
    save();
}

} // namespace

int run_daemon(const DaemonOptions& opts) {
    log_open("jaildaemon", !opts.foreground);
    Error err;
    auto fail = [&](const Error& e) {
        std::fprintf(stderr, "jaildaemon: %s\n", e.what.c_str());
        return e.code;
    };

    // Many probes, one pidfd each: take every descriptor we may have.
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    // Lock before bind: of two daemons started together exactly one wins,
    // and only one daemon ever writes a state file.
    platform::Pidfile pidfile;
    pid_t other = 0;
    if (!pidfile.open(opts.pidfile, err, &other))
        return fail(err);
    StateFile state(opts.state_file);
    if (!state.make_dir(err))
        return fail(err);
    platform::Pidfile state_lock;
    if (!state_lock.open(opts.state_file + ".lock", err, &other)) {
        if (err.code == EX_UNAVAILABLE_)
            err.what = "state file " + opts.state_file + " is in use by another jaildaemon" +
                       (other > 0 ? " (pid " + std::to_string(other) + ")" : "") +
                       "; give each daemon its own --state";
        return fail(err);
    }
    SavedState saved;
    std::string corrupt, moved;
    if (!state.load(saved, err, &corrupt, &moved))
        return fail(err);
    std::string corrupt_line;
    if (!moved.empty()) {
        corrupt_line = "STATE FILE " + opts.state_file + " IS CORRUPT (" + corrupt +
                       "): moved aside to " + moved + "; starting with no probes";
        if (!opts.foreground)
            std::fprintf(stderr, "jaildaemon: %s\n", corrupt_line.c_str());
    }
    if (!claim_socket_path(opts.socket, err))
        return fail(err);
    ProbeImage image;
    if (!image.open(opts.probe_path, err))
        return fail(err);
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return fail(Error{EX_OSERR_, errno_text("/dev/null", errno)});

    // Listen before detaching: when -D returns, clients can connect.
    int listener = listen_unix(opts.socket, err);
    if (listener < 0)
        return fail(err);
    // Build the io_context only in the final process.
    int ready_fd = -1;
    if (!opts.foreground && !detach(opts.log_file, ready_fd, err))
        return fail(err);

    asio::io_context io;
    local::acceptor acceptor(io);
    acceptor.assign(local(), listener);
    if (!pidfile.write(err) || !state_lock.write(err))
        return fail(err);
    platform::set_daemon_title("jaildaemon");
    // Writes to a client that went away must not kill us.
    signal(SIGPIPE, SIG_IGN);

    if (!corrupt_line.empty())
        log_err(corrupt_line);
    Daemon d(io, opts, std::move(acceptor), image, devnull, state);
    // Probes are children of this, the final process: they die with it.
    d.start();
    // Listening, pidfile written, every saved probe running again (or
    // failed its first try, logged): -D may return.
    d.restore(saved, [&d, &ready_fd] {
        d.serve();
        if (ready_fd >= 0) {
            ssize_t n = ::write(ready_fd, "r", 1);
            (void)n;
            ::close(ready_fd);
            ready_fd = -1;
        }
    });
    io.run();
    state_lock.remove();
    pidfile.remove();
    log_info("stopped");
    return 0;
}

} // namespace jd
