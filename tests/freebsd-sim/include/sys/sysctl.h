/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): sysctl(3)
 * as core/freebsd/ uses it: kern.proc.pid.PID by MIB, and
 * security.bsd.see_jail_proc by name. Values as in
 * FreeBSD 15.0's sys/sys/sysctl.h; simulated by tests/freebsd-sim/jail.cpp. */
#ifndef FBSDSIM_SYS_SYSCTL_H
#define FBSDSIM_SYS_SYSCTL_H

#include <stddef.h>

#define CTL_KERN 1
#define KERN_PROC 14
#define KERN_PROC_PID 1

#ifdef __cplusplus
extern "C" {
#endif
int sysctl(const int* name, unsigned int namelen, void* oldp, size_t* oldlenp, const void* newp,
           size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
#ifdef __cplusplus
}
#endif

#endif
