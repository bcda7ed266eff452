// The FreeBSD jail backend: a jail is named by its jid or its name, looked
// up with jail_get(2); the probe enters it itself with jail_attach(2)
// (freebsd/probe_os.cpp).
//
// Checked against jail(2) (jail_get, jail_attach), chdir(2) and sysctl(3)
// (kern.proc.pid, sys/kern/kern_proc.c). Not compiled
// or run on Linux: see README.md in this directory.

#include "../jail.hpp"
#include "../container_spec.hpp"
#include "../number.hpp"
#include "../probe_abi.hpp"
#include "jail_get.hpp"
#include "kevent_drain.hpp"
#include "signal_guard.hpp"

// <sys/param.h> first: jail(2) requires it before <sys/jail.h>.
#include <sys/param.h>

#include <sys/event.h>
#include <sys/jail.h>
#include <sys/sysctl.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
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
// With desc: FreeBSD 15 also gives a descriptor of that very jail in the
// same call (JAIL_GET_DESC), close-on-exec from here on; FreeBSD 14
// refuses the flag (EINVAL) and the lookup is made again without: *desc
// stays -1.
int lookup(int jid, const std::string& name, Found& out, std::string* why, int* desc = nullptr) {
    char namebuf[MAXHOSTNAMELEN] = {};
    char errmsg[256] = {};
    if (jid == 0) {
        if (name.size() >= sizeof(namebuf))
            return ENAMETOOLONG;
        std::memcpy(namebuf, name.data(), name.size());
    }
    int id = jid;
    int e = EINVAL;
    if (desc != nullptr) {
        *desc = -1;
        e = freebsd::get_jail(&id, namebuf, errmsg, sizeof errmsg, JAIL_GET_DESC, desc);
        if (e == 0 && fcntl(*desc, F_SETFD, FD_CLOEXEC) == -1) {
            e = errno;
            ::close(*desc);
            *desc = -1;
        }
    }
    if (e == EINVAL)
        e = freebsd::get_jail(&id, namebuf, errmsg, sizeof errmsg);
    if (e != 0) {
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

// What a jail descriptor refers to now (JAIL_USE_DESC): ENOENT once that
// jail is gone or dying.
int lookup_desc(int desc, Found& out) {
    char namebuf[MAXHOSTNAMELEN] = {};
    int id = 0;
    if (int e = freebsd::get_jail(&id, namebuf, nullptr, 0, JAIL_USE_DESC, &desc); e != 0)
        return e;
    out.jid = id;
    out.name = namebuf;
    return 0;
}

// The daemon's jail descriptors in one kqueue(2): EVFILT_JAILDESC with
// NOTE_JAIL_REMOVE fires when a jail is removed (EV_EOF | EV_ONESHOT; at
// once if it is gone already: kern_jaildesc.c jaildesc_kqops_event). A
// jail's alive() reads what has come in (a zero timeout): no jail_get(2)
// for a jail the kernel said is gone. Closing a descriptor removes its
// event (kqueue(2)).
class RemovalWatch {
  public:
    ~RemovalWatch() {
        if (kq_ >= 0)
            ::close(kq_);
    }
    void watch(int desc) {
        if (kq_ < 0) {
            kq_ = kqueue();
            if (kq_ < 0)
                return;
            fcntl(kq_, F_SETFD, FD_CLOEXEC);
        }
        struct kevent kev;
        EV_SET(&kev, desc, EVFILT_JAILDESC, EV_ADD | EV_CLEAR, NOTE_JAIL_REMOVE, 0, nullptr);
        if (kevent(kq_, &kev, 1, nullptr, 0, nullptr) == 0)
            removed_[desc] = false;
    }
    void forget(int desc) { removed_.erase(desc); }
    // Has the kernel said that the jail of desc is removed?
    bool removed(int desc) {
        if (kq_ >= 0)
            drain_kevents(kq_, [this](std::span<const struct kevent> evs) {
                for (const struct kevent& ev : evs) {
                    auto it = removed_.find(int(ev.ident));
                    if (ev.filter == EVFILT_JAILDESC && (ev.fflags & NOTE_JAIL_REMOVE) &&
                        it != removed_.end())
                        it->second = true;
                }
            });
        auto it = removed_.find(desc);
        return it != removed_.end() && it->second;
    }

  private:
    int kq_ = -1;
    std::map<int, bool> removed_;
};

RemovalWatch& removal_watch() {
    static RemovalWatch w;
    return w;
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
    // desc: a jail descriptor of this jail (FreeBSD 15), ours, or -1.
    FreeBSDJail(int jid, std::string name, int desc)
        : jid_(jid), name_(std::move(name)), desc_(desc) {
        if (desc_ >= 0)
            removal_watch().watch(desc_);
    }
    ~FreeBSDJail() override {
        if (desc_ >= 0) {
            removal_watch().forget(desc_);
            ::close(desc_);
        }
    }
    FreeBSDJail(const FreeBSDJail&) = delete;
    FreeBSDJail& operator=(const FreeBSDJail&) = delete;

    // Both parts make the key: a jail restarted under the same name usually
    // gets a new jid, and jids are handed out again after a wrap at JAIL_MAX.
    // (A jail.conf that pins both jid and name restarts as the same key.)
    std::string key() const override { return "jid:" + std::to_string(jid_) + ":" + name_; }
    std::string name() const override { return name_; }
    long id() const override { return jid_; }

    // With a descriptor: gone when the kernel said so, else asked through
    // the descriptor (a dying jail is ENOENT). Without (FreeBSD 14): by jid,
    // and the name must still match.
    bool alive() const override {
        Found now;
        if (desc_ >= 0)
            return !removal_watch().removed(desc_) && lookup_desc(desc_, now) == 0 &&
                   now.jid == jid_ && now.name == name_;
        return lookup(jid_, "", now, nullptr) == 0 && now.name == name_;
    }

    // Is pid a process of this jail? The launcher asks for the pid the
    // status socket named as the probe: only a broken or hostile --probe
    // program lies (the probe is one process the jail cannot trace), but
    // then a host process of ours (a running command, the unattached
    // program itself) must not pass for the probe. sysctl(3) kern.proc.pid
    // from the host, where the daemon always is: kern_proc.c
    // sysctl_kern_proc -> pget(PGET_CANSEE) finds every process, a zombie
    // too (no PGET_NOTWEXIT: pfind_any), and a zombie keeps its credential
    // until reaped (kern_exit.c proc_reap: crfree); a pid not found is
    // ESRCH. fill_kinfo_proc_only sets ki_jid to the prison's id when the
    // process is jailed and the caller is not in that prison: the host sees
    // the jid, 0 for a host process. A process of a jail inside this one has
    // that jail's jid: not ours.
    bool holds(pid_t pid) const override {
        if (pid <= 0)
            return false;
        struct kinfo_proc kp;
        std::size_t len = sizeof kp;
        int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, int(pid)};
        if (sysctl(mib, 4, &kp, &len, nullptr, 0) == -1 || len != sizeof kp)
            return false;
        return kp.ki_jid == jid_;
    }

    bool launch_target(LaunchTarget& t, Error& err) const override {
        // Checked here so that a vanished jail is a clear error at once; the
        // probe checks jid and name again just before jail_attach(2).
        if (!alive()) {
            err.set(EX_NOHOST_,
                    "jail " + name_ + " (jid " + std::to_string(jid_) + ") is gone or dying");
            return false;
        }
        // Asked at every launch (host root may change it with jail -m);
        // the probe goes by it for its whole life.
        t.flags = freebsd::parent_tampering_off(jid_) ? std::uint32_t(kProbeSignalGuard) : 0u;
        t.target = jid_;
        t.name = name_;
        // FreeBSD 15: the probe attaches with jail_attach_jd(2) on this
        // descriptor (its descriptor 4, probe_abi.hpp) and closes it first
        // thing after (freebsd/probe_os.cpp).
        t.fd = desc_;
        return true;
    }

  private:
    int jid_;
    std::string name_;
    int desc_;
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
    int desc = -1;
    int e = lookup(jid, spec, found, &why, &desc);
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
    return std::make_unique<FreeBSDJail>(found.jid, found.name, desc);
}

} // namespace jd
