#include "spawn.hpp"

#include "jail_users.hpp"
#include "platform.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace jd {

ProbeImage::~ProbeImage() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool ProbeImage::open(const std::string& path, Error& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err.set(EX_CONFIG_, errno_text("cannot open probe program " + path, errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXOTH)) {
        ::close(fd);
        err.set(EX_CONFIG_, "probe program " + path + " is not an executable file");
        return false;
    }
    // The daemon runs this inside jails as root: nobody but root may change it.
    if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
        ::close(fd);
        err.set(EX_CONFIG_, "probe program " + path +
                                " must be owned by root and not writable by group or others");
        return false;
    }
    fd_ = fd;
    path_ = path;
    return true;
}

namespace {

// What a failed child tells its parent through the status pipe.
struct ChildFailure {
    int err;
    char stage[48];
};

[[noreturn]] void child_fail(int pipefd, const char* stage, int e) {
    ChildFailure f{};
    f.err = e;
    std::strncpy(f.stage, stage, sizeof f.stage - 1);
    ssize_t n = ::write(pipefd, &f, sizeof f);
    (void)n;
    _exit(127);
}

// Everything between "attached" and exec, in the child.
[[noreturn]] void child_main(const ProbeImage& image, int devnull, const ProbeSpec& spec,
                             pid_t daemon_pid, int pipefd) {
    if (setsid() < 0)
        child_fail(pipefd, "setsid", errno);

    // Default dispositions and an empty mask: a daemon started with SIGHUP
    // ignored or blocked must still give probes a working SIGHUP.
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
    // SIGHUP itself stays blocked across exec: the probe takes it with
    // sigwait(), and a SIGHUP sent before the probe's main() runs (a jail
    // that triggers the moment the probe is back) stays pending instead of
    // killing it.
    sigset_t only_hup;
    sigemptyset(&only_hup);
    sigaddset(&only_hup, SIGHUP);
    sigprocmask(SIG_SETMASK, &only_hup, nullptr);

    for (int fd = 0; fd <= 2; ++fd)
        if (dup2(devnull, fd) < 0)
            child_fail(pipefd, "dup2 /dev/null", errno);

    // Privileges: groups first, then gid, then uid; verify it sticks. Only
    // ids that exist in the jail: its /etc/passwd and /etc/group, read now
    // that we are inside.
    if (spec.uid || spec.gid) {
        IdCheck ids = check_jail_ids(spec.uid, spec.gid);
        if (!ids.ok)
            child_fail(pipefd, ids.why, ENOENT);
        gid_t gid = gid_t(ids.gid);
        if (setgroups(1, &gid) != 0)
            child_fail(pipefd, "setgroups", errno);
        if (setgid(gid) != 0)
            child_fail(pipefd, "setgid", errno);
        if (getgid() != gid || getegid() != gid)
            child_fail(pipefd, "setgid verify", EPERM);
    }
    if (spec.uid) {
        uid_t uid = uid_t(*spec.uid);
        if (setuid(uid) != 0)
            child_fail(pipefd, "setuid", errno);
        if (getuid() != uid || geteuid() != uid)
            child_fail(pipefd, "setuid verify", EPERM);
        if (uid != 0 && setuid(0) == 0)
            child_fail(pipefd, "setuid verify", EPERM);
    }

    const char* stage = "";
    if (int e = platform::harden_child(daemon_pid, &stage))
        child_fail(pipefd, stage, e);
    // The daemon holds the other end of the status pipe until we exec. If it
    // died before the parent-death signal was set, nobody would reap us:
    // leave rather than wait forever inside the jail.
    struct pollfd pfd = {pipefd, POLLOUT, 0};
    if (poll(&pfd, 1, 0) != 1 || (pfd.revents & (POLLERR | POLLHUP)))
        _exit(126);

    // Every descriptor but 0-2 is close-on-exec by now (the daemon opens all
    // its descriptors with CLOEXEC, and harden_child marks the rest).
    char* argv[] = {const_cast<char*>(spec.title.c_str()), nullptr};
    char* envp[] = {nullptr};
    fexecve(image.fd(), argv, envp);
    child_fail(pipefd, "fexecve", errno);
}

} // namespace

pid_t spawn_probe(Jail& jail, const ProbeImage& image, int devnull, const ProbeSpec& spec,
                  Error& err) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        err.set(EX_OSERR_, errno_text("pipe", errno));
        return -1;
    }
    pid_t daemon_pid = getpid();
    pid_t pid = jail.fork_attached(err);
    if (pid == 0) {
        ::close(p[0]);
        if (jail.child_errno())
            child_fail(p[1], jail.child_stage(), jail.child_errno());
        child_main(image, devnull, spec, daemon_pid, p[1]);
    }
    ::close(p[1]);
    if (pid < 0) {
        ::close(p[0]);
        return -1;
    }

    // Wait for exec (EOF) or a failure report. A child that hangs before
    // exec is killed after a few seconds.
    ChildFailure f{};
    std::size_t got = 0;
    bool timed_out = false;
    while (got < sizeof f) {
        struct pollfd pfd = {p[0], POLLIN, 0};
        int r = poll(&pfd, 1, 5000);
        if (r == 0) {
            timed_out = true;
            break;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        ssize_t n = ::read(p[0], reinterpret_cast<char*>(&f) + got, sizeof f - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += std::size_t(n);
    }
    ::close(p[0]);
    if (got == 0 && !timed_out)
        return pid; // exec succeeded: the pipe closed with nothing in it

    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        err.set(EX_OSERR_, "probe did not start within 5 s in jail " + jail.name());
    } else if (got == sizeof f) {
        f.stage[sizeof f.stage - 1] = '\0';
        int code = f.err == ESRCH ? EX_NOHOST_ : EX_OSERR_;
        if (std::strcmp(f.stage, "setuid") == 0 || std::strcmp(f.stage, "setgid") == 0)
            code = EX_NOUSER_;
        if (std::strncmp(f.stage, "uid ", 4) == 0 || std::strncmp(f.stage, "gid ", 4) == 0)
            err.set(EX_NOUSER_, "cannot start probe in jail " + jail.name() + ": " + f.stage);
        else
            err.set(code, errno_text("cannot start probe in jail " + jail.name() + ": " + f.stage,
                                     f.err));
    } else {
        err.set(EX_OSERR_, "probe for jail " + jail.name() + " failed before exec");
    }
    return -1;
}

} // namespace jd
