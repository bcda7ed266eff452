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
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <map>
#include <memory>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

extern char** environ;

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

bool parse_pid(const std::string& s, pid_t& pid) {
    // PID_MAX_LIMIT: 2^22
    unsigned v = 0;
    if (!parse_number(s, 4194304u, v) || v < 1)
        return false;
    pid = pid_t(v);
    return true;
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

// Run argv, return its stdout (at most 4 KiB) and exit status.
bool capture(const std::vector<std::string>& args, std::string& out, int& status, int& spawn_err) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        spawn_err = errno;
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    // The manager's own complaint is replaced by one line of ours.
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid;
    spawn_err = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(p[1]);
    if (spawn_err != 0) {
        ::close(p[0]);
        return false;
    }
    char buf[512];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && out.size() < 4096)
            out.append(buf, std::size_t(n));
    ::close(p[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return true;
}

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 128 || s[0] == '-')
        return false;
    for (char c : s)
        if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return false;
    return true;
}

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
        // "pid:N@label": a manager spec the client resolved.
        label = num.substr(at + 1);
        num = num.substr(0, at);
    }
    pid_t pid;
    if (!parse_pid(num, pid)) {
        err.set(EX_USAGE_, "bad jail \"" + spec +
                               "\": on Linux use a pid (N or pid:N) or docker:NAME, "
                               "podman:NAME, machine:NAME, lxc:NAME");
        return nullptr;
    }
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

bool resolve_manager_spec(std::string& spec, Error& err) {
    auto colon = spec.find(':');
    if (colon == std::string::npos)
        return true;
    std::string mgr = spec.substr(0, colon), name = spec.substr(colon + 1);
    std::vector<std::string> argv;
    if (mgr == "docker" || mgr == "podman")
        argv = {mgr, "inspect", "--format", "{{.State.Pid}}", "--", name};
    else if (mgr == "machine")
        argv = {"machinectl", "show", "--property=Leader", "--value", "--", name};
    else if (mgr == "lxc")
        argv = {"lxc-info", "-p", "-H", "-n", name};
    else
        return true; // pid:N and friends: the daemon checks them
    if (!valid_name(name)) {
        err.set(EX_USAGE_, "bad " + mgr + " container name \"" + name + "\"");
        return false;
    }
    std::string out;
    int status = 0, spawn_err = 0;
    if (!capture(argv, out, status, spawn_err)) {
        err.set(EX_UNAVAILABLE_, spawn_err == ENOENT
                                     ? argv[0] + " is not installed (needed for " + mgr + ":)"
                                     : errno_text("cannot run " + argv[0], spawn_err));
        return false;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    pid_t pid;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !parse_pid(out, pid)) {
        err.set(EX_NOHOST_, "no such jail: " + mgr + " container \"" + name +
                                "\" does not exist or is not running");
        return false;
    }
    spec = "pid:" + std::to_string(pid) + "@" + mgr + ":" + name;
    return true;
}

} // namespace jd
