// jaildaemon: the daemon (-D) and its client (-c, -l, -x) in one program,
// like the original.
#include "cli.hpp"
#include "client.hpp"
#include "config.h"
#include "container_spec.hpp"
#include "daemon.hpp"
#include "host_uid.hpp"

#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace {

int fail(const jd::Error& e) {
    std::fprintf(stderr, "jaildaemon: %s\n", e.what.c_str());
    return e.code;
}

// "2025-11-29T14:02:33 exit 0 12ms", "... signal 9 3000ms", "... running", "-"
std::string last_run(const jd::ProbeInfo& p) {
    if (!p.last_run_ms)
        return "-";
    char stamp[32];
    std::time_t t = std::time_t(p.last_run_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = stamp;
    if (p.last_exit)
        out += " exit " + std::to_string(*p.last_exit);
    else if (p.last_signal)
        out += " signal " + std::to_string(*p.last_signal);
    else if (!p.last_ms)
        return out + " running";
    if (p.last_ms)
        out += " " + std::to_string(*p.last_ms) + "ms";
    return out;
}

int print_list(const jd::Reply& r, bool json) {
    if (json) {
        std::cout << jd::encode(r.probes);
        return 0;
    }
    std::printf("%-5s %-16s %-7s %-8s %-8s %-7s %-6s %-8s %-7s %-36s %-20s %s\n", "ID", "JAIL",
                "JID", "STATE", "PID", "RESPAWN", "COOL", "TRIGGERS", "PENDING", "LAST RUN",
                "TITLE", "COMMAND");
    for (const jd::ProbeInfo& p : r.probes)
        std::printf("%-5llu %-16s %-7ld %-8s %-8ld %-7s %-6s %-8llu %-7s %-36s %-20s %s\n",
                    (unsigned long long)p.id, p.jail.c_str(), p.jid, p.state.c_str(), p.pid,
                    jd::respawn_name(p.respawn), (std::to_string(p.cooldown) + "s").c_str(),
                    (unsigned long long)p.triggers, p.pending ? "yes" : "no", last_run(p).c_str(),
                    p.title.c_str(), p.command.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    jd::CliOptions o;
    jd::Error err;
    if (!jd::parse_cli(args, o, err)) {
        std::fprintf(stderr, "jaildaemon: %s\n%s", err.what.c_str(), jd::usage_text().c_str());
        return err.code;
    }
    switch (o.mode) {
    case jd::Mode::help:
        std::cout << jd::help_text();
        return 0;
    case jd::Mode::version:
        std::cout << "jaildaemon " JAILDAEMON_VERSION "\n";
        return 0;
    case jd::Mode::daemon:
        // An inherited "ignore SIGCHLD" would make the kernel reap probes
        // before the daemon sees how they ended.
        signal(SIGCHLD, SIG_DFL);
        return jd::run_daemon(o.daemon);
    default:
        break;
    }

    jd::Request req;
    if (o.mode == jd::Mode::add) {
        req.op = jd::Op::add;
        req.probe = o.probe;
        jd::warn_host_uid(o.probe.uid);
        std::string spec = o.probe.jail;
        if (!jd::resolve_manager_spec(spec, err))
            return fail(err);
        if (spec != o.probe.jail) {
            req.probe.label = o.probe.jail;
            req.probe.jail = spec;
        }
    } else if (o.mode == jd::Mode::list) {
        req.op = jd::Op::list;
        req.jail = o.jail;
    } else {
        req.op = jd::Op::remove;
        req.id = o.id;
        req.jail = o.jail;
        req.title = o.title;
    }
    jd::Reply reply;
    if (!jd::call_daemon(o.socket, req, reply, err))
        return fail(err);
    if (!reply.ok)
        return fail(jd::Error{reply.code ? reply.code : jd::EX_SOFTWARE_, reply.error});
    if (o.mode == jd::Mode::list)
        return print_list(reply, o.json);
    if (o.mode == jd::Mode::add && reply.replaced)
        std::fprintf(stderr, "jaildaemon: replaced the earlier probe %s in jail %s\n",
                     o.probe.title.c_str(), o.probe.jail.c_str());
    if (o.mode == jd::Mode::remove)
        std::fprintf(stderr, "jaildaemon: removed %llu probe(s)\n",
                     (unsigned long long)reply.removed);
    return 0;
}
