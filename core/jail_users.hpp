// Do a uid and a gid exist inside the jail? Read in the probe child after it
// has entered the jail's root, from the jail's own /etc/passwd and
// /etc/group: parsed by hand, since NSS would load the jail's libraries into
// a process that is still root on the host.
#pragma once

#include "probe_abi.hpp"

#include <cstdint>
#include <optional>

namespace jd {

struct IdCheck {
    bool ok = false;
    std::uint32_t gid = 0; // the gid the probe should take
    char why[80] = {};     // when !ok: one short reason
};

// uid/gid as given with -u/-g. Without -g, the gid is the uid's primary
// group from passwd. uid 0 and gid 0 always exist.
IdCheck check_jail_ids(std::optional<std::uint32_t> uid, std::optional<std::uint32_t> gid,
                       const char* passwd = "/etc/passwd", const char* group = "/etc/group");

// -u NAME / -g NAME (kProbeUser, kProbeGroup): look the names up in the
// jail's own passwd and group (the probe is inside the jail's root by now)
// and turn them into the numbers of cfg (kProbeUid, kProbeGid), which
// check_jail_ids then checks as any other. The host's files are never read.
IdCheck resolve_jail_names(ProbeConfig& cfg, const char* passwd = "/etc/passwd",
                           const char* group = "/etc/group");

} // namespace jd
