#include "engine.hpp"

#include "admission.hpp"
#include "config.h"
#include "jail.hpp"
#include "journal.hpp"
#include "log.hpp"
#include "output_tap.hpp"
#include "probe_abi.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;

namespace jd {

namespace {
// A probe that cannot be launched while its jail lives is tried this many
// times in all (again after 1 s, then 2 s) before it is forgotten.
constexpr int kLaunchTries = 3;
// Launches of one jail at once (queue_launch); ProbeLauncher::kMaxInFlight
// of all jails.
constexpr std::size_t kLaunchesPerJail = 8;
// How long the daemon's stop waits for its killed probes to end.
constexpr std::chrono::milliseconds kStopReap{1000};
// How many probes that went away -l --all still shows.
constexpr std::size_t kGoneKept = 32;
// A respawning probe killed without trigger comes back after 1 s, 2 s, 4 s
// ... at most this many seconds; the count starts again once it has lived
// a minute.
constexpr std::int64_t kMaxBackoffS = 60;
} // namespace

Engine::Engine(asio::io_context& io, const DaemonOptions& opts, const ProbeImage& image,
               int devnull, StateFile& state)
    : io_(io), opts_(opts), launcher_(io, image, devnull), state_(state),
      commit_(
          io, state, [this] { return snapshot(); }, [this] { return registry_.size(); }),
      runner_(io) {
    jail_opts_.allow_host = opts.allow_host;
}

void Engine::after(std::chrono::steady_clock::duration d, std::function<void()> fn) {
    auto t = std::make_shared<asio::steady_timer>(io_, d);
    t->async_wait([t, fn = std::move(fn)](const boost::system::error_code& ec) {
        if (!ec)
            fn();
    });
}

void Engine::stop() {
    // What is queued goes to disk; then one snapshot, so that the next
    // start has no journal to replay.
    commit_.flush();
    Error err;
    if (!commit_.compact(err))
        log_warn("state not compacted at stop (the journal stays valid): " + err.what);
    log_info("state: " + std::to_string(commit_.writes()) + " journal writes, " +
             std::to_string(commit_.compactions()) + " snapshots since start");
    launcher_.kill_all();
    jail_launches_.clear();
    std::vector<pid_t> left;
    for (Probe* p : registry_.all())
        if (p->pid) {
            kill(p->pid, SIGKILL);
            left.push_back(p->pid);
        }
    // Reaped without waiting on any one of them: a probe in a frozen cgroup
    // (v1 freezer) does not die of SIGKILL until its jail is thawed. What
    // has not ended by the deadline is left to init.
    auto until = std::chrono::steady_clock::now() + kStopReap;
    for (;;) {
        std::erase_if(left, [](pid_t pid) {
            pid_t r = waitpid(pid, nullptr, WNOHANG);
            return r == pid || (r < 0 && errno != EINTR);
        });
        if (left.empty() || std::chrono::steady_clock::now() >= until)
            break;
        struct timespec ts = {0, 10'000'000};
        nanosleep(&ts, nullptr);
    }
    if (!left.empty())
        log_warn(std::to_string(left.size()) + " probes did not end within " +
                 std::to_string(kStopReap.count()) +
                 " ms of SIGKILL (stopped or frozen in their jail?); not waited for");
}

void Engine::forget(Probe& p) {
    if (p.pid)
        kill(p.pid, SIGKILL); // not reaped yet: the pid is still ours
    launch_tries_.erase(p.id);
    launching_.erase(p.id);
    registry_.erase(p.id);
}

void Engine::save_counters(const Probe& p) {
    commit_.lazy(journal_run(saved(p)));
}

// A probe that goes away on its own (not asked for): written lazily. What a
// jail asked for is never dropped silently: a deferred run it still had
// gets its audit line.
void Engine::drop(Probe& p, const std::string& why) {
    std::uint64_t id = p.id;
    if (p.pending)
        log_warn("audit: deferred run of " + describe(p) + " dropped: " + why + "; command " +
                 quoted(p.spec.command) + " not run");
    remember(p, why);
    forget(p);
    commit_.lazy(journal_remove(id));
}

void Engine::remember(const Probe& p, const std::string& why) {
    ProbeInfo i = registry_.info(p, std::uint32_t(opts_.limits.cooldown.count()));
    i.state = "gone";
    i.pid = 0;
    i.command_pid = 0;
    i.note = p.note.empty() ? why : p.note + "; " + why;
    gone_.push_back(std::move(i));
    if (gone_.size() > kGoneKept)
        gone_.pop_front();
}

std::string Engine::describe(const Probe& p) {
    return "probe " + std::to_string(p.id) + " " + quoted(p.spec.title) + " in jail " +
           p.jail->name();
}

void Engine::handle(const std::string& line, uid_t peer, Done done) {
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

SavedProbe Engine::saved(const Probe& p) const {
    SavedProbe sp;
    sp.id = p.id;
    sp.spec = p.spec;
    sp.identity = p.jail->identity();
    sp.triggers = p.triggers;
    sp.last_run_ms = p.last_run_ms;
    sp.last_status = p.last_status;
    sp.last_ms = p.last_ms;
    sp.pending = p.pending;
    return sp;
}

SavedState Engine::snapshot() const {
    SavedState s;
    s.next_id = const_cast<Registry&>(registry_).next_id();
    for (Probe* p : const_cast<Registry&>(registry_).all())
        s.probes.push_back(saved(*p));
    return s;
}

namespace {
// What a restored probe that is dropped loses besides itself.
std::string pending_lost(const SavedProbe& sp) {
    return sp.pending ? " with its pending run of " + quoted(sp.spec.command) + " (not run)" : "";
}
} // namespace

void Engine::restore(const SavedState& saved, std::function<void()> restored_cb) {
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
        std::shared_ptr<Jail> jail = open_jail(sp.spec.jail, jail_opts_, err);
        if (!jail) {
            log_warn(who + " dropped" + pending_lost(sp) +
                     (err.code == EX_NOHOST_ ? ": the jail is gone (" : ": its jail is refused (") +
                     err.what + ")");
            continue;
        }
        if (jail->identity() != sp.identity) {
            log_warn(who + " dropped" + pending_lost(sp) +
                     ": that jail is not the same jail any more (was " + quoted(sp.identity) +
                     ", now " + quoted(jail->identity()) + ")");
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
        if (sp.pending) {
            // Its deferred run comes first, once the loop runs. A -R probe
            // is back at once; the others come back as after any run.
            p.pending = true;
            p.deferred_logged = true;
            log_info("audit: trigger of " + describe(p) +
                     " still pending from before the restart; command " + quoted(p.spec.command) +
                     " runs when it may");
            std::uint64_t id = p.id;
            asio::post(io_, [this, id] { run_pending(id); });
            if (p.spec.respawn != Respawn::now) {
                p.state = ProbeState::deferred;
                continue;
            }
        }
        // All at once: the launcher launches them side by side. A probe that
        // fails to launch is tried again (launch_failed), not dropped at once.
        ++*pending;
        launch(p.id, one_done, true);
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

void Engine::add(const ProbeSpec& spec, Done done) {
    Error err;
    std::shared_ptr<Jail> jail = open_jail(spec.jail, jail_opts_, err);
    if (!jail)
        return done(error_reply(err.code, "probe " + quoted(spec.title) + " for jail " +
                                              quoted(spec.label.empty() ? spec.jail : spec.label) +
                                              ": " + err.what));
    // Start the probe before it enters the registry: a failure leaves the
    // registry (and a probe this one would replace) untouched. The answer
    // waits for the probe's "ready"; the loop serves others meanwhile.
    queue_launch(jail, spec,
                 [this, spec, jail, done = std::move(done)](
                     pid_t pid, std::shared_ptr<ExitSlot> exit, const Error& e) {
                     if (pid < 0)
                         return done(error_reply(e.code, e.what));
                     finish_add(spec, jail, pid, std::move(exit), done);
                 });
}

void Engine::queue_launch(std::shared_ptr<Jail> jail, const ProbeSpec& spec,
                          ProbeLauncher::Done done, bool restoring) {
    ProbeLauncher::Deadline deadline;
    if (!restoring)
        deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(ProbeLauncher::kReadySeconds);
    std::string key = jail->key();
    jail_launches_[key].queue.push_back({std::move(jail), spec, std::move(done), deadline});
    next_launch(key);
}

void Engine::next_launch(const std::string& key) {
    auto it = jail_launches_.find(key);
    if (it == jail_launches_.end())
        return;
    JailLaunches& jl = it->second;
    auto now = std::chrono::steady_clock::now();
    while (jl.started < kLaunchesPerJail && !jl.queue.empty()) {
        QueuedLaunch q = std::move(jl.queue.front());
        jl.queue.pop_front();
        if (q.deadline && *q.deadline <= now) {
            // Its time went by in the queue: the jail's earlier launches
            // held it up. Answered from the loop, like every launch.
            Error err{EX_TEMPFAIL_, "probe in jail " + q.jail->name() + " not started within " +
                                        std::to_string(ProbeLauncher::kReadySeconds) +
                                        " s: the jail's earlier launches were held up "
                                        "(stopped, frozen or slow inside the jail)"};
            asio::post(io_, [done = std::move(q.done), err] { done(-1, nullptr, err); });
            continue;
        }
        ++jl.started;
        launcher_.launch(
            q.jail, q.spec,
            [this, key, done = std::move(q.done)](pid_t pid, std::shared_ptr<ExitSlot> exit,
                                                  const Error& err) {
                auto it = jail_launches_.find(key);
                if (it != jail_launches_.end())
                    --it->second.started;
                done(pid, std::move(exit), err);
                next_launch(key);
            },
            q.deadline);
    }
    if (jl.started == 0 && jl.queue.empty())
        jail_launches_.erase(it);
}

// The probe runs (pid); it enters the registry, replacing an older probe of
// the same jail and title, once its registration is on disk. Until then it
// is nobody's: a trigger of it is seen only after that (its exit watcher is
// set up then; an exit meanwhile is not lost, the child is not reaped).
void Engine::finish_add(ProbeSpec spec, std::shared_ptr<Jail> jail, pid_t pid,
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

void Engine::remove(const Request& req, Done done) {
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
            if (p->pending)
                log_info("audit: deferred run of " + describe(*p) +
                         " dropped: the probe was removed; command " + quoted(p->spec.command) +
                         " not run");
            remember(*p, "removed");
            forget(*p);
            ++r.removed;
        }
        done(r);
    });
}

Reply Engine::list(const Request& req) {
    Reply r;
    auto dflt = std::uint32_t(opts_.limits.cooldown.count());
    for (Probe* p : req.jail.empty() ? registry_.all() : registry_.of_jail(req.jail))
        r.probes.push_back(registry_.info(*p, dflt));
    if (req.all)
        for (const ProbeInfo& i : gone_)
            if (req.jail.empty() || jail_name_matches(req.jail, {i.jail, i.jail_key}))
                r.probes.push_back(i);
    return r;
}

void Engine::launch(std::uint64_t id, std::function<void()> then, bool restoring) {
    Probe* p = registry_.find(id);
    if (!p || p->pid || launching_.count(id)) {
        if (then)
            then();
        return; // removed, already back, or on its way
    }
    p->state = ProbeState::spawning;
    launching_.insert(id);
    queue_launch(
        p->jail, p->spec,
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
                // Removed or replaced while it launched.
                if (pid > 0) {
                    kill(pid, SIGKILL);
                    exit->set([](int) {});
                }
                return;
            }
            if (pid < 0)
                return launch_failed(id, err);
            launch_tries_.erase(id);
            adopt(*p, pid, std::move(exit));
        },
        restoring);
}

void Engine::adopt(Probe& p, pid_t pid, std::shared_ptr<ExitSlot> exit) {
    registry_.set_pid(p, pid);
    p.state = ProbeState::waiting;
    p.since_ms = wall_ms();
    std::uint64_t id = p.id;
    exit->set([this, id, pid](int st) { on_probe_exit(id, pid, st); });
}

void Engine::respawn(std::uint64_t id) {
    Probe* p = registry_.find(id);
    if (!p || p->pid || launching_.count(id))
        return; // removed or replaced meanwhile, or already back
    if (!p->jail->alive()) {
        log_info(describe(*p) + " not respawned: the jail is gone; forgotten");
        drop(*p, "its jail is gone");
        return;
    }
    launch(id);
}

// A probe that could not be launched (again) while its jail lives is tried
// again (1 s, 2 s apart) before it is forgotten: a passing failure
// (descriptors, a jail busy starting) must not lose it.
void Engine::launch_failed(std::uint64_t id, const Error& err) {
    Probe* p = registry_.find(id);
    if (!p)
        return;
    if (!p->jail->alive()) {
        log_info(describe(*p) + " not started: the jail is gone (" + err.what + "); forgotten");
        drop(*p, "its jail is gone");
        return;
    }
    int tries = ++launch_tries_[id];
    if (tries < kLaunchTries) {
        log_warn(describe(*p) + " could not be started: " + err.what + "; trying again in " +
                 std::to_string(tries) + " s");
        respawn_later(id, 1000 * tries);
        return;
    }
    log_warn(describe(*p) + " could not be started: " + err.what + "; forgotten after " +
             std::to_string(tries) + " tries");
    drop(*p, "could not be started: " + err.what);
}

void Engine::respawn_later(std::uint64_t id, std::int64_t ms) {
    if (Probe* p = registry_.find(id))
        p->state = ProbeState::spawning;
    after(std::chrono::milliseconds(ms), [this, id] { respawn(id); });
}

void Engine::on_probe_exit(std::uint64_t id, pid_t pid, int status) {
    Probe* p = registry_.find(id);
    if (!p || p->pid != pid)
        return; // removed or replaced: reaped, nothing else to do
    registry_.set_pid(*p, 0);
    // A probe killed by the SIGHUP itself (it cannot be, its SIGHUP is
    // blocked from spawn to sigwait; but if it were) was triggered all the same.
    if ((WIFEXITED(status) && WEXITSTATUS(status) == kProbeTriggered) ||
        (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP)) {
        trigger(*p);
        return;
    }
    // Killed by another signal (pkill without -HUP) while its jail lives: a
    // respawning probe comes back, later each time it is killed again.
    if (WIFSIGNALED(status) && p->spec.respawn != Respawn::none && p->jail->alive()) {
        if (wall_ms() - p->since_ms > 60000)
            p->kills = 0;
        int n = ++p->kills;
        std::int64_t s = std::min(kMaxBackoffS, std::int64_t(1) << std::min(n - 1, 6));
        p->note = "killed without trigger (" + status_text(status) + "), back in " +
                  std::to_string(s) + " s";
        log_warn(describe(*p) + " ended without trigger (" + status_text(status) +
                 ") while its jail lives; back in " + std::to_string(s) + " s");
        respawn_later(id, s * 1000);
        return;
    }
    log_info(describe(*p) + " ended without trigger (" + status_text(status) +
             "); no command run, forgotten");
    drop(*p, "ended without trigger (" + status_text(status) + ")");
}

// A trigger is never dropped. One that comes while the probe's command may
// not run (its cooldown, or every command slot busy) is deferred: the
// command runs once when it may, for however many triggers came meanwhile.
void Engine::trigger(Probe& p) {
    ++p.triggers;
    p.kills = 0;
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

void Engine::run_pending(std::uint64_t id) {
    Probe* pp = registry_.find(id);
    if (!pp || !pp->pending || pp->state == ProbeState::running)
        return; // removed, replaced, or run meanwhile
    Probe& p = *pp;
    // A late run must not undo an operator: one whose jail is gone (a
    // REBOOT of a jail just stopped) is dropped, with its audit line.
    if (!p.jail->alive()) {
        log_info(describe(p) + " forgotten: its jail is gone");
        drop(p, "its jail is gone");
        return;
    }
    std::int64_t now = wall_ms(), retry_ms = 0;
    Limits l = opts_.limits;
    l.cooldown = cooldown_of(p);
    Admit a = admit(l, p.last_run_ms, now, runner_.running(), &retry_ms);
    if (a == Admit::run) {
        run_command(p);
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
        after(std::chrono::milliseconds(retry_ms), [this, id] { run_pending(id); });
    }
    // -R: the probe is back at once, and a trigger meanwhile joins this run.
    // Otherwise it comes back as its mode says, after the run.
    if (p.spec.respawn == Respawn::now) {
        respawn(id);
    } else if (!p.pid) {
        p.state = ProbeState::deferred;
    }
    // The deferred run is on disk at once: a restart runs it.
    if (first)
        commit_.soon(journal_run(saved(p)));
    else
        save_counters(p);
}

// A command slot is free: the longest waiting deferred run goes first.
void Engine::next_waiting() {
    while (!waiting_slot_.empty() && runner_.running() < opts_.limits.max_commands) {
        std::uint64_t id = waiting_slot_.front();
        waiting_slot_.pop_front();
        run_pending(id);
    }
}

void Engine::run_command(Probe& p) {
    std::uint64_t id = p.id;
    std::string who = describe(p);
    std::string cmd = quoted(p.spec.command);
    bool was_deferred = p.deferred_logged; // its pending run is on disk
    p.pending = false;
    p.deferred_logged = false;
    p.last_run_ms = wall_ms();
    p.last_status.reset();
    p.last_ms.reset();
    CommandJob job{p.spec.command, p.jail->name(), p.jail->id(), p.spec.title,
                   opts_.limits.command_timeout};
    Respawn mode = p.spec.respawn;
    log_info(who + " triggered: running " + cmd);
    // Its output comes through a pipe, line by line into the log with the
    // probe's id and title (output_tap.hpp).
    int out[2] = {-1, -1};
    bool tapped = pipe2(out, O_CLOEXEC) == 0;
    std::optional<StderrSwap> swap;
    if (tapped)
        swap.emplace(out[1]);
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
            bool failed = r.status != 0 || r.timed_out;
            if (Probe* q = registry_.find(id)) {
                q->spec.last_failed = failed; // the next probe says so (nice 1)
                q->last_status = r.status;
                q->last_ms = std::uint64_t(ms);
                q->command_pid = 0;
                q->note = failed ? "last run failed (" + how + ")" : "";
                if (q->state == ProbeState::running)
                    q->state = q->pid ? ProbeState::waiting : ProbeState::spawning;
                save_counters(*q);
                // A one-shot probe is used up by a run that worked. One whose
                // command failed comes back while its jail lives, so that the
                // jail can try again (and its in-jail command sees it fail).
                if (mode == Respawn::none && !failed) {
                    drop(*q, "its command ran");
                } else if (mode == Respawn::none && !q->jail->alive()) {
                    log_info(who + " not back after its failed run: the jail is gone");
                    drop(*q, "its jail is gone");
                } else if (mode == Respawn::none) {
                    q->note = "back after a failed run (" + how + ")";
                    log_warn(who + ": command failed (" + how +
                             "); the probe is back so the jail can try again");
                    launch(id);
                }
            }
            if (mode == Respawn::after)
                respawn(id);
            next_waiting();
        },
        err);
    swap.reset();
    if (tapped) {
        ::close(out[1]);
        if (started) {
            p.output.clear();
            std::string tag = "probe " + std::to_string(id) + " " + quoted(p.spec.title) + ": ";
            tap_output(io_, out[0], [this, id, tag](const std::string& line) {
                std::string text = quoted(line);
                text = text.substr(1, text.size() - 2);
                log_info(tag + text);
                if (Probe* q = registry_.find(id))
                    keep_last(q->output, text);
            });
        } else {
            ::close(out[0]);
        }
    }
    if (!started) {
        // Not run: still pending, the probe is not used up; tried again in 1 s.
        log_err("audit: trigger of " + who + ": command " + cmd + " not started: " + err.what +
                "; trying again in 1 s");
        p.pending = true;
        p.deferred_logged = true;
        if (!p.pid && mode != Respawn::now)
            p.state = ProbeState::deferred;
        after(std::chrono::seconds(1), [this, id] { run_pending(id); });
        if (mode == Respawn::now)
            respawn(id);
        save_counters(p);
        return;
    }
    p.command_pid = runner_.last_pid();
    // A deferred run that ran is written at once, so that a restart does
    // not run it again (a kill -9 in between still may: at least once).
    if (was_deferred)
        commit_.soon(journal_run(saved(p)));
    else
        save_counters(p);
    if (mode == Respawn::now)
        respawn(id);
    else
        p.state = ProbeState::running;
}

} // namespace jd
