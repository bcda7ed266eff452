// FreeBSD: getpeereid(3). Checked against getpeereid(3). Not compiled or
// run on Linux: see README.md in this directory.
#include "../peer_creds.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace jd {

// The effective uid and gid the peer had when it called connect(2); neither
// side can change what the other sees afterwards. Fails (EBADF, ENOTSOCK,
// ENOTCONN, EINVAL) when they cannot be read.
bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    return getpeereid(fd, &uid, &gid) == 0;
}

// The probe is one process here, untraceable by the jail (procctl(2)
// PROC_TRACE_CTL_DISABLE) and in the jail from jail_attach(2) on: the
// launcher does not need the sender of its status messages.
bool want_sender_pid(int) {
    return false;
}

ssize_t recv_from_pid(int fd, void* buf, std::size_t len, pid_t& sender) {
    sender = -1;
    return recv(fd, buf, len, MSG_DONTWAIT);
}

} // namespace jd
