// AppJail (sysutils/appjail 5.4, DtxdF/AppJail, share/appjail/cmd/start and
// appjail-initscript(5)): the poststart() function of the jail's InitScript
// (JAILDIR/NAME/init, executable) runs on the host after the jail started,
// with APPJAIL_JAILNAME in its environment. The jail(8) name is the AppJail
// name, ^[a-zA-Z0-9_][a-zA-Z0-9_-]*$ (lib/check_func). `appjail restart
// NAME` is stop + start. AppJail has no snapshot command that works:
// `appjail zfs snapshot NAME` runs `zfs snapshot DATASET` with no @name
// (cmd/zfs), which zfs refuses. With "dataset" set in [appjail], SNAPSHOT
// runs `zfs snapshot -r DATASET@jaildaemon-%Y%m%d%H%M%S`.
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class AppJail final : public Manager {
  public:
    std::string name() const override { return "appjail"; }
    std::string description() const override {
        return "AppJail jails; hook: poststart() of the jail's InitScript";
    }
    std::string default_program() const override { return "appjail"; }

    std::string safe_name(const std::string& jail) const override { return jail; }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (jail.front() == '-' || !only_alnum_and(jail, "_-")) {
            why = "AppJail jail names hold only letters, digits, '_' and '-', not first";
            return false;
        }
        return true;
    }

    std::string restart_template() const override { return "{program} restart {name}"; }
    std::string snapshot_template(const Section& cfg) const override {
        if (cfg.dataset.empty())
            return "";
        return "zfs snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)";
    }
    std::string no_snapshot_reason(const Section&) const override {
        return "AppJail has no working snapshot command (appjail zfs snapshot gives zfs no "
               "@name): set \"dataset\" in [appjail], e.g. zroot/appjail/jails/{name}";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_appjail() {
    return std::make_unique<AppJail>();
}

} // namespace jdhook
