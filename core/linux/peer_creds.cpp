// Linux: SO_PEERCRED, the credentials the peer had when it connected.
#include "peer_creds.hpp"

#include <sys/socket.h>

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

} // namespace jd
