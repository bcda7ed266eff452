#include "watch_jails.hpp"

#include "child_watch.hpp"
#include "command_spawn.hpp"
#include "jail.hpp"
#include "log.hpp"

#include <boost/asio/io_context.hpp>

#include <cstring>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace jd {

namespace {

// The hook for jail jid, as a host command: no shell, a fixed environment.
void run_hook(boost::asio::io_context& io, const DaemonOptions& opts, long jid) {
    Error err;
    std::unique_ptr<Jail> jail = open_jail(std::to_string(jid), JailOptions{}, err);
    if (!jail) {
        log_warn("--watch-jails: jail " + std::to_string(jid) +
                 " appeared and is gone: " + err.what);
        return;
    }
    const std::string name = jail->name();
    std::vector<std::string> args = {opts.hook_path, "--hook"};
    if (!opts.watch_config.empty())
        args.insert(args.end(), {"-C", opts.watch_config});
    args.insert(args.end(), {"-f", opts.socket, "start", "watch", name, std::to_string(jid)});
    std::vector<std::string> env = {std::string("PATH=") + kCommandPath};
    std::vector<char*> argv = c_strings(args), envp = c_strings(env);
    pid_t pid = 0;
    if (int e = spawn_command(argv[0], argv.data(), envp.data(), pid); e != 0) {
        log_err("--watch-jails: jail " + name + " (jid " + std::to_string(jid) +
                "): " + opts.hook_path + ": " + std::strerror(e));
        return;
    }
    log_info("--watch-jails: jail " + name + " (jid " + std::to_string(jid) +
             ") appeared: running " + opts.hook_path + " (pid " + std::to_string(pid) + ")");
    watch_child(io, pid, [name, jid](int status) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            return;
        log_warn("--watch-jails: jail " + name + " (jid " + std::to_string(jid) +
                 "): jaildaemon-hook ended with status " + std::to_string(status));
    });
}

} // namespace

std::unique_ptr<JailWatch> watch_jails(boost::asio::io_context& io, const DaemonOptions& opts,
                                       Error& err) {
    return open_jail_watch(
        io,
        [&io, &opts](long jid) {
            if (jid == 0) {
                log_warn("--watch-jails: several jails appeared at once and the kernel named "
                         "none (NOTE_JAIL_MULTI): give them their probes with jaildaemon-hook "
                         "start watch NAME");
                return;
            }
            run_hook(io, opts, jid);
        },
        err);
}

} // namespace jd
