#include "client.hpp"

#include "unix_socket.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace jd {

namespace {

// Wait until fd is ready for events or the deadline passes.
bool wait_fd(int fd, short events, int timeout_ms) {
    struct pollfd p = {fd, events, 0};
    int r;
    while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    return r == 1;
}

} // namespace

bool call_daemon(const std::string& sockpath, const Request& req, Reply& reply, Error& err,
                 int timeout_ms) {
    int fd = connect_unix(sockpath, err);
    if (fd < 0)
        return false;
    std::string out = encode(req);
    std::size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            ::close(fd);
            err.set(EX_PROTOCOL_, errno_text("sending to jaildaemon", e));
            return false;
        }
        sent += std::size_t(n);
    }
    std::string in;
    char buf[4096];
    for (;;) {
        if (!wait_fd(fd, POLLIN, timeout_ms)) {
            ::close(fd);
            err.set(EX_TEMPFAIL_,
                    "jaildaemon did not answer within " + std::to_string(timeout_ms / 1000) + " s");
            return false;
        }
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            err.set(EX_PROTOCOL_, errno_text("reading from jaildaemon", e));
            return false;
        }
        if (n == 0)
            break;
        in.append(buf, std::size_t(n));
        if (in.back() == '\n')
            break;
    }
    ::close(fd);
    if (in.empty()) {
        err.set(EX_PROTOCOL_, "jaildaemon closed the connection without an answer");
        return false;
    }
    return decode(in, reply, err);
}

} // namespace jd
