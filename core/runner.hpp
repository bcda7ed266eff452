// Running a probe's command on the host: /bin/sh -c COMMAND, cwd /, stdin
// /dev/null, stdout and stderr to the daemon's log, a clean environment.
// A command that is one program with plain arguments (shell_words.hpp) is
// exec'd directly, with what sh would have passed it. Asynchronous: the
// event loop never waits for a command.
#pragma once

#include "error.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>

namespace boost::asio {
class io_context;
}

namespace jd {

struct CommandJob {
    std::string command;
    std::string jail; // JAILDAEMON_JAIL
    long jid = 0;     // JAILDAEMON_JID
    std::string title;
    // Past this the command and everything it started are killed, also
    // what left its process group or session: the command is stopped, the
    // rest gets SIGTERM, all of it SIGKILL 3 s later. 0: no limit.
    std::chrono::seconds timeout{0};
};

struct CommandResult {
    int status = 0; // wait(2) status
    std::chrono::steady_clock::duration took{};
    bool timed_out = false; // killed for outliving CommandJob::timeout
};

// "exit 0", "exit 3", "signal 9"
std::string status_text(int wait_status);

class Runner {
  public:
    explicit Runner(boost::asio::io_context& io);
    ~Runner();
    // Run job: spawn it; done runs on the event loop when it has ended. The
    // command leads its own process group and is the reaper of what it
    // starts (command_spawn.hpp). Returns false with err when it could not
    // be spawned.
    bool run(const CommandJob& job, std::function<void(const CommandResult&)> done, Error& err);
    std::size_t running() const { return running_; }
    // Host pid of the command the last successful run() started.
    pid_t last_pid() const { return last_pid_; }

  private:
    boost::asio::io_context& io_;
    std::size_t running_ = 0;
    pid_t last_pid_ = 0;
};

} // namespace jd
