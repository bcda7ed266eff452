// The FreeBSD jail backend: a jail is named by its jid or its name, looked
// up with jail_get(2); the probe enters it itself with jail_attach(2)
// (freebsd/probe_os.cpp).
//
// Checked against jail(2) (jail_get, jail_attach) and chdir(2). Not compiled
// or run on Linux: see README.md in this directory.

#include "../jail.hpp"
#include "../container_spec.hpp"
#include "../number.hpp"
#include "../probe_abi.hpp"
#include "jail_get.hpp"

// <sys/param.h> first: jail(2) requires it before <sys/jail.h>.
#include <sys/param.h>

#include <sys/jail.h>
#include <sys/uio.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace jd {

namespace {

// A jail as the kernel sees it right now.
struct Found {
    int jid = 0;
    std::string name;
};

// One jail_get(2) call (jail_get.hpp), by jid when jid != 0, else by name.
// Returns 0 or an errno; *why gets the kernel's errmsg when it set one.
int lookup(int jid, const std::string& name, Found& out, std::string* why) {
    char namebuf[MAXHOSTNAMELEN] = {};
    char errmsg[256] = {};
    if (jid == 0) {
        if (name.size() >= sizeof(namebuf))
            return ENAMETOOLONG;
        std::memcpy(namebuf, name.data(), name.size());
    }
    int id = jid;
    if (int e = freebsd::get_jail(&id, namebuf, errmsg, sizeof errmsg); e != 0) {
        if (why != nullptr) {
            errmsg[sizeof(errmsg) - 1] = '\0';
            *why = errmsg;
        }
        return e;
    }
    out.jid = id;
    out.name = namebuf;
    return 0;
}

bool all_digits(const std::string& s) {
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

class FreeBSDJail : public Jail {
  public:
    FreeBSDJail(int jid, std::string name) : jid_(jid), name_(std::move(name)) {}

    // Both parts make the key: a jail restarted under the same name usually
    // gets a new jid, and jids are handed out again after a wrap at JAIL_MAX.
    // (A jail.conf that pins both jid and name restarts as the same key.)
    std::string key() const override { return "jid:" + std::to_string(jid_) + ":" + name_; }
    std::string name() const override { return name_; }
    long id() const override { return jid_; }

    bool alive() const override {
        Found now;
        return lookup(jid_, "", now, nullptr) == 0 && now.name == name_;
    }

    bool launch_target(LaunchTarget& t, Error& err) const override {
        // Checked here so that a vanished jail is a clear error at once; the
        // probe checks jid and name again just before jail_attach(2).
        if (!alive()) {
            err.set(EX_NOHOST_,
                    "jail " + name_ + " (jid " + std::to_string(jid_) + ") is gone or dying");
            return false;
        }
        t.flags = 0;
        t.target = jid_;
        t.name = name_;
        return true;
    }

  private:
    int jid_;
    std::string name_;
};

} // namespace

std::unique_ptr<Jail> open_jail(const std::string& spec, const JailOptions& opts, Error& err) {
    if (spec == "host") {
        if (opts.allow_host)
            return open_host_jail();
        err.set(EX_NOPERM_, "the host pseudo-jail is not enabled in this daemon");
        return nullptr;
    }
    if (spec.empty()) {
        err.set(EX_USAGE_, "empty jail: give a jid or a jail name");
        return nullptr;
    }
    if (spec.rfind("pid:", 0) == 0) {
        err.set(EX_USAGE_, spec + ": pid:N names a Linux container;"
                                  " on FreeBSD name a jail by jid or name");
        return nullptr;
    }
    if (manager_spec_refused(spec, err))
        return nullptr;
    if (spec.find('\0') != std::string::npos) {
        err.set(EX_USAGE_, "jail name contains a NUL byte");
        return nullptr;
    }

    // All digits is a jid, as for jexec(8). Nothing is lost: the kernel
    // refuses a numeric jail name unless it is the jail's own jid (jail_set(2)
    // fails with EINVAL, "name cannot be numeric (unless it is the jid)").
    int jid = 0;
    if (all_digits(spec)) {
        unsigned v = 0;
        if (!parse_number(spec, unsigned(INT_MAX), v)) {
            err.set(EX_NOHOST_, "no such jail: " + spec);
            return nullptr;
        }
        jid = int(v);
        if (jid == 0) {
            err.set(EX_USAGE_, "jid 0 is the host itself, not a jail");
            return nullptr;
        }
    }

    Found found;
    std::string why;
    int e = lookup(jid, spec, found, &why);
    if (e == ENOENT || e == ENAMETOOLONG) {
        err.set(EX_NOHOST_, "no such jail: " + spec);
        return nullptr;
    }
    if (e != 0) {
        std::string what = "jail_get(" + spec + ")";
        if (why.empty())
            err.set(EX_OSERR_, errno_text(what, e));
        else
            err.set(EX_OSERR_, what + ": " + why);
        return nullptr;
    }
    return std::make_unique<FreeBSDJail>(found.jid, found.name);
}

} // namespace jd
