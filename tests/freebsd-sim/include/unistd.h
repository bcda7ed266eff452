/* FREEBSD SIMULATION, tests only: glibc's <unistd.h> plus what FreeBSD's
 * declares and glibc does not: setproctitle(3), getpeereid(3) (libbsd). */
#ifndef FBSDSIM_UNISTD_H
#define FBSDSIM_UNISTD_H
#include_next <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif
void setproctitle(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int getpeereid(int s, uid_t* euid, gid_t* egid);
#ifdef __cplusplus
}
#endif
#endif
