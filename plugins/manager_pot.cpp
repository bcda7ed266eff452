// pot (sysutils/pot 0.16, bsdpot/pot, share/pot/start.sh): the post-start
// hook (`pot set-hook -p NAME -S SCRIPT` copies SCRIPT to the pot's
// conf/poststart.sh) runs on the host with `pot info -E` in its environment:
// _POT_NAME, and _POT_JID once the pot counts as running. The jail(8) name
// is the pot name, which holds no "." (_is_valid_potname). pot has no
// restart command: `pot stop -p NAME && pot start -p NAME`. `pot snapshot -p
// NAME` names the snapshot $(date +%s): one per second, hence a 2 s cooldown.
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

class Pot final : public Manager {
  public:
    std::string name() const override { return "pot"; }
    std::string description() const override {
        return "pot jails; hook: pot set-hook -S (post-start script)";
    }
    std::string default_program() const override { return "pot"; }

    std::string safe_name(const std::string& jail) const override { return jail; }

    bool valid_name(const std::string& jail, std::string& why) const override {
        if (!Manager::valid_name(jail, why))
            return false;
        if (jail.find('.') != std::string::npos) {
            why = "pot names hold no '.'";
            return false;
        }
        return true;
    }

    std::string restart_template() const override {
        return "{program} stop -p {name} && {program} start -p {name}";
    }
    std::string snapshot_template(const Section&) const override {
        return "{program} snapshot -p {name}";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 2; }
};

} // namespace

std::unique_ptr<Manager> make_pot() {
    return std::make_unique<Pot>();
}

} // namespace jdhook
