/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): FreeBSD's
 * procctl(2) as core/freebsd/ uses it, declared for Linux. Values as in
 * FreeBSD 15.0's sys/sys/procctl.h; simulated by
 * tests/freebsd-sim/procctl.cpp. idtype_t (P_PID...) is glibc's. */
#ifndef FBSDSIM_SYS_PROCCTL_H
#define FBSDSIM_SYS_PROCCTL_H

#include <sys/types.h>
#include <sys/wait.h>

#define PROC_REAP_ACQUIRE 2
#define PROC_REAP_RELEASE 3
#define PROC_REAP_STATUS 4
#define PROC_REAP_GETPIDS 5
#define PROC_REAP_KILL 6
#define PROC_TRACE_CTL 7
#define PROC_TRACE_STATUS 8
#define PROC_PDEATHSIG_CTL 11
#define PROC_PDEATHSIG_STATUS 12
#define PROC_NO_NEW_PRIVS_CTL 19
#define PROC_NO_NEW_PRIVS_STATUS 20

#define PROC_TRACE_CTL_ENABLE 1
#define PROC_TRACE_CTL_DISABLE 2
#define PROC_TRACE_CTL_DISABLE_EXEC 3
#define REAPER_KILL_CHILDREN 0x00000001
#define REAPER_KILL_SUBTREE 0x00000002

/* PROC_REAP_STATUS's argument, as in FreeBSD's sys/sys/procctl.h. */
struct procctl_reaper_status {
    unsigned int rs_flags;
    unsigned int rs_children;
    unsigned int rs_descendants;
    pid_t rs_reaper;
    pid_t rs_pid;
    unsigned int rs_pad0[15];
};
#define REAPER_STATUS_OWNED 0x00000001
#define REAPER_STATUS_REALINIT 0x00000002

/* PROC_REAP_KILL's argument, as in FreeBSD's sys/sys/procctl.h. */
struct procctl_reaper_kill {
    int rk_sig;
    unsigned int rk_flags;
    pid_t rk_subtree;
    unsigned int rk_killed;
    pid_t rk_fpid;
    unsigned int rk_pad[15];
};

#define PROC_NO_NEW_PRIVS_ENABLE 1
#define PROC_NO_NEW_PRIVS_DISABLE 2

#ifdef __cplusplus
extern "C" {
#endif
int procctl(idtype_t idtype, id_t id, int cmd, void* data);
#ifdef __cplusplus
}
#endif

#endif
