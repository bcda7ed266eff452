// Plain jail.conf(5) jails started by rc.d/jail (`service jail start NAME`).
// rc.d/jail turns "/" and "." of a name into "_" for its variables. There is
// no snapshot command of its own: with a ZFS dataset configured,
// `zfs snapshot -r DATASET@jaildaemon-%Y%m%d%H%M%S`.
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class JailConf final : public Manager {
  public:
    std::string name() const override { return "jail"; }
    std::string description() const override {
        return "jail.conf jails of rc.d/jail; hook: exec.poststart";
    }
    std::string default_program() const override { return "service"; }

    std::string safe_name(const std::string& jail) const override {
        std::string s = jail;
        for (char& c : s)
            if (c == '/' || c == '.')
                c = '_';
        return s;
    }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (jail.find_first_not_of("0123456789") == std::string::npos) {
            why = "a jail name is not a number (numbers are jids)";
            return false;
        }
        return true;
    }

    std::string restart_template() const override { return "{program} jail restart {name}"; }
    std::string snapshot_template(const Section& cfg) const override {
        if (cfg.dataset.empty())
            return "";
        return "zfs snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)";
    }
    std::string no_snapshot_reason(const Section&) const override {
        return "rc.d/jail has no snapshot command: set \"dataset\" in [jail]";
    }
    // One snapshot name per second.
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_jailconf() {
    return std::make_unique<JailConf>();
}

} // namespace jdhook
