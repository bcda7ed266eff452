// FreeBSD: where the kernel lets host users signal a jail's processes, a
// host user with the probe's uid may send it SIGHUP, and the probe's check
// that a SIGHUP came from inside its jail is not race-free
// (freebsd/probe_os.cpp). Say so when registering. Checked against
// getpwuid(3) and jail_get(2). Not compiled or run on Linux: see README.md
// here.
#include "../host_uid.hpp"
#include "jail_get.hpp"
#include "signal_guard.hpp"

#include <cstdio>
#include <pwd.h>

namespace jd {

void warn_host_uid(std::optional<std::uint32_t> uid, const std::string& jail) {
    if (!uid || *uid == 0 || freebsd::see_jail_proc() == 0)
        return;
    // The jid of the spec: all digits is a jid (freebsd/jail.cpp), else a
    // name. A spec that names no jail gets the daemon's error instead.
    char namebuf[MAXHOSTNAMELEN] = {};
    int jid = 0;
    bool by_jid = !jail.empty() && jail.find_first_not_of("0123456789") == std::string::npos;
    if (by_jid ? jail.size() > 9 : jail.size() >= sizeof namebuf)
        return; // names no jail (JAIL_MAX is 999999)
    if (by_jid)
        jid = std::stoi(jail);
    else
        jail.copy(namebuf, sizeof namebuf - 1);
    if (freebsd::get_jail(&jid, namebuf, nullptr, 0) != 0 || freebsd::parent_tampering_off(jid))
        return;
    const struct passwd* pw = getpwuid(uid_t(*uid));
    std::fprintf(stderr,
                 "jaildaemon: warning: jail %s lets host users signal its processes%s%s%s: the "
                 "probe checks each SIGHUP's sender and refuses one already gone, such as a "
                 "pkill that has exited (see SECURITY CONSIDERATIONS in jaildaemon(8))\n",
                 namebuf, pw ? " (host account " : "", pw ? pw->pw_name : "",
                 pw ? " has that uid)" : "");
}

} // namespace jd
