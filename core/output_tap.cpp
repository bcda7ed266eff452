#include "output_tap.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <unistd.h>

namespace asio = boost::asio;

namespace jd {

namespace {

struct Tap : std::enable_shared_from_this<Tap> {
    Tap(asio::io_context& io, int fd, std::function<void(const std::string&)> fn)
        : sd(io, fd), line(std::move(fn)) {}
    asio::posix::stream_descriptor sd;
    std::function<void(const std::string&)> line;
    std::string partial;
    char buf[4096];

    void read() {
        auto self = shared_from_this();
        sd.async_read_some(asio::buffer(buf), [self](const boost::system::error_code& ec,
                                                     std::size_t n) { self->got(ec, n); });
    }
    void got(const boost::system::error_code& ec, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            if (buf[i] == '\n') {
                line(partial);
                partial.clear();
                continue;
            }
            partial += buf[i];
            if (partial.size() == kOutputLineBytes) {
                line(partial);
                partial.clear();
            }
        }
        if (ec) {
            if (!partial.empty())
                line(partial);
            return; // EOF or error: the descriptor closes with us
        }
        read();
    }
};

} // namespace

void tap_output(asio::io_context& io, int fd, std::function<void(const std::string&)> line) {
    auto t = std::make_shared<Tap>(io, fd, std::move(line));
    t->read();
}

StderrSwap::StderrSwap(int fd) {
    saved_ = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved_ >= 0 && dup2(fd, STDERR_FILENO) < 0) {
        ::close(saved_);
        saved_ = -1;
    }
}

StderrSwap::~StderrSwap() {
    if (saved_ < 0)
        return;
    dup2(saved_, STDERR_FILENO);
    ::close(saved_);
}

void keep_last(std::deque<std::string>& lines, const std::string& line) {
    lines.push_back(line);
    while (lines.size() > kOutputLines)
        lines.pop_front();
}

} // namespace jd
