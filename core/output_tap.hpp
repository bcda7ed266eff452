// The output of a host command, line by line into the log: each line with
// the time (the log's own) and the probe (id and title), so that two
// commands running at once stay apart, and the last lines kept for -l -v.
//
// The command's stdout and stderr are the write end of a pipe that the
// daemon reads on its loop. The spawn gives a command the daemon's stderr
// (command_spawn.hpp); StderrSwap points that descriptor at the pipe for
// the one synchronous spawn call, and back.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace jd {

// How many lines of a command's output -l -v shows, and the longest line
// the log takes as one (longer ones are cut in pieces of this size).
constexpr std::size_t kOutputLines = 10;
constexpr std::size_t kOutputLineBytes = 512;

// Read fd (the pipe's read end, taken over) until EOF; for each line call
// line(text). Lines are cut at kOutputLineBytes; control bytes are escaped
// by the logger (quoted()).
void tap_output(boost::asio::io_context& io, int fd, std::function<void(const std::string&)> line);

// While it lives, the daemon's stderr is fd; then back to what it was.
// Single-threaded use only (the event loop): nothing else writes meanwhile.
class StderrSwap {
  public:
    explicit StderrSwap(int fd);
    ~StderrSwap();
    bool ok() const { return saved_ >= 0; }
    StderrSwap(const StderrSwap&) = delete;
    StderrSwap& operator=(const StderrSwap&) = delete;

  private:
    int saved_ = -1;
};

// Keep the last kOutputLines lines.
void keep_last(std::deque<std::string>& lines, const std::string& line);

} // namespace jd
