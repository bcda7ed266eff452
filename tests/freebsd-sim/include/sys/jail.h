/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): the part
 * of FreeBSD's <sys/jail.h> that core/freebsd/ uses, declared for Linux.
 * Values as in FreeBSD 15.0's sys/sys/jail.h; the calls are simulated by
 * tests/freebsd-sim/jail.cpp. */
#ifndef FBSDSIM_SYS_JAIL_H
#define FBSDSIM_SYS_JAIL_H

#include <sys/uio.h>

#define JAIL_CREATE 0x01
#define JAIL_UPDATE 0x02
#define JAIL_ATTACH 0x04
#define JAIL_DYING 0x08
#define JAIL_USE_DESC 0x10
#define JAIL_AT_DESC 0x20
#define JAIL_GET_DESC 0x40
#define JAIL_OWN_DESC 0x80

#ifdef __cplusplus
extern "C" {
#endif
int jail_get(struct iovec*, unsigned int, int);
int jail_attach(int);
int jail_remove(int);
/* FreeBSD 15 only; core/freebsd calls them through syscall(2). */
int jail_attach_jd(int);
int jail_remove_jd(int);
#ifdef __cplusplus
}
#endif

#endif
