// Start-up and the loop of the daemon (-D): lock the pidfile and the state,
// load the state, claim the socket, detach, then run the engine (engine.hpp)
// and the control socket (control.hpp) on one event loop until SIGTERM or
// SIGINT.
#include "daemon.hpp"

#include "config.h"
#include "control.hpp"
#include "detach.hpp"
#include "engine.hpp"
#include "lockfile.hpp"
#include "log.hpp"
#include "probe_launcher.hpp"
#include "probe_spawn.hpp"
#include "state.hpp"
#include "title.hpp"
#include "unix_socket.hpp"
#include "watch_jails.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/signal_set.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace jd {

namespace {

void watch_hup(asio::signal_set& hup, const DaemonOptions& opts) {
    // SIGHUP to the daemon itself is not a trigger: newsyslog(8) and
    // logrotate moved the log file; open it again.
    hup.async_wait([&hup, &opts](const boost::system::error_code& ec, int) {
        if (ec)
            return;
        if (opts.foreground) {
            log_info("SIGHUP received; logging to standard error, nothing to reopen");
        } else {
            Error err;
            if (log_reopen(opts.log_file, err))
                log_info("SIGHUP received; log file " + opts.log_file + " reopened");
            else
                log_err("SIGHUP received; " + err.what + "; still logging to the old file");
        }
        watch_hup(hup, opts);
    });
}

} // namespace

int run_daemon(const DaemonOptions& opts) {
    // Each line goes to one place: syslog(3) with --syslog, else standard
    // error (the log file once detached, reopened on SIGHUP).
    log_open("jaildaemon", opts.syslog && !opts.foreground);
    Error err;
    auto fail = [&](const Error& e) {
        std::fprintf(stderr, "jaildaemon: %s\n", e.what.c_str());
        return e.code;
    };

    // Many probes, one pidfd each: take every descriptor we may have.
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    // Lock before bind: of two daemons started together exactly one wins,
    // and only one daemon ever writes a state file.
    Pidfile pidfile;
    pid_t other = 0;
    if (!pidfile.open(opts.pidfile, err, &other))
        return fail(err);
    StateFile state(opts.state_file);
    if (!state.make_dir(err))
        return fail(err);
    // One daemon per state file, whatever its pidfile.
    LockFile state_lock;
    if (!state_lock.open(opts.state_file + ".lock", err, &other)) {
        if (err.code == EX_UNAVAILABLE_)
            err.what = "state file " + opts.state_file + " is in use by another jaildaemon" +
                       (other > 0 ? " (pid " + std::to_string(other) + ")" : "") +
                       "; give each daemon its own --state";
        return fail(err);
    }
    SavedState saved;
    std::string corrupt, moved;
    if (!state.load(saved, err, &corrupt, &moved))
        return fail(err);
    std::string corrupt_line;
    if (!moved.empty()) {
        corrupt_line = "STATE FILE " + opts.state_file + " IS CORRUPT (" + corrupt +
                       "): moved aside to " + moved + "; starting with no probes";
        if (!opts.foreground)
            std::fprintf(stderr, "jaildaemon: %s\n", corrupt_line.c_str());
    }
    // Refused here, with one line and before anything is claimed, where
    // the kernel cannot report new jails (FreeBSD 14, Linux).
    if (opts.watch_jails && !jail_watch_supported(err))
        return fail(err);
    if (!claim_socket_path(opts.socket, err))
        return fail(err);
    ProbeImage image;
    if (!image.open(opts.probe_path, err))
        return fail(err);
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return fail(Error{EX_OSERR_, errno_text("/dev/null", errno)});

    // Listen before detaching: when -D returns, clients can connect.
    int listener = listen_unix(opts.socket, err);
    if (listener < 0)
        return fail(err);
    // Build the io_context only in the final process.
    int ready_fd = -1;
    if (!opts.foreground && !detach(opts.log_file, ready_fd, err))
        return fail(err);

    asio::io_context io;
    local::acceptor acceptor(io);
    acceptor.assign(local(), listener);
    if (!pidfile.write(err) || !state_lock.write(err))
        return fail(err);
    set_daemon_title("listening on " + opts.socket);
    // Writes to a client that went away must not kill us.
    signal(SIGPIPE, SIG_IGN);

    if (!corrupt_line.empty())
        log_err(corrupt_line);
    if (!state.load_note().empty())
        log_warn("state: " + state.load_note());
    // Before any probe or command exists: the spawn slots stay low.
    prepare_spawn();
    // Probes are children of this, the final process: they die with it.
    Engine engine(io, opts, image, devnull, state);
    Control control(io, std::move(acceptor),
                    [&engine](const std::string& line, uid_t peer, Engine::Done done) {
                        engine.handle(line, peer, std::move(done));
                    });

    std::unique_ptr<JailWatch> jail_watch;
    if (opts.watch_jails) {
        jail_watch = watch_jails(io, opts, err);
        if (!jail_watch)
            return fail(err);
        log_info("--watch-jails: new jails get the probes of " + opts.hook_path + " start watch");
    }

    asio::signal_set stop_signals(io, SIGTERM, SIGINT);
    stop_signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec)
            return;
        // The state file stays: the next daemon brings these probes back.
        log_info("signal " + std::to_string(sig) + ": stopping, " +
                 std::to_string(engine.probes()) + " probes killed (kept in " + state.path() + ")");
        control.close();
        ::unlink(opts.socket.c_str());
        engine.stop();
        io.stop();
    });
    asio::signal_set hup(io, SIGHUP);
    watch_hup(hup, opts);
    log_info("jaildaemon " JAILDAEMON_VERSION " listening on " + opts.socket + ", state " +
             state.path() + ", cooldown " + std::to_string(opts.limits.cooldown.count()) +
             " s (by default), at most " + std::to_string(opts.limits.max_commands) +
             " commands at once, command timeout " +
             std::to_string(opts.limits.command_timeout.count()) + " s");

    // Listening, pidfile written, every saved probe running again (or
    // failed its first try, logged): -D may return.
    engine.restore(saved, [&control, &ready_fd] {
        control.serve();
        if (ready_fd >= 0) {
            ssize_t n = ::write(ready_fd, "r", 1);
            (void)n;
            ::close(ready_fd);
            ready_fd = -1;
        }
    });
    // One handler that throws (a descriptor Asio could not register, say)
    // is logged and the loop goes on: nothing takes the daemon down.
    for (;;) {
        try {
            io.run();
            break;
        } catch (const std::exception& e) {
            log_err(std::string("internal error, carrying on: ") + e.what());
        }
    }
    state_lock.remove();
    pidfile.remove();
    log_info("stopped");
    return 0;
}

} // namespace jd
