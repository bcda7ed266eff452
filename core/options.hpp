// What the daemon (-D) is told on its command line: parsed by cli.cpp,
// used by run_daemon() and the probe engine.
#pragma once

#include "admission.hpp"

#include <string>

namespace jd {

struct DaemonOptions {
    bool foreground = false;
    std::string pidfile;
    std::string socket;
    std::string probe_path;
    std::string log_file; // detached daemon's stderr, reopened on SIGHUP
    bool syslog = false;  // daemon's own lines to syslog(3) instead
    bool allow_host = false;
    std::string state_file; // persisted registry
    // --watch-jails[=CONFIG]: every new jail gets the standing probes of
    // `HOOK --hook [-C CONFIG] -f SOCKET start watch NAME JID` (FreeBSD 15).
    bool watch_jails = false;
    std::string watch_config; // empty: the hook's default configuration
    std::string hook_path;    // --hook: jaildaemon-hook
    Limits limits;            // cooldown, concurrent commands, command timeout
};

} // namespace jd
