// FREEBSD SIMULATION, tests only: the documented FreeBSD behaviours the
// simulation reproduces (README.md here), each checked against the
// simulated call. Root: it makes a namespace jail.
#include "sim.hpp"
#include "sim_jail.hpp"

#include <sys/event.h>
#include <sys/jail.h>
#include <sys/param.h>
#include <sys/procctl.h>
#include <sys/sysctl.h>
#include <sys/user.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

struct GetResult {
    int rc;
    int err;
    int jid;
    std::string name;
    std::string errmsg;
    int desc;
};

GetResult get(int jid, const char* name, int flags, int desc = -1, bool with_desc = false) {
    char nb[MAXHOSTNAMELEN] = {};
    if (name != nullptr)
        std::snprintf(nb, sizeof nb, "%s", name);
    char em[128] = {};
    struct iovec iov[8];
    auto set = [&](int i, const char* n, void* v, size_t l) {
        iov[i].iov_base = const_cast<char*>(n);
        iov[i].iov_len = std::strlen(n) + 1;
        iov[i + 1].iov_base = v;
        iov[i + 1].iov_len = l;
    };
    set(0, "jid", &jid, sizeof jid);
    set(2, "name", nb, sizeof nb);
    set(4, "errmsg", em, sizeof em);
    unsigned n = 6;
    if (with_desc) {
        set(6, "desc", &desc, sizeof desc);
        n = 8;
    }
    errno = 0;
    int rc = jail_get(iov, n, flags);
    return {rc, errno, jid, nb, em, desc};
}

// A namespace jail with its own hostname, IPC and network too, registered
// as jid 7, name "simjail" unless told.
struct TestJail : SimJail {
    explicit TestJail(int jid = 7, const char* name = "simjail")
        : SimJail(jid, name, "test", {"--uts", "--ipc", "--net"}) {}
};

// Run fn in a child; its exit status.
template <class F> int in_child(F fn) {
    pid_t p = fork();
    if (p == 0)
        _exit(fn());
    int st = 0;
    waitpid(p, &st, 0);
    return st;
}

// sysctl kern.proc.pid.PID as this process sees it: ki_jid, or -1 with
// errno set.
int jid_of(pid_t pid) {
    struct kinfo_proc kp {};
    size_t len = sizeof kp;
    int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, int(pid)};
    if (sysctl(mib, 4, &kp, &len, nullptr, 0) != 0)
        return -1;
    if (len != sizeof kp || kp.ki_pid != pid) {
        errno = EPROTO;
        return -1;
    }
    return kp.ki_jid;
}

// Does ROOT/anchors hold a record PID-START for pid?
bool has_record(const std::string& root, pid_t pid) {
    DIR* d = opendir((root + "/anchors").c_str());
    if (d == nullptr)
        return false;
    std::string prefix = std::to_string(pid) + "-";
    bool found = false;
    while (struct dirent* e = readdir(d))
        found = found || std::string(e->d_name).rfind(prefix, 0) == 0;
    closedir(d);
    return found;
}

// The state letter of /proc/PID/stat, 0 when pid is gone.
char proc_state(pid_t pid) {
    char buf[512] = {};
    FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (f == nullptr)
        return 0;
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    const char* p = std::strrchr(buf, ')');
    return n > 0 && p != nullptr && p[1] == ' ' ? p[2] : 0;
}

} // namespace

TEST_SUITE("freebsd-sim") {

    TEST_CASE("jail_get: flags, parameters and missing jails (kern_jail.c kern_jail_get)") {
        TestJail j;
        auto r = get(0, nullptr, 0x100);
        CHECK(r.rc == -1);
        CHECK(r.err == EINVAL);
        r = get(999, nullptr, 0);
        CHECK(r.err == ENOENT);
        CHECK(r.errmsg == "jail 999 not found");
        r = get(0, "nosuch", 0);
        CHECK(r.err == ENOENT);
        CHECK(r.errmsg == "jail \"nosuch\" not found");
        r = get(7, nullptr, 0);
        CHECK(r.rc == 7);
        CHECK(r.name == "simjail");
        r = get(0, "simjail", 0);
        CHECK(r.rc == 7);
        CHECK(r.jid == 7);
        // No jail named: ENOENT; an unknown parameter of a jail found:
        // EINVAL, with errmsg (the jail is looked up first).
        char em[64] = {};
        int one = 1;
        struct iovec iov[4] = {{const_cast<char*>("bogus"), 6},
                               {&one, sizeof one},
                               {const_cast<char*>("errmsg"), 7},
                               {em, sizeof em}};
        CHECK(jail_get(iov, 4, 0) == -1);
        CHECK(errno == ENOENT);
        CHECK(std::string(em) == "no jail specified");
        int seven = 7;
        struct iovec iov6[6] = {{const_cast<char*>("jid"), 4},    {&seven, sizeof seven},
                                {const_cast<char*>("bogus"), 6},  {&one, sizeof one},
                                {const_cast<char*>("errmsg"), 7}, {em, sizeof em}};
        CHECK(jail_get(iov6, 6, 0) == -1);
        CHECK(errno == EINVAL);
        CHECK(std::string(em) == "unknown parameter: bogus");
        // A name value without its NUL is EINVAL.
        char nm[3] = {'a', 'b', 'c'};
        int zero = 0;
        struct iovec iov2[4] = {{const_cast<char*>("jid"), 4},
                                {&zero, sizeof zero},
                                {const_cast<char*>("name"), 5},
                                {nm, sizeof nm}};
        CHECK(jail_get(iov2, 4, 0) == -1);
        CHECK(errno == EINVAL);
    }

    TEST_CASE(
        "jail descriptors: not close-on-exec, ENOENT once the jail is gone, never a later jail") {
        TestJail j;
        auto r = get(7, nullptr, JAIL_GET_DESC, -1, true);
        REQUIRE(r.rc == 7);
        REQUIRE(r.desc >= 0);
        CHECK((fcntl(r.desc, F_GETFD) & FD_CLOEXEC) == 0);
        auto u = get(0, "", JAIL_USE_DESC, r.desc, true);
        CHECK(u.rc == 7);
        CHECK(u.name == "simjail");
        // A descriptor of another kind is EBADF.
        CHECK(get(0, "", JAIL_USE_DESC, 0, true).err == EBADF);
        // EVFILT_JAILDESC: NOTE_JAIL_REMOVE with EV_EOF when the jail goes.
        int kq = kqueue();
        struct kevent kev;
        EV_SET(&kev, r.desc, EVFILT_JAILDESC, EV_ADD | EV_CLEAR, NOTE_JAIL_REMOVE, 0, nullptr);
        REQUIRE(kevent(kq, &kev, 1, nullptr, 0, nullptr) == 0);
        struct timespec zero = {0, 0};
        CHECK(kevent(kq, nullptr, 0, &kev, 1, &zero) == 0);
        j.remove();
        struct timespec five = {5, 0};
        REQUIRE(kevent(kq, nullptr, 0, &kev, 1, &five) == 1);
        CHECK(kev.filter == EVFILT_JAILDESC);
        CHECK(kev.fflags == NOTE_JAIL_REMOVE);
        CHECK((kev.flags & (EV_EOF | EV_ONESHOT)) == (EV_EOF | EV_ONESHOT));
        CHECK(get(0, "", JAIL_USE_DESC, r.desc, true).err == ENOENT);
        CHECK(get(7, nullptr, 0).err == ENOENT);
        // A later jail with the same jid: the old descriptor still says ENOENT.
        TestJail later(7, "simjail");
        CHECK(get(7, nullptr, 0).rc == 7);
        CHECK(get(0, "", JAIL_USE_DESC, r.desc, true).err == ENOENT);
        // Registered on a descriptor whose jail is gone: fires at once.
        EV_SET(&kev, r.desc, EVFILT_JAILDESC, EV_ADD, NOTE_JAIL_REMOVE, 0, nullptr);
        REQUIRE(kevent(kq, &kev, 1, nullptr, 0, nullptr) == 0);
        CHECK(kevent(kq, nullptr, 0, &kev, 1, &zero) == 1);
        close(kq);
        close(r.desc);
    }

    TEST_CASE("FreeBSD 14: no descriptor flags, no EVFILT_JAILDESC, jail_attach_jd is SIGSYS") {
        TestJail j;
        setenv("FBSDSIM_KERNEL", "14", 1);
        CHECK(get(7, nullptr, JAIL_GET_DESC, -1, true).err == EINVAL);
        CHECK(get(7, nullptr, JAIL_DYING).rc == 7);
        int kq = kqueue();
        struct kevent kev;
        EV_SET(&kev, 0, EVFILT_JAILDESC, EV_ADD, NOTE_JAIL_REMOVE, 0, nullptr);
        CHECK(kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1);
        CHECK(errno == EINVAL);
        close(kq);
        // kern_sig.c nosys(): SIGSYS, whose default action ends the process...
        int st = in_child([] { return jail_attach_jd(0); });
        CHECK(WIFSIGNALED(st));
        CHECK(WTERMSIG(st) == SIGSYS);
        // ... and ENOSYS when it is ignored.
        st = in_child([] {
            signal(SIGSYS, SIG_IGN);
            return jail_attach_jd(0) == -1 && errno == ENOSYS ? 0 : 1;
        });
        CHECK(st == 0);
    }

    TEST_CASE("allow.unprivileged_parent_tampering (15 only) and security.bsd.see_jail_proc") {
        TestJail j;
        unsetenv("FBSDSIM_KERNEL");
        auto tamper = [](int& v) {
            int jid = 7;
            struct iovec iov[4] = {{const_cast<char*>("jid"), 4},
                                   {&jid, sizeof jid},
                                   {const_cast<char*>("allow.unprivileged_parent_tampering"), 36},
                                   {&v, sizeof v}};
            return jail_get(iov, 4, 0) == 7 ? 0 : errno;
        };
        // Off unless the jail's entry says 1 (FreeBSD's default is off).
        int v = 5;
        CHECK(tamper(v) == 0);
        CHECK(v == 0);
        std::string entry = j.root + "/jails/7";
        REQUIRE(std::system(("sed -i 's/$/ 1/' " + entry).c_str()) == 0);
        CHECK(tamper(v) == 0);
        CHECK(v == 1);
        // FreeBSD 14 has no such parameter: EINVAL (kern_jail_get).
        setenv("FBSDSIM_KERNEL", "14", 1);
        CHECK(tamper(v) == EINVAL);
        unsetenv("FBSDSIM_KERNEL");
        // kern_prot.c: 1 by default; a test sets the simulated kernel's value.
        int s = -1;
        size_t len = sizeof s;
        CHECK(sysctlbyname("security.bsd.see_jail_proc", &s, &len, nullptr, 0) == 0);
        CHECK(s == 1);
        CHECK(len == sizeof s);
        mkdir((j.root + "/sysctl").c_str(), 0755);
        REQUIRE(std::system(
                    ("echo 0 > " + j.root + "/sysctl/security.bsd.see_jail_proc").c_str()) == 0);
        CHECK(sysctlbyname("security.bsd.see_jail_proc", &s, &len, nullptr, 0) == 0);
        CHECK(s == 0);
        CHECK(sysctlbyname("security.bsd.nosuch", &s, &len, nullptr, 0) == -1);
        CHECK(errno == ENOENT);
    }

    TEST_CASE("procctl reapers: ACQUIRE, STATUS of any process, KILL only on a reaper") {
        std::string tmpl = "/tmp/fbsdsim-reap.XXXXXX";
        std::string root = mkdtemp(tmpl.data());
        setenv("FBSDSIM_ROOT", root.c_str(), 1);
        // A child that becomes a reaper and starts a sleep it orphans.
        int go[2];
        REQUIRE(pipe(go) == 0);
        pid_t reaper = fork();
        if (reaper == 0) {
            close(go[0]);
            if (procctl(P_PID, 0, PROC_REAP_ACQUIRE, nullptr) != 0)
                _exit(2);
            if (procctl(P_PID, 0, PROC_REAP_ACQUIRE, nullptr) != -1 || errno != EBUSY)
                _exit(3);
            if (fork() == 0) {
                if (fork() == 0) {
                    execlp("sleep", "sleep", "60", nullptr);
                    _exit(127);
                }
                _exit(0); // the sleep is orphaned: still the reaper's
            }
            (void)write(go[1], "x", 1);
            pause();
            _exit(0);
        }
        close(go[1]);
        char x;
        REQUIRE(read(go[0], &x, 1) == 1);
        close(go[0]);
        struct procctl_reaper_status rs {};
        CHECK(procctl(P_PID, reaper, PROC_REAP_STATUS, &rs) == 0);
        CHECK((rs.rs_flags & REAPER_STATUS_OWNED) != 0);
        CHECK(rs.rs_reaper == reaper);
        // This test is no reaper: its reaper is init.
        CHECK(procctl(P_PID, 0, PROC_REAP_STATUS, &rs) == 0);
        CHECK((rs.rs_flags & REAPER_STATUS_OWNED) == 0);
        CHECK((rs.rs_flags & REAPER_STATUS_REALINIT) != 0);
        // PROC_REAP_KILL on a non-reaper would act on init on FreeBSD: the
        // caller dies of SIGABRT here.
        int st = in_child([] {
            signal(SIGABRT, SIG_DFL); // not doctest's crash handler
            struct procctl_reaper_kill k {};
            k.rk_sig = SIGKILL;
            (void)procctl(P_PID, 0, PROC_REAP_KILL, &k);
            return 0;
        });
        CHECK(WIFSIGNALED(st));
        CHECK(WTERMSIG(st) == SIGABRT);
        // On the reaper: its orphaned sleep, not itself.
        usleep(200000);
        struct procctl_reaper_kill rk {};
        rk.rk_sig = SIGKILL;
        CHECK(procctl(P_PID, reaper, PROC_REAP_KILL, &rk) == 0);
        CHECK(rk.rk_killed >= 1);
        CHECK(kill(reaper, 0) == 0);
        kill(reaper, SIGKILL);
        waitpid(reaper, nullptr, 0);
        CHECK(procctl(P_PID, 999999, PROC_REAP_STATUS, &rs) == -1);
        CHECK(errno == ESRCH);
        std::system(("rm -rf " + root).c_str());
        unsetenv("FBSDSIM_ROOT");
    }

    TEST_CASE("jail_attach: root only, EINVAL for a missing jail, inside its pid namespace") {
        TestJail j;
        CHECK(in_child([] {
                  return setuid(65534) == 0 && jail_attach(7) == -1 && errno == EPERM ? 0 : 1;
              }) == 0);
        CHECK(jail_attach(999) == -1);
        CHECK(errno == EINVAL);
        std::string want(64, '\0');
        want.resize(size_t(readlink(("/proc/" + std::to_string(j.leader) + "/ns/pid").c_str(),
                                    want.data(), want.size())));
        pid_t me = getpid();
        int st = in_child([&] {
            if (jail_attach(7) != 0)
                return 2;
            // The inside half: in the jail's pid namespace (its own /proc says
            // so), getppid() is the FreeBSD process's parent: this test.
            char got[64] = {};
            if (readlink("/proc/self/ns/pid", got, sizeof got - 1) < 0 || want != got)
                return 3;
            if (getppid() != me)
                return 4;
            int sig = SIGKILL;
            if (procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig) != 0)
                return 5;
            sig = 0;
            if (procctl(P_PID, 0, PROC_PDEATHSIG_STATUS, &sig) != 0 || sig != SIGKILL)
                return 6;
            // kern_proc.c fill_kinfo_proc_only: from inside, a process of the
            // caller's own jail (itself, the jail's init) has ki_jid 0.
            if (jid_of(getpid()) != 0 || jid_of(1) != 0)
                return 7;
            return 42;
        });
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 42);
        // The exit of the inside half is the exit of the FreeBSD process.
        st = in_child([] {
            if (jail_attach(7) != 0)
                return 2;
            signal(SIGTERM, SIG_DFL); // not doctest's crash handler
            raise(SIGTERM);
            return 0;
        });
        CHECK(WIFSIGNALED(st));
        CHECK(WTERMSIG(st) == SIGTERM);
    }

    TEST_CASE("sysctl kern.proc.pid from the host: ki_jid is the pid's jail (kern_proc.c)") {
        TestJail j;
        CHECK(jid_of(getpid()) == 0); // a host process
        CHECK(jid_of(j.leader) == 7); // in the jail's pid namespace
        // A stale record (a start time no process of that pid has) is no
        // anchor.
        std::string stale = j.root + "/anchors/" + std::to_string(getpid()) + "-1";
        mkdir((j.root + "/anchors").c_str(), 0755);
        REQUIRE(std::system(("echo 7 > " + stale).c_str()) == 0);
        CHECK(jid_of(getpid()) == 0);
        // An attached process: the anchor (the pid its parent knows) and the
        // inside half are both in the jail.
        int up[2], down[2];
        REQUIRE(pipe(up) == 0);
        REQUIRE(pipe(down) == 0);
        pid_t a = fork();
        if (a == 0) {
            close(up[0]);
            close(down[1]);
            if (jail_attach(7) != 0)
                _exit(2);
            char c = 1;
            if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) < 0)
                _exit(3);
            _exit(0);
        }
        close(up[1]);
        close(down[0]);
        char c = 0;
        REQUIRE(read(up[0], &c, 1) == 1);
        CHECK(jid_of(a) == 7);
        pid_t inside = 0;
        FILE* p = popen(("pgrep -P " + std::to_string(a)).c_str(), "r");
        REQUIRE(p != nullptr);
        CHECK(std::fscanf(p, "%d", &inside) == 1);
        pclose(p);
        CHECK(inside > 0);
        CHECK(jid_of(inside) == 7);
        // attach swept the stale record.
        CHECK(access(stale.c_str(), F_OK) != 0);
        CHECK(has_record(j.root, a));
        // Ended, not reaped: a zombie is still found, still in its jail.
        close(down[1]);
        for (int i = 0; i < 250 && proc_state(a) != 'Z'; ++i)
            usleep(20000);
        REQUIRE(proc_state(a) == 'Z');
        CHECK(jid_of(a) == 7);
        // Reaped: ESRCH; its record goes with the next jail_attach.
        int st = 0;
        REQUIRE(waitpid(a, &st, 0) == a);
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 0);
        CHECK(jid_of(a) == -1);
        CHECK(errno == ESRCH);
        CHECK(jid_of(-1) == -1);
        CHECK(errno == ESRCH);
        CHECK(in_child([] { return jail_attach(7) == 0 ? 0 : 1; }) == 0);
        CHECK_FALSE(has_record(j.root, a));
        close(up[0]);
    }

    TEST_CASE("kqueue EVFILT_PROC: exit status in data, zombies fire at once, reaped pids ESRCH") {
        int kq = kqueue();
        REQUIRE(kq >= 0);
        pid_t c = fork();
        if (c == 0) {
            usleep(100000);
            _exit(3);
        }
        struct kevent kev;
        EV_SET(&kev, c, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
        REQUIRE(kevent(kq, &kev, 1, nullptr, 0, nullptr) == 0);
        struct pollfd p = {kq, POLLIN, 0};
        CHECK(poll(&p, 1, 5000) == 1); // pollable, as Asio needs
        struct kevent got;
        REQUIRE(kevent(kq, nullptr, 0, &got, 1, nullptr) == 1);
        CHECK(got.ident == uintptr_t(c));
        CHECK(got.fflags == NOTE_EXIT);
        CHECK(got.data == (3 << 8));
        CHECK((got.flags & EV_EOF) != 0);
        // A zombie (not reaped yet) still fires at once (filt_procattach).
        EV_SET(&kev, c, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
        REQUIRE(kevent(kq, &kev, 1, nullptr, 0, nullptr) == 0);
        struct timespec zero = {0, 0};
        CHECK(kevent(kq, nullptr, 0, &got, 1, &zero) == 1);
        waitpid(c, nullptr, 0);
        // Reaped: ESRCH, as an EV_ERROR event when there is room, else -1.
        CHECK(kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1);
        CHECK(errno == ESRCH);
        CHECK(kevent(kq, &kev, 1, &got, 1, &zero) == 1);
        CHECK((got.flags & EV_ERROR) != 0);
        CHECK(got.data == ESRCH);
        EV_SET(&kev, c, EVFILT_PROC, EV_DELETE, 0, 0, nullptr);
        CHECK(kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1);
        CHECK(errno == ENOENT);
        EV_SET(&kev, 0, EVFILT_TIMER, EV_ADD, 0, 0, nullptr);
        CHECK(kevent(kq, &kev, 1, nullptr, 0, nullptr) == -1); // not simulated
        close(kq);
        CHECK(kevent(kq, nullptr, 0, &got, 1, &zero) == -1);
        CHECK(errno == EBADF);
    }

    TEST_CASE("procctl: tracing, no-new-privs, pdeathsig (kern_procctl.c)") {
        CHECK(in_child([] {
                  int m = PROC_TRACE_CTL_DISABLE;
                  if (procctl(P_PID, 0, PROC_TRACE_CTL, &m) != 0 || prctl(PR_GET_DUMPABLE) != 0)
                      return 1;
                  int s = 0;
                  if (procctl(P_PID, 0, PROC_TRACE_STATUS, &s) != 0 || s != -1)
                      return 2;
                  m = 9;
                  if (procctl(P_PID, 0, PROC_TRACE_CTL, &m) != -1 || errno != EINVAL)
                      return 3;
                  int n = PROC_NO_NEW_PRIVS_DISABLE;
                  if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_CTL, &n) != -1 || errno != EINVAL)
                      return 4;
                  n = PROC_NO_NEW_PRIVS_ENABLE;
                  if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_CTL, &n) != 0)
                      return 5;
                  if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_STATUS, &n) != 0 ||
                      n != PROC_NO_NEW_PRIVS_ENABLE)
                      return 6;
                  int sig = 129;
                  if (procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig) != -1 || errno != EINVAL)
                      return 7;
                  sig = SIGKILL;
                  if (procctl(P_PGID, 0, PROC_PDEATHSIG_CTL, &sig) != -1 || errno != EINVAL)
                      return 8;
                  return 0;
              }) == 0);
    }

} // TEST_SUITE
