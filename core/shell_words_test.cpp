// Which commands jaildaemon exec's without /bin/sh (plain_words,
// find_program), and that a command started that way sees what it would
// have seen through /bin/sh -c: environment, cwd, stdio, process group,
// signals, and the shell's own handling of what cannot be exec'd.
#include "runner.hpp"
#include "shell_words.hpp"

#include "test_util.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

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
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Words = std::vector<std::string>;

namespace {

using jd::test::slurp;
using jd::test::TempDir;
using jd::test::write_file;

std::optional<Words> words(const char* c) {
    return jd::plain_words(c);
}

// Our stderr (where commands write: the daemon's log) to a file, in scope.
struct StderrTo {
    int saved;
    explicit StderrTo(const std::string& path) : saved(dup(STDERR_FILENO)) {
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
        close(fd);
    }
    ~StderrTo() {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
};

jd::CommandJob job(const std::string& command) {
    jd::CommandJob j;
    j.command = command;
    j.jail = "web";
    j.jid = 7;
    j.title = "REBOOT";
    return j;
}

// Runs command to its end; its wait status, or -1 when it did not end.
int run(const std::string& command) {
    boost::asio::io_context io;
    jd::Runner runner(io);
    std::optional<int> status;
    jd::Error err;
    REQUIRE(runner.run(
        job(command), [&](const jd::CommandResult& r) { status = r.status; }, err));
    auto end = std::chrono::steady_clock::now() + 20s;
    while (!status && std::chrono::steady_clock::now() < end) {
        io.restart();
        io.run_for(10ms);
    }
    return status ? *status : -1;
}

// Our children, from /proc.
std::vector<pid_t> children() {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::string stat = slurp("/proc/" + name + "/stat");
        auto close = stat.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream in(stat.substr(close + 2));
        char state;
        long ppid = 0;
        in >> state >> ppid;
        if (ppid == getpid())
            out.push_back(pid_t(std::stol(name)));
    }
    return out;
}

// The descriptors of process pid, once it has settled: right after exec the
// dynamic loader holds each library it maps open for a moment (fd 3 is
// libc.so.6 for a few microseconds), so a look that lands then sees one
// more. A descriptor that came from us stays, and is still there after 2 s.
std::vector<std::string> settled_fds(pid_t pid) {
    std::vector<std::string> fds;
    auto end = std::chrono::steady_clock::now() + 2s;
    do {
        fds.clear();
        for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
            fds.push_back(e.path().filename().string());
        std::sort(fds.begin(), fds.end());
        if (fds == std::vector<std::string>{"0", "1", "2"})
            break;
        usleep(10000);
    } while (std::chrono::steady_clock::now() < end);
    return fds;
}

// Starts command and gives its pid (its first child of ours) to look(pid),
// then kills it and waits for the end.
template <class Look> void while_running(const std::string& command, Look look) {
    boost::asio::io_context io;
    jd::Runner runner(io);
    bool ended = false;
    jd::Error err;
    std::vector<pid_t> before = children();
    REQUIRE(runner.run(
        job(command), [&](const jd::CommandResult&) { ended = true; }, err));
    pid_t pid = 0;
    for (int i = 0; i < 200 && !pid; ++i) {
        for (pid_t c : children())
            if (std::find(before.begin(), before.end(), c) == before.end())
                pid = c;
        if (!pid)
            usleep(10000);
    }
    REQUIRE(pid > 0);
    // Until it has exec'd, /proc shows the daemon's image.
    for (int i = 0; i < 200 && slurp("/proc/" + std::to_string(pid) + "/comm") != "sleep\n" &&
                    slurp("/proc/" + std::to_string(pid) + "/comm") != "dash\n" &&
                    slurp("/proc/" + std::to_string(pid) + "/comm") != "sh\n";
         ++i)
        usleep(10000);
    look(pid);
    kill(-pid, SIGKILL);
    auto end = std::chrono::steady_clock::now() + 20s;
    while (!ended && std::chrono::steady_clock::now() < end) {
        io.restart();
        io.run_for(10ms);
    }
    CHECK(ended);
}

// The process checks below read Linux's /proc.
bool have_proc() {
    return fs::exists("/proc/self/stat") && fs::exists("/proc/self/exe");
}

std::string exe_of(pid_t pid) {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename().string();
}

} // namespace

TEST_SUITE("shell_words") {

    TEST_CASE("plain commands are split into words") {
        CHECK(words("/usr/local/bin/snap") == Words{"/usr/local/bin/snap"});
        CHECK(words("zfs snapshot tank/jails/web@now") ==
              Words{"zfs", "snapshot", "tank/jails/web@now"});
        CHECK(words("zfs snapshot tank/jails/web") == Words{"zfs", "snapshot", "tank/jails/web"});
        CHECK(words("  service   jail\trestart web  ") ==
              Words{"service", "jail", "restart", "web"});
        CHECK(words("ezjail-admin restart web.example.com") ==
              Words{"ezjail-admin", "restart", "web.example.com"});
        CHECK(words("/bin/echo a,b:c+d@e/f-g_h.i") == Words{"/bin/echo", "a,b:c+d@e/f-g_h.i"});
        CHECK(words("/usr/bin/pwd") == Words{"/usr/bin/pwd"}); // a path is never a builtin
        CHECK(words("caf\xc3\xa9 na\xc3\xafve") == Words{"caf\xc3\xa9", "na\xc3\xafve"});
    }

    TEST_CASE("every shell character keeps the shell") {
        const std::string chars = "|&;<>()$`\\\"'*?[]#~=%{}!^\n";
        for (char c : chars) {
            std::string cmd = std::string("/bin/true a") + c + "b";
            INFO("command: ", cmd);
            CHECK(jd::plain_words(cmd) == std::nullopt);
            CHECK(jd::plain_words(std::string(1, c) + "/bin/true") == std::nullopt);
            CHECK(jd::plain_words(std::string("/bin/true ") + c) == std::nullopt);
        }
        CHECK(words("ls | wc -l") == std::nullopt);
        CHECK(words("a && b") == std::nullopt);
        CHECK(words("a; b") == std::nullopt);
        CHECK(words("cmd > /tmp/out") == std::nullopt);
        CHECK(words("cmd 2>&1") == std::nullopt);
        CHECK(words("(cmd)") == std::nullopt);
        CHECK(words("echo $HOME") == std::nullopt);
        CHECK(words("echo `date`") == std::nullopt);
        CHECK(words("rm /tmp/*.pid") == std::nullopt);
        CHECK(words("ls /tmp/?") == std::nullopt);
        CHECK(words("ls [ab]") == std::nullopt);
        CHECK(words("cmd # comment") == std::nullopt);
        CHECK(words("ls ~root") == std::nullopt);
        CHECK(words("FOO=bar cmd") == std::nullopt);
        CHECK(words("cmd --opt=value") == std::nullopt);
        CHECK(words("kill %1") == std::nullopt);
        CHECK(words("echo {a,b}") == std::nullopt);
        CHECK(words("cmd 'quoted arg'") == std::nullopt);
        CHECK(words("cmd \"quoted arg\"") == std::nullopt);
        CHECK(words("cmd a\\ b") == std::nullopt);
        CHECK(words("first\nsecond") == std::nullopt);
        CHECK(words("/bin/true\n") == std::nullopt);
    }

    TEST_CASE("blank commands and control characters keep the shell") {
        CHECK(words("") == std::nullopt);
        CHECK(words("   ") == std::nullopt);
        CHECK(words("\t \t") == std::nullopt);
        CHECK(words("cmd\rarg") == std::nullopt);
        CHECK(jd::plain_words(std::string("cmd\0arg", 7)) == std::nullopt);
        CHECK(words("cmd\x7f") == std::nullopt);
    }

    TEST_CASE("reserved words and builtins keep the shell") {
        for (const char* w : {"cd /tmp",
                              "exit 0",
                              "exec /bin/true",
                              "echo hi",
                              "test -f x",
                              "[ -f x ]",
                              "true",
                              "false",
                              "kill -HUP 1",
                              "printf x",
                              "pwd",
                              "export A",
                              "set -e",
                              "unset A",
                              "umask 022",
                              "ulimit -n 10",
                              ". /etc/profile",
                              ": nothing",
                              "source x",
                              "eval x",
                              "trap x 1",
                              "wait",
                              "read x",
                              "shift",
                              "times",
                              "type ls",
                              "hash ls",
                              "command ls",
                              "alias a",
                              "if",
                              "then",
                              "while",
                              "until",
                              "for",
                              "case",
                              "do",
                              "done",
                              "fi",
                              "esac",
                              "{",
                              "}",
                              "!",
                              "function",
                              "time ls",
                              "local a",
                              "return",
                              "break",
                              "continue",
                              "getopts",
                              "jobs",
                              "fg",
                              "bg",
                              "readonly a",
                              "let a",
                              "declare a",
                              "typeset a",
                              "[[ a ]]"}) {
            INFO("command: ", w);
            CHECK(words(w) == std::nullopt);
        }
        // Only the first word counts.
        CHECK(words("/usr/sbin/service jail restart") ==
              Words{"/usr/sbin/service", "jail", "restart"});
        CHECK(words("nice echo") == Words{"nice", "echo"});
        // Names that merely contain a builtin's name are programs.
        CHECK(words("testparm -s") == Words{"testparm", "-s"});
        CHECK(words("echoping host") == Words{"echoping", "host"});
    }

    TEST_CASE("find_program looks along PATH like sh") {
        TempDir d("words");
        fs::create_directories(d.path / "a");
        fs::create_directories(d.path / "b");
        fs::create_directories(d.path / "c" / "tool");     // a directory is not a program
        write_file(d.file("a/tool"), "#!/bin/sh\n", 0644); // not executable: skipped
        write_file(d.file("b/tool"), "#!/bin/sh\n", 0755);
        std::string path = d.file("c") + ":" + d.file("a") + ":" + d.file("b");
        CHECK(jd::find_program("tool", path) == d.file("b/tool"));
        CHECK(jd::find_program("nothing", path) == "");
        CHECK(jd::find_program("", path) == "");
        // With a slash, the name itself, when it is an executable file.
        CHECK(jd::find_program(d.file("b/tool"), "") == d.file("b/tool"));
        CHECK(jd::find_program(d.file("a/tool"), path) == "");
        CHECK(jd::find_program(d.file("c/tool"), path) == "");
        CHECK(jd::find_program(d.file("missing"), path) == "");
        // An empty PATH entry (the cwd) is left to the shell.
        CHECK(jd::find_program("tool", ":" + d.file("b")) == "");
        CHECK(jd::find_program("tool", d.file("b") + ":") == d.file("b/tool"));
        CHECK(jd::find_program("sh", "/usr/bin:/bin").find("/sh") != std::string::npos);
    }

    TEST_CASE("a plain command is exec'd directly, a shell command is not") {
        if (!have_proc())
            return;
        while_running("sleep 30", [](pid_t pid) {
            CHECK(exe_of(pid) == "sleep");
            std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
            CHECK(cmdline == std::string("sleep\0"
                                         "30\0",
                                         9)); // argv[0] as written
            CHECK(getpgid(pid) == pid);       // its own process group
            CHECK(getpgid(pid) != getpgrp());
            // No descriptor of ours but stdio.
            CHECK(settled_fds(pid) == std::vector<std::string>{"0", "1", "2"});
        });
        while_running("sleep 30; :", [](pid_t pid) { CHECK(exe_of(pid) != "sleep"); });
    }

    TEST_CASE("many descriptors: none reaches the command, all stay ours") {
        if (!have_proc())
            return;
        // The daemon holds one pidfd per probe; the command must see none of
        // them, and starting it must not close any of them.
        std::vector<int> fds;
        for (int i = 0; i < 2000; ++i) {
            int fd = open("/dev/null", O_RDONLY | (i % 2 ? O_CLOEXEC : 0));
            REQUIRE(fd >= 0);
            fds.push_back(fd);
        }
        for (const char* cmd : {"sleep 30", "sleep 30; :"}) {
            INFO("command: ", cmd);
            while_running(cmd, [](pid_t pid) {
                CHECK(settled_fds(pid) == std::vector<std::string>{"0", "1", "2"});
            });
        }
        for (int fd : fds) {
            CHECK(fcntl(fd, F_GETFD) >= 0);
            close(fd);
        }
    }

    TEST_CASE("signals: default dispositions, empty mask, also where the daemon ignores") {
        if (!have_proc())
            return;
        auto old = signal(SIGPIPE, SIG_IGN); // as the daemon does
        while_running("sleep 30", [](pid_t pid) {
            std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
            INFO(status);
            auto mask = [&](const char* key) {
                auto at = status.find(key);
                REQUIRE(at != std::string::npos);
                return std::stoull(status.substr(at + std::string(key).size()), nullptr, 16);
            };
            // Signals 1-31. (glibc's posix_spawn leaves its two internal
            // real-time signals, 32 and 33, ignored; not ours to change.)
            CHECK((mask("\nSigIgn:\t") & 0x7fffffffULL) == 0);
            CHECK(mask("\nSigBlk:\t") == 0);
        });
        signal(SIGPIPE, old);
    }

    TEST_CASE("a direct command sees what it would see through sh") {
        TempDir d("words");
        std::string direct, shell;
        {
            StderrTo to(d.file("direct"));
            CHECK(run("env") == 0);
        }
        {
            StderrTo to(d.file("shell"));
            CHECK(run("env; :") == 0);
        }
        auto sorted = [](std::string text) {
            std::vector<std::string> v;
            std::istringstream in(text);
            for (std::string l; std::getline(in, l);)
                v.push_back(l);
            std::sort(v.begin(), v.end());
            return v;
        };
        std::vector<std::string> want = {
            "HOME=/",
            "JAILDAEMON_JAIL=web",
            "JAILDAEMON_JID=7",
            "JAILDAEMON_TITLE=REBOOT",
            "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
            "PWD=/",
            "SHELL=/bin/sh",
        };
        CHECK(sorted(slurp(d.file("direct"))) == want);
        CHECK(sorted(slurp(d.file("shell"))) == sorted(slurp(d.file("direct"))));

        // cwd / and stdin /dev/null, stdout to our stderr.
        {
            StderrTo to(d.file("pwd"));
            CHECK(run("/bin/pwd -P") == 0);
            CHECK(run("/bin/cat") == 0); // reads /dev/null, not our stdin
            if (have_proc())
                CHECK(run("readlink /proc/self/fd/0") == 0);
        }
        CHECK(slurp(d.file("pwd")) == (have_proc() ? "/\n/dev/null\n" : "/\n"));
    }

    TEST_CASE("what cannot be exec'd falls back to sh, with sh's own answers") {
        TempDir d("words");
        // A script without #!: execve says ENOEXEC, sh runs it as a script.
        write_file(d.file("script"), "echo ran > " + d.file("out") + "\nexit 3\n", 0755);
        int st = run(d.file("script"));
        CHECK(jd::status_text(st) == "exit 3");
        CHECK(slurp(d.file("out")) == "ran\n");
        // Missing or not executable: 127 and 126, as sh says.
        write_file(d.file("noexec"), "#!/bin/sh\n", 0644);
        StderrTo to(d.file("log"));
        CHECK(jd::status_text(run(d.file("missing"))) == "exit 127");
        CHECK(jd::status_text(run("jd-no-such-program-anywhere arg")) == "exit 127");
        CHECK(jd::status_text(run(d.file("noexec"))) == "exit 126");
        CHECK(jd::status_text(run("/bin/sh -c false")) == "exit 1");
        CHECK(jd::status_text(run("/bin/true")) == "exit 0");
    }
}
