// The "host" pseudo-jail: probes run on the host itself. For unprivileged
// development only; the daemon refuses it unless started with --allow-host.
#include "jail.hpp"
#include "probe_abi.hpp"

#include <cerrno>
#include <unistd.h>

namespace jd {

namespace {

class HostJail : public Jail {
  public:
    std::string key() const override { return "host"; }
    std::string name() const override { return "host"; }
    long id() const override { return 0; }
    bool alive() const override { return true; }
    bool launch_target(LaunchTarget& t, Error&) const override {
        t.flags = kProbeHost;
        t.name = "host";
        return true;
    }
};

} // namespace

std::unique_ptr<Jail> open_host_jail() {
    return std::make_unique<HostJail>();
}

} // namespace jd
