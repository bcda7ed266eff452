// What `jaildaemon-hook start` registers for one jail: pure data, built from
// the configuration and the manager plugin, so that it can be printed
// (--dry-run), tested and sent to the daemon alike.
#pragma once

#include "hook_config.hpp"
#include "manager.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jdhook {

struct PlannedProbe {
    Kind kind = Kind::reboot;
    std::string title;
    std::string command;
    bool respawn = false; // REBOOT: no (the restarted jail gets new probes)
    std::optional<Id> uid;
    std::optional<Id> gid;
    // Least seconds between two triggers (--cooldown): what the manager's
    // snapshot naming needs; unset for REBOOT.
    std::optional<std::uint32_t> cooldown;
    // A declared probe ([probe NAME]): respawn at once (-R) rather than
    // after the command (-r), and the section it comes from.
    bool respawn_now = false;
    std::string section; // "[probe NAME] (file:line)"; empty: built-in
};

struct Plan {
    std::string manager;
    std::string jail;     // as the manager names it
    std::string safename; // as the manager spells it in variable names
    std::string label;    // the jail(8) name: what jls -j knows, the probes' label
    long jid = 0;
    // False for a dry run of a jail that is not running: {jid} stays
    // unexpanded and the command lines name the jail by its label.
    bool jid_known = true;
    bool excluded = false; // opted out in the configuration
    std::vector<PlannedProbe> probes;
    // Why a probe asked for is not there ("no SNAPSHOT probe: ...").
    std::vector<std::string> notes;
};

// The titles the hook uses for a manager (with title_prefix applied).
std::string probe_title(const Config& cfg, const Manager& m, Kind k);

// Whether list names jail, by its name or its safe name, either way round
// (ezjail hands its hooks "example_com" for the jail "example.com").
bool names_jail(const std::vector<std::string>& list, const Manager& m, const std::string& jail);

// Build the plan for jail (with its jid; unset: a placeholder, for a dry
// run of a jail that is not running) under manager m.
bool make_plan(const Config& cfg, const Manager& m, const std::string& jail,
               std::optional<long> jid, Plan& plan, std::string& err);

// Whether a [probe] section applies to jail under manager m: m is one of
// its managers and one of its jails globs (fnmatch(3)) matches the jail's
// name, its safe name or its jail(8) name; a name without glob characters
// matches as in exclude, by its safe name too. Empty lists match everything.
bool declared_applies(const DeclaredProbe& d, const Manager& m, const std::string& jail);

// The jaildaemon(8) command line that registers the same probe by hand.
std::string as_command_line(const Plan& plan, const PlannedProbe& p);
// The jaildaemon(8) command line that removes it.
std::string as_remove_line(const std::string& label, const std::string& title);

} // namespace jdhook
