// ezjail (sysutils/ezjail 3.4): jails are restarted with `ezjail-admin
// onerestart` (plain `restart` does nothing unless ezjail_enable=YES) and
// snapshotted with `ezjail-admin snapshot`, which only works for ZFS jails
// and names the snapshots ez-autosnap-%Y%m%d%H%M itself: a second snapshot
// within the same minute fails inside ezjail, which still exits 0, hence a
// 60 s cooldown. The jail(8) name is the safe name (rc.d/ezjail passes
// `echo -n $* | tr -c "[:alnum:] " _` to rc.d/jail), and that is the name
// the post-start script gets; onerestart and snapshot accept either.
#include "hook_config.hpp"
#include "manager.hpp"

namespace jdhook {
namespace {

bool alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

class Ezjail final : public Manager {
  public:
    std::string name() const override { return "ezjail"; }
    std::string description() const override {
        return "ezjail-admin jails; hook: jail_<safename>_post_start_script";
    }
    std::string default_program() const override { return "ezjail-admin"; }

    // ezjail's own rule: `echo -n $name | tr -c '[:alnum:]' _`.
    std::string safe_name(const std::string& jail) const override {
        std::string s = jail;
        for (char& c : s)
            if (!alnum(static_cast<unsigned char>(c)))
                c = '_';
        return s;
    }

    std::string jail_name(const std::string& jail) const override { return safe_name(jail); }

    std::string restart_template() const override { return "{program} onerestart {name}"; }
    std::string snapshot_template(const Section&) const override {
        return "{program} snapshot {name}";
    }
    std::optional<std::uint32_t> snapshot_cooldown() const override { return 60; }
};

} // namespace

std::unique_ptr<Manager> make_ezjail() {
    return std::make_unique<Ezjail>();
}

} // namespace jdhook
