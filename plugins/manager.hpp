// The jail managers jaildaemon-hook knows: each one is data (manager.cpp,
// one table entry a manager, with what was read in its sources) that says
// how the manager names its jails and which of its own commands restart or
// snapshot one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace jdhook {

struct Section; // hook_config.hpp

// Which jail names a manager could have created, beyond what jail(8)
// takes (not empty, at most 255 bytes, no '-' first, no spaces or control
// characters).
struct NameRule {
    // The characters a name holds besides letters and digits; nullptr: any.
    const char* allowed = nullptr;
    // Characters a name holds nowhere (pot: ".").
    const char* banned = "";
    // Characters a name does not start with, besides '-'.
    const char* not_first = "";
    // A name is not a number (jail.conf: numbers are jids).
    bool not_number = false;
    // Why a name breaks the rule, and why it breaks not_first.
    const char* why = "";
    const char* why_first = "";
};

// The manager's safe name, the way it spells a jail name in variable and
// config file names, and its jail(8) name, the one `jls -j` knows and the
// probes are labelled with.
struct Naming {
    // Characters that become '_' in the safe name; nullptr: all but letters
    // and digits (ezjail).
    const char* underscored = "";
    // Whether the jail(8) name is jail_prefix and the safe name (ezjail:
    // no prefix; iocage: "ioc-"), else the name as given.
    bool jail_is_safe = false;
    const char* jail_prefix = "";
    // Whether the manager hands its hooks the safe name (ezjail), which its
    // commands then get too.
    bool hook_gets_safe = false;
    // Linux containers (lxc, podman): the jail is sent to the daemon as
    // "pid:JID@LABEL", the way the client sends -j lxc:NAME, so that the
    // daemon lists the probes under the label.
    bool label_in_spec = false;
};

// One jail manager: its Spec, an entry of the table in manager.cpp, and
// what follows from it.
class Manager {
  public:
    struct Spec {
        const char* name = "";
        const char* description = "";
        const char* program = "";
        // Command templates, as restart_template() and snapshot_template().
        const char* restart = "";
        const char* snapshot = "";
        // When set, there is a snapshot only with "dataset" set, and this
        // says why not without.
        const char* no_snapshot = nullptr;
        std::optional<std::uint32_t> cooldown = {};
        NameRule names = {};
        Naming naming = {};
    };

    constexpr explicit Manager(const Spec& spec) : s_(spec) {}

    // Name used on the command line and as config section: "ezjail".
    std::string name() const { return s_.name; }
    // One line for `jaildaemon-hook list`.
    std::string description() const { return s_.description; }
    // The program the default commands run ("ezjail-admin").
    std::string default_program() const { return s_.program; }

    // The jail name the way the manager spells it in variable and config
    // file names (ezjail: every non-alphanumeric character becomes "_").
    std::string safe_name(const std::string& jail) const;
    // Whether the manager could have created a jail of this name; the
    // reason is set when not.
    bool valid_name(const std::string& jail, std::string& why) const;
    // The jail(8) name of the jail, the one `jls -j` knows and the probes
    // are labelled with (ezjail: the safe name; iocage: "ioc-" + name).
    std::string jail_name(const std::string& jail) const;
    // The name the manager's commands get ({name}): the one its hook is
    // handed (ezjail: the safe name), else the name as given.
    std::string command_name(const std::string& jail) const;
    // The jail as the hook sends it to the daemon, for a known jid.
    std::string jail_spec(const std::string& jail, long jid) const;

    // Default command templates (see command.hpp for the placeholders); the
    // daemon runs the expanded command as /bin/sh -c on the host.
    std::string restart_template() const { return s_.restart; }
    // Empty when the manager has no snapshot command without more
    // configuration (plain jail.conf needs a dataset).
    std::string snapshot_template(const Section& cfg) const;
    // Why there is no snapshot command (snapshot_template() is empty).
    std::string no_snapshot_reason(const Section& cfg) const;
    // Whether its snapshot needs "dataset" from the config (jail, appjail).
    bool uses_dataset() const { return s_.no_snapshot != nullptr; }
    // The least time between two snapshots the manager's snapshot naming
    // allows: a second snapshot with the same name fails (ezjail: by the
    // minute, so 60 s). Unset: no limit.
    std::optional<std::uint32_t> snapshot_cooldown() const { return s_.cooldown; }

  private:
    Spec s_;
};

// Every manager, in the order `list` shows them.
std::span<const Manager> managers();
// nullptr when there is no such manager.
const Manager* find_manager(const std::string& name);

} // namespace jdhook
