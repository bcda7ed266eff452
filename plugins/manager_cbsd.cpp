// cbsd (sysutils/cbsd 14.1, cbsd/cbsd, sudoexec/jstart and subr/jcreate.subr):
// after a jail started, every executable in
// ~cbsd/jails-system/JNAME/master_poststart.d/ runs on the host with jname
// (and the other jail settings) exported. The jail(8) name is jname.
// `cbsd jrestart jname=NAME`, and `cbsd jsnapshot mode=create jname=NAME
// snapname=gettimeofday`, which names the snapshot %Y%m%d%H%M%S
// (jailctl/jsnapshot): one per second, hence a 2 s cooldown. Names match
// ^[a-zA-Z0-9_@%:][-a-zA-Z0-9_@%:]*$ (validate_jname, subr/nc.subr).
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class Cbsd final : public Manager {
  public:
    std::string name() const override { return "cbsd"; }
    std::string description() const override {
        return "cbsd jails; hook: jails-system/JNAME/master_poststart.d/";
    }
    std::string default_program() const override { return "cbsd"; }

    std::string safe_name(const std::string& jail) const override { return jail; }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (!only_alnum_and(jail, "-_@%:")) {
            why = "cbsd jail names hold only letters, digits and -_@%:";
            return false;
        }
        return true;
    }

    std::string restart_template() const override { return "{program} jrestart jname={name}"; }
    std::string snapshot_template(const Section&) const override {
        return "{program} jsnapshot mode=create jname={name} snapname=gettimeofday";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_cbsd() {
    return std::make_unique<Cbsd>();
}

} // namespace jdhook
