#include "runner.hpp"

#include "log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace bp = boost::process::v2;

namespace jd {

std::string status_text(int st) {
    if (WIFEXITED(st))
        return "exit " + std::to_string(WEXITSTATUS(st));
    if (WIFSIGNALED(st))
        return "signal " + std::to_string(WTERMSIG(st));
    return "status " + std::to_string(st);
}

namespace {

// Runs in the forked child before exec: lead a process group of its own,
// so that a timeout can kill the command and everything it started.
struct own_process_group {
    bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                                 const char* const*) {
        if (setpgid(0, 0) != 0)
            return bp::error_code(errno, bp::system_category());
        return {};
    }
};

} // namespace

Runner::Runner(boost::asio::io_context& io) : io_(io) {}
Runner::~Runner() = default;

bool Runner::start(const CommandJob& job, std::function<void(const CommandResult&)> done,
                   Error& err) {
    std::vector<std::string> env = {
        "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
        "HOME=/",
        "SHELL=/bin/sh",
        "JAILDAEMON_JAIL=" + job.jail,
        "JAILDAEMON_JID=" + std::to_string(job.jid),
        "JAILDAEMON_TITLE=" + job.title,
    };
    auto t0 = std::chrono::steady_clock::now();
    std::shared_ptr<bp::process> proc;
    try {
        // stdout/stderr stay the daemon's: its log.
        proc = std::make_shared<bp::process>(
            io_, "/bin/sh", std::vector<std::string>{"-c", job.command},
            bp::process_stdio{nullptr, STDERR_FILENO, STDERR_FILENO}, bp::process_start_dir("/"),
            bp::process_environment(env), own_process_group{});
    } catch (const std::exception& e) {
        err.set(EX_OSERR_, std::string("cannot start /bin/sh: ") + e.what());
        return false;
    }
    ++running_;
    // The command leads its own process group (own_process_group): its pid
    // is the group id, valid until we reap it below.
    pid_t pgid = proc->id();
    auto timed_out = std::make_shared<bool>(false);
    std::shared_ptr<boost::asio::steady_timer> timer;
    if (job.timeout.count() > 0) {
        timer = std::make_shared<boost::asio::steady_timer>(io_, job.timeout);
        std::string what = "command of probe " + quoted(job.title) + " in jail " + job.jail;
        auto secs = job.timeout.count();
        timer->async_wait([timer, pgid, timed_out, what, secs](const bp::error_code& ec) {
            if (ec)
                return;
            *timed_out = true;
            log_warn(what + " outlived its timeout of " + std::to_string(secs) +
                     " s: killing process group " + std::to_string(pgid) + " (SIGTERM, SIGKILL " +
                     "after 3 s)");
            ::killpg(pgid, SIGTERM);
            timer->expires_after(std::chrono::seconds(3));
            timer->async_wait([pgid](const bp::error_code& ec2) {
                if (!ec2)
                    ::killpg(pgid, SIGKILL);
            });
        });
    }
    proc->async_wait(
        [this, proc, t0, pgid, timer, timed_out, done = std::move(done)](bp::error_code, int) {
            --running_;
            if (timer)
                timer->cancel();
            // What the command left behind in its group after a timeout goes too.
            if (*timed_out)
                ::killpg(pgid, SIGKILL);
            CommandResult r;
            r.status = proc->native_exit_code();
            r.took = std::chrono::steady_clock::now() - t0;
            r.timed_out = *timed_out;
            done(r);
        });
    return true;
}

} // namespace jd
