// The command runner, with real processes: /bin/sh -c COMMAND on an
// io_context, its status, environment, cwd, stdio and process group, and an
// event loop that keeps running while a command does.
#include "child_watch.hpp"
#include "command_spawn.hpp"
#include "runner.hpp"

#include "test_util.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using jd::CommandJob;
using jd::CommandResult;

namespace {

using jd::test::slurp;
using jd::test::TempDir;

// A fresh directory under $TMPDIR or /tmp, removed at the end.
std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// Runs io until done() holds or limit passes; false on timeout.
template <class Pred>
bool pump(boost::asio::io_context& io, Pred done, Clock::duration limit = 20s) {
    auto end = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() > end)
            return false;
        if (io.stopped())
            io.restart();
        io.run_for(10ms);
    }
    return true;
}

CommandJob job(const std::string& command) {
    CommandJob j;
    j.command = command;
    j.jail = "web";
    j.jid = 23;
    j.title = "REBOOT";
    return j;
}

// Runs one command to its end; the result, or nothing when it did not end.
std::optional<CommandResult> run(const CommandJob& j) {
    boost::asio::io_context io;
    jd::Runner runner(io);
    std::optional<CommandResult> result;
    int calls = 0;
    jd::Error err;
    bool started = runner.run(
        j,
        [&](const CommandResult& r) {
            ++calls;
            result = r;
        },
        err);
    INFO("start error: ", err.what);
    REQUIRE(started);
    CHECK(err.code == 0);
    CHECK(runner.running() == 1);
    CHECK(pump(io, [&] { return calls > 0; }));
    io.restart();
    io.run_for(50ms); // no second call
    CHECK(calls == 1);
    CHECK(runner.running() == 0);
    return result;
}

// A real wait(2) status from a child that does f.
template <class F> int status_of(F f) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        f();
        _exit(0);
    }
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    return st;
}

// Within 2 s, pid is gone or a zombie (killed, not yet reaped by its new
// parent).
bool gone(pid_t pid) {
    for (int i = 0; i < 100; ++i) {
        if (kill(pid, 0) != 0 ||
            slurp("/proc/" + std::to_string(pid) + "/stat").find(") Z ") != std::string::npos)
            return true;
        usleep(20000);
    }
    return false;
}

// Swaps one of our descriptors for another while in scope.
struct FdSwap {
    int fd, saved;
    FdSwap(int target, int replacement) : fd(target), saved(dup(target)) {
        REQUIRE(saved >= 0);
        REQUIRE(dup2(replacement, target) == target);
    }
    ~FdSwap() {
        dup2(saved, fd);
        close(saved);
    }
};

} // namespace

TEST_SUITE("runner") {

    TEST_CASE("status_text") {
        CHECK(jd::status_text(status_of([] { _exit(0); })) == "exit 0");
        CHECK(jd::status_text(status_of([] { _exit(3); })) == "exit 3");
        CHECK(jd::status_text(status_of([] { _exit(255); })) == "exit 255");
        CHECK(jd::status_text(status_of([] {
                  signal(SIGKILL, SIG_DFL);
                  raise(SIGKILL);
              })) == "signal 9");
        CHECK(jd::status_text(status_of([] {
                  signal(SIGTERM, SIG_DFL);
                  raise(SIGTERM);
              })) == "signal 15");
        // Neither exited nor killed: a stopped child.
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            raise(SIGSTOP);
            _exit(0);
        }
        int st = 0;
        REQUIRE(waitpid(pid, &st, WUNTRACED) == pid);
        REQUIRE(WIFSTOPPED(st));
        CHECK(jd::status_text(st) == "status " + std::to_string(st));
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }

    TEST_CASE("exit status") {
        auto r = run(job("exit 0"));
        REQUIRE(r);
        CHECK(WIFEXITED(r->status));
        CHECK(WEXITSTATUS(r->status) == 0);
        CHECK(jd::status_text(r->status) == "exit 0");
        CHECK(r->took > 0ns);
        CHECK(r->took < 10s);

        r = run(job("exit 3"));
        REQUIRE(r);
        CHECK(WIFEXITED(r->status));
        CHECK(WEXITSTATUS(r->status) == 3);
        CHECK(jd::status_text(r->status) == "exit 3");

        r = run(job("exit 255"));
        REQUIRE(r);
        CHECK(jd::status_text(r->status) == "exit 255");

        r = run(job("/nonexistent/jd-unit-command"));
        REQUIRE(r);
        CHECK(jd::status_text(r->status) == "exit 127");
    }

    TEST_CASE("signal status") {
        auto r = run(job("kill -TERM $$"));
        REQUIRE(r);
        CHECK(WIFSIGNALED(r->status));
        CHECK(WTERMSIG(r->status) == SIGTERM);
        CHECK(jd::status_text(r->status) == "signal 15");

        r = run(job("kill -KILL $$"));
        REQUIRE(r);
        CHECK(WIFSIGNALED(r->status));
        CHECK(jd::status_text(r->status) == "signal 9");
    }

    TEST_CASE("the environment is exactly the clean one") {
        TempDir d("runner");
        // Something of ours that must not leak into the command.
        REQUIRE(setenv("JD_UNIT_SECRET", "leaked", 1) == 0);
        CommandJob j = job("env > " + d.file("env"));
        j.jail = "lxc:web";
        j.jid = 4242;
        j.title = "route config update";
        auto r = run(j);
        unsetenv("JD_UNIT_SECRET");
        REQUIRE(r);
        CHECK(jd::status_text(r->status) == "exit 0");

        std::vector<std::string> want = {
            "HOME=/",
            "JAILDAEMON_JAIL=lxc:web",
            "JAILDAEMON_JID=4242",
            "JAILDAEMON_TITLE=route config update",
            "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
            "SHELL=/bin/sh",
        };
        std::vector<std::string> got = lines(slurp(d.file("env")));
        // sh itself exports PWD (dash does); that is the shell's, not ours.
        got.erase(std::remove(got.begin(), got.end(), "PWD=/"), got.end());
        std::sort(got.begin(), got.end());
        CHECK(got == want);

        // Where the kernel shows it: the exact environment sh was started with.
        if (fs::exists("/proc/self/environ")) {
            auto r2 = run(job("tr '\\000' '\\n' < /proc/$$/environ > " + d.file("environ")));
            REQUIRE(r2);
            CHECK(jd::status_text(r2->status) == "exit 0");
            std::vector<std::string> exact = lines(slurp(d.file("environ")));
            std::sort(exact.begin(), exact.end());
            std::vector<std::string> want2 = want;
            want2[1] = "JAILDAEMON_JAIL=web";
            want2[2] = "JAILDAEMON_JID=23";
            want2[3] = "JAILDAEMON_TITLE=REBOOT";
            CHECK(exact == want2);
        }
    }

    TEST_CASE("cwd is /") {
        TempDir d("runner");
        auto r = run(job("pwd -P > " + d.file("pwd")));
        REQUIRE(r);
        CHECK(jd::status_text(r->status) == "exit 0");
        CHECK(slurp(d.file("pwd")) == "/\n");
    }

    TEST_CASE("stdin is /dev/null, stdout and stderr are ours") {
        TempDir d("runner");
        // Our stdin holds data: a command that inherited it would read it.
        int in[2];
        REQUIRE(pipe(in) == 0);
        REQUIRE(write(in[1], "leak\n", 5) == 5);
        close(in[1]);
        // Our stderr (the daemon's log) goes to a file.
        int log = open(d.file("log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(log >= 0);
        std::optional<CommandResult> r;
        {
            FdSwap swap_in(STDIN_FILENO, in[0]);
            FdSwap swap_err(STDERR_FILENO, log);
            r = run(job("cat > " + d.file("stdin") + "; echo to-stdout; echo to-stderr >&2"));
        }
        close(in[0]);
        close(log);
        REQUIRE(r);
        CHECK(jd::status_text(r->status) == "exit 0");
        CHECK(slurp(d.file("stdin")) == "");
        CHECK(slurp(d.file("log")) == "to-stdout\nto-stderr\n");

        if (fs::exists("/proc/self/fd/0")) {
            auto r2 = run(job("readlink /proc/$$/fd/0 > " + d.file("fd0")));
            REQUIRE(r2);
            CHECK(slurp(d.file("fd0")) == "/dev/null\n");
        }
    }

    TEST_CASE("the command leads its own process group") {
        TempDir d("runner");
        boost::asio::io_context io;
        jd::Runner runner(io);
        std::optional<CommandResult> result;
        jd::Error err;
        // A background child of the command shares its group.
        std::string cmd = "sleep 30 & echo $! > " + d.file("child") + "; echo $$ > " +
                          d.file("pid.tmp") + "; mv " + d.file("pid.tmp") + " " + d.file("pid") +
                          "; wait";
        REQUIRE(runner.run(
            job(cmd), [&](const CommandResult& r) { result = r; }, err));
        CHECK(pump(io, [&] { return fs::exists(d.file("pid")) || result.has_value(); }));
        REQUIRE_FALSE(result.has_value());
        pid_t pid = std::stoi(slurp(d.file("pid")));
        pid_t child = std::stoi(slurp(d.file("child")));
        CHECK(pid > 0);
        CHECK(getpgid(pid) == pid);
        CHECK(getpgid(child) == pid);
        CHECK(getpgid(pid) != getpgrp());
        CHECK(getsid(pid) == getsid(0)); // a group, not a session
        // The whole group goes at once.
        REQUIRE(kill(-pid, SIGKILL) == 0);
        CHECK(pump(io, [&] { return result.has_value(); }));
        REQUIRE(result);
        CHECK(jd::status_text(result->status) == "signal 9");
        CHECK(runner.running() == 0);
    }

    TEST_CASE("the event loop runs while a command does") {
        boost::asio::io_context io;
        jd::Runner runner(io);
        boost::asio::steady_timer timer(io);
        auto t0 = Clock::now();
        std::optional<Clock::time_point> fired, ended;
        std::size_t running_at_timer = 0;
        std::optional<CommandResult> result;
        jd::Error err;
        REQUIRE(runner.run(
            job("sleep 1"),
            [&](const CommandResult& r) {
                ended = Clock::now();
                result = r;
            },
            err));
        CHECK(runner.running() == 1);
        timer.expires_after(100ms);
        timer.async_wait([&](const boost::system::error_code& ec) {
            CHECK_FALSE(ec);
            fired = Clock::now();
            running_at_timer = runner.running();
        });
        io.run_for(20s);
        REQUIRE(fired);
        REQUIRE(ended);
        REQUIRE(result);
        CHECK(*fired < *ended);
        CHECK(*fired - t0 < 900ms);
        CHECK(running_at_timer == 1);
        CHECK(*ended - t0 >= 1s);
        CHECK(result->took >= 1s);
        CHECK(result->took < 15s);
        CHECK(jd::status_text(result->status) == "exit 0");
        CHECK(runner.running() == 0);
    }

    TEST_CASE("a command past its timeout is killed with its group") {
        TempDir d("runner");
        CommandJob j = job("sleep 30 & echo $! > " + d.file("child") + "; wait");
        j.timeout = std::chrono::seconds(1);
        auto r = run(j);
        REQUIRE(r);
        CHECK(r->timed_out);
        // Stopped at the timeout (it stays the reaper of its descendants),
        // killed 3 s later.
        CHECK(jd::status_text(r->status) == "signal 9");
        CHECK(r->took >= 4s);
        CHECK(r->took < 10s);
        // The background child went with the group.
        pid_t child = std::stoi(slurp(d.file("child")));
        CHECK(gone(child));

        r = run(job("exit 0"));
        REQUIRE(r);
        CHECK_FALSE(r->timed_out);
    }

    TEST_CASE("a command past its timeout is killed with all it started, also after setsid") {
        TempDir d("runner");
        // A grandchild in a session of its own whose parent has ended (the
        // command adopts it), one that ignores SIGTERM in a session of its
        // own, and one still in the group.
        std::string f = d.file("pids");
        // Their sleeps last a time no other process on this machine uses.
        std::string s = "sleep 9" + std::to_string(getpid());
        CommandJob j = job("(setsid " + s + " & echo $! >> " + f +
                           ") ; setsid sh -c 'trap \"\" TERM; " + "echo $$ >> " + f + "; " + s +
                           "; " + s + "' & " + s + " & echo $! >> " + f + "; wait");
        j.timeout = std::chrono::seconds(1);
        auto r = run(j);
        REQUIRE(r);
        CHECK(r->timed_out);
        std::vector<std::string> pids = lines(slurp(f));
        CHECK(pids.size() == 3);
        for (const std::string& p : pids) {
            INFO("descendant ", p);
            CHECK(gone(std::stoi(p)));
        }
        // Nothing of the command is left anywhere.
        for (const auto& e : fs::directory_iterator("/proc")) {
            std::string name = e.path().filename();
            if (name.find_first_not_of("0123456789") != std::string::npos)
                continue;
            std::string cmd = slurp(e.path() / "cmdline");
            std::replace(cmd.begin(), cmd.end(), '\0', ' ');
            if (cmd == s + " " && !gone(std::stoi(name))) {
                FAIL_CHECK("left running: pid " << name << " " << cmd);
                kill(std::stoi(name), SIGKILL);
            }
        }
    }

    TEST_CASE("watch_exit reports the end before the reap: the group id is still ours") {
        boost::asio::io_context io;
        std::vector<std::string> args = {"/bin/sh", "-c", "sleep 0.2; exit 3"};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        char* envp[] = {nullptr};
        pid_t pid = -1;
        REQUIRE(jd::spawn_command("/bin/sh", argv.data(), envp, pid) == 0);
        bool seen = false, zombie = false;
        jd::watch_exit(io, pid, [&] {
            seen = true;
            zombie =
                slurp("/proc/" + std::to_string(pid) + "/stat").find(") Z ") != std::string::npos;
        });
        REQUIRE(pump(io, [&] { return seen; }));
        CHECK(zombie); // ended, not reaped: its pid (and pgid) cannot be reused yet
        int st = 0;
        REQUIRE(waitpid(pid, &st, 0) == pid);
        CHECK(jd::status_text(st) == "exit 3");

        // Out of descriptors: the waitid(WNOWAIT) poll does the same.
        REQUIRE(jd::spawn_command("/bin/sh", argv.data(), envp, pid) == 0);
        seen = zombie = false;
        jd::poll_exit(io, pid, [&] {
            seen = true;
            zombie =
                slurp("/proc/" + std::to_string(pid) + "/stat").find(") Z ") != std::string::npos;
        });
        REQUIRE(pump(io, [&] { return seen; }));
        CHECK(zombie);
        REQUIRE(waitpid(pid, &st, 0) == pid);
        CHECK(jd::status_text(st) == "exit 3");
    }

    TEST_CASE("several commands at once") {
        TempDir d("runner");
        boost::asio::io_context io;
        jd::Runner runner(io);
        std::vector<std::string> statuses;
        jd::Error err;
        for (int i = 0; i < 3; ++i) {
            std::string cmd = "sleep 0.2; exit " + std::to_string(i + 1);
            REQUIRE(runner.run(
                job(cmd),
                [&](const CommandResult& r) { statuses.push_back(jd::status_text(r.status)); },
                err));
        }
        CHECK(runner.running() == 3);
        CHECK(pump(io, [&] { return statuses.size() == 3; }));
        std::sort(statuses.begin(), statuses.end());
        CHECK(statuses == std::vector<std::string>{"exit 1", "exit 2", "exit 3"});
        CHECK(runner.running() == 0);
    }

} // TEST_SUITE
