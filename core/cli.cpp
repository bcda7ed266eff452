#include "cli.hpp"

#include "config.h"
#include "number.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <sstream>

namespace po = boost::program_options;

namespace jd {

namespace {

po::options_description describe() {
    po::options_description d("Options");
    // clang-format off
    d.add_options()
        ("daemon,D", "run the daemon")
        ("foreground,F", "with -D: stay in the foreground, log to stderr")
        ("pidfile,p", po::value<std::string>(), "daemon pidfile")
        ("socket,f", po::value<std::string>(), "control socket path")
        ("probe", po::value<std::string>(), "with -D: path of the jaildaemon-probe program")
        ("log", po::value<std::string>(), "with -D: log file of the detached daemon (reopened on SIGHUP)")
        ("syslog", "with -D: log to syslog(3) instead of the log file")
        ("allow-host", "with -D: accept the \"host\" pseudo-jail (development only)")
        ("watch-jails", po::value<std::string>()->implicit_value(""), "with -D (FreeBSD 15): give every new jail the probes of jaildaemon-hook's [watch] and [probe] sections; =FILE: its configuration")
        ("hook", po::value<std::string>(), "with --watch-jails: path of the jaildaemon-hook program")
        ("state", po::value<std::string>(), "with -D: state file that keeps the probes across restarts")
        ("cooldown", po::value<std::string>(), "with -D: default seconds between two runs of one probe's command (default 1, 0: none); with -c: this probe's own")
        ("max-commands", po::value<std::string>(), "with -D: commands running at once (default 8)")
        ("command-timeout", po::value<std::string>(), "with -D: seconds before a command and everything it started are killed (default 3600, 0: none)")
        ("command,c", po::value<std::string>(), "register a probe running COMMAND on trigger")
        ("jail,j", po::value<std::string>(), "jail id or name, pid:N, docker:NAME, podman:NAME, machine:NAME, lxc:NAME")
        ("respawn,r", "respawn the probe after the command completes")
        ("respawn-now,R", "respawn the probe at once, without waiting")
        ("uid,u", po::value<std::string>(), "uid or user name of the probe inside the jail (its own passwd)")
        ("gid,g", po::value<std::string>(), "gid or group name of the probe inside the jail (its own group)")
        ("title,t", po::value<std::string>(), "the probe's proctitle")
        ("list,l", "list registered probes")
        ("json", "with -l: print JSON")
        ("verbose,v", "with -l: everything about each probe, with its command's last output")
        ("all", "with -l: also the last probes that are gone, with how they ended")
        ("remove,x", "remove probes: by -i ID, or by -j JAIL [-t TITLE]")
        ("id,i", po::value<std::string>(), "with -x: probe id")
        ("help,h", "print this help")
        ("version,V", "print the version");
    // clang-format on
    return d;
}

// The number given to option opt (a count, seconds, a uid, an id).
bool option_number(const std::string& opt, const std::string& s, std::uint64_t max,
                   std::uint64_t& out, Error& err) {
    std::uint64_t v = 0;
    if (!parse_number(s, max, v)) {
        err.set(EX_USAGE_,
                opt + " wants a number from 0 to " + std::to_string(max) + ", not \"" + s + "\"");
        return false;
    }
    out = v;
    return true;
}

// -u/-g: a number, or a user/group name (looked up in the jail).
bool option_id(const std::string& opt, const std::string& s, std::optional<std::uint32_t>& num,
               std::string& name, Error& err) {
    if (valid_id_name(s)) {
        name = s;
        return true;
    }
    std::uint64_t v = 0;
    if (!parse_number(s, std::uint64_t(kMaxUid), v)) {
        err.set(EX_USAGE_, opt + " wants a number from 0 to " + std::to_string(kMaxUid) +
                               " or a name of the jail's, not \"" + s + "\"");
        return false;
    }
    num = std::uint32_t(v);
    return true;
}

} // namespace

std::string usage_text() {
    return "usage: jaildaemon -D [-F] [-p pidfile] [-f ipcsockpath]\n"
           "       jaildaemon -c command -j jid|name [-rR] [-u uid] [-g gid] [-t proctitle]"
           " [--cooldown s] [-f ipcsockpath]\n"
           "       jaildaemon -l [-v] [--all] [--json] [-j jail] [-f ipcsockpath]\n"
           "       jaildaemon -x -i id | -x -j jail [-t proctitle] [-f ipcsockpath]\n";
}

std::string help_text() {
    std::ostringstream o;
    o << usage_text() << "\n"
      << describe() << "\nDefaults: socket " JAILDAEMON_SOCKET
      << ", pidfile " JAILDAEMON_PIDFILE ", state " JAILDAEMON_STATEFILE "\n";
    return o.str();
}

bool parse_cli(const std::vector<std::string>& args, CliOptions& out, Error& err) {
    po::variables_map vm;
    try {
        auto style = po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
        // No positional arguments: a stray word (an unquoted command) is an
        // error, not silently dropped.
        po::positional_options_description none;
        po::store(
            po::command_line_parser(args).options(describe()).positional(none).style(style).run(),
            vm);
    } catch (const po::error& e) {
        err.set(EX_USAGE_, e.what());
        return false;
    }
    out = CliOptions{};
    auto has = [&](const char* k) { return vm.count(k) > 0; };
    auto str = [&](const char* k) { return vm[k].as<std::string>(); };

    int modes =
        has("daemon") + has("command") + has("list") + has("remove") + has("help") + has("version");
    if (modes != 1) {
        err.set(EX_USAGE_, modes == 0 ? "one of -D, -c, -l, -x is required"
                                      : "exactly one of -D, -c, -l, -x, -h, -V may be given");
        return false;
    }
    // -f wins; then JAILDAEMON_SOCKET from the environment; then the default.
    const char* env = std::getenv("JAILDAEMON_SOCKET");
    out.socket = has("socket") ? str("socket")
                 : env && *env ? std::string(env)
                               : std::string(JAILDAEMON_SOCKET);
    if (out.socket.empty()) {
        err.set(EX_USAGE_, "-f wants a socket path");
        return false;
    }
    // The original's contract: its utility options (-j -t -r -R -u -g) are
    // ignored in daemon mode, and -p in utility mode, each with a warning.
    // Anything else that does not go with the mode is refused.
    auto only = [&](std::initializer_list<const char*> allowed, const char* mode,
                    std::initializer_list<const char*> ignored) {
        for (const auto& kv : vm) {
            bool skip = false;
            for (const char* i : ignored)
                skip = skip || kv.first == i;
            if (skip) {
                out.warnings.push_back("--" + kv.first + " is ignored with " + mode);
                continue;
            }
            bool ok = kv.first == "socket";
            for (const char* a : allowed)
                ok = ok || kv.first == a;
            if (!ok) {
                err.set(EX_USAGE_, "--" + kv.first + " does not go with " + mode);
                return false;
            }
        }
        return true;
    };

    if (has("help") || has("version")) {
        out.mode = has("help") ? Mode::help : Mode::version;
        return true;
    }
    if (has("daemon")) {
        if (!only({"daemon", "foreground", "pidfile", "probe", "log", "syslog", "allow-host",
                   "state", "cooldown", "max-commands", "command-timeout", "watch-jails", "hook"},
                  "-D", {"jail", "title", "respawn", "respawn-now", "uid", "gid"}))
            return false;
        if (has("foreground") && has("log")) {
            err.set(EX_USAGE_,
                    "--log does not go with -F: a foreground daemon logs to standard error");
            return false;
        }
        out.mode = Mode::daemon;
        DaemonOptions& d = out.daemon;
        d.foreground = has("foreground");
        d.pidfile = has("pidfile") ? str("pidfile") : JAILDAEMON_PIDFILE;
        d.socket = out.socket;
        d.probe_path = has("probe") ? str("probe") : JAILDAEMON_PROBE_PATH;
        d.log_file = has("log") ? str("log") : JAILDAEMON_LOGFILE;
        d.syslog = has("syslog");
        d.allow_host = has("allow-host");
        d.state_file = has("state") ? str("state") : JAILDAEMON_STATEFILE;
        d.watch_jails = has("watch-jails");
        if (d.watch_jails)
            d.watch_config = str("watch-jails");
        if (has("hook") && !d.watch_jails) {
            err.set(EX_USAGE_, "--hook goes only with --watch-jails");
            return false;
        }
        d.hook_path = has("hook") ? str("hook") : JAILDAEMON_HOOK_PATH;
        if (d.state_file.empty() || d.state_file.back() == '/') {
            err.set(EX_USAGE_, "--state wants a file path");
            return false;
        }
        std::uint64_t v;
        if (has("cooldown")) {
            if (!option_number("--cooldown", str("cooldown"), kMaxCooldown, v, err))
                return false;
            d.limits.cooldown = std::chrono::seconds(v);
        }
        if (has("max-commands")) {
            if (!option_number("--max-commands", str("max-commands"), 1024, v, err))
                return false;
            if (v == 0) {
                err.set(EX_USAGE_, "--max-commands wants a number from 1 to 1024, not 0");
                return false;
            }
            d.limits.max_commands = std::size_t(v);
        }
        if (has("command-timeout")) {
            if (!option_number("--command-timeout", str("command-timeout"), 604800, v, err))
                return false;
            d.limits.command_timeout = std::chrono::seconds(v);
        }
        return true;
    }
    if (has("command")) {
        if (!only({"command", "jail", "respawn", "respawn-now", "uid", "gid", "title", "cooldown"},
                  "-c", {"pidfile"}))
            return false;
        if (!has("jail")) {
            err.set(EX_USAGE_, "-c needs -j jid|name: the jail to put the probe in");
            return false;
        }
        if (has("respawn") && has("respawn-now")) {
            err.set(EX_USAGE_, "-r and -R exclude each other");
            return false;
        }
        out.mode = Mode::add;
        ProbeSpec& p = out.probe;
        p.command = str("command");
        p.jail = str("jail");
        p.title = has("title") ? str("title") : "jaildaemon_probe";
        p.respawn = has("respawn")       ? Respawn::after
                    : has("respawn-now") ? Respawn::now
                                         : Respawn::none;
        std::uint64_t v;
        // A number, or a name the probe looks up in the jail.
        if (has("uid") && !option_id("-u", str("uid"), p.uid, p.user, err))
            return false;
        if (has("gid") && !option_id("-g", str("gid"), p.gid, p.group, err))
            return false;
        if (has("cooldown")) {
            if (!option_number("--cooldown", str("cooldown"), kMaxCooldown, v, err))
                return false;
            p.cooldown_s = std::uint32_t(v);
        }
        Error verr;
        if (!validate(p, verr)) {
            err.set(EX_USAGE_, verr.what);
            return false;
        }
        return true;
    }
    if (has("list")) {
        if (!only({"list", "json", "jail", "verbose", "all"}, "-l", {"pidfile"}))
            return false;
        out.mode = Mode::list;
        out.json = has("json");
        out.verbose = has("verbose");
        out.all = has("all");
        if (has("jail"))
            out.jail = str("jail");
        return true;
    }
    // -x
    if (!only({"remove", "id", "jail", "title"}, "-x", {"pidfile"}))
        return false;
    out.mode = Mode::remove;
    if (has("id")) {
        if (has("jail") || has("title")) {
            err.set(EX_USAGE_, "-x takes -i ID, or -j JAIL [-t TITLE], not both");
            return false;
        }
        std::uint64_t v;
        if (!option_number("-i", str("id"), kMaxId, v, err))
            return false;
        out.id = v;
        return true;
    }
    if (!has("jail")) {
        err.set(EX_USAGE_, "-x needs -i ID or -j JAIL");
        return false;
    }
    out.jail = str("jail");
    if (has("title"))
        out.title = str("title");
    return true;
}

} // namespace jd
