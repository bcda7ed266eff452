// Linux: SO_PEERCRED, the credentials the peer had when it connected.
#include "peer_creds.hpp"

#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>

namespace jd {

bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return false;
    uid = cred.uid;
    gid = cred.gid;
    return true;
}

bool want_sender_pid(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0;
}

ssize_t recv_from_pid(int fd, void* buf, std::size_t len, pid_t& sender) {
    // SCM_CREDENTIALS: filled in by the kernel for every message once
    // SO_PASSCRED is on (a sender may state other ids only with privilege
    // over the pid namespace and the ids it names).
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {buf, len};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    sender = -1;
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0)
        return n;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
            c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
            struct ucred cred;
            std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
            sender = cred.pid;
        }
    return n;
}

} // namespace jd
