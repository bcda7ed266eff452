// The jail backend interface: resolve a jail named on the command line,
// pin it, and fork a child that lives inside it.
//
// One implementation per platform (linux/, freebsd/) plus the portable host
// pseudo-jail (host_jail.cpp). Every #ifdef of the project lives in the
// backend files; meson picks the directory by host system.
#pragma once

#include "error.hpp"

#include <memory>
#include <string>
#include <sys/types.h>

namespace jd {

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

    // fork(2) a child that is attached to the jail (namespaces entered /
    // jail_attach done, root and cwd inside the jail). Returns the child's pid
    // in the parent, 0 in the child, -1 with err set on failure. In the child
    // a failure is reported by returning 0 with child_errno() != 0; the caller
    // then reports and _exit()s.
    virtual pid_t fork_attached(Error& err) = 0;
    // In the child: errno and stage of a failed attach, 0 when attached.
    int child_errno() const { return child_errno_; }
    const char* child_stage() const { return child_stage_; }

  protected:
    int child_errno_ = 0;
    const char* child_stage_ = "";
};

struct JailOptions {
    bool allow_host = false; // accept the "host" pseudo-jail
};

// Daemon side: resolve and pin a jail spec: "N", "pid:N", a FreeBSD jail
// name, or "host". Manager-qualified specs must be rewritten by
// resolve_manager_spec() first.
std::unique_ptr<Jail> open_jail(const std::string& spec, const JailOptions& opts, Error& err);

// Client side: rewrite "docker:NAME", "podman:NAME", "machine:NAME",
// "lxc:NAME" into "pid:N" by asking the manager's own CLI. Other specs are
// left alone. Returns false with err on failure.
bool resolve_manager_spec(std::string& spec, Error& err);

// The portable pseudo-jail: no isolation at all, development only.
std::unique_ptr<Jail> open_host_jail();

} // namespace jd
