// jaildaemon: the daemon (-D) and its client (-c, -l, -x) in one program,
// like the original.
#include "cli.hpp"
#include "client.hpp"
#include "config.h"
#include "container_spec.hpp"
#include "daemon.hpp"
#include "host_uid.hpp"
#include "list_view.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace {

int fail(const jd::Error& e) {
    std::fprintf(stderr, "jaildaemon: %s\n", e.what.c_str());
    return e.code;
}

int print_list(const jd::Reply& r, const jd::CliOptions& o) {
    if (o.json)
        std::cout << jd::encode(r.probes);
    else if (o.verbose)
        std::cout << jd::list_verbose(r.probes);
    else
        std::cout << jd::list_table(r.probes);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    jd::CliOptions o;
    jd::Error err;
    if (!jd::parse_cli(args, o, err)) {
        std::fprintf(stderr, "jaildaemon: %s (jaildaemon --help for usage)\n", err.what.c_str());
        return err.code;
    }
    for (const std::string& w : o.warnings)
        std::fprintf(stderr, "jaildaemon: warning: %s\n", w.c_str());
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
        std::string spec = o.probe.jail;
        if (!jd::resolve_manager_spec(spec, err))
            return fail(err);
        jd::warn_host_uid(o.probe.uid, spec);
        if (spec != o.probe.jail) {
            req.probe.label = o.probe.jail;
            req.probe.jail = spec;
        }
    } else if (o.mode == jd::Mode::list) {
        req.op = jd::Op::list;
        req.jail = o.jail;
        req.all = o.all;
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
        return print_list(reply, o);
    if (o.mode == jd::Mode::add && reply.replaced)
        std::fprintf(stderr, "jaildaemon: replaced the earlier probe %s in jail %s\n",
                     o.probe.title.c_str(), o.probe.jail.c_str());
    if (o.mode == jd::Mode::remove)
        std::fprintf(stderr, "jaildaemon: removed %llu probe(s)\n",
                     (unsigned long long)reply.removed);
    return 0;
}
