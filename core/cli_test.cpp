// parse_cli: the original -D / -c forms of the 2013 man page, the new modes,
// and every usage error (EX_USAGE_ with a reason that names the problem).
#include "cli.hpp"
#include "config.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using jd::CliOptions;
using jd::Error;
using jd::Mode;
using jd::Respawn;

namespace {

std::string joined(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args)
        s += (s.empty() ? "" : " ") + ("[" + a + "]");
    return s;
}

// Parses args, which must be accepted.
CliOptions accept(const std::vector<std::string>& args) {
    CliOptions o;
    Error err;
    INFO("args: ", joined(args));
    bool ok = jd::parse_cli(args, o, err);
    INFO("error: ", err.what);
    CHECK(ok);
    CHECK(err.code == 0);
    return o;
}

// Parses args, which must be refused with EX_USAGE_ and a reason holding
// every one of needles.
void refuse(const std::vector<std::string>& args, const std::vector<std::string>& needles) {
    CliOptions o;
    Error err;
    INFO("args: ", joined(args));
    bool ok = jd::parse_cli(args, o, err);
    INFO("error: ", err.what);
    CHECK_FALSE(ok);
    CHECK(err.code == 64);
    CHECK(err.code == jd::EX_USAGE_);
    CHECK(err.what.find('\n') == std::string::npos);
    for (const auto& n : needles) {
        INFO("wanted in the error: ", n);
        CHECK(err.what.find(n) != std::string::npos);
    }
}

// Refused with exactly this reason.
void refuse_exactly(const std::vector<std::string>& args, const std::string& what) {
    CliOptions o;
    Error err;
    INFO("args: ", joined(args));
    CHECK_FALSE(jd::parse_cli(args, o, err));
    CHECK(err.code == 64);
    CHECK(err.what == what);
}

} // namespace

TEST_SUITE("cli") {

    TEST_CASE("man page: jaildaemon -D -p pidfile -f ipcsockpath") {
        CliOptions o = accept({"-D", "-p", "/var/run/jd.pid", "-f", "/tmp/jd.sock"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.daemon.pidfile == "/var/run/jd.pid");
        CHECK(o.daemon.socket == "/tmp/jd.sock");
        CHECK(o.socket == "/tmp/jd.sock");
        CHECK(o.daemon.foreground == false);
        CHECK(o.daemon.allow_host == false);
        CHECK(o.daemon.probe_path == JAILDAEMON_PROBE_PATH);
        CHECK(o.daemon.log_file == JAILDAEMON_LOGFILE);
    }

    TEST_CASE("man page: jaildaemon -D -p /var/run/jaildaemon.pid") {
        CliOptions o = accept({"-D", "-p", "/var/run/jaildaemon.pid"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.daemon.pidfile == "/var/run/jaildaemon.pid");
        CHECK(o.daemon.socket == JAILDAEMON_SOCKET);
    }

    TEST_CASE("-D alone takes the defaults") {
        CliOptions o = accept({"-D"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.daemon.pidfile == JAILDAEMON_PIDFILE);
        CHECK(o.daemon.socket == JAILDAEMON_SOCKET);
        CHECK(o.socket == JAILDAEMON_SOCKET);
        // The OS's run directory (meson.build): /run on Linux, /var/run on
        // FreeBSD; tests/packaging/default_paths.sh and deb.sh check which.
        CHECK(std::string(JAILDAEMON_SOCKET).ends_with("run/jaildaemon.pipe"));
        CHECK(std::string(JAILDAEMON_PIDFILE).ends_with("run/jaildaemon.pid"));
    }

    TEST_CASE("-D with the new daemon options") {
        CliOptions o = accept({"-D", "--probe", "/usr/libexec/p", "--log", "/tmp/jd.log",
                               "--allow-host", "-f", "/tmp/s"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.daemon.foreground == false);
        CHECK(o.daemon.probe_path == "/usr/libexec/p");
        CHECK(o.daemon.log_file == "/tmp/jd.log");
        CHECK(o.daemon.allow_host == true);
        CHECK(o.daemon.socket == "/tmp/s");
        // A foreground daemon logs to standard error (systemd: the
        // journal): --log is refused, never ignored.
        refuse_exactly({"-D", "-F", "--log", "/tmp/jd.log"},
                       "--log does not go with -F: a foreground daemon logs to standard error");
        // Long spellings of the original flags.
        o = accept({"--daemon", "--pidfile=/x.pid", "--socket=/x.sock", "--foreground"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.daemon.pidfile == "/x.pid");
        CHECK(o.daemon.socket == "/x.sock");
        CHECK(o.daemon.foreground == true);
    }

    TEST_CASE("-D --watch-jails[=CONFIG] and --hook") {
        CliOptions o = accept({"-D"});
        CHECK(o.daemon.watch_jails == false);
        o = accept({"-D", "--watch-jails"});
        CHECK(o.daemon.watch_jails == true);
        CHECK(o.daemon.watch_config.empty()); // the hook's own default
        CHECK(o.daemon.hook_path.find("jaildaemon-hook") != std::string::npos);
        o = accept({"-D", "--watch-jails=/etc/w.conf", "--hook", "/opt/jaildaemon-hook"});
        CHECK(o.daemon.watch_config == "/etc/w.conf");
        CHECK(o.daemon.hook_path == "/opt/jaildaemon-hook");
        refuse_exactly({"-D", "--hook", "/opt/h"}, "--hook goes only with --watch-jails");
        refuse({"-c", "true", "-j", "1", "--watch-jails"}, {"--watch-jails"});
    }

    TEST_CASE("man page: -c 'ezjail-admin restart example.com' -j 23 -t EZJAIL_REBOOT") {
        CliOptions o =
            accept({"-c", "ezjail-admin restart example.com", "-j", "23", "-t", "EZJAIL_REBOOT"});
        CHECK(o.mode == Mode::add);
        CHECK(o.probe.command == "ezjail-admin restart example.com");
        CHECK(o.probe.jail == "23");
        CHECK(o.probe.label == "");
        CHECK(o.probe.title == "EZJAIL_REBOOT");
        CHECK(o.probe.respawn == Respawn::none);
        CHECK_FALSE(o.probe.uid.has_value());
        CHECK_FALSE(o.probe.gid.has_value());
        CHECK(o.socket == JAILDAEMON_SOCKET);
    }

    TEST_CASE("man page: -c 'zfs snapshot ...`date +%s`' -j 42 -r -t ZFS_SNAPSHOT") {
        CliOptions o = accept({"-c", "zfs snapshot jails/example.com@`date +%s`", "-j", "42", "-r",
                               "-t", "ZFS_SNAPSHOT"});
        CHECK(o.mode == Mode::add);
        CHECK(o.probe.command == "zfs snapshot jails/example.com@`date +%s`");
        CHECK(o.probe.jail == "42");
        CHECK(o.probe.title == "ZFS_SNAPSHOT");
        CHECK(o.probe.respawn == Respawn::after);
    }

    TEST_CASE("man page: -c 'reload_routing_table.sh example.com' -j 1 -r -t UPDATE_ROUTING") {
        CliOptions o = accept(
            {"-c", "reload_routing_table.sh example.com", "-j", "1", "-r", "-t", "UPDATE_ROUTING"});
        CHECK(o.mode == Mode::add);
        CHECK(o.probe.jail == "1");
        CHECK(o.probe.respawn == Respawn::after);
        CHECK(o.probe.title == "UPDATE_ROUTING");
    }

    TEST_CASE("web page: -j first, title with spaces, -r last") {
        CliOptions o = accept({"-j", "23", "-c",
                               "/usr/local/bin/parse_route_config -s /usr/jails/shell.foo.com/",
                               "-t", "route config update", "-r"});
        CHECK(o.mode == Mode::add);
        CHECK(o.probe.command == "/usr/local/bin/parse_route_config -s /usr/jails/shell.foo.com/");
        CHECK(o.probe.jail == "23");
        CHECK(o.probe.title == "route config update");
        CHECK(o.probe.respawn == Respawn::after);

        o = accept(
            {"-j", "23", "-c", "/usr/local/etc/rc.d/ezjail restart shell.foo.com", "-t", "REBOOT"});
        CHECK(o.probe.title == "REBOOT");
        CHECK(o.probe.respawn == Respawn::none);
    }

    TEST_CASE("-R respawns at once") {
        CliOptions o = accept({"-c", "true", "-j", "7", "-R", "-t", "NOW"});
        CHECK(o.mode == Mode::add);
        CHECK(o.probe.respawn == Respawn::now);
    }

    TEST_CASE("-u and -g take numeric ids") {
        CliOptions o = accept({"-c", "true", "-j", "7", "-u", "1001", "-g", "80"});
        REQUIRE(o.probe.uid.has_value());
        REQUIRE(o.probe.gid.has_value());
        CHECK(*o.probe.uid == 1001u);
        CHECK(*o.probe.gid == 80u);

        o = accept({"-c", "true", "-j", "7", "-u", "0", "-g", "0"});
        REQUIRE(o.probe.uid.has_value());
        CHECK(*o.probe.uid == 0u);
        CHECK(*o.probe.gid == 0u);

        o = accept({"-c", "true", "-j", "7", "-u", "4294967294", "-g", "4294967294"});
        CHECK(*o.probe.uid == 4294967294u);
        CHECK(*o.probe.gid == 4294967294u);
    }

    TEST_CASE("-c without -t takes the default title") {
        CliOptions o = accept({"-c", "true", "-j", "7"});
        CHECK(o.probe.title == "jaildaemon_probe");
    }

    TEST_CASE("jail names and container specs are passed through") {
        for (const char* j : {"example.com", "web_1", "pid:1234", "docker:web", "podman:db",
                              "machine:build", "lxc:web", "host"}) {
            CAPTURE(j);
            CliOptions o = accept({"-c", "true", "-j", j, "-t", "T"});
            CHECK(o.probe.jail == j);
        }
    }

    TEST_CASE("-f selects the socket in utility mode") {
        CliOptions o = accept({"-c", "true", "-j", "1", "-f", "/tmp/other.pipe"});
        CHECK(o.socket == "/tmp/other.pipe");
    }

    TEST_CASE("-l lists, --json, -j filter") {
        CliOptions o = accept({"-l"});
        CHECK(o.mode == Mode::list);
        CHECK(o.json == false);
        CHECK(o.jail == "");
        CHECK(o.socket == JAILDAEMON_SOCKET);

        o = accept({"-l", "--json"});
        CHECK(o.mode == Mode::list);
        CHECK(o.json == true);

        o = accept({"-l", "-j", "web", "-f", "/tmp/s"});
        CHECK(o.mode == Mode::list);
        CHECK(o.jail == "web");
        CHECK(o.socket == "/tmp/s");
    }

    TEST_CASE("-x -i ID") {
        CliOptions o = accept({"-x", "-i", "17"});
        CHECK(o.mode == Mode::remove);
        REQUIRE(o.id.has_value());
        CHECK(*o.id == 17u);
        CHECK(o.jail == "");
        CHECK(o.title == "");

        o = accept({"-x", "-i", "4294967295"});
        CHECK(*o.id == 4294967295u);
    }

    TEST_CASE("-x -j JAIL [-t TITLE]") {
        CliOptions o = accept({"-x", "-j", "web", "-t", "REBOOT"});
        CHECK(o.mode == Mode::remove);
        CHECK_FALSE(o.id.has_value());
        CHECK(o.jail == "web");
        CHECK(o.title == "REBOOT");

        o = accept({"-x", "-j", "23"});
        CHECK(o.mode == Mode::remove);
        CHECK(o.jail == "23");
        CHECK(o.title == "");
    }

    TEST_CASE("-h and -V") {
        CHECK(accept({"-h"}).mode == Mode::help);
        CHECK(accept({"--help"}).mode == Mode::help);
        CHECK(accept({"-V"}).mode == Mode::version);
        CHECK(accept({"--version"}).mode == Mode::version);
    }

    TEST_CASE("usage and help text") {
        std::string u = jd::usage_text();
        CHECK(u.find("jaildaemon -D [-F] [-p pidfile] [-f ipcsockpath]") != std::string::npos);
        CHECK(u.find("jaildaemon -c command -j jid|name [-rR] [-u uid] [-g gid] [-t proctitle]") !=
              std::string::npos);
        std::string h = jd::help_text();
        CHECK(h.rfind(u, 0) == 0);
        CHECK(h.find("--respawn-now") != std::string::npos);
        CHECK(h.find(JAILDAEMON_SOCKET) != std::string::npos);
        CHECK(h.find(JAILDAEMON_PIDFILE) != std::string::npos);
    }

    TEST_CASE("error: no mode") {
        refuse_exactly({}, "one of -D, -c, -l, -x is required");
        refuse_exactly({"-j", "23"}, "one of -D, -c, -l, -x is required");
        refuse_exactly({"-f", "/tmp/s"}, "one of -D, -c, -l, -x is required");
    }

    TEST_CASE("error: two modes") {
        const std::string two = "exactly one of -D, -c, -l, -x, -h, -V may be given";
        refuse_exactly({"-D", "-c", "true", "-j", "1"}, two);
        refuse_exactly({"-l", "-x", "-i", "1"}, two);
        refuse_exactly({"-D", "-l"}, two);
        refuse_exactly({"-h", "-V"}, two);
        refuse_exactly({"-c", "true", "-j", "1", "-h"}, two);
    }

    TEST_CASE("error: -c without -j") {
        refuse_exactly({"-c", "true"}, "-c needs -j jid|name: the jail to put the probe in");
        refuse_exactly({"-c", "true", "-t", "REBOOT", "-r"},
                       "-c needs -j jid|name: the jail to put the probe in");
    }

    TEST_CASE("error: -r with -R") {
        refuse_exactly({"-c", "true", "-j", "1", "-r", "-R"}, "-r and -R exclude each other");
        refuse_exactly({"-c", "true", "-j", "1", "-rR"}, "-r and -R exclude each other");
    }

    TEST_CASE("-u and -g take names, looked up in the jail (issue 21)") {
        CliOptions o = accept({"-c", "true", "-j", "1", "-u", "www", "-g", "wheel"});
        CHECK(o.probe.user == "www");
        CHECK(o.probe.group == "wheel");
        CHECK_FALSE(o.probe.uid);
        CHECK_FALSE(o.probe.gid);
        o = accept({"-c", "true", "-j", "1", "-u", "80", "-g", "_www"});
        CHECK(o.probe.uid == 80u);
        CHECK(o.probe.user.empty());
        CHECK(o.probe.group == "_www");
    }

    TEST_CASE("error: bad uid or gid") {
        const std::string
            u = "-u wants a number from 0 to 4294967294 or a name of the jail's, not ",
            g = "-g wants a number from 0 to 4294967294 or a name of the jail's, not ";
        refuse_exactly({"-c", "true", "-j", "1", "-u", "-1"}, u + "\"-1\"");
        refuse_exactly({"-c", "true", "-j", "1", "--uid=-1"}, u + "\"-1\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", "4294967295"}, u + "\"4294967295\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", "18446744073709551616"},
                       u + "\"18446744073709551616\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", ""}, u + "\"\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", "+5"}, u + "\"+5\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", " 5"}, u + "\" 5\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", "a b"}, u + "\"a b\"");
        refuse_exactly({"-c", "true", "-j", "1", "-u", std::string(33, 'u')},
                       u + "\"" + std::string(33, 'u') + "\"");
        refuse_exactly({"-c", "true", "-j", "1", "-g", "-1"}, g + "\"-1\"");
        refuse_exactly({"-c", "true", "-j", "1", "-g", "4294967295"}, g + "\"4294967295\"");
    }

    TEST_CASE("error: bad -x -i id") {
        // Any id the daemon can give (kMaxId, the protocol's bound).
        refuse_exactly({"-x", "-i", "abc"},
                       "-i wants a number from 0 to 9007199254740991, not \"abc\"");
        refuse_exactly({"-x", "-i", "-1"},
                       "-i wants a number from 0 to 9007199254740991, not \"-1\"");
        refuse_exactly({"-x", "-i", "9007199254740992"},
                       "-i wants a number from 0 to 9007199254740991, not \"9007199254740992\"");
        CliOptions o;
        Error err;
        REQUIRE(parse_cli({"-x", "-i", "4294967296"}, o, err));
        CHECK(*o.id == 4294967296u);
    }

    TEST_CASE("error: unknown options") {
        refuse({"-D", "--bogus"}, {"bogus"});
        refuse({"-D", "-Z"}, {"-Z"});
        refuse({"-c", "true", "-j", "1", "--titel", "X"}, {"titel"});
        // No guessing: an abbreviated long option is unknown, not expanded.
        refuse({"-c", "true", "--jai", "1"}, {"jai"});
        refuse({"--dae"}, {"dae"});
    }

    TEST_CASE("error: missing or repeated option arguments") {
        refuse({"-c"}, {"command"});
        refuse({"-c", "true", "-j"}, {"jail"});
        refuse({"-c", "true", "-j", "1", "-j", "2"}, {"jail", "more than once"});
        refuse({"-c", "a", "-c", "b", "-j", "1"}, {"command", "more than once"});
    }

    TEST_CASE("man page: in daemon mode the utility options are ignored, with a warning") {
        CliOptions o = accept({"-D", "-j", "23", "-t", "REBOOT", "-r", "-u", "www", "-g", "0"});
        CHECK(o.mode == Mode::daemon);
        CHECK(o.warnings ==
              std::vector<std::string>{"--gid is ignored with -D", "--jail is ignored with -D",
                                       "--respawn is ignored with -D", "--title is ignored with -D",
                                       "--uid is ignored with -D"});
        CHECK(accept({"-D", "-R"}).warnings ==
              std::vector<std::string>{"--respawn-now is ignored with -D"});
        CHECK(accept({"-D"}).warnings.empty());
    }

    TEST_CASE("man page: -p is ignored in utility mode, with a warning") {
        CliOptions o = accept({"-c", "true", "-j", "1", "-p", "/x.pid"});
        CHECK(o.mode == Mode::add);
        CHECK(o.warnings == std::vector<std::string>{"--pidfile is ignored with -c"});
        CHECK(accept({"-l", "-p", "/x.pid"}).warnings ==
              std::vector<std::string>{"--pidfile is ignored with -l"});
        CHECK(accept({"-x", "-i", "1", "-p", "/x.pid"}).warnings ==
              std::vector<std::string>{"--pidfile is ignored with -x"});
    }

    TEST_CASE("JAILDAEMON_SOCKET names the socket; -f wins") {
        setenv("JAILDAEMON_SOCKET", "/tmp/env.sock", 1);
        CHECK(accept({"-l"}).socket == "/tmp/env.sock");
        CHECK(accept({"-l", "-f", "/tmp/f.sock"}).socket == "/tmp/f.sock");
        setenv("JAILDAEMON_SOCKET", "", 1);
        CHECK(accept({"-l"}).socket == JAILDAEMON_SOCKET);
        unsetenv("JAILDAEMON_SOCKET");
        CHECK(accept({"-l"}).socket == JAILDAEMON_SOCKET);
    }

    TEST_CASE("error: new options with -D") {
        refuse_exactly({"-D", "--json"}, "--json does not go with -D");
        refuse_exactly({"-D", "-i", "3"}, "--id does not go with -D");
    }

    TEST_CASE("error: options of other modes") {
        refuse_exactly({"-c", "true", "-j", "1", "-F"}, "--foreground does not go with -c");
        refuse_exactly({"-c", "true", "-j", "1", "--json"}, "--json does not go with -c");
        refuse_exactly({"-c", "true", "-j", "1", "-i", "3"}, "--id does not go with -c");
        refuse_exactly({"-l", "-r"}, "--respawn does not go with -l");
        refuse_exactly({"-l", "-t", "REBOOT"}, "--title does not go with -l");
        refuse_exactly({"-l", "-i", "1"}, "--id does not go with -l");
        refuse_exactly({"-l", "--allow-host"}, "--allow-host does not go with -l");
        refuse_exactly({"-x", "-i", "1", "--json"}, "--json does not go with -x");
        refuse_exactly({"-x", "-j", "1", "-u", "0"}, "--uid does not go with -x");
    }

    TEST_CASE("error: -x forms") {
        refuse_exactly({"-x"}, "-x needs -i ID or -j JAIL");
        refuse_exactly({"-x", "-t", "REBOOT"}, "-x needs -i ID or -j JAIL");
        refuse_exactly({"-x", "-i", "1", "-j", "web"},
                       "-x takes -i ID, or -j JAIL [-t TITLE], not both");
        refuse_exactly({"-x", "-i", "1", "-t", "REBOOT"},
                       "-x takes -i ID, or -j JAIL [-t TITLE], not both");
    }

    // Without a positional_options_description, Boost.Program_options hands
    // stray words back as nameless options and po::store drops them: the
    // unquoted command below would register a probe running "ezjail-admin".
    TEST_CASE("error: positional arguments") {
        refuse({"-D", "extra"}, {"positional"});
        refuse({"-c", "true", "-j", "1", "extra"}, {"positional"});
        // The unquoted command of a careless shell line.
        refuse({"-c", "ezjail-admin", "restart", "example.com", "-j", "23"}, {"positional"});
        refuse({"-l", "web"}, {"positional"});
    }

    TEST_CASE("-D daemon limits and state file") {
        CliOptions o = accept({"-D"});
        CHECK(o.daemon.state_file == JAILDAEMON_STATEFILE);
        CHECK(o.daemon.limits.cooldown == std::chrono::seconds(1));
        CHECK(!o.daemon.syslog);
        CHECK(o.daemon.limits.max_commands == 8u);
        CHECK(o.daemon.limits.command_timeout == std::chrono::seconds(3600));
        o = accept({"-D", "--state", "/tmp/jd.json", "--cooldown", "0", "--max-commands", "1",
                    "--command-timeout", "604800"});
        CHECK(o.daemon.state_file == "/tmp/jd.json");
        CHECK(o.daemon.limits.cooldown == std::chrono::seconds(0));
        CHECK(o.daemon.limits.max_commands == 1u);
        CHECK(o.daemon.limits.command_timeout == std::chrono::seconds(604800));
        refuse_exactly({"-D", "--state", ""}, "--state wants a file path");
        refuse_exactly({"-D", "--state", "/var/db/"}, "--state wants a file path");
        refuse_exactly({"-D", "--cooldown", "86401"},
                       "--cooldown wants a number from 0 to 86400, not \"86401\"");
        refuse_exactly({"-D", "--max-commands", "0"},
                       "--max-commands wants a number from 1 to 1024, not 0");
        refuse_exactly({"-D", "--max-commands", "1025"},
                       "--max-commands wants a number from 0 to 1024, not \"1025\"");
        refuse_exactly({"-D", "--command-timeout", "x"},
                       "--command-timeout wants a number from 0 to 604800, not \"x\"");
        CHECK(accept({"-D", "--syslog"}).daemon.syslog);
        refuse_exactly({"-l", "--syslog"}, "--syslog does not go with -l");
        refuse_exactly({"-c", "true", "-j", "1", "--syslog"}, "--syslog does not go with -c");
    }

    TEST_CASE("-c --cooldown: the probe's own cooldown") {
        CliOptions o = accept({"-c", "ezjail-admin snapshot web", "-j", "web", "-r", "-t",
                               "SNAPSHOT", "--cooldown", "60"});
        REQUIRE(o.probe.cooldown_s);
        CHECK(*o.probe.cooldown_s == 60u);
        CHECK(!accept({"-c", "true", "-j", "1"}).probe.cooldown_s);
        CHECK(*accept({"-c", "true", "-j", "1", "--cooldown", "0"}).probe.cooldown_s == 0u);
        CHECK(*accept({"-c", "true", "-j", "1", "--cooldown", "86400"}).probe.cooldown_s == 86400u);
        refuse_exactly({"-c", "true", "-j", "1", "--cooldown", "86401"},
                       "--cooldown wants a number from 0 to 86400, not \"86401\"");
        refuse_exactly({"-c", "true", "-j", "1", "--cooldown", "-1"},
                       "--cooldown wants a number from 0 to 86400, not \"-1\"");
        refuse_exactly({"-c", "true", "-j", "1", "--cooldown", "1.5"},
                       "--cooldown wants a number from 0 to 86400, not \"1.5\"");
        refuse_exactly({"-l", "--cooldown", "1"}, "--cooldown does not go with -l");
        refuse_exactly({"-x", "-i", "1", "--cooldown", "1"}, "--cooldown does not go with -x");
    }

    TEST_CASE("error: empty socket path") {
        refuse_exactly({"-D", "-f", ""}, "-f wants a socket path");
        refuse_exactly({"-l", "-f", ""}, "-f wants a socket path");
    }

    TEST_CASE("error: bad titles") {
        refuse_exactly({"-c", "true", "-j", "1", "-t", ""}, "title is empty");
        refuse_exactly({"-c", "true", "-j", "1", "-t", std::string(129, 'T')},
                       "title longer than 128 bytes");
        CHECK(accept({"-c", "true", "-j", "1", "-t", std::string(128, 'T')}).probe.title ==
              std::string(128, 'T'));
        const std::string ctl = "title holds a control or non-ASCII character";
        refuse_exactly({"-c", "true", "-j", "1", "-t", "RE\nBOOT"}, ctl);
        refuse_exactly({"-c", "true", "-j", "1", "-t", "RE\tBOOT"}, ctl);
        refuse_exactly({"-c", "true", "-j", "1", "-t",
                        "RE\x01"
                        "BOOT"},
                       ctl);
        refuse_exactly({"-c", "true", "-j", "1", "-t", "RE\x7f"}, ctl);
        refuse_exactly({"-c", "true", "-j", "1", "-t",
                        "R\xc3\xa9"
                        "BOOT"},
                       ctl);
        refuse_exactly({"-c", "true", "-j", "1", "-t", " REBOOT"},
                       "title starts or ends with a space");
        refuse_exactly({"-c", "true", "-j", "1", "-t", "REBOOT "},
                       "title starts or ends with a space");
    }

    TEST_CASE("error: bad commands and jails") {
        refuse_exactly({"-c", "", "-j", "1"}, "command must be 1-4096 bytes");
        refuse_exactly({"-c", std::string(4097, 'x'), "-j", "1"}, "command must be 1-4096 bytes");
        refuse_exactly({"-c", "   ", "-j", "1"}, "command is blank");
        refuse_exactly({"-c", "echo \x1b[2J", "-j", "1"}, "command holds a control character");
        refuse_exactly({"-c", "true", "-j", ""},
                       "jail must be 1-256 printable characters without spaces");
        refuse_exactly({"-c", "true", "-j", "my jail"},
                       "jail must be 1-256 printable characters without spaces");
        refuse_exactly({"-c", "true", "-j", std::string(257, 'j')},
                       "jail must be 1-256 printable characters without spaces");
    }

} // TEST_SUITE
