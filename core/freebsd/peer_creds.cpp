// FreeBSD: getpeereid(3). Checked against getpeereid(3). Not compiled or
// run on Linux: see README.md in this directory.
#include "../peer_creds.hpp"

#include <unistd.h>

namespace jd {

// The effective uid and gid the peer had when it called connect(2); neither
// side can change what the other sees afterwards. Fails (EBADF, ENOTSOCK,
// ENOTCONN, EINVAL) when they cannot be read.
bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    return getpeereid(fd, &uid, &gid) == 0;
}

} // namespace jd
