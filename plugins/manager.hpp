// The jail manager plugins of jaildaemon-hook: one small class per manager
// (manager_ezjail.cpp, manager_bastille.cpp, manager_jailconf.cpp,
// manager_iocage.cpp, manager_pot.cpp, manager_appjail.cpp,
// manager_cbsd.cpp) that knows how the manager names its jails and which of
// its own commands restart or snapshot one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jdhook {

struct Section; // hook_config.hpp

class Manager {
  public:
    virtual ~Manager() = default;

    // Name used on the command line and as config section: "ezjail".
    virtual std::string name() const = 0;
    // One line for `jaildaemon-hook list`.
    virtual std::string description() const = 0;
    // The program the default commands run ("ezjail-admin").
    virtual std::string default_program() const = 0;

    // The jail name the way the manager spells it in variable and config
    // file names (ezjail: every non-alphanumeric character becomes "_").
    virtual std::string safe_name(const std::string& jail) const = 0;
    // Whether the manager could have created a jail of this name; the
    // reason is set when not.
    virtual bool valid_name(const std::string& jail, std::string& why) const;
    // The jail(8) name of the jail, the one `jls -j` knows and the probes
    // are labelled with (ezjail: the safe name; iocage: "ioc-" + name).
    virtual std::string jail_name(const std::string& jail) const { return jail; }

    // Default command templates (see command.hpp for the placeholders); the
    // daemon runs the expanded command as /bin/sh -c on the host.
    virtual std::string restart_template() const = 0;
    // Empty when the manager has no snapshot command without more
    // configuration (plain jail.conf needs a dataset).
    virtual std::string snapshot_template(const Section& cfg) const = 0;
    // Why there is no snapshot command (snapshot_template() is empty).
    virtual std::string no_snapshot_reason(const Section& cfg) const;
    // The least time between two snapshots the manager's snapshot naming
    // allows: a second snapshot with the same name fails (ezjail: by the
    // minute, so 60 s). Unset: no limit.
    virtual std::optional<std::uint32_t> snapshot_cooldown() const = 0;
};

// Whether every character of s is a letter, a digit or one of extra.
bool only_alnum_and(const std::string& s, const char* extra);

// Every plugin, in the order `list` shows them.
const std::vector<std::unique_ptr<Manager>>& managers();
// nullptr when there is no such manager.
const Manager* find_manager(const std::string& name);

// Individual constructors, one per plugin file.
std::unique_ptr<Manager> make_ezjail();
std::unique_ptr<Manager> make_bastille();
std::unique_ptr<Manager> make_jailconf();
std::unique_ptr<Manager> make_iocage();
std::unique_ptr<Manager> make_pot();
std::unique_ptr<Manager> make_appjail();
std::unique_ptr<Manager> make_cbsd();

} // namespace jdhook
