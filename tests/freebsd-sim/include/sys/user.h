/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): the part
 * of FreeBSD's struct kinfo_proc (sys/sys/user.h) that core/freebsd/ reads.
 * Not FreeBSD's layout: only the fields the backend uses, filled in by the
 * simulated sysctl(3) of tests/freebsd-sim/jail.cpp. */
#ifndef FBSDSIM_SYS_USER_H
#define FBSDSIM_SYS_USER_H

#include <sys/types.h>

struct kinfo_proc {
    int ki_structsize;
    pid_t ki_pid;
    int ki_jid;
};

#endif
