#include "daemon.hpp"

#include "admission.hpp"
#include "child_watch.hpp"
#include "commit.hpp"
#include "config.h"
#include "detach.hpp"
#include "jail.hpp"
#include "journal.hpp"
#include "lockfile.hpp"
#include "log.hpp"
#include "peer_creds.hpp"
#include "probe_abi.hpp"
#include "probe_launcher.hpp"
#include "probe_spawn.hpp"
#include "registry.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "title.hpp"
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
#include <deque>
#include <fcntl.h>
#include <functional>
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
// The request must be read within this; the whole session (read, answer,
// write the reply) is over after kSessionTimeout whatever happens.
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kSessionTimeout = std::chrono::seconds(30);
// Out of descriptors (EMFILE/ENFILE): accept nothing for this long.
constexpr auto kAcceptPause = std::chrono::seconds(1);
// A probe that cannot be respawned while its jail lives is tried this often
// (1 s, 2 s, 3 s apart) before it is forgotten.
constexpr int kRespawnTries = 3;
using Done = std::function<void(Reply)>;

class Daemon;

// One client connection: read one line, answer it, close.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Daemon& d, local::socket s, uid_t uid)
        : d_(d), sock_(std::move(s)), timer_(sock_.get_executor()), deadline_(sock_.get_executor()),
          buf_(kMaxRequestBytes + 1), uid_(uid) {}
    void start();
    uid_t uid() const { return uid_; }

  private:
    void answer(const Reply& r);
    void close();

    Daemon& d_;
    local::socket sock_;
    asio::steady_timer timer_;    // reading the request
    asio::steady_timer deadline_; // the whole session
    asio::streambuf buf_;
    std::string out_;
    uid_t uid_;
    bool read_ = false;      // the request is read (and handed on)
    bool timed_out_ = false; // the client got the timeout answer: never execute
    bool answered_ = false;
    bool closed_ = false;
};

class Daemon {
  public:
    Daemon(asio::io_context& io, const DaemonOptions& o, local::acceptor acc, ProbeImage& image,
           int devnull, StateFile& state)
        : io_(io), opts_(o), acceptor_(std::move(acc)), signals_(io, SIGTERM, SIGINT),
          hup_(io, SIGHUP), launcher_(io, image, devnull), state_(state),
          commit_(
              io, state, [this] { return snapshot(); }, [this] { return registry_.size(); }),
          accept_timer_(io), runner_(io) {}

    void start() {
        acceptor_.non_blocking(true);
        signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (!ec)
                stop(sig);
        });
        watch_hup();
        log_info("jaildaemon " JAILDAEMON_VERSION " listening on " + opts_.socket + ", state " +
                 state_.path() + ", cooldown " + std::to_string(opts_.limits.cooldown.count()) +
                 " s (by default), at most " + std::to_string(opts_.limits.max_commands) +
                 " commands at once, command timeout " +
                 std::to_string(opts_.limits.command_timeout.count()) + " s");
    }

    // A session ended: when accepting waited for one, it goes on.
    void session_closed() {
        --sessions;
        if (accept_full_ && sessions < kMaxSessions) {
            accept_full_ = false;
            if (!accept_paused_)
                accept();
        }
    }
    // Bring saved probes back, all started side by side; restored() is
    // called once every one of them is running or has failed its first try.
    void restore(const SavedState& saved, std::function<void()> restored);
    // Take requests: once restored, so that the first answer already sees
    // every restored probe running.
    void serve() { accept(); }
    void handle(const std::string& line, uid_t peer, Done done);
    int sessions = 0;

  private:
    void accept() {
        if (sessions >= kMaxSessions) {
            // Further connections wait in the listen queue until a session
            // ends (each ends within 30 s): none is turned away.
            if (!accept_full_)
                log_warn("audit: " + std::to_string(kMaxSessions) +
                         " sessions open; further connections wait");
            accept_full_ = true;
            return;
        }
        acceptor_.async_accept([this](const boost::system::error_code& ec, local::socket s) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!took(ec, std::move(s)))
                return;
            // Take every connection that is queued now, so that their
            // requests are read in the same turn of the loop and share one
            // commit (one accept per turn would give each its own fsync).
            while (sessions < kMaxSessions) {
                local::socket more(io_);
                boost::system::error_code mec;
                acceptor_.accept(more, mec);
                if (mec == asio::error::would_block || mec == asio::error::try_again)
                    break;
                if (!took(mec, std::move(more)))
                    return;
                if (mec)
                    break;
            }
            accept();
        });
    }

    // One accepted connection (or why not). False: accepting is paused.
    bool took(const boost::system::error_code& ec, local::socket s) {
        if (!ec) {
            if (accept_paused_) {
                accept_paused_ = false;
                log_info("accepting connections again");
            }
            uid_t uid = uid_t(-1);
            gid_t gid = gid_t(-1);
            if (!peer_creds(s.native_handle(), uid, gid)) {
                log_warn("audit: refused a connection: cannot read peer credentials");
            } else {
                std::make_shared<Session>(*this, std::move(s), uid)->start();
            }
            return true;
        }
        if (ec == asio::error::no_descriptors || ec.value() == ENFILE ||
            ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
            // Accepting again at once would fail again at once (the
            // connection stays queued): pause, the sessions time out.
            if (!accept_paused_)
                log_warn("accept: " + ec.message() + "; not accepting for 1 s");
            accept_paused_ = true;
            accept_timer_.expires_after(kAcceptPause);
            accept_timer_.async_wait([this](const boost::system::error_code& tec) {
                if (!tec)
                    accept();
            });
            return false;
        }
        log_warn("accept: " + ec.message());
        return true;
    }

    void watch_hup() {
        // SIGHUP to the daemon itself is not a trigger: newsyslog(8) and
        // logrotate moved the log file; open it again.
        hup_.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            if (opts_.foreground) {
                log_info("SIGHUP received; logging to standard error, nothing to reopen");
            } else {
                Error err;
                if (log_reopen(opts_.log_file, err))
                    log_info("SIGHUP received; log file " + opts_.log_file + " reopened");
                else
                    log_err("SIGHUP received; " + err.what + "; still logging to the old file");
            }
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
        // What is queued goes to disk; then one snapshot, so that the next
        // start has no journal to replay.
        commit_.flush();
        Error err;
        if (!commit_.compact(err))
            log_warn("state not compacted at stop (the journal stays valid): " + err.what);
        log_info("state: " + std::to_string(commit_.writes()) + " journal writes, " +
                 std::to_string(commit_.compactions()) + " snapshots since start");
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
    void finish_add(ProbeSpec spec, std::shared_ptr<Jail> jail, pid_t pid,
                    std::shared_ptr<ExitSlot> exit, Done done);
    void remove(const Request& r, Done done);
    Reply list(const Request& r);
    void spawn(std::uint64_t id, std::function<void()> then = {});
    void spawn_failed(std::uint64_t id, const Error& err);
    void adopt(Probe& p, pid_t pid, std::shared_ptr<ExitSlot> exit);
    void respawn(std::uint64_t id);
    void respawn_later(std::uint64_t id, std::int64_t ms);
    void on_probe_exit(std::uint64_t id, pid_t pid, int status);
    void trigger(Probe& p);
    void run_pending(std::uint64_t id);
    void start_command(Probe& p);
    void next_waiting();
    std::chrono::seconds cooldown_of(const Probe& p) const {
        return p.spec.cooldown_s ? std::chrono::seconds(*p.spec.cooldown_s) : opts_.limits.cooldown;
    }
    SavedProbe saved(const Probe& p) const;
    SavedState snapshot() const;
    // Counters are not acknowledged: written with the next commit, or
    // within a second, never with an fsync of their own.
    void save_counters(const Probe& p) { commit_.lazy(journal_run(saved(p))); }
    void forget(Probe& p) {
        if (p.pid)
            kill(p.pid, SIGKILL); // not reaped yet: the pid is still ours
        respawn_tries_.erase(p.id);
        launching_.erase(p.id);
        registry_.erase(p.id);
    }
    // A probe that goes away on its own (not asked for): written lazily.
    void drop(Probe& p) {
        std::uint64_t id = p.id;
        forget(p);
        commit_.lazy(journal_remove(id));
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
    // Acknowledged changes are group-committed (commit.hpp): an add or a
    // remove is answered, and enters the registry, once it is on disk.
    Commit commit_;
    asio::steady_timer accept_timer_;
    bool accept_paused_ = false;
    bool accept_full_ = false; // kMaxSessions open: not accepting
    Runner runner_;
    std::unordered_map<std::uint64_t, int> respawn_tries_;
    // Probes whose (re)start is under way.
    std::unordered_set<std::uint64_t> launching_;
    // Probes with a deferred run waiting for a free command slot, in order.
    std::deque<std::uint64_t> waiting_slot_;
};

void Session::start() {
    ++d_.sessions;
    auto self = shared_from_this();
    timer_.expires_after(kRequestTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->read_ || self->closed_)
            return;
        // From now on the request is not executed, even if it arrives.
        self->timed_out_ = true;
        self->answer(error_reply(EX_TEMPFAIL_, "request not complete within 5 s"));
    });
    // Read, answer and write, all of it: a client that stops reading cannot
    // hold a session for ever. An answer that comes later is dropped; the
    // change it reports stands (it was acknowledged to nobody).
    deadline_.expires_after(kSessionTimeout);
    deadline_.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->closed_)
            return;
        if (self->answered_) {
            self->close(); // the client does not read its reply
            return;
        }
        // Told once; the late answer is dropped. The write of this one
        // gets a few seconds more.
        self->answer(error_reply(EX_TEMPFAIL_, "no answer within 30 s; the request may still "
                                               "take effect (check with -l)"));
        self->deadline_.expires_after(kRequestTimeout);
        self->deadline_.async_wait([self](const boost::system::error_code& ec2) {
            if (!ec2)
                self->close();
        });
    });
    asio::async_read_until(
        sock_, buf_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || self->timed_out_ || self->closed_)
                return;
            self->read_ = true;
            self->timer_.cancel();
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
            // The answer may come in a later turn of the loop (after the
            // state is on disk).
            self->d_.handle(line, self->uid_, [self](Reply r) { self->answer(r); });
        });
}

void Session::answer(const Reply& r) {
    if (answered_ || closed_)
        return; // answered already (timeout vs. read race, or too late)
    answered_ = true;
    // Every refused request leaves exactly one line, naming the peer.
    if (!r.ok)
        log_warn("audit: refused request from uid " + std::to_string(uid_) + ": " + r.error);
    out_ = encode(r);
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_),
                      [self](const boost::system::error_code&, std::size_t) { self->close(); });
}

void Session::close() {
    if (closed_)
        return;
    closed_ = true;
    timer_.cancel();
    deadline_.cancel();
    boost::system::error_code ec;
    sock_.shutdown(local::socket::shutdown_both, ec);
    sock_.close(ec);
    d_.session_closed();
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
        return done(error_reply(EX_NOPERM_, "permission denied: only root may register or remove "
                                            "probes (you are uid " +
                                                std::to_string(peer) + ")"));
    if (req.op == Op::add)
        add(req.probe, std::move(done));
    else
        remove(req, std::move(done));
}

SavedProbe Daemon::saved(const Probe& p) const {
    SavedProbe sp;
    sp.id = p.id;
    sp.spec = p.spec;
    sp.identity = p.jail->identity();
    sp.triggers = p.triggers;
    sp.last_run_ms = p.last_run_ms;
    sp.last_status = p.last_status;
    sp.last_ms = p.last_ms;
    return sp;
}

SavedState Daemon::snapshot() const {
    SavedState s;
    s.next_id = const_cast<Registry&>(registry_).next_id();
    for (Probe* p : const_cast<Registry&>(registry_).all())
        s.probes.push_back(saved(*p));
    return s;
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
        p.last_status = sp.last_status;
        p.last_ms = sp.last_ms;
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
    // One snapshot of what was restored (dropped probes are gone), and a
    // fresh journal; a failure here is not fatal, the old files stay valid.
    Error err;
    if (!commit_.compact(err))
        log_err("state not compacted at start (the old snapshot and journal stay valid): " +
                err.what);
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
    launcher_.launch(jail, spec,
                     [this, spec, jail, done = std::move(done)](
                         pid_t pid, std::shared_ptr<ExitSlot> exit, const Error& e) {
                         if (pid < 0)
                             return done(error_reply(e.code, e.what));
                         finish_add(spec, jail, pid, std::move(exit), done);
                     });
}

// The probe runs (pid); it enters the registry, replacing an older probe of
// the same jail and title, once its registration is on disk. Until then it
// is nobody's: a trigger of it is seen only after that (its exit watcher is
// set up then; an exit meanwhile is not lost, the child is not reaped).
void Daemon::finish_add(ProbeSpec spec, std::shared_ptr<Jail> jail, pid_t pid,
                        std::shared_ptr<ExitSlot> exit, Done done) {
    SavedProbe sp;
    sp.id = registry_.reserve_id();
    sp.spec = std::move(spec);
    sp.identity = jail->identity();
    // Replacing a probe does not reset its cooldown.
    if (Probe* old = registry_.find(jail->key(), sp.spec.title))
        sp.last_run_ms = old->last_run_ms;
    std::string record = journal_add(sp);
    commit_.commit(
        {std::move(record)}, [this, sp, jail, pid, exit, done = std::move(done)](const Error& err) {
            if (err) {
                // Not on disk: as if it never came. The probe goes; the one it
                // would have replaced stays.
                kill(pid, SIGKILL);
                exit->set([](int) {});
                return done(error_reply(err.code,
                                        "state not saved: " + err.what + ": probe not registered"));
            }
            Probe* old = registry_.find(jail->key(), sp.spec.title);
            std::uint64_t old_id = old ? old->id : 0;
            Probe& p = registry_.restore(sp.id, sp.spec, jail);
            adopt(p, pid, exit);
            p.last_run_ms = old ? old->last_run_ms : sp.last_run_ms;
            Reply r;
            r.id = p.id;
            if (Probe* o = old_id ? registry_.find(old_id) : nullptr) {
                log_info(describe(*o) + " replaced by probe " + std::to_string(p.id));
                forget(*o);
                r.replaced = true;
            }
            log_info(describe(p) + " registered (pid " + std::to_string(p.pid) + ", respawn " +
                     respawn_name(p.spec.respawn) + ", cooldown " +
                     std::to_string(cooldown_of(p).count()) + " s): " + quoted(p.spec.command));
            done(r);
        });
}

void Daemon::remove(const Request& req, Done done) {
    std::vector<std::uint64_t> victims;
    if (req.id) {
        if (registry_.find(*req.id))
            victims.push_back(*req.id);
    } else {
        for (Probe* p : registry_.of_jail(req.jail))
            if (req.title.empty() || p->spec.title == req.title)
                victims.push_back(p->id);
    }
    if (victims.empty())
        return done(error_reply(EX_DATAERR_,
                                req.id ? "no probe with id " + std::to_string(*req.id)
                                       : "no probe matches jail " + req.jail +
                                             (req.title.empty() ? "" : " title " + req.title)));
    std::vector<std::string> records;
    for (std::uint64_t id : victims)
        records.push_back(journal_remove(id));
    // Killed and forgotten only once that is on disk.
    commit_.commit(std::move(records), [this, victims, done = std::move(done)](const Error& err) {
        if (err)
            return done(
                error_reply(err.code, "state not saved: " + err.what + ": probe not removed"));
        Reply r;
        for (std::uint64_t id : victims) {
            Probe* p = registry_.find(id);
            if (!p)
                continue; // ended on its own meanwhile
            log_info(describe(*p) + " removed");
            forget(*p);
            ++r.removed;
        }
        done(r);
    });
}

Reply Daemon::list(const Request& req) {
    Reply r;
    auto dflt = std::uint32_t(opts_.limits.cooldown.count());
    for (Probe* p : req.jail.empty() ? registry_.all() : registry_.of_jail(req.jail))
        r.probes.push_back(registry_.info(*p, dflt));
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
    launcher_.launch(p->jail, p->spec,
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
        drop(*p);
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
        drop(*p);
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
    drop(*p);
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
    drop(*p);
}

// A trigger is never dropped. One that comes while the probe's command may
// not run (its cooldown, or every command slot busy) is deferred: the
// command runs once when it may, for however many triggers came meanwhile.
void Daemon::trigger(Probe& p) {
    ++p.triggers;
    std::string who = describe(p);
    if (p.pending) {
        // Only a -R probe can be triggered again before its deferred run.
        log_info("audit: trigger of " + who + " joins its pending run");
        save_counters(p);
        respawn(p.id);
        return;
    }
    p.pending = true;
    run_pending(p.id);
}

void Daemon::run_pending(std::uint64_t id) {
    Probe* pp = registry_.find(id);
    if (!pp || !pp->pending || pp->state == ProbeState::running)
        return; // removed, replaced, or run meanwhile
    Probe& p = *pp;
    std::int64_t now = wall_ms(), retry_ms = 0;
    Limits l = opts_.limits;
    l.cooldown = cooldown_of(p);
    Admit a = admit(l, p.last_run_ms, now, runner_.running(), &retry_ms);
    if (a == Admit::run) {
        start_command(p);
        return;
    }
    bool first = p.state != ProbeState::deferred && !p.deferred_logged;
    p.deferred_logged = true;
    if (first)
        log_info("audit: trigger of " + describe(p) + " deferred: " + admit_reason(a, l, retry_ms) +
                 "; command " + quoted(p.spec.command) + " runs then");
    if (a == Admit::busy) {
        if (std::find(waiting_slot_.begin(), waiting_slot_.end(), id) == waiting_slot_.end())
            waiting_slot_.push_back(id);
    } else {
        auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(retry_ms));
        t->async_wait([this, t, id](const boost::system::error_code& ec) {
            if (!ec)
                run_pending(id);
        });
    }
    // -R: the probe is back at once, and a trigger meanwhile joins this run.
    // Otherwise it comes back as its mode says, after the run.
    if (p.spec.respawn == Respawn::now) {
        respawn(id);
    } else if (!p.pid) {
        p.state = ProbeState::deferred;
    }
    save_counters(p);
}

// A command slot is free: the longest waiting deferred run goes first.
void Daemon::next_waiting() {
    while (!waiting_slot_.empty() && runner_.running() < opts_.limits.max_commands) {
        std::uint64_t id = waiting_slot_.front();
        waiting_slot_.pop_front();
        run_pending(id);
    }
}

void Daemon::start_command(Probe& p) {
    std::uint64_t id = p.id;
    std::string who = describe(p);
    std::string cmd = quoted(p.spec.command);
    p.pending = false;
    p.deferred_logged = false;
    p.last_run_ms = wall_ms();
    p.last_status.reset();
    p.last_ms.reset();
    CommandJob job{p.spec.command, p.jail->name(), p.jail->id(), p.spec.title,
                   opts_.limits.command_timeout};
    Respawn mode = p.spec.respawn;
    log_info(who + " triggered: running " + cmd);
    Error err;
    bool started = runner_.run(
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
            if (Probe* q = registry_.find(id)) {
                q->last_status = r.status;
                q->last_ms = std::uint64_t(ms);
                if (q->state == ProbeState::running)
                    q->state = q->pid ? ProbeState::waiting : ProbeState::spawning;
                save_counters(*q);
            }
            if (mode == Respawn::after)
                respawn(id);
            next_waiting();
        },
        err);
    if (!started) {
        // Not run: still pending, the probe is not used up; tried again in 1 s.
        log_err("audit: trigger of " + who + ": command " + cmd + " not started: " + err.what +
                "; trying again in 1 s");
        p.pending = true;
        p.deferred_logged = true;
        if (!p.pid && mode != Respawn::now)
            p.state = ProbeState::deferred;
        auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds(1));
        t->async_wait([this, t, id](const boost::system::error_code& ec) {
            if (!ec)
                run_pending(id);
        });
        if (mode == Respawn::now)
            respawn(id);
        save_counters(p);
        return;
    }
    save_counters(p);
    if (mode == Respawn::none) {
        drop(p);
    } else if (mode == Respawn::now) {
        respawn(id);
    } else {
        p.state = ProbeState::running;
    }
}

} // namespace

int run_daemon(const DaemonOptions& opts) {
    // Each line goes to one place: syslog(3) with --syslog, else standard
    // error (the log file once detached, reopened on SIGHUP).
    log_open("jaildaemon", opts.syslog && !opts.foreground);
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
    Pidfile pidfile;
    pid_t other = 0;
    if (!pidfile.open(opts.pidfile, err, &other))
        return fail(err);
    StateFile state(opts.state_file);
    if (!state.make_dir(err))
        return fail(err);
    LockFile state_lock;
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
    set_daemon_title("listening on " + opts.socket);
    // Writes to a client that went away must not kill us.
    signal(SIGPIPE, SIG_IGN);

    if (!corrupt_line.empty())
        log_err(corrupt_line);
    // Before any probe or command exists: the spawn slots stay low.
    prepare_spawn();
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
    // One handler that throws (a descriptor Asio could not register, say)
    // is logged and the loop goes on: nothing takes the daemon down.
    for (;;) {
        try {
            io.run();
            break;
        } catch (const std::exception& e) {
            log_err(std::string("internal error, carrying on: ") + e.what());
        }
    }
    state_lock.remove();
    pidfile.remove();
    log_info("stopped");
    return 0;
}

} // namespace jd
