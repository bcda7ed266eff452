// The probe life cycle, the daemon's engine: the registry of probes;
// adding, removing and listing them (the control requests); launching each
// into its jail (ProbeLauncher) and again after a trigger (respawn); a
// probe's exit, its trigger, deferred runs (admission.hpp) and the host
// command (Runner); and the state commits that make every change durable
// (Commit, with the registry's snapshot for it).
#pragma once

#include "commit.hpp"
#include "options.hpp"
#include "probe_launcher.hpp"
#include "protocol.hpp"
#include "registry.hpp"
#include "runner.hpp"
#include "state.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <unordered_set>

namespace jd {

class Engine {
  public:
    using Done = std::function<void(Reply)>;

    Engine(boost::asio::io_context& io, const DaemonOptions& opts, const ProbeImage& image,
           int devnull, StateFile& state);

    // Bring saved probes back, all launched side by side; restored() is
    // called once every one of them is running or has failed its first try.
    void restore(const SavedState& saved, std::function<void()> restored);
    // Answer one request line of the peer with uid peer (control.hpp's
    // Handler): now, or once the change is on disk.
    void handle(const std::string& line, uid_t peer, Done done);
    // The daemon stops: write what is queued and a snapshot (the probes stay
    // in the state for the next daemon), then kill and reap every probe.
    void stop();
    std::size_t probes() const { return registry_.size(); }

  private:
    void add(const ProbeSpec& spec, Done done);
    void finish_add(ProbeSpec spec, std::shared_ptr<Jail> jail, pid_t pid,
                    std::shared_ptr<ExitSlot> exit, Done done);
    void remove(const Request& r, Done done);
    Reply list(const Request& r);
    // restoring: a saved probe at start, whose deadline runs from the
    // moment its launch starts (thousands are queued at once).
    void launch(std::uint64_t id, std::function<void()> then = {}, bool restoring = false);
    // Every launch goes through here: at most kLaunchesPerJail of one jail
    // at once, the others wait in that jail's queue, so that a jail that
    // holds up its launches (SIGSTOP, a frozen cgroup) delays only its own.
    // The ready deadline runs from now, queueing included (unless restoring).
    void queue_launch(std::shared_ptr<Jail> jail, const ProbeSpec& spec, ProbeLauncher::Done done,
                      bool restoring = false);
    void next_launch(const std::string& jail_key);
    void launch_failed(std::uint64_t id, const Error& err);
    void adopt(Probe& p, pid_t pid, std::shared_ptr<ExitSlot> exit);
    void respawn(std::uint64_t id);
    void respawn_later(std::uint64_t id, std::int64_t ms);
    // Call fn on the loop after d (its timer lives as long as the wait).
    void after(std::chrono::steady_clock::duration d, std::function<void()> fn);
    void on_probe_exit(std::uint64_t id, pid_t pid, int status);
    void trigger(Probe& p);
    void run_pending(std::uint64_t id);
    void run_command(Probe& p);
    void next_waiting();
    std::chrono::seconds cooldown_of(const Probe& p) const {
        return p.spec.cooldown_s ? std::chrono::seconds(*p.spec.cooldown_s) : opts_.limits.cooldown;
    }
    // What the state keeps of a probe, and of the registry.
    SavedProbe saved(const Probe& p) const;
    SavedState snapshot() const;
    // Counters are not acknowledged: written with the next commit, or
    // within a second, never with an fsync of their own.
    void save_counters(const Probe& p);
    void forget(Probe& p);
    // Forget a probe that went away on its own (why: for the audit line of a
    // deferred run it still had, and for -l --all).
    void drop(Probe& p, const std::string& why);
    // Keep what -l --all shows of a probe that is gone (bounded).
    void remember(const Probe& p, const std::string& why);
    static std::string describe(const Probe& p);

    boost::asio::io_context& io_;
    const DaemonOptions& opts_;
    ProbeLauncher launcher_;
    StateFile& state_;
    Registry registry_;
    // Acknowledged changes are group-committed (commit.hpp): an add or a
    // remove is answered, and enters the registry, once it is on disk.
    Commit commit_;
    Runner runner_;
    JailOptions jail_opts_; // --allow-host
    // Failed launches of a probe in a row (kLaunchTries in engine.cpp).
    std::unordered_map<std::uint64_t, int> launch_tries_;
    // Probes whose launch is under way.
    std::unordered_set<std::uint64_t> launching_;
    // Launches of each jail (by Jail::key()): started, and waiting their turn.
    struct QueuedLaunch {
        std::shared_ptr<Jail> jail;
        ProbeSpec spec;
        ProbeLauncher::Done done;
        ProbeLauncher::Deadline deadline;
    };
    struct JailLaunches {
        std::size_t started = 0;
        std::deque<QueuedLaunch> queue;
    };
    std::unordered_map<std::string, JailLaunches> jail_launches_;
    // Probes with a deferred run waiting for a free command slot, in order.
    std::deque<std::uint64_t> waiting_slot_;
    // The last probes that went away, newest last (-l --all).
    std::deque<ProbeInfo> gone_;
};

} // namespace jd
