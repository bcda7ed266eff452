// Bastille (sysutils/bastille 1.x): `bastille restart NAME`, and `bastille
// zfs NAME snapshot`, which needs bastille_zfs_enable and names the snapshot
// bastille_NAME_%Y-%m-%d-%H%M%S itself (1.4.4, zfs.sh): one per second,
// hence a 2 s cooldown. Bastille only accepts names made of letters,
// digits, "-" and "_" that do not start with "-" or "_".
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class Bastille final : public Manager {
  public:
    std::string name() const override { return "bastille"; }
    std::string description() const override {
        return "Bastille jails; hook: exec.poststart in the jail's jail.conf";
    }
    std::string default_program() const override { return "bastille"; }

    std::string safe_name(const std::string& jail) const override { return jail; }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (jail.front() == '_') {
            why = "Bastille jail names do not start with '-' or '_'";
            return false;
        }
        for (unsigned char c : jail) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
            if (!ok) {
                why = "Bastille jail names hold only letters, digits, '-' and '_'";
                return false;
            }
        }
        return true;
    }

    std::string restart_template() const override { return "{program} restart {name}"; }
    std::string snapshot_template(const Section&) const override {
        return "{program} zfs {name} snapshot";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_bastille() {
    return std::make_unique<Bastille>();
}

} // namespace jdhook
