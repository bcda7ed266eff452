// jaildaemon-hook: registers a jail's REBOOT and SNAPSHOT probes with the
// running jaildaemon when the jail manager starts the jail.
//
//   jaildaemon-hook [--hook] [-n] [-C conf] [-f sock] start MANAGER NAME [JID]
//   jaildaemon-hook [--hook] [-n] [-C conf] [-f sock] stop MANAGER NAME
//   jaildaemon-hook [-C conf] [-f sock] status MANAGER NAME
//   jaildaemon-hook [-C conf] check
//   jaildaemon-hook list
//
// In hook mode (--hook, used by the manager's post-start hooks) every failure
// is logged as one line and the exit status is 0: a failing exec.poststart
// aborts the start of the jail, and the helper must never keep a jail from
// booting. Interactive use returns the real sysexits(3) code.
#include "client.hpp"
#include "config.h"
#include "error.hpp"
#include "hook_config.hpp"
#include "jls.hpp"
#include "manager.hpp"
#include "number.hpp"
#include "oci_state.hpp"
#include "plan.hpp"
#include "protocol.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <syslog.h>
#include <vector>

namespace po = boost::program_options;

namespace {

const char* const kProg = "jaildaemon-hook";

const char* const kUsage =
    "usage: jaildaemon-hook [--hook] [-n] [-C config] [-f socket] start MANAGER NAME [JID]\n"
    "       jaildaemon-hook [--hook] [-n] [-C config] [-f socket] stop MANAGER NAME\n"
    "       jaildaemon-hook [-C config] [-f socket] status MANAGER NAME\n"
    "       jaildaemon-hook [-C config] check\n"
    "       jaildaemon-hook [--hook] [-C config] [-f socket] lxc [NAME lxc TYPE]\n"
    "       jaildaemon-hook [--hook] [-C config] [-f socket] oci MANAGER < state\n"
    "       jaildaemon-hook list\n"
    "       jaildaemon-hook -h | -V\n";

struct Options {
    bool hook = false;
    bool dry_run = false;
    std::string config;
    bool config_given = false;
    std::string socket;
    std::vector<std::string> args;
};

bool g_hook = false;

// One line to stdout (info) or stderr (error), and to syslog in hook mode,
// where stderr may go nowhere (a jail started at boot).
void say(const std::string& line, bool error, int priority = LOG_WARNING) {
    std::FILE* f = error ? stderr : stdout;
    std::fprintf(f, "%s: %s\n", kProg, line.c_str());
    std::fflush(f);
    if (g_hook) {
        ::openlog(kProg, LOG_PID, LOG_DAEMON);
        ::syslog(error ? priority : LOG_NOTICE, "%s", line.c_str());
        ::closelog();
    }
}

// The exit status of a failure: its code interactively, 0 in hook mode. A
// broken configuration is the operator's to fix and leaves every jail
// without probes: logged as an error, not a warning.
int fail(int code, const std::string& line) {
    if (g_hook) {
        say(line + " (hook: jail start goes on)", true,
            code == jd::EX_CONFIG_ ? LOG_ERR : LOG_WARNING);
        return 0;
    }
    say(line, true);
    return code;
}

// The exit status when name breaks the manager's naming rules, after
// saying why; nothing when it is a name the manager could have given.
std::optional<int> bad_name(const jdhook::Manager& m, const std::string& name) {
    std::string why;
    if (m.valid_name(name, why))
        return std::nullopt;
    return fail(jd::EX_USAGE_, "bad jail name \"" + name + "\": " + why);
}

// Looks up the jid of the manager's jail name as the config says; jid gets
// it when found.
jdhook::Lookup running_jid(const jdhook::Config& cfg, const jdhook::Manager& m,
                           const std::string& name, std::optional<long>& jid, std::string& err) {
    long v = 0;
    auto r = jdhook::lookup_jid(cfg.jls, m.jail_name(name), v, err);
    if (r == jdhook::Lookup::found)
        jid = v;
    return r;
}

int do_list() {
    for (const auto& m : jdhook::managers()) {
        jdhook::Section none, with_dataset;
        with_dataset.dataset = "{dataset}";
        std::string snap = m.snapshot_template(none);
        if (snap.empty()) {
            std::string ds = m.snapshot_template(with_dataset);
            snap = "none: " + m.no_snapshot_reason(none);
            if (!ds.empty())
                snap = ds + "   (only with \"dataset\" set)";
        }
        auto cd = m.snapshot_cooldown();
        std::printf("%-9s %s\n", m.name().c_str(), m.description().c_str());
        std::string program = m.default_program(), restart = m.restart_template();
        if (program.empty())
            program = "none";
        if (restart.empty())
            restart = "none: " + m.name() + " has no restart command";
        std::printf("%-9s   program:  %s\n", "", program.c_str());
        std::printf("%-9s   restart:  %s\n", "", restart.c_str());
        std::printf("%-9s   snapshot: %s\n", "", snap.c_str());
        if (cd)
            std::printf("%-9s   cooldown: %u s between snapshots\n", "", unsigned(*cd));
    }
    std::printf("placeholders: {program} {name} {safename} {jid} {dataset} {zfs}\n");
    return 0;
}

// The request that registers planned probe p of jail name: what start
// sends, and what check validates.
jd::Request add_request(const jdhook::Plan& plan, const jdhook::PlannedProbe& p,
                        const jdhook::Manager& m, const std::string& name) {
    jd::Request req;
    req.op = jd::Op::add;
    req.probe.jail = plan.jid_known ? m.jail_spec(name, plan.jid) : plan.label;
    req.probe.label = plan.label; // the jail(8) name, whatever name the hook got
    req.probe.command = p.command;
    req.probe.title = p.title;
    req.probe.respawn = !p.respawn      ? jd::Respawn::none
                        : p.respawn_now ? jd::Respawn::now
                                        : jd::Respawn::after;
    // A name goes on the wire as a string: the probe looks it up in the
    // jail's own passwd and group.
    if (p.uid && p.uid->name.empty())
        req.probe.uid = p.uid->num;
    else if (p.uid)
        req.probe.user = p.uid->name;
    if (p.gid && p.gid->name.empty())
        req.probe.gid = p.gid->num;
    else if (p.gid)
        req.probe.group = p.gid->name;
    req.probe.cooldown_s = p.cooldown;
    return req;
}

int do_start(const Options& o, const jdhook::Config& cfg, const jdhook::Manager& m) {
    const std::string& name = o.args[2];
    std::string err;
    std::optional<long> jid;
    if (o.args.size() == 4) {
        long v = 0;
        if (!jd::parse_jid(o.args[3], v))
            return fail(jd::EX_USAGE_, "bad jid \"" + o.args[3] + "\"");
        jid = v;
    } else {
        if (auto rc = bad_name(m, name))
            return *rc;
        switch (running_jid(cfg, m, name, jid, err)) {
        case jdhook::Lookup::found:
            break;
        case jdhook::Lookup::unknown_jail:
            // A preview of a jail that is not running: its jid is not known
            // yet, everything else is.
            if (!o.dry_run)
                return fail(jd::EX_NOHOST_, err);
            say(m.name() + " jail " + name + ": " + err + "; its jid is shown as its name", false);
            break;
        case jdhook::Lookup::failed:
            if (!o.dry_run)
                return fail(jd::EX_UNAVAILABLE_, err);
            say(m.name() + " jail " + name + ": " + err + "; its jid is shown as its name", false);
            break;
        }
    }
    jdhook::Plan plan;
    if (!jdhook::make_plan(cfg, m, name, jid, plan, err))
        return fail(jd::EX_CONFIG_, err);
    if (plan.excluded) {
        say(m.name() + " jail " + name + " is excluded by the configuration; no probes", false);
        return 0;
    }
    for (const auto& note : plan.notes)
        say(m.name() + " jail " + name + ": " + note, false);
    if (plan.probes.empty()) {
        say(m.name() + " jail " + name + ": no probes configured", false);
        return 0;
    }
    // Every request is checked with the daemon's rules before anything is
    // sent, and with -n too: the titles here carry the manager prefix.
    std::vector<jd::Request> reqs;
    for (const auto& p : plan.probes) {
        jd::Request req = add_request(plan, p, m, name);
        jd::Error e;
        if (!jd::validate(req.probe, e))
            return fail(jd::EX_CONFIG_,
                        p.section + (p.section.empty() ? "" : " ") + p.title + ": " + e.what);
        reqs.push_back(std::move(req));
    }
    if (o.dry_run) {
        for (const auto& p : plan.probes)
            std::printf("%s\n", jdhook::as_command_line(plan, p).c_str());
        return 0;
    }

    std::string done;
    for (const jd::Request& req : reqs) {
        const std::string& title = req.probe.title;
        jd::Error e;
        jd::Reply reply;
        if (!jd::call_daemon(o.socket, req, reply, e))
            return fail(e.code, "cannot register " + title + " for " + m.name() + " jail " + name +
                                    ": " + e.what);
        if (!reply.ok)
            return fail(reply.code, "daemon refused " + title + " for " + m.name() + " jail " +
                                        name + ": " + reply.error);
        done += (done.empty() ? "" : ", ") + title + (reply.replaced ? " (replaced)" : "");
    }
    say(m.name() + " jail " + name + " (jid " + std::to_string(plan.jid) + "): registered " + done,
        false);
    return 0;
}

int do_stop(const Options& o, const jdhook::Config& cfg, const jdhook::Manager& m) {
    const std::string& name = o.args[2];
    if (auto rc = bad_name(m, name))
        return *rc;
    // start registered the probes with the jail(8) name as label: the
    // daemon finds them by it even when the jail is already gone.
    const std::string label = m.jail_name(name);
    // The built-in titles, and those of the [probe] sections for this jail.
    std::vector<std::string> titles = {jdhook::probe_title(cfg, m, jdhook::Kind::reboot),
                                       jdhook::probe_title(cfg, m, jdhook::Kind::snapshot)};
    for (const auto& d : cfg.declared)
        if (jdhook::declared_applies(d, m, name) &&
            std::find(titles.begin(), titles.end(), d.title) == titles.end())
            titles.push_back(d.title);
    if (o.dry_run) {
        // -n changes nothing, for stop too: what would be removed.
        for (const std::string& t : titles)
            std::printf("%s\n", jdhook::as_remove_line(label, t).c_str());
        return 0;
    }
    std::uint64_t removed = 0;
    for (const std::string& t : titles) {
        jd::Request req;
        req.op = jd::Op::remove;
        req.jail = label;
        req.title = t;
        jd::Reply reply;
        jd::Error e;
        if (!jd::call_daemon(o.socket, req, reply, e))
            return fail(e.code, "cannot remove " + req.title + " of " + m.name() + " jail " + name +
                                    ": " + e.what);
        if (reply.ok)
            removed += reply.removed;
        else if (reply.code != jd::EX_DATAERR_) // EX_DATAERR: there was none
            return fail(reply.code, "daemon refused to remove " + req.title + " of " + m.name() +
                                        " jail " + name + ": " + reply.error);
    }
    say(m.name() + " jail " + name + ": removed " + std::to_string(removed) + " probe" +
            (removed == 1 ? "" : "s"),
        false);
    return 0;
}

// Whether the probes start would register for the jail are registered now:
// one line each; exit 0 when all are, 1 when one is missing.
int do_status(const Options& o, const jdhook::Config& cfg, const jdhook::Manager& m) {
    const std::string& name = o.args[2];
    if (auto rc = bad_name(m, name))
        return *rc;
    // The daemon lists a probe by its jail's jid and display name (on
    // Linux "pid:N", whatever the label): the jid is looked up as start
    // does, and either matches.
    std::string err;
    std::optional<long> jid;
    switch (running_jid(cfg, m, name, jid, err)) {
    case jdhook::Lookup::found:
        break;
    case jdhook::Lookup::unknown_jail:
        std::printf("%s: not running\n", name.c_str());
        return 1;
    case jdhook::Lookup::failed:
        return fail(jd::EX_UNAVAILABLE_, err);
    }
    jdhook::Plan plan;
    if (!jdhook::make_plan(cfg, m, name, jid, plan, err))
        return fail(jd::EX_CONFIG_, err);
    if (plan.excluded) {
        std::printf("%s: excluded by the configuration\n", name.c_str());
        return 0;
    }
    jd::Request req;
    req.op = jd::Op::list;
    jd::Reply reply;
    jd::Error e;
    if (!jd::call_daemon(o.socket, req, reply, e))
        return fail(e.code, "cannot ask the daemon: " + e.what);
    if (!reply.ok)
        return fail(reply.code, "daemon refused the list: " + reply.error);
    int missing = 0;
    for (const auto& p : plan.probes) {
        const jd::ProbeInfo* found = nullptr;
        for (const auto& info : reply.probes)
            if ((info.jail == plan.label || info.jid == plan.jid) && info.title == p.title)
                found = &info;
        if (found)
            std::printf("%s: %s registered (id %llu, jid %ld, %s)\n", name.c_str(), p.title.c_str(),
                        static_cast<unsigned long long>(found->id), found->jid,
                        found->state.c_str());
        else
            std::printf("%s: %s not registered\n", name.c_str(), p.title.c_str());
        missing += found ? 0 : 1;
    }
    if (plan.probes.empty())
        std::printf("%s: no probes configured\n", name.c_str());
    return missing == 0 ? 0 : 1;
}

// The configuration is read as at a jail start, and every manager's plan is
// made for a sample jail, so that a template error shows now, not at boot.
int do_check(const Options& o) {
    jdhook::Config cfg;
    std::string err;
    if (!jdhook::load_config(o.config, o.config_given, cfg, err))
        return fail(jd::EX_CONFIG_, err);
    for (const auto& m : jdhook::managers()) {
        // The built-in probes, then each [probe] section on its own for
        // every manager it names, as if its jails matched the sample jail.
        std::vector<jdhook::Config> cases(1, cfg);
        cases[0].declared.clear();
        for (const auto& d : cfg.declared) {
            jdhook::Config one = cases[0];
            one.declared = {d};
            one.declared[0].jails.clear();
            cases.push_back(std::move(one));
        }
        for (const auto& c : cases) {
            jdhook::Plan plan;
            if (!jdhook::make_plan(c, m, "check", 1, plan, err))
                return fail(jd::EX_CONFIG_, c.declared.empty() ? o.config + ": " + err : err);
            for (const auto& p : plan.probes) {
                jd::Error e;
                if (!jd::validate(add_request(plan, p, m, "check").probe, e))
                    return fail(
                        jd::EX_CONFIG_,
                        (p.section.empty() ? o.config + ": [" + m.name() + "] " : p.section + " ") +
                            p.title + ": " + e.what);
            }
        }
    }
    std::printf("%s: ok\n", o.config.c_str());
    return 0;
}

// The hooks of the Linux managers, turned into start and stop. LXC runs
// `jaildaemon-hook --hook lxc` with NAME, "lxc" and the hook type appended
// (lxc.hook.version 0) or in LXC_NAME and LXC_HOOK_TYPE (version 1), and
// the container's init as LXC_PID.
bool lxc_args(Options& o, std::string& why) {
    auto env = [](const char* k) {
        const char* v = std::getenv(k);
        return std::string(v ? v : "");
    };
    std::string name = o.args.size() == 4 ? o.args[1] : env("LXC_NAME");
    std::string type = o.args.size() == 4 ? o.args[3] : env("LXC_HOOK_TYPE");
    if (name.empty() || type.empty()) {
        why = "lxc: no container name or hook type (run as lxc.hook.start-host or post-stop)";
        return false;
    }
    if (type == "start-host") {
        std::string pid = env("LXC_PID");
        if (pid.empty()) {
            why = "lxc: start-host hook without LXC_PID";
            return false;
        }
        o.args = {"start", "lxc", name, pid};
    } else if (type == "post-stop") {
        o.args = {"stop", "lxc", name};
    } else {
        why = "lxc: hook type \"" + type + "\" is neither start-host nor post-stop";
        return false;
    }
    return true;
}

// An OCI hook (podman's hooks.d): the container's state on standard input;
// its "jaildaemon" annotation names it. poststart: start; poststop: stop.
// Returns 1 with nothing to do (no annotation), 0 with o.args set.
int oci_args(Options& o, std::string& why) {
    std::string text;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0 && text.size() < (1u << 20))
        text.append(buf, n);
    jdhook::OciState st;
    if (!jdhook::parse_oci_state(text, st, why))
        return -1;
    if (st.name.empty())
        return 1;
    const std::string mgr = o.args[1];
    if (st.status == "stopped")
        o.args = {"stop", mgr, st.name};
    else if (st.pid > 0)
        o.args = {"start", mgr, st.name, std::to_string(st.pid)};
    else {
        why = "container " + st.name + " is " + st.status + " without a pid";
        return -1;
    }
    return 0;
}

int run(int argc, char** argv) {
    Options o;
    po::options_description desc("options");
    auto add = desc.add_options();
    add("help,h", "show this help");
    add("version,V", "show the version");
    add("hook", po::bool_switch(&o.hook), "hook mode: log failures, always exit 0");
    add("dry-run,n", po::bool_switch(&o.dry_run), "print the probes, register nothing");
    add("config,C", po::value(&o.config), "configuration file");
    add("socket,f", po::value(&o.socket), "control socket of the daemon");
    po::options_description hidden;
    hidden.add_options()("args", po::value(&o.args));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("args", -1);
    po::variables_map vm;
    // --hook must be known before anything can fail.
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--hook")
            g_hook = true;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& ex) {
        if (!g_hook)
            std::fputs(kUsage, stderr);
        return fail(jd::EX_USAGE_, ex.what());
    }
    if (vm.count("help")) {
        std::fputs(kUsage, stdout);
        std::cout << desc;
        return 0;
    }
    if (vm.count("version")) {
        std::printf("%s %s\n", kProg, JAILDAEMON_VERSION);
        return 0;
    }
    o.config_given = vm.count("config") > 0;
    if (!o.config_given)
        o.config = std::string(JAILDAEMON_SYSCONFDIR) + "/jaildaemon-hook.conf";

    if (!o.args.empty() && o.args[0] == "lxc" && (o.args.size() == 1 || o.args.size() == 4)) {
        std::string why;
        if (!lxc_args(o, why))
            return fail(jd::EX_USAGE_, why);
    } else if (!o.args.empty() && o.args[0] == "oci" && o.args.size() == 2) {
        std::string why;
        int r = oci_args(o, why);
        if (r < 0)
            return fail(jd::EX_DATAERR_, "oci: " + why);
        if (r > 0)
            return 0; // no "jaildaemon" annotation: not ours
    }
    const std::string verb = o.args.empty() ? "" : o.args[0];
    if (verb == "list" && o.args.size() == 1)
        return do_list();
    if (verb == "check" && o.args.size() == 1)
        return do_check(o);
    bool shape_ok = (verb == "start" && (o.args.size() == 3 || o.args.size() == 4)) ||
                    ((verb == "stop" || verb == "status") && o.args.size() == 3);
    if (!shape_ok) {
        if (!g_hook)
            std::fputs(kUsage, stderr);
        return fail(jd::EX_USAGE_,
                    verb.empty() ? "missing command" : "bad use of \"" + verb + "\"");
    }
    const jdhook::Manager* m = jdhook::find_manager(o.args[1]);
    if (m == nullptr)
        return fail(jd::EX_USAGE_,
                    "unknown manager \"" + o.args[1] + "\" (see: jaildaemon-hook list)");

    jdhook::Config cfg;
    std::string err;
    if (!jdhook::load_config(o.config, o.config_given, cfg, err))
        return fail(jd::EX_CONFIG_, err);
    // -f, then JAILDAEMON_SOCKET (the client's too), then the configuration.
    const char* env_socket = std::getenv("JAILDAEMON_SOCKET");
    if (o.socket.empty() && env_socket != nullptr && *env_socket != '\0')
        o.socket = env_socket;
    if (o.socket.empty())
        o.socket = cfg.socket.empty() ? std::string(JAILDAEMON_SOCKET) : cfg.socket;

    if (verb == "start")
        return do_start(o, cfg, *m);
    return verb == "stop" ? do_stop(o, cfg, *m) : do_status(o, cfg, *m);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& ex) {
        return fail(jd::EX_SOFTWARE_, std::string("internal error: ") + ex.what());
    }
}
