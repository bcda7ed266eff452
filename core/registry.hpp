// The daemon's table of registered probes.
#pragma once

#include "jail.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace jd {

enum class ProbeState {
    waiting,  // probe process alive in the jail, waiting for SIGHUP
    running,  // triggered; command running, respawn after it (-r)
    spawning, // being launched (again); -l says "spawning", as -r/-R "respawn"
    deferred, // triggered in its cooldown (or with every command slot busy):
              // no probe process until its deferred run has happened
};
const char* state_name(ProbeState s);

// Whether a jail named want on the command line is one known by these
// names: equal, or equal once every character but a letter or digit is
// "_", as ezjail names its jails ("example.com" is jail "example_com").
bool jail_name_matches(const std::string& want, std::initializer_list<std::string> names);

struct Probe {
    std::uint64_t id = 0;
    ProbeSpec spec;
    std::shared_ptr<Jail> jail;
    ProbeState state = ProbeState::spawning;
    pid_t pid = 0; // host pid of the probe process, 0 when none
    std::uint64_t triggers = 0;
    std::int64_t last_run_ms = 0;         // wall clock of the last command start, 0: never
    std::optional<int> last_status;       // wait(2) status of the last run, unset: none yet
    std::optional<std::uint64_t> last_ms; // its duration; unset while it runs
    // A trigger came while the command could not run (cooldown, every slot
    // busy): the command runs once when it may, for all such triggers.
    bool pending = false;
    bool deferred_logged = false; // its deferral has its audit line
    pid_t command_pid = 0;        // host pid of its running command, 0 when none
    // Why the probe is as it is, for -l -v: "back after a failed run (exit 3)".
    std::string note;
    // Kills without a trigger in a row (the backoff of its comeback), and
    // when its current process was adopted.
    int kills = 0;
    std::int64_t since_ms = 0;
    std::deque<std::string> output; // last lines of its command's output
};

class Registry {
  public:
    // Insert a new probe and give it the next id.
    Probe& add(ProbeSpec spec, std::shared_ptr<Jail> jail);
    // Insert a probe under the id it had before a restart; later ids start
    // above it. The caller makes sure id is free.
    Probe& restore(std::uint64_t id, ProbeSpec spec, std::shared_ptr<Jail> jail);
    std::uint64_t next_id() const { return next_id_; }
    // Take the next id for a probe that enters only later (restore()), once
    // its registration is on disk. An id is never given twice.
    std::uint64_t reserve_id() { return next_id_++; }
    void set_next_id(std::uint64_t id) {
        if (id > next_id_)
            next_id_ = id;
    }
    Probe* find(std::uint64_t id);
    Probe* find(const std::string& jail_key, const std::string& title);
    Probe* find_pid(pid_t pid);
    // Record that probe id now runs as pid (0: none).
    void set_pid(Probe& p, pid_t pid);
    void erase(std::uint64_t id);

    // Probes of a jail, named by its key, its spec or its label.
    std::vector<Probe*> of_jail(const std::string& key_or_name);
    std::vector<Probe*> all();
    std::size_t size() const { return probes_.size(); }

    // default_cooldown: the daemon's --cooldown, for probes without their own.
    ProbeInfo info(const Probe& p, std::uint32_t default_cooldown = 0) const;

  private:
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, Probe> probes_;
    std::unordered_map<pid_t, std::uint64_t> by_pid_;
    // key \n title -> ids; two only while a probe is being replaced.
    std::unordered_multimap<std::string, std::uint64_t> by_title_;
};

} // namespace jd
