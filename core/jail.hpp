// The jail backend interface: resolve a jail named on the command line, pin
// it, and say what a probe needs to attach itself to it.
//
// One implementation per platform (linux/, freebsd/) plus the portable host
// pseudo-jail (host_jail.cpp). Every #ifdef of the project lives in the
// backend files; meson picks the directory by host system.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

namespace jd {

struct LaunchTarget {
    std::uint32_t flags = 0; // ProbeFlags
    std::int32_t target = 0; // Linux: leader pid; FreeBSD: jid
    int fd = -1;             // Linux: pidfd of the leader (not ours to close)
    std::string name;        // FreeBSD: jail name, checked by the probe
};

class Jail {
  public:
    virtual ~Jail() = default;

    // Identity used for "same jail + title" and for state restore:
    // FreeBSD "jid:N:NAME", Linux "pidns:INODE", host "host".
    virtual std::string key() const = 0;
    // Human name, exported to commands as JAILDAEMON_JAIL.
    virtual std::string name() const = 0;
    // Numeric id, exported as JAILDAEMON_JID (FreeBSD jid, Linux leader pid).
    virtual long id() const = 0;
    // Whether the pinned jail still exists and is still the same jail.
    virtual bool alive() const = 0;
    // What the state file records to recognise this very jail after a
    // daemon restart: a freshly opened jail is "the same jail" when its
    // identity() equals the saved one. The key is enough where it already
    // tells one jail from a later one (FreeBSD: jid and name); Linux adds the
    // leader's pid and start time, since a pid namespace inode can be reused.
    virtual std::string identity() const { return key(); }

    // What a probe needs to attach itself to this jail (probe_abi.hpp): the
    // flags and target of its ProbeConfig and, on Linux, the leader's pidfd
    // for the probe's descriptor 4. Fails when the jail is gone.
    virtual bool launch_target(LaunchTarget& t, Error& err) const = 0;

    // Is process pid (a probe, named by its stage 1 or saying it is ready)
    // inside this jail? Linux: in its pid namespace, and in its mount
    // namespace unless it has ended already. FreeBSD: its kinfo_proc's
    // ki_jid (sysctl kern.proc.pid) is this jail's jid. The host
    // pseudo-jail holds every process: the default, true.
    virtual bool holds(pid_t pid) const {
        (void)pid;
        return true;
    }
};

struct JailOptions {
    bool allow_host = false; // accept the "host" pseudo-jail
};

// Daemon side: resolve and pin a jail spec: "N", "pid:N", a FreeBSD jail
// name, or "host". Manager-qualified specs ("docker:NAME"...) are rewritten
// by the client first (container_spec.hpp).
std::unique_ptr<Jail> open_jail(const std::string& spec, const JailOptions& opts, Error& err);

// The portable pseudo-jail: no isolation at all, development only.
std::unique_ptr<Jail> open_host_jail();

} // namespace jd
