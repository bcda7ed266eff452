// Do a uid and a gid exist inside the jail? Read in the probe child after it
// has entered the jail's root, from the jail's own /etc/passwd and
// /etc/group: parsed by hand, since NSS would load the jail's libraries into
// a process that is still root on the host.
#pragma once

#include <cstdint>
#include <optional>

namespace jd {

struct IdCheck {
    bool ok = false;
    std::uint32_t gid = 0; // the gid the probe should take
    char why[48] = {};     // when !ok: one short reason
};

// uid/gid as given with -u/-g. Without -g, the gid is the uid's primary
// group from passwd. uid 0 and gid 0 always exist.
IdCheck check_jail_ids(std::optional<std::uint32_t> uid, std::optional<std::uint32_t> gid,
                       const char* passwd = "/etc/passwd", const char* group = "/etc/group");

} // namespace jd
