#include "unix_socket.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace jd {

bool unix_address(const std::string& path, struct sockaddr_un& sa, Error& err) {
    std::memset(&sa, 0, sizeof sa);
    if (path.empty() || path.size() >= sizeof sa.sun_path) {
        err.set(EX_USAGE_, "bad socket path (empty or longer than " +
                               std::to_string(sizeof sa.sun_path - 1) + " bytes): " + path);
        return false;
    }
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    return true;
}

int stream_socket(const std::string& path, struct sockaddr_un& sa, Error& err) {
    if (!unix_address(path, sa, err))
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        err.set(EX_OSERR_, errno_text("socket", errno));
    return fd;
}

int connect_unix(const std::string& path, Error& err) {
    struct sockaddr_un sa;
    int fd = stream_socket(path, sa, err);
    if (fd < 0)
        return -1;
    if (connect(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof sa) == 0)
        return fd;
    int e = errno;
    ::close(fd);
    if (e == EACCES || e == EPERM)
        err.set(EX_NOPERM_, "permission denied: " + path + " (only root may talk to jaildaemon)");
    else if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
        err.set(EX_UNAVAILABLE_,
                "no jaildaemon is running on " + path + " (start it with jaildaemon -D)");
    else
        err.set(EX_UNAVAILABLE_, errno_text("cannot connect to " + path, e));
    return -1;
}

} // namespace jd
