// Linux backend: a "jail" is the set of namespaces of a process (a
// container's leader). The target is pinned by pidfd; the probe joins its
// namespaces itself from that pidfd (linux/probe_os.cpp).
#include "jail.hpp"

#include "number.hpp"
#include "probe_abi.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <grp.h>
#include <map>
#include <memory>
#include <sched.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <tuple>
#include <unistd.h>

namespace jd {

namespace {

int pidfd_open(pid_t pid) {
    return int(syscall(SYS_pidfd_open, pid, 0));
}

int pidfd_alive(int pidfd) {
    return int(syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0));
}

bool ns_inode(pid_t pid, const char* ns, ino_t& ino) {
    struct stat st;
    std::string path =
        pid ? "/proc/" + std::to_string(pid) + "/ns/" + ns : std::string("/proc/self/ns/") + ns;
    if (stat(path.c_str(), &st) != 0)
        return false;
    ino = st.st_ino;
    return true;
}

// Field 22 of /proc/PID/stat: start time in clock ticks after boot. With
// the pid it names one process for the lifetime of the boot. 0 when unknown.
unsigned long long start_time(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line))
        return 0;
    // comm (field 2) may hold spaces and parentheses: count from the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field))
            return 0;
    unsigned long long v = 0;
    return parse_number(field, ~0ull, v) ? v : 0;
}

// The pidfd that pins a jail's leader, shared by every LinuxJail of that
// leader: a jail with 100 probes holds one descriptor for its leader, not
// 100 (with one pidfd per probe as well, 10,000 probes would otherwise need
// 20,000 descriptors).
class LeaderPin {
  public:
    explicit LeaderPin(int fd) : fd(fd) {}
    ~LeaderPin() { ::close(fd); }
    LeaderPin(const LeaderPin&) = delete;
    LeaderPin& operator=(const LeaderPin&) = delete;
    const int fd;
};

// pidfd was just opened for pid and checked alive with this pid namespace
// and start time: together they name one process. Use the pin of that
// process if one is still held (and close pidfd), else pin it with pidfd.
std::shared_ptr<LeaderPin> share_pin(int pidfd, pid_t pid, ino_t pidns, unsigned long long start) {
    static std::map<std::tuple<pid_t, ino_t, unsigned long long>, std::weak_ptr<LeaderPin>> pins;
    auto key = std::make_tuple(pid, pidns, start);
    if (auto it = pins.find(key); it != pins.end()) {
        if (auto pin = it->second.lock()) {
            ::close(pidfd);
            return pin;
        }
    }
    for (auto it = pins.begin(); it != pins.end();)
        it = it->second.expired() ? pins.erase(it) : std::next(it);
    auto pin = std::make_shared<LeaderPin>(pidfd);
    pins[key] = pin;
    return pin;
}

class LinuxJail : public Jail {
  public:
    LinuxJail(pid_t pid, std::shared_ptr<LeaderPin> pin, std::string label, ino_t pidns,
              ino_t mntns, unsigned long long start, bool own_user)
        : pid_(pid), pin_(std::move(pin)), pidfd_(pin_->fd), label_(std::move(label)),
          pidns_(pidns), mntns_(mntns), start_(start), own_user_(own_user) {}

    std::string key() const override { return "pidns:" + std::to_string(pidns_); }
    std::string name() const override {
        return label_.empty() ? "pid:" + std::to_string(pid_) : label_;
    }
    long id() const override { return pid_; }
    std::string identity() const override {
        return key() + " mntns:" + std::to_string(mntns_) + " pid:" + std::to_string(pid_) +
               " start:" + std::to_string(start_);
    }
    bool alive() const override {
        ino_t ino;
        return pidfd_alive(pidfd_) == 0 && ns_inode(pid_, "pid", ino) && ino == pidns_;
    }
    bool holds(pid_t pid) const override {
        // A process that has ended (a probe killed from inside the jail, not
        // yet reaped) keeps its pid namespace but has no mount namespace
        // left to read.
        ino_t pidns, mntns;
        return ns_inode(pid, "pid", pidns) && pidns == pidns_ &&
               (!ns_inode(pid, "mnt", mntns) || mntns == mntns_);
    }

    bool launch_target(LaunchTarget& t, Error& err) const override {
        if (!alive()) {
            err.set(EX_NOHOST_, "jail " + name() + " is gone (its leader, pid " +
                                    std::to_string(pid_) + ", exited)");
            return false;
        }
        // The probe joins the namespaces itself, from this pidfd: the
        // daemon never enters any.
        t.flags = own_user_ ? std::uint32_t(kProbeOwnUser) : 0u;
        t.target = std::int32_t(pid_);
        t.fd = pidfd_;
        t.name = name();
        return true;
    }

  private:
    pid_t pid_;
    std::shared_ptr<LeaderPin> pin_;
    int pidfd_; // pin_->fd
    std::string label_;
    ino_t pidns_;
    ino_t mntns_;
    unsigned long long start_;
    bool own_user_;
};

} // namespace

std::unique_ptr<Jail> open_jail(const std::string& spec, const JailOptions& opts, Error& err) {
    if (spec == "host") {
        if (!opts.allow_host) {
            err.set(EX_NOPERM_, "the host pseudo-jail is refused: start the daemon with "
                                "--allow-host to use it (development only)");
            return nullptr;
        }
        return open_host_jail();
    }
    std::string num = spec.rfind("pid:", 0) == 0 ? spec.substr(4) : spec;
    std::string label;
    if (auto at = num.find('@'); at != std::string::npos) {
        // "pid:N@label": a manager spec the client resolved
        // (container_spec.cpp).
        label = num.substr(at + 1);
        num = num.substr(0, at);
    }
    long leader = 0;
    if (!parse_pid(num, leader)) {
        err.set(EX_USAGE_, "bad jail \"" + spec +
                               "\": on Linux use a pid (N or pid:N) or docker:NAME, "
                               "podman:NAME, machine:NAME, lxc:NAME");
        return nullptr;
    }
    pid_t pid = pid_t(leader);
    int pidfd = pidfd_open(pid);
    if (pidfd < 0) {
        err.set(errno == ESRCH ? EX_NOHOST_ : EX_OSERR_,
                errno == ESRCH ? "no such jail: no process " + std::to_string(pid)
                               : errno_text("pidfd_open(" + std::to_string(pid) + ")", errno));
        return nullptr;
    }
    ino_t pidns, mntns, user, own_pidns, own_mntns, own_user;
    bool ok = ns_inode(pid, "pid", pidns) && ns_inode(pid, "mnt", mntns) &&
              ns_inode(pid, "user", user) && ns_inode(0, "pid", own_pidns) &&
              ns_inode(0, "mnt", own_mntns) && ns_inode(0, "user", own_user);
    unsigned long long start = start_time(pid);
    // Read after the pidfd is open: if the process is still alive now, the
    // namespaces read belong to it and not to a reused pid.
    int e = errno;
    if (pidfd_alive(pidfd) != 0) {
        ::close(pidfd);
        err.set(EX_NOHOST_, "no such jail: process " + std::to_string(pid) + " is gone");
        return nullptr;
    }
    if (!ok && e == ENOENT) {
        // A zombie (or a process on its way out) has no namespaces left: a
        // jail whose leader is dying is gone.
        ::close(pidfd);
        err.set(EX_NOHOST_,
                "no such jail: process " + std::to_string(pid) + " is exiting (a dying jail)");
        return nullptr;
    }
    if (!ok) {
        ::close(pidfd);
        err.set(e == EACCES || e == EPERM ? EX_NOPERM_ : EX_OSERR_,
                errno_text("cannot read the namespaces of process " + std::to_string(pid), e));
        return nullptr;
    }
    if (pidns == own_pidns && mntns == own_mntns) {
        ::close(pidfd);
        err.set(EX_NOHOST_, "process " + std::to_string(pid) +
                                " is not in a container: it shares the host's pid and "
                                "mount namespaces");
        return nullptr;
    }
    return std::make_unique<LinuxJail>(pid, share_pin(pidfd, pid, pidns, start), label, pidns,
                                       mntns, start, user != own_user);
}

} // namespace jd
