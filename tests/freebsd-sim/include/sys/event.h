/* FREEBSD SIMULATION, tests only (tests/freebsd-sim/README.md): FreeBSD's
 * kqueue(2) interface as core/freebsd/ uses it, declared for Linux. Values
 * and the layout of struct kevent as in FreeBSD 15.0's sys/sys/event.h;
 * the calls are simulated by tests/freebsd-sim/event.cpp. */
#ifndef FBSDSIM_SYS_EVENT_H
#define FBSDSIM_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_AIO (-3)
#define EVFILT_VNODE (-4)
#define EVFILT_PROC (-5)
#define EVFILT_SIGNAL (-6)
#define EVFILT_TIMER (-7)
#define EVFILT_PROCDESC (-8)
#define EVFILT_FS (-9)
#define EVFILT_LIO (-10)
#define EVFILT_USER (-11)
#define EVFILT_SENDFILE (-12)
#define EVFILT_EMPTY (-13)
#define EVFILT_JAIL (-14)
#define EVFILT_JAILDESC (-15)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_RECEIPT 0x0040
#define EV_DISPATCH 0x0080
#define EV_DROP 0x1000
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

#define NOTE_EXIT 0x80000000U
#define NOTE_FORK 0x40000000U
#define NOTE_EXEC 0x20000000U
#define NOTE_JAIL_CHILD 0x80000000U
#define NOTE_JAIL_SET 0x40000000U
#define NOTE_JAIL_ATTACH 0x20000000U
#define NOTE_JAIL_REMOVE 0x10000000U
#define NOTE_JAIL_MULTI 0x08000000U

#define KQUEUE_CLOEXEC 0x00000001

struct kevent {
    uintptr_t ident;
    short filter;
    unsigned short flags;
    unsigned int fflags;
    int64_t data;
    void* udata;
    uint64_t ext[4];
};

#define EV_SET(kevp_, a, b, c, d, e, f)                                                            \
    do {                                                                                           \
        struct kevent* kevp = (kevp_);                                                             \
        (kevp)->ident = (a);                                                                       \
        (kevp)->filter = (b);                                                                      \
        (kevp)->flags = (c);                                                                       \
        (kevp)->fflags = (d);                                                                      \
        (kevp)->data = (e);                                                                        \
        (kevp)->udata = (f);                                                                       \
        (kevp)->ext[0] = (kevp)->ext[1] = (kevp)->ext[2] = (kevp)->ext[3] = 0;                     \
    } while (0)

#ifdef __cplusplus
extern "C" {
#endif
int kqueue(void);
int kqueuex(unsigned flags);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
#ifdef __cplusplus
}
#endif

#endif
