// What the daemon and the probe program say to each other. The probe
// includes nothing else of the daemon: plain structs, no library types.
//
// The daemon spawns the probe (probe_spawn.hpp: on the host, outside every
// jail) with argv = { title }, an empty environment and these descriptors:
//   0-2  /dev/null
//   3    kStatusFd: a SOCK_SEQPACKET socket; the daemon has already written
//        one ProbeConfig into it, with the daemon's report socket attached
//        (SCM_RIGHTS: a datagram socket shared by every probe, on which a
//        probe reports a refused trigger); the probe answers with
//        ProbeStatus messages and closes it once ready. The daemon trusts
//        nothing from either that it cannot check (probe_launcher.cpp): the
//        jail may reach the probe and its descriptors.
//   4    kTargetFd (flag kProbeTargetFd): Linux, a pidfd of the jail's
//        leader; FreeBSD 15, a jail descriptor of the jail
// Every other descriptor is closed before exec.
#pragma once

#include <cstdint>

namespace jd {

// The exit status a probe uses to say "SIGHUP received: run the command".
// Anything else (a signal, another code) means it died for another reason.
constexpr int kProbeTriggered = 74;

constexpr int kStatusFd = 3;
constexpr int kTargetFd = 4;

constexpr std::uint32_t kProbeAbi = 0x6a640005; // "jd", version 5

enum ProbeFlags : std::uint32_t {
    kProbeHost = 1u << 0,    // the host pseudo-jail: attach to nothing
    kProbeOwnUser = 1u << 1, // Linux: the jail has its own user namespace
    kProbeUid = 1u << 2,     // uid is set (-u)
    kProbeGid = 1u << 3,     // gid is set (-g)
    kProbeUser = 1u << 4,    // user holds a name for -u (resolve_jail_names)
    kProbeGroup = 1u << 5,   // group holds a name for -g
    // The last run of its command failed: the probe runs at nice 1, the one
    // bit the jail can read of the outcome (ps -o nice), no new channel.
    kProbeLastFailed = 1u << 6,
    // Descriptor kTargetFd was passed (Linux: the leader's pidfd; FreeBSD 15:
    // a jail descriptor). The probe goes by this flag, never by what is open
    // on 4: the report socket it receives lands on the lowest free
    // descriptor, 4 when none was passed.
    kProbeTargetFd = 1u << 7,
    // FreeBSD: the kernel itself refuses every unprivileged sender outside
    // the probe's jail (the jail has allow.unprivileged_parent_tampering
    // off, on a kernel that knows it): any SIGHUP that arrives came from the
    // jail or from root. Set by the daemon at launch (freebsd/jail.cpp).
    kProbeSignalGuard = 1u << 8,
};

// Daemon -> probe, once, before the probe runs.
struct ProbeConfig {
    std::uint32_t abi = kProbeAbi;
    std::uint32_t flags = 0;
    std::int32_t target = 0;     // Linux: leader pid on the host; FreeBSD: jid
    std::int32_t daemon_pid = 0; // the probe's parent, checked at the end
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    char jail_name[256] = {}; // FreeBSD: checked against the jid before attaching
    char user[40] = {};       // -u NAME, looked up in the jail's /etc/passwd
    char group[40] = {};      // -g NAME, in the jail's /etc/group
};

enum class ProbeReport : std::uint32_t {
    child = 1,   // Linux stage 1: "the probe is host pid `pid`" (first message)
    ready = 2,   // attached, privileges dropped, waiting for SIGHUP
    failed = 3,  // could not attach: err, code and text say why
    refused = 4, // on the report socket: ignored a SIGHUP from outside the
                 // jail (code = the sender's uid, text = the probe's title)
};

// Probe -> daemon.
struct ProbeStatus {
    ProbeReport kind = ProbeReport::failed;
    std::int32_t pid = 0;  // child: the probe's pid in the daemon's namespace
    std::int32_t err = 0;  // failed: errno, 0 when text says it all
    std::int32_t code = 0; // failed: sysexits(3) code for the client
    char text[96] = {};    // failed: the step, e.g. "setns" or "uid 7 not in ..."
};

} // namespace jd
