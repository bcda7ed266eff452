/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): glibc's
 * <sys/syscall.h> plus the FreeBSD system call numbers core/freebsd/ calls
 * through syscall(2), as in FreeBSD 15.0's sys/kern/syscalls.master. The
 * numbers are unused on Linux x86_64 (335-423 are never assigned there);
 * tests/freebsd-sim/procctl.cpp's syscall wrapper answers them. */
#ifndef FBSDSIM_SYS_SYSCALL_H
#define FBSDSIM_SYS_SYSCALL_H
#include_next <sys/syscall.h>
#undef SYS_sigprocmask
#undef SYS_sigaction
#define SYS_sigprocmask 340
#define SYS_sigaction 416
#endif
