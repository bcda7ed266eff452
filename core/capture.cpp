// capture() with Boost.Process v2: the program is started by its default
// launcher (fork and exec on Linux, pdfork(2) on FreeBSD; an exec failure
// comes back through its error pipe), its standard output and error are
// read through Asio pipes on a private io_context, and a steady_timer is
// the deadline. Only the client side uses this (jaildaemon-hook, the
// container lookups of the client): the daemon starts nothing this way
// (ARCHITECTURE.md, "Dependencies").
#include "capture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/default_launcher.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace jd {

namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using boost::system::error_code;

constexpr std::size_t kCap = 64 * 1024;

// One pipe read to its end; at most kCap bytes are kept.
class Drain {
  public:
    Drain(asio::io_context& ctx, std::string& buf) : pipe(ctx), buf_(buf) {}
    void start(std::function<void()> done) {
        done_ = std::move(done);
        next();
    }
    asio::readable_pipe pipe;

  private:
    void next() {
        pipe.async_read_some(asio::buffer(chunk_), [this](error_code ec, std::size_t n) {
            if (ec) { // EOF, or cancelled at the deadline
                done_();
                return;
            }
            if (buf_.size() < kCap)
                buf_.append(chunk_.data(), n);
            next();
        });
    }
    std::string& buf_;
    std::array<char, 4096> chunk_{};
    std::function<void()> done_;
};

// argv[0] as execve(2) wants it: a path as it is, a bare name looked up in
// PATH. Empty when there is none.
bp::filesystem::path executable(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return name;
    return bp::environment::find_executable(name);
}

} // namespace

bool capture(const std::vector<std::string>& argv, Captured& c, std::string& err, int timeout_ms) {
    c = Captured{};
    bp::filesystem::path exe = executable(argv[0]);
    if (exe.empty()) {
        c.spawn_errno = ENOENT;
        err = argv[0] + ": " + std::strerror(ENOENT);
        return false;
    }
    asio::io_context ctx;
    Drain out(ctx, c.out), errout(ctx, c.errout);
    error_code ec;
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    // The executor, not the io_context: in 1.81 the io_context overload
    // that takes an error_code calls the throwing one.
    bp::process proc = bp::default_process_launcher()(
        ctx.get_executor(), ec, exe, args, bp::process_stdio{nullptr, out.pipe, errout.pipe});
    if (ec) {
        c.spawn_errno = ec.value();
        err = argv[0] + ": " + ec.message();
        return false;
    }

    // Done when both pipes are at their end and the program has exited, or
    // at the deadline, whichever comes first.
    int pending = 3;
    bool exited = false;
    asio::steady_timer deadline(ctx, std::chrono::milliseconds(timeout_ms));
    auto one_done = [&] {
        if (--pending == 0)
            deadline.cancel();
    };
    out.start(one_done);
    errout.start(one_done);
    proc.async_wait([&](error_code, int) {
        exited = true;
        one_done();
    });
    deadline.async_wait([&](error_code e) {
        if (e) // cancelled: everything finished
            return;
        c.timed_out = true;
        ctx.stop();
    });
    ctx.run();

    if (c.timed_out) {
        error_code ignored;
        proc.terminate(ignored); // SIGKILL, then reaped
        err = argv[0] + ": no answer within " + std::to_string(timeout_ms / 1000) + " s";
        return false;
    }
    if (!exited) {
        err = argv[0] + ": lost track of it";
        return false;
    }
    // The raw wait status: the portable exit code folds signals into codes.
    int ws = proc.native_exit_code();
    c.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return true;
}

} // namespace jd
