// iocage (sysutils/py-iocage 1.13, freebsd/iocage, iocage_lib/ioc_start.py):
// the exec_poststart property runs on the host after the jail started, with
// JID and JNAME ("ioc-" + name) in its environment; it must exit 0, or
// iocage stops the jail again. The jail(8) name is "ioc-" + the name with
// "." turned into "_" (ioc_exec.py). `iocage restart NAME`, and `iocage
// snapshot NAME`, which names the snapshot %F_%T (UTC) itself: one per
// second, hence a 2 s cooldown. Names hold letters, digits, ".", "_", "-"
// (iocage_cli/create.py).
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class Iocage final : public Manager {
  public:
    std::string name() const override { return "iocage"; }
    std::string description() const override {
        return "iocage jails; hook: the exec_poststart property";
    }
    std::string default_program() const override { return "iocage"; }

    std::string safe_name(const std::string& jail) const override {
        std::string s = jail;
        for (char& c : s)
            if (c == '.')
                c = '_';
        return s;
    }
    std::string jail_name(const std::string& jail) const override {
        return "ioc-" + safe_name(jail);
    }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (!only_alnum_and(jail, "._-")) {
            why = "iocage jail names hold only letters, digits, '.', '_' and '-'";
            return false;
        }
        return true;
    }

    std::string restart_template() const override { return "{program} restart {name}"; }
    std::string snapshot_template(const Section&) const override {
        return "{program} snapshot {name}";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_iocage() {
    return std::make_unique<Iocage>();
}

} // namespace jdhook
