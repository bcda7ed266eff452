// FREEBSD SIMULATION, tests only: the FreeBSD backend's own answers, called
// directly, where no client request can reach them (the client and the
// protocol refuse these specs first) or where only a race would (a jail
// removed after it was resolved). Root: it makes a namespace jail.
#include "command_spawn.hpp"
#include "error.hpp"
#include "jail.hpp"
#include "lockfile.hpp"
#include "probe_spawn.hpp"
#include "sim_jail.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_SUITE("freebsd-backend") {

    TEST_CASE("open_jail refuses what only a hand-made request could carry") {
        jd::Error err;
        jd::JailOptions opts;
        CHECK(jd::open_jail("", opts, err) == nullptr);
        CHECK(err.what == "empty jail: give a jid or a jail name");
        CHECK(jd::open_jail(std::string("a\0b", 3), opts, err) == nullptr);
        CHECK(err.what == "jail name contains a NUL byte");
        CHECK(jd::open_jail("docker:web", opts, err) == nullptr);
        CHECK(err.code == jd::EX_USAGE_);
    }

    TEST_CASE("a jail removed after it was resolved: gone, and no launch target") {
        for (const char* kernel : {"15", "14"}) {
            SimJail j(5, "backendjail", "backend", {});
            setenv("FBSDSIM_KERNEL", kernel, 1);
            jd::Error err;
            auto jail = jd::open_jail("backendjail", jd::JailOptions{}, err);
            REQUIRE(jail != nullptr);
            CHECK(jail->id() == 5);
            CHECK(jail->alive());
            j.remove();
            CHECK(!jail->alive());
            jd::LaunchTarget t;
            CHECK(!jail->launch_target(t, err));
            CHECK(err.code == jd::EX_NOHOST_);
        }
    }

    TEST_CASE("holds: a process of the jail, not one of the host, nor a pid not in use") {
        SimJail j(5, "holdsjail", "backend", {});
        jd::Error err;
        auto jail = jd::open_jail("5", jd::JailOptions{}, err);
        REQUIRE(jail != nullptr);
        CHECK(jail->holds(j.leader));
        CHECK_FALSE(jail->holds(getpid()));
        CHECK_FALSE(jail->holds(0));
        pid_t gone = fork();
        if (gone == 0)
            _exit(0);
        REQUIRE(waitpid(gone, nullptr, 0) == gone);
        CHECK_FALSE(jail->holds(gone));
    }

    TEST_CASE("spawn_probe moves descriptors 0-4 out of the way of its dup2 actions") {
        // /dev/null on 0 and the status descriptor on 1: both must be moved
        // above 4 before the dup2 actions, and the copies closed after.
        int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        REQUIRE(devnull >= 0);
        pid_t pid = 0;
        char arg0[] = "true";
        char* argv[] = {arg0, nullptr};
        char* envp[] = {nullptr};
        int before = 0;
        for (int fd = 0; fd < 64; ++fd)
            before += fcntl(fd, F_GETFD) != -1;
        REQUIRE(jd::spawn_probe("/bin/true", argv, envp, 0, 1, -1, &pid) == 0);
        int st = 0;
        waitpid(pid, &st, 0);
        CHECK(WIFEXITED(st));
        int after = 0;
        for (int fd = 0; fd < 64; ++fd)
            after += fcntl(fd, F_GETFD) != -1;
        CHECK(after == before);
        close(devnull);
    }

    TEST_CASE("spawn_command: a command that cannot be run says why, and is reaped") {
        char arg0[] = "nothing";
        char* argv[] = {arg0, nullptr};
        char* envp[] = {nullptr};
        pid_t pid = 0;
        CHECK(jd::spawn_command("/nonexistent/jaildaemon-test", argv, envp, pid) == ENOENT);
        CHECK(pid == 0);
        // Nothing left to reap: the failed child was waited for.
        CHECK(waitpid(-1, nullptr, WNOHANG) == -1);
    }

    TEST_CASE("spawn_command makes the command a reaper; signal_descendants reaches orphans") {
        // The command starts a sleep in a session of its own and orphans it
        // (its parent, a subshell, has exited): PROC_REAP_KILL still reaches
        // it, and not the command itself.
        char sh[] = "sh", c[] = "-c";
        char script[] = "(setsid sleep 60 &) ; exec sleep 60";
        char* argv[] = {sh, c, script, nullptr};
        char* envp[] = {nullptr};
        pid_t pid = 0;
        REQUIRE(jd::spawn_command("/bin/sh", argv, envp, pid) == 0);
        REQUIRE(pid > 0);
        int killed = 0;
        for (int i = 0; i < 200 && killed == 0; ++i) {
            usleep(20000);
            killed = jd::signal_descendants(pid, SIGKILL);
        }
        CHECK(killed == 1);
        CHECK(kill(pid, 0) == 0); // the command itself lives on
        usleep(100000);
        CHECK(jd::signal_descendants(pid, SIGKILL) == 0);
        kill(pid, SIGKILL);
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid);
        CHECK(WIFSIGNALED(st));
    }

    TEST_CASE("signal_descendants: nothing for a command that is no reaper") {
        // posix_spawn_command (spawn_command's fallback without /dev/null)
        // makes no reaper: PROC_REAP_KILL on it would reach its reaper,
        // init on FreeBSD. signal_descendants sends nothing, and the
        // command's own child lives on.
        char sh[] = "sh", c[] = "-c";
        char script[] = "sleep 60 & exec sleep 60";
        char* argv[] = {sh, c, script, nullptr};
        char* envp[] = {nullptr};
        pid_t pid = 0;
        REQUIRE(jd::posix_spawn_command("/bin/sh", argv, envp, pid) == 0);
        pid_t child = child_named(pid, "sleep", 100);
        REQUIRE(child > 0);
        CHECK(jd::signal_descendants(pid, SIGKILL) == 0);
        usleep(100000);
        CHECK(kill(child, 0) == 0);
        kill(child, SIGKILL);
        kill(pid, SIGKILL);
        CHECK(waitpid(pid, nullptr, 0) == pid);
    }

    TEST_CASE("Pidfile: write before open is refused; one written and not removed is kept") {
        jd::Error err;
        {
            jd::Pidfile none;
            CHECK_FALSE(none.write(err));
            CHECK(err.code == jd::EX_SOFTWARE_);
        }
        char tmpl[] = "/tmp/fbsdsim-pidfile.XXXXXX";
        std::string dir = mkdtemp(tmpl);
        std::string path = dir + "/jd.pid";
        {
            jd::Pidfile p;
            pid_t other = 0;
            REQUIRE(p.open(path, err, &other));
            REQUIRE(p.write(err));
        } // pidfile_close(3): the file stays, with our pid
        FILE* f = std::fopen(path.c_str(), "r");
        REQUIRE(f != nullptr);
        int pid = 0;
        CHECK(std::fscanf(f, "%d", &pid) == 1);
        std::fclose(f);
        CHECK(pid == getpid());
        std::remove(path.c_str());
        rmdir(dir.c_str());
    }

} // TEST_SUITE
