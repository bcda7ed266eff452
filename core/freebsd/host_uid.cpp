// FreeBSD: a host account with the probe's uid may signal it (kill(2)
// checks uids; the host sees every jail's processes), and the probe's check
// that a SIGHUP came from inside its jail is not race-free
// (freebsd/probe_os.cpp). Say so when registering. Checked against
// getpwuid(3). Not compiled or run on Linux: see README.md here.
#include "../host_uid.hpp"

#include <cstdio>
#include <pwd.h>

namespace jd {

void warn_host_uid(std::optional<std::uint32_t> uid) {
    if (!uid || *uid == 0)
        return;
    if (const struct passwd* pw = getpwuid(uid_t(*uid)))
        std::fprintf(stderr,
                     "jaildaemon: warning: host account %s has uid %u too; it can send the "
                     "probe SIGHUP (see SECURITY CONSIDERATIONS in jaildaemon(8))\n",
                     pw->pw_name, unsigned(*uid));
}

} // namespace jd
