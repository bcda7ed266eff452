#include "unix_socket.hpp"

#include "log.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
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

namespace {

// A unix stream socket and the address of path, for connect or bind.
int stream_socket(const std::string& path, struct sockaddr_un& sa, Error& err) {
    if (!unix_address(path, sa, err))
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        err.set(EX_OSERR_, errno_text("socket", errno));
    return fd;
}

} // namespace

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

// Is someone already answering on path? Removes a stale socket.
bool claim_socket_path(const std::string& path, Error& err) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0)
        return true;
    if (!S_ISSOCK(st.st_mode)) {
        err.set(EX_CANTCREAT_, path + " exists and is not a socket; not touching it");
        return false;
    }
    Error ignored;
    int fd = connect_unix(path, ignored);
    if (fd >= 0) {
        ::close(fd);
        err.set(EX_UNAVAILABLE_, "a jaildaemon already answers on " + path);
        return false;
    }
    log_info("removing stale socket " + path);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        err.set(EX_CANTCREAT_, errno_text("cannot remove stale socket " + path, errno));
        return false;
    }
    return true;
}

int listen_unix(const std::string& path, Error& err) {
    struct sockaddr_un sa;
    int fd = stream_socket(path, sa, err);
    if (fd < 0)
        return -1;
    // Mode 0600 from the start: there is no moment where others may connect.
    mode_t old = umask(077);
    int r = bind(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof sa);
    int e = errno;
    umask(old);
    if (r == 0 && chmod(path.c_str(), 0600) != 0)
        r = -1;
    if (r != 0 || listen(fd, 128) != 0) {
        if (r == 0)
            e = errno;
        ::close(fd);
        err.set(EX_CANTCREAT_, errno_text("cannot listen on " + path, e));
        return -1;
    }
    return fd;
}

} // namespace jd
