// FreeBSD has none of the Linux container managers of container_spec.hpp:
// their specs are refused, by the client (resolve_manager_spec) and by the
// daemon (freebsd/jail.cpp) with the same words.
#include "../container_spec.hpp"

namespace jd {

bool manager_spec_refused(const std::string& spec, Error& err) {
    if (!is_manager_spec(spec))
        return false;
    err.set(EX_USAGE_, spec + ": docker:/podman:/machine:/lxc: are Linux container managers;"
                              " on FreeBSD name a jail by jid or name");
    return true;
}

} // namespace jd
