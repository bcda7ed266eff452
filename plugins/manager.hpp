// The jail manager plugins of jaildaemon-hook: one small class per manager
// (manager_ezjail.cpp, manager_bastille.cpp, manager_jailconf.cpp) that
// knows how the manager names its jails and which of its own commands
// restart or snapshot one.
#pragma once

#include <memory>
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

    // Default command templates (see command.hpp for the placeholders); the
    // daemon runs the expanded command as /bin/sh -c on the host.
    virtual std::string restart_template() const = 0;
    // Empty when the manager has no snapshot command without more
    // configuration (plain jail.conf needs a dataset).
    virtual std::string snapshot_template(const Section& cfg) const = 0;
};

// Every plugin, in the order `list` shows them.
const std::vector<std::unique_ptr<Manager>>& managers();
// nullptr when there is no such manager.
const Manager* find_manager(const std::string& name);

// Individual constructors, one per plugin file.
std::unique_ptr<Manager> make_ezjail();
std::unique_ptr<Manager> make_bastille();
std::unique_ptr<Manager> make_jailconf();

} // namespace jdhook
