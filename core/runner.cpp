#include "runner.hpp"

#include "child_watch.hpp"
#include "command_spawn.hpp"
#include "log.hpp"
#include "shell_words.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace jd {

std::string status_text(int st) {
    if (WIFEXITED(st))
        return "exit " + std::to_string(WEXITSTATUS(st));
    if (WIFSIGNALED(st))
        return "signal " + std::to_string(WTERMSIG(st));
    return "status " + std::to_string(st);
}

namespace {

// Spawn exe (command_spawn.hpp: cwd /, stdin /dev/null, stdout and stderr
// to the log, nothing else open, default signals, own process group).
// Not with Boost.Process (no longer used): its launchers call
// io_context::notify_fork() in the child, which re-registers every
// descriptor of the event loop (one per probe) before exec; it reaps as it
// learns of the exit (after which the process group id may be reused), and
// throws when it cannot get a pidfd (EMFILE). watch_exit() (child_watch.hpp)
// reports the exit and leaves the reaping to us (see Runner::run).
int spawn(const std::string& exe, std::vector<std::string> args, std::vector<std::string>& env,
          pid_t& pid) {
    std::vector<char*> argv = c_strings(args), envp = c_strings(env);
    return spawn_command(exe.c_str(), argv.data(), envp.data(), pid);
}

// SIGKILL to every descendant of leader, again every 10 ms while there
// were any (one may fork before its signal lands; its orphan comes to the
// stopped leader), then to the leader's group and the leader. Never waits.
// ended: the leader has ended (it may be reaped: its pid is no longer ours).
void kill_tree(std::shared_ptr<boost::asio::steady_timer> timer, pid_t leader,
               std::shared_ptr<bool> ended, int pass) {
    if (*ended)
        return;
    if (signal_descendants(leader, SIGKILL) > 0 && pass < 100) {
        timer->expires_after(std::chrono::milliseconds(10));
        timer->async_wait([timer, leader, ended, pass](const boost::system::error_code& ec) {
            if (!ec)
                kill_tree(timer, leader, ended, pass + 1);
        });
        return;
    }
    ::killpg(leader, SIGKILL);
    ::kill(leader, SIGKILL);
}

} // namespace

Runner::Runner(boost::asio::io_context& io) : io_(io) {}
Runner::~Runner() = default;

bool Runner::run(const CommandJob& job, std::function<void(const CommandResult&)> done,
                 Error& err) {
    std::vector<std::string> env = {
        std::string("PATH=") + kCommandPath,
        "HOME=/",
        "SHELL=/bin/sh",
        "JAILDAEMON_JAIL=" + job.jail,
        "JAILDAEMON_JID=" + std::to_string(job.jid),
        "JAILDAEMON_TITLE=" + job.title,
    };
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = -1;
    // A plain command (one program, arguments without anything for a shell
    // to expand) is exec'd directly, as make(1) does: no shell to start.
    // Anything else, and anything that fails that way (say a script without
    // #!), goes through /bin/sh -c as it always did, which also reports
    // errors the usual way.
    if (auto words = plain_words(job.command)) {
        std::string exe = find_program(words->front(), kCommandPath);
        if (!exe.empty()) {
            env.push_back("PWD=/"); // what sh would have exported
            if (spawn(exe, std::move(*words), env, pid) != 0)
                pid = -1;
            env.pop_back();
        }
    }
    if (pid < 0) {
        if (int e = spawn("/bin/sh", {"/bin/sh", "-c", job.command}, env, pid)) {
            err.set(EX_OSERR_, std::string("cannot start /bin/sh: ") + std::strerror(e));
            return false;
        }
    }
    ++running_;
    last_pid_ = pid;
    // The command leads its own process group: its pid is the group id,
    // valid until we reap it below: every killpg() happens before that.
    pid_t pgid = pid;
    auto timed_out = std::make_shared<bool>(false);
    // Set once the command has ended: a timer handler already queued then
    // must not signal what may no longer be ours.
    auto ended = std::make_shared<bool>(false);
    std::shared_ptr<boost::asio::steady_timer> timer;
    if (job.timeout.count() > 0) {
        timer = std::make_shared<boost::asio::steady_timer>(io_, job.timeout);
        std::string what = "command of probe " + quoted(job.title) + " in jail " + job.jail;
        auto secs = job.timeout.count();
        timer->async_wait([timer, pid, timed_out, ended, what,
                           secs](const boost::system::error_code& ec) {
            if (ec || *ended)
                return;
            *timed_out = true;
            log_warn(what + " outlived its timeout of " + std::to_string(secs) +
                     " s: killing it and everything it started (process " + std::to_string(pid) +
                     " stopped, the others SIGTERM; all SIGKILL " + "after 3 s)");
            // Stopped, the command cannot end: it stays the reaper of
            // what it started (command_spawn.hpp), so nothing of it can
            // leave its tree until all of it is killed.
            ::kill(pid, SIGSTOP);
            signal_descendants(pid, SIGTERM);
            timer->expires_after(std::chrono::seconds(3));
            timer->async_wait([timer, pid, ended](const boost::system::error_code& ec2) {
                if (!ec2)
                    kill_tree(timer, pid, ended, 0);
            });
        });
    }
    watch_exit(io_, pid, [this, pid, t0, pgid, timer, timed_out, ended, done = std::move(done)] {
        --running_;
        *ended = true;
        if (timer)
            timer->cancel();
        // What the command left behind in its group after a timeout goes
        // too, while the leader's zombie still holds the group id. (What it
        // orphaned after it ended is init's, out of reach.)
        if (*timed_out)
            ::killpg(pgid, SIGKILL);
        CommandResult r;
        int st = 0;
        pid_t w;
        while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
        }
        r.status = w == pid ? st : -1;
        r.took = std::chrono::steady_clock::now() - t0;
        r.timed_out = *timed_out;
        done(r);
    });
    return true;
}

} // namespace jd
