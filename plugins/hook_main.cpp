// jaildaemon-hook: registers a jail's REBOOT and SNAPSHOT probes with the
// running jaildaemon when the jail manager starts the jail.
//
//   jaildaemon-hook [--hook] [-n] [-C conf] [-f sock] start MANAGER NAME [JID]
//   jaildaemon-hook [--hook] [-C conf] [-f sock] stop MANAGER NAME
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
#include "plan.hpp"
#include "protocol.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <syslog.h>
#include <vector>

namespace po = boost::program_options;

namespace {

const char* const kProg = "jaildaemon-hook";

const char* const kUsage =
    "usage: jaildaemon-hook [--hook] [-n] [-C config] [-f socket] start MANAGER NAME [JID]\n"
    "       jaildaemon-hook [--hook] [-C config] [-f socket] stop MANAGER NAME\n"
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
void say(const std::string& line, bool error) {
    std::FILE* f = error ? stderr : stdout;
    std::fprintf(f, "%s: %s\n", kProg, line.c_str());
    std::fflush(f);
    if (g_hook) {
        ::openlog(kProg, LOG_PID, LOG_DAEMON);
        ::syslog(error ? LOG_WARNING : LOG_NOTICE, "%s", line.c_str());
        ::closelog();
    }
}

// The exit status of a failure: its code interactively, 0 in hook mode.
int fail(int code, const std::string& line) {
    if (g_hook) {
        say(line + " (hook: jail start goes on)", true);
        return 0;
    }
    say(line, true);
    return code;
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
        std::printf("%-9s   program:  %s\n", "", m.default_program().c_str());
        std::printf("%-9s   restart:  %s\n", "", m.restart_template().c_str());
        std::printf("%-9s   snapshot: %s\n", "", snap.c_str());
        if (cd)
            std::printf("%-9s   cooldown: %u s between snapshots\n", "", unsigned(*cd));
    }
    std::printf("placeholders: {program} {name} {safename} {jid} {dataset}\n");
    return 0;
}

int do_start(const Options& o, const jdhook::Config& cfg, const jdhook::Manager& m) {
    const std::string& name = o.args[2];
    std::string err;
    long jid = 0;
    if (o.args.size() == 4) {
        if (!jd::parse_jid(o.args[3], jid))
            return fail(jd::EX_USAGE_, "bad jid \"" + o.args[3] + "\"");
    } else {
        std::string why;
        if (!m.valid_name(name, why))
            return fail(jd::EX_USAGE_, "bad jail name \"" + name + "\": " + why);
        switch (jdhook::lookup_jid(cfg.jls, m.jail_name(name), jid, err)) {
        case jdhook::Lookup::found:
            break;
        case jdhook::Lookup::unknown_jail:
            return fail(jd::EX_NOHOST_, err);
        case jdhook::Lookup::failed:
            return fail(jd::EX_UNAVAILABLE_, err);
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
        jd::Request req;
        req.op = jd::Op::add;
        req.probe.jail = std::to_string(plan.jid);
        req.probe.label = plan.label; // the jail(8) name, whatever name the hook got
        req.probe.command = p.command;
        req.probe.title = p.title;
        req.probe.respawn = p.respawn ? jd::Respawn::after : jd::Respawn::none;
        if (p.uid)
            req.probe.uid = *p.uid;
        if (p.gid)
            req.probe.gid = *p.gid;
        req.probe.cooldown_s = p.cooldown;
        jd::Error e;
        if (!jd::validate(req.probe, e))
            return fail(jd::EX_CONFIG_, p.title + ": " + e.what);
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
    std::string why;
    if (!m.valid_name(name, why))
        return fail(jd::EX_USAGE_, "bad jail name \"" + name + "\": " + why);
    // start registered the probes with the jail(8) name as label: the
    // daemon finds them by it even when the jail is already gone.
    const std::string label = m.jail_name(name);
    std::uint64_t removed = 0;
    for (jdhook::Kind k : {jdhook::Kind::reboot, jdhook::Kind::snapshot}) {
        jd::Request req;
        req.op = jd::Op::remove;
        req.jail = label;
        req.title = jdhook::probe_title(cfg, m, k);
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

    const std::string verb = o.args.empty() ? "" : o.args[0];
    if (verb == "list" && o.args.size() == 1)
        return do_list();
    bool shape_ok = (verb == "start" && (o.args.size() == 3 || o.args.size() == 4)) ||
                    (verb == "stop" && o.args.size() == 3);
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
    if (o.socket.empty())
        o.socket = cfg.socket.empty() ? std::string(JAILDAEMON_SOCKET) : cfg.socket;

    return verb == "start" ? do_start(o, cfg, *m) : do_stop(o, cfg, *m);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& ex) {
        return fail(jd::EX_SOFTWARE_, std::string("internal error: ") + ex.what());
    }
}
