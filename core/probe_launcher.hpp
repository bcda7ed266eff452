// Launching probes, asynchronously: bringing a registered probe up in its
// jail. The daemon spawns the static probe program on the host (outside
// every jail; probe_spawn.hpp), hands it its configuration on a status
// socket, and waits in the event loop for "ready" or the exact error. It
// never blocks on anything a jail controls.
#pragma once

#include "error.hpp"
#include "jail.hpp"
#include "protocol.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <unordered_map>

namespace boost::asio {
class io_context;
}

namespace jd {

struct ProbeStatus;

// The probe program, checked once when the daemon starts.
class ProbeImage {
  public:
    // path must be a regular executable file that only root can change.
    bool open(const std::string& path, Error& err);
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// Where the exit status of a started probe goes. Until the daemon says
// where (set()), a status that comes in is kept and delivered on set().
class ExitSlot {
  public:
    explicit ExitSlot(boost::asio::io_context& io) : io_(io) {}
    void set(std::function<void(int status)> fn);
    void fire(int status);

  private:
    boost::asio::io_context& io_;
    std::function<void(int)> fn_;
    std::optional<int> early_;
};

class ProbeLauncher {
  public:
    // Called once, from the event loop: with the probe's host pid and its
    // exit slot once it is ready, or with pid -1 and err.
    using Done = std::function<void(pid_t pid, std::shared_ptr<ExitSlot> exit, const Error& err)>;

    ProbeLauncher(boost::asio::io_context& io, const ProbeImage& image, int devnull);
    ~ProbeLauncher();

    using Deadline = std::optional<std::chrono::steady_clock::time_point>;
    // Launch a probe for spec in jail. At most kMaxInFlight launch at once;
    // more wait their turn. Not ready by deadline (by default kReadySeconds
    // after it starts): killed, and done gets the error.
    void launch(std::shared_ptr<Jail> jail, const ProbeSpec& spec, Done done,
                Deadline deadline = {});
    // SIGKILL every probe still launching (daemon stop); their Done is not
    // called.
    void kill_all();
    std::size_t in_flight() const { return running_; }

    static constexpr std::size_t kMaxInFlight = 64;
    static constexpr int kReadySeconds = 5;

  private:
    struct Launch;
    struct Queued {
        std::shared_ptr<Jail> jail;
        ProbeSpec spec;
        Done done;
        Deadline deadline;
    };
    void begin(Queued q);
    void finish(const std::shared_ptr<Launch>& l, pid_t pid, const Error& err);
    struct Reports;
    void open_reports();
    void read_reports();
    void refused(pid_t from, const ProbeStatus& s);
    void next();

    boost::asio::io_context& io_;
    const ProbeImage& image_;
    int devnull_;
    std::size_t running_ = 0;
    std::deque<Queued> queue_;
    // The launches not finished yet (a finished one lives on in its exit
    // watchers, as long as its probe runs).
    std::unordered_map<const Launch*, std::weak_ptr<Launch>> live_;
    // Every child the launcher has and has not reaped (stage 1 and probes),
    // with its launch: a status message naming one of them is refused.
    std::unordered_map<pid_t, std::weak_ptr<Launch>> ours_;
    // The probes' report socket (refused triggers), shared by all.
    std::unique_ptr<Reports> reports_;
};

} // namespace jd
