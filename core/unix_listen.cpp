// The daemon's half of unix_socket.hpp: taking the socket path and
// listening on it. Kept out of unix_socket.cpp, which the client links.
#include "unix_socket.hpp"

#include "log.hpp"

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jd {

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
