// FREEBSD SIMULATION, tests only (README.md here): jail_get(2),
// jail_attach(2) and FreeBSD 15's jail_attach_jd(2) over namespace jails
// that tests register (sim.hpp). Each rule below names where FreeBSD says
// so: jail(2) and sys/kern/kern_jail.c (kern_jail_get, sys_jail_attach,
// do_jail_attach), sys/kern/kern_jaildesc.c (jaildesc_find,
// jaildesc_alloc), sys/kern/kern_sig.c (nosys).
#include "sim.hpp"

#include <sys/jail.h>
#include <sys/param.h>
#include <sys/sysctl.h>
#include <sys/user.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" void __gcov_dump(void) __attribute__((weak));

namespace fbsdsim {

namespace {

int anchor = -1;

bool read_file(const std::string& path, std::string& out) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0)
        return false;
    out.assign(buf, size_t(n));
    return true;
}

// Field 3 (state) and 22 (start time) of /proc/PID/stat.
bool proc_stat(pid_t pid, char& st, unsigned long long& start) {
    std::string s;
    if (!read_file("/proc/" + std::to_string(pid) + "/stat", s))
        return false;
    size_t p = s.rfind(')');
    if (p == std::string::npos)
        return false;
    // After ") ": the state (field 3), then fields 4 to 22.
    const char* f = s.c_str() + p + 2;
    char state = *f;
    for (int field = 3; field < 22; ++field) {
        f = std::strchr(f, ' ');
        if (f == nullptr)
            return false;
        ++f;
    }
    unsigned long long v = std::strtoull(f, nullptr, 10);
    st = state;
    start = v;
    return true;
}

void set_errmsg(struct iovec* err, const char* fmt, ...) {
    if (err == nullptr || err->iov_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(static_cast<char*>(err->iov_base), err->iov_len, fmt, ap);
    va_end(ap);
}

int fail(int e) {
    errno = e;
    return -1;
}

// The jid this process attached to (the inside half), 0 on the host.
int attached_jid = 0;

// security.bsd.see_jail_proc of the simulated kernel (kern_prot.c: 1 by
// default): the file ROOT/sysctl/security.bsd.see_jail_proc that a test
// writes, 1 without one.
int read_see_jail_proc() {
    std::string v;
    if (!read_file(root() + "/sysctl/security.bsd.see_jail_proc", v))
        return 1;
    return std::atoi(v.c_str());
}

// The value as the process read it when it attached: inside, the jail's
// root hides the file (a FreeBSD process in a jail reads the host's value).
int see_jail_proc_at_attach = 1;

// Anchors as the host sees them (sim.hpp): ROOT/anchors/PID-START, holding
// the jid, for an anchor whose start time (field 22 of /proc/PID/stat) is
// START. The start time in the name keeps a record of a pid that is gone
// from ever naming a later process with that pid, so removing stale
// records cannot race with a new one. A record stays while its anchor is
// a zombie: a FreeBSD zombie keeps its credential, and so its jail, until
// reaped (kern_exit.c proc_reap: crfree).
std::string anchors_dir() {
    return root() + "/anchors";
}

std::string anchor_name(pid_t pid, unsigned long long start) {
    return std::to_string(pid) + "-" + std::to_string(start);
}

// Remove the records of anchors that are gone (reaped, or their pid
// reused): the name's pid no longer has the name's start time.
void sweep_anchors(int dfd) {
    int d2 = dup(dfd);
    DIR* d = d2 < 0 ? nullptr : fdopendir(d2);
    if (d == nullptr) {
        if (d2 >= 0)
            close(d2);
        return;
    }
    while (struct dirent* e = readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || end == nullptr || *end != '-')
            continue;
        unsigned long long start = std::strtoull(end + 1, nullptr, 10);
        char st = 0;
        unsigned long long now = 0;
        if (!proc_stat(pid_t(pid), st, now) || now != start)
            unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
}

// Record the calling process, about to become an anchor of jid, while it
// still sees the host's files: before the inside half exists, so before it
// can say anything. Returns the directory's descriptor (to remove the
// record when the attach fails), or -1 with errno set.
int record_anchor(int jid, std::string& name) {
    char st = 0;
    unsigned long long start = 0;
    if (!proc_stat(getpid(), st, start))
        return fail(ESRCH);
    std::string dir = anchors_dir();
    mkdir(root().c_str(), 0755);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return -1;
    int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    sweep_anchors(dfd);
    name = anchor_name(getpid(), start);
    std::string text = std::to_string(jid) + "\n";
    int fd = openat(dfd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write(fd, text.data(), text.size()) == ssize_t(text.size());
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok) {
        int e = errno;
        unlinkat(dfd, name.c_str(), 0);
        close(dfd);
        return fail(e);
    }
    return dfd;
}

// The jail of pid (alive or a zombie, started at start) as the host sees
// it: an anchor's, recorded; else the jail whose leader shares pid's pid
// namespace (the lowest jid when the jail is registered more than once);
// else 0, the host. (A zombie has no namespaces left to compare: unless
// an anchor, it counts as the host's.)
int host_jid(pid_t pid, unsigned long long start) {
    std::string rec;
    if (read_file(anchors_dir() + "/" + anchor_name(pid, start), rec) && std::atoi(rec.c_str()) > 0)
        return std::atoi(rec.c_str());
    char ns[64] = {};
    if (readlink(("/proc/" + std::to_string(pid) + "/ns/pid").c_str(), ns, sizeof ns - 1) <= 0)
        return 0;
    int jid = 0;
    DIR* d = opendir((root() + "/jails").c_str());
    while (struct dirent* e = d == nullptr ? nullptr : readdir(d)) {
        Jail j;
        char leader_ns[64] = {};
        if (load(std::atoi(e->d_name), j) && state(j) != State::gone &&
            readlink(("/proc/" + std::to_string(j.leader) + "/ns/pid").c_str(), leader_ns,
                     sizeof leader_ns - 1) > 0 &&
            std::strcmp(ns, leader_ns) == 0 && (jid == 0 || j.jid < jid))
            jid = j.jid;
    }
    if (d != nullptr)
        closedir(d);
    return jid;
}

// Enter the jail of leader through pidfd: its namespaces (pid for the
// children), its root; then split into anchor and inside process
// (sim.hpp). Returns 0 in the inside process; the anchor never returns.
int attach(int pidfd, const Jail& j) {
    std::string rootpath = "/proc/" + std::to_string(j.leader) + "/root";
    int rootfd = open(rootpath.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return fail(EINVAL);
    // From here on the host counts this process in the jail (sysctl
    // kern.proc.pid): it is about to be the anchor. Undone on failure.
    std::string record;
    int anchors = record_anchor(j.jid, record);
    if (anchors < 0) {
        int e = errno;
        close(rootfd);
        return fail(e);
    }
    auto undo = [&](int e) {
        close(rootfd);
        unlinkat(anchors, record.c_str(), 0);
        close(anchors);
        return fail(e);
    };
    if (setns(pidfd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID) != 0)
        return undo(errno == ESRCH ? EINVAL : errno);
    see_jail_proc_at_attach = read_see_jail_proc();
    // kern_jail.c do_jail_attach: chroot to the jail's root, and
    // pwd_chroot_chdir: the cwd too.
    if (fchdir(rootfd) != 0 || chroot(".") != 0)
        return undo(errno);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return undo(errno);
    pid_t inside = fork();
    if (inside < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        return undo(e);
    }
    close(rootfd);
    // Neither half keeps a descriptor of a host directory: the inside one
    // must not (it would reach past the jail's root), and the anchor's
    // record is removed once it is gone (sweep_anchors).
    close(anchors);
    if (inside == 0) {
        // The two halves are one FreeBSD process: die with the anchor.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(sv[0]);
        struct pollfd p = {sv[1], POLLIN, 0};
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP))
            _exit(127);
        // Out of the way of the descriptors the process itself uses.
        anchor = fcntl(sv[1], F_DUPFD_CLOEXEC, 900);
        close(sv[1]);
        if (anchor < 0)
            _exit(127);
        attached_jid = j.jid;
        return 0;
    }
    // The anchor: nothing of the process but its line to the inside half.
    close(sv[1]);
    int fd = sv[0];
    if (fd > 0)
        syscall(SYS_close_range, 0, unsigned(fd - 1), 0);
    syscall(SYS_close_range, unsigned(fd + 1), ~0U, 0);
    for (;;) {
        char req[16];
        ssize_t n = recv(fd, req, sizeof req, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        long arg = 0;
        std::memcpy(&arg, req + 1, sizeof arg);
        long answer = 0;
        switch (req[0]) {
        case 'P': // PROC_PDEATHSIG_CTL of the FreeBSD process
            answer = prctl(PR_SET_PDEATHSIG, arg) == 0 ? 0 : -errno;
            break;
        case 'S': { // PROC_PDEATHSIG_STATUS
            int sig = 0;
            prctl(PR_GET_PDEATHSIG, &sig);
            answer = sig;
            break;
        }
        case 'G': // getppid(2) of the FreeBSD process
            answer = getppid();
            break;
        }
        send(fd, &answer, sizeof answer, MSG_NOSIGNAL);
    }
    int st = 0;
    while (waitpid(inside, &st, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        signal(sig, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, sig);
        sigprocmask(SIG_UNBLOCK, &s, nullptr);
        prctl(PR_SET_DUMPABLE, 0);
        if (__gcov_dump != nullptr)
            __gcov_dump();
        kill(getpid(), sig);
    }
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 127);
}

} // namespace

int kernel() {
    const char* k = std::getenv("FBSDSIM_KERNEL");
    return k != nullptr && std::strcmp(k, "14") == 0 ? 14 : 15;
}

std::string root() {
    const char* r = std::getenv("FBSDSIM_ROOT");
    return r != nullptr && *r != '\0' ? r : "/run/jaildaemon-fbsdsim";
}

bool load(int jid, Jail& j) {
    std::string s;
    if (jid <= 0 || !read_file(root() + "/jails/" + std::to_string(jid), s))
        return false;
    char name[MAXHOSTNAMELEN + 1] = {};
    long pid = 0;
    unsigned long long start = 0;
    int tamper = 0;
    int n = std::sscanf(s.c_str(), "%256s %ld %llu %d", name, &pid, &start, &tamper);
    if (n < 3 || pid <= 0)
        return false;
    j.parent_tampering = n == 4 && tamper != 0;
    j.jid = jid;
    j.name = name;
    j.leader = pid_t(pid);
    j.start = start;
    return true;
}

bool find_name(const std::string& name, Jail& j) {
    DIR* d = opendir((root() + "/jails").c_str());
    if (d == nullptr)
        return false;
    bool found = false;
    while (struct dirent* e = readdir(d)) {
        Jail c;
        if (load(std::atoi(e->d_name), c) && c.name == name && state(c) != State::gone) {
            j = c;
            found = true;
            break;
        }
    }
    closedir(d);
    return found;
}

State state(const Jail& j) {
    char st = 0;
    unsigned long long start = 0;
    if (!proc_stat(j.leader, st, start) || start != j.start)
        return State::gone;
    // A leader that has exited but is not reaped yet: the jail is dying
    // (prison_isalive() false, prison_isvalid() true until the last ref).
    return st == 'Z' || st == 'X' ? State::dying : State::alive;
}

bool from_desc(int fd, Jail& j) {
    char link[64] = {};
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n < 0) {
        errno = EBADF;
        return false;
    }
    // kern_jaildesc.c jaildesc_find: not a jail descriptor: EBADF.
    if (std::strcmp(link, "anon_inode:[pidfd]") != 0) {
        errno = EBADF;
        return false;
    }
    std::string info;
    if (!read_file("/proc/self/fdinfo/" + std::to_string(fd), info)) {
        errno = EBADF;
        return false;
    }
    size_t p = info.find("\nPid:");
    long pid = p == std::string::npos ? -1 : std::atol(info.c_str() + p + 5);
    // jaildesc_find: the prison is gone (or never valid again): ENOENT. A
    // pidfd never names a later process: a jail with the same jid later is
    // another jail.
    DIR* d = opendir((root() + "/jails").c_str());
    bool found = false;
    while (d != nullptr && pid > 0 && !found) {
        struct dirent* e = readdir(d);
        if (e == nullptr)
            break;
        Jail c;
        if (load(std::atoi(e->d_name), c) && c.leader == pid && state(c) != State::gone) {
            j = c;
            found = true;
        }
    }
    if (d != nullptr)
        closedir(d);
    if (!found)
        errno = ENOENT;
    return found;
}

int anchor_fd() {
    return anchor;
}

bool ask_anchor(char op, long arg, long& answer) {
    char req[1 + sizeof(long)];
    req[0] = op;
    std::memcpy(req + 1, &arg, sizeof arg);
    if (send(anchor, req, sizeof req, MSG_NOSIGNAL) != ssize_t(sizeof req))
        return false;
    ssize_t n;
    while ((n = recv(anchor, &answer, sizeof answer, 0)) < 0 && errno == EINTR) {
    }
    return n == ssize_t(sizeof answer);
}

} // namespace fbsdsim

using namespace fbsdsim;

extern "C" {

// jail_get(2), kern_jail.c kern_jail_get: parameters by name; "jid" and
// "name" are the search keys (jid first, when not 0); a missing or dying
// jail is ENOENT with errmsg set, then an unknown parameter EINVAL; flags
// outside JAIL_GET_MASK are EINVAL (FreeBSD 14: only JAIL_DYING; 15 adds
// the descriptor flags). Parameters: jid, name, errmsg, desc and, on 15,
// allow.unprivileged_parent_tampering.
int jail_get(struct iovec* iov, unsigned int niov, int flags) {
    int mask = kernel() >= 15 ? 0xf8 : JAIL_DYING;
    if ((flags & ~mask) != 0 || (niov & 1) != 0)
        return fail(EINVAL);
    int* jidp = nullptr;
    struct iovec* namev = nullptr;
    struct iovec* err = nullptr;
    int* descp = nullptr;
    int* tamperp = nullptr;
    const char* unknown = nullptr;
    for (unsigned i = 0; i + 1 < niov; i += 2) {
        const char* pn = static_cast<const char*>(iov[i].iov_base);
        if (pn == nullptr || iov[i].iov_len == 0 || pn[iov[i].iov_len - 1] != '\0')
            return fail(EINVAL);
        if (std::strcmp(pn, "errmsg") == 0)
            err = &iov[i + 1];
    }
    for (unsigned i = 0; i + 1 < niov; i += 2) {
        const char* pn = static_cast<const char*>(iov[i].iov_base);
        struct iovec* v = &iov[i + 1];
        if (std::strcmp(pn, "jid") == 0 || std::strcmp(pn, "desc") == 0) {
            if (v->iov_len != sizeof(int)) {
                set_errmsg(err, "%s: wrong size", pn);
                return fail(EINVAL);
            }
            (pn[0] == 'j' ? jidp : descp) = static_cast<int*>(v->iov_base);
        } else if (std::strcmp(pn, "name") == 0) {
            namev = v;
        } else if (kernel() >= 15 && std::strcmp(pn, "allow.unprivileged_parent_tampering") == 0) {
            // A jail permission (kern_jail.c pr_flag_allow; kern_prot.c
            // cr_can_tamper_with_subjail), an int of 0 or 1 (vfs_setopt:
            // another size is EINVAL). FreeBSD 14 has no such parameter.
            if (v->iov_len != sizeof(int)) {
                set_errmsg(err, "%s: wrong size", pn);
                return fail(EINVAL);
            }
            tamperp = static_cast<int*>(v->iov_base);
        } else if (std::strcmp(pn, "errmsg") != 0) {
            unknown = pn;
        }
    }
    if ((flags & (JAIL_USE_DESC | JAIL_GET_DESC)) && descp == nullptr) {
        set_errmsg(err, "missing desc");
        return fail(EINVAL);
    }
    Jail j;
    if (flags & JAIL_USE_DESC) {
        // kern_jail_get: the jail comes from the descriptor (jaildesc_find).
        if (!from_desc(*descp, j))
            return -1;
    } else if (jidp != nullptr && *jidp != 0) {
        if (!load(*jidp, j) || state(j) == State::gone) {
            set_errmsg(err, "jail %d not found", *jidp);
            return fail(ENOENT);
        }
        if (state(j) == State::dying && !(flags & JAIL_DYING)) {
            set_errmsg(err, "jail %d is dying", *jidp);
            return fail(ENOENT);
        }
    } else if (namev != nullptr) {
        const char* nm = static_cast<const char*>(namev->iov_base);
        if (namev->iov_len == 0 || nm[namev->iov_len - 1] != '\0') {
            set_errmsg(err, "name: not a string");
            return fail(EINVAL);
        }
        if (!find_name(nm, j)) {
            set_errmsg(err, "jail \"%s\" not found", nm);
            return fail(ENOENT);
        }
        if (state(j) == State::dying && !(flags & JAIL_DYING)) {
            set_errmsg(err, "jail \"%s\" is dying", nm);
            return fail(ENOENT);
        }
    } else {
        set_errmsg(err, "no jail specified");
        return fail(ENOENT);
    }
    // kern_jail_get: parameters are looked at once the jail is found; one
    // the kernel does not know is EINVAL ("all parameters should have been
    // noted").
    if (unknown != nullptr) {
        set_errmsg(err, "unknown parameter: %s", unknown);
        return fail(EINVAL);
    }
    if (flags & JAIL_GET_DESC) {
        // jaildesc_alloc: falloc_caps(..., 0, ...): no close-on-exec.
        int fd = int(syscall(SYS_pidfd_open, j.leader, 0));
        if (fd < 0) {
            set_errmsg(err, "jail %d not found", j.jid);
            return fail(ENOENT);
        }
        // pidfd_open(2) always sets close-on-exec; FreeBSD does not.
        fcntl(fd, F_SETFD, 0);
        *descp = fd;
    }
    if (tamperp != nullptr)
        *tamperp = j.parent_tampering ? 1 : 0;
    if (jidp != nullptr)
        *jidp = j.jid;
    if (namev != nullptr) {
        if (namev->iov_len <= j.name.size()) {
            set_errmsg(err, "name: buffer too small");
            return fail(EINVAL);
        }
        std::memcpy(namev->iov_base, j.name.c_str(), j.name.size() + 1);
    }
    return j.jid;
}

// sysctl(3) kern.proc.pid.PID (kern_proc.c sysctl_kern_proc: pget with
// PGET_CANSEE, which finds zombies too (pfind_any), then p_cansee, which
// from a jail is prison_check: only processes of this jail and its
// children; others, and pids not in use, are ESRCH).
// From inside (after the simulated jail_attach): visibility is the pid
// namespace's: a pid that names a process in ours (kill(pid, 0) finds it,
// EPERM included) is in our jail; a sender outside it has si_pid 0 on
// Linux, never found. ki_jid is 0: fill_kinfo_proc_only sets ki_jid only
// for a prison that is not the caller's own ("If inside the jail, use 0 as
// a jail ID"), and a process of our pid namespace is in our jail (the
// simulation has no jails below a jail).
// From the host (no jail_attach here): every process is visible, ki_jid is
// its jail's (fill_kinfo_proc_only: the prison's id for a jailed process
// the caller does not share the prison with), 0 for a host process. A
// FreeBSD process in a jail is here an anchor on the host (its jail
// recorded by jail_attach) or a process in the jail's pid namespace
// (host_jid).
int sysctl(const int* name, unsigned int namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen) {
    if (namelen != 4 || name[0] != CTL_KERN || name[1] != KERN_PROC || name[2] != KERN_PROC_PID ||
        newp != nullptr || newlen != 0 || oldlenp == nullptr)
        return fail(EINVAL); // not simulated
    pid_t pid = name[3];
    int jid = 0;
    if (attached_jid == 0) {
        char st = 0;
        unsigned long long start = 0;
        if (pid <= 0 || !proc_stat(pid, st, start))
            return fail(ESRCH);
        jid = host_jid(pid, start);
    } else if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM)) {
        return fail(ESRCH);
    }
    if (oldp == nullptr) {
        *oldlenp = sizeof(kinfo_proc);
        return 0;
    }
    if (*oldlenp < sizeof(kinfo_proc))
        return fail(ENOMEM);
    kinfo_proc kp{};
    kp.ki_structsize = int(sizeof kp);
    kp.ki_pid = pid;
    kp.ki_jid = jid;
    std::memcpy(oldp, &kp, sizeof kp);
    *oldlenp = sizeof kp;
    return 0;
}

// jail_attach(2), kern_jail.c sys_jail_attach: PRIV_JAIL_ATTACH (root), a
// jail that is missing or not alive is EINVAL.
int jail_attach(int jid) {
    if (geteuid() != 0)
        return fail(EPERM);
    Jail j;
    if (!load(jid, j) || state(j) != State::alive)
        return fail(EINVAL);
    int pidfd = int(syscall(SYS_pidfd_open, j.leader, 0));
    if (pidfd < 0)
        return fail(EINVAL);
    int r = attach(pidfd, j);
    int e = errno;
    close(pidfd);
    errno = e;
    return r;
}

// jail_attach_jd(2), FreeBSD 15 (kern_jail.c sys_jail_attach_jd,
// kern_jaildesc.c jaildesc_find): EBADF when fd is no jail descriptor,
// ENOENT when its jail is gone. On 14 the system call does not exist:
// nosys() (kern_sig.c) sends SIGSYS, then returns ENOSYS.
int jail_attach_jd(int fd) {
    if (kernel() < 15) {
        raise(SIGSYS);
        return fail(ENOSYS);
    }
    if (geteuid() != 0)
        return fail(EPERM);
    Jail j;
    if (!from_desc(fd, j))
        return -1;
    if (state(j) != State::alive)
        return fail(ENOENT);
    return attach(fd, j);
}

// sysctlbyname(3) for security.bsd.see_jail_proc only (kern_prot.c: an
// int, CTLFLAG_RW, readable from a jail; writing it needs host root, not
// simulated). Other names: ENOENT, as for a name the kernel does not have.
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen) {
    if (name == nullptr || std::strcmp(name, "security.bsd.see_jail_proc") != 0)
        return fail(ENOENT);
    if (newp != nullptr || newlen != 0 || oldlenp == nullptr)
        return fail(EINVAL); // not simulated
    if (oldp == nullptr) {
        *oldlenp = sizeof(int);
        return 0;
    }
    if (*oldlenp < sizeof(int))
        return fail(ENOMEM);
    int v = attached_jid != 0 ? see_jail_proc_at_attach : read_see_jail_proc();
    std::memcpy(oldp, &v, sizeof v);
    *oldlenp = sizeof v;
    return 0;
}

} // extern "C"
