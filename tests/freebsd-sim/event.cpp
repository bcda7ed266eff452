// FREEBSD SIMULATION, tests only (README.md here): kqueue(2) and kevent(2)
// for the filters core/freebsd/ uses, EVFILT_PROC (NOTE_EXIT) and FreeBSD
// 15's EVFILT_JAILDESC (NOTE_JAIL_REMOVE) and EVFILT_JAIL (NOTE_JAIL_CHILD
// of the host, jid 0), following kqueue(2) and sys/kern/kern_event.c
// (kqueue_register, kqueue_scan, filt_procattach, filt_proc),
// sys/kern/kern_jail.c (filt_jailattach, filt_jail) and
// sys/kern/kern_jaildesc.c (jaildesc_kqfilter). A kqueue is
// an epoll descriptor: readable when an event is pending, as a kqueue is,
// so Asio's reactor can watch it. Each watched process is a pidfd in it;
// a jail descriptor (a pidfd of the jail's leader, jail.cpp) is added as
// itself. EVFILT_JAIL on the host is an inotify(7) descriptor on the
// simulation's jail registry (ROOT/jails, sim.hpp): a jail appears when
// its entry has been written (jail.sh sim_register).
#include "sim.hpp"

#include <sys/event.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Knote {
    uintptr_t ident;
    short filter;
    unsigned short flags;
    unsigned fflags;
    void* udata;
    int fd;     // pidfd (EVFILT_PROC), inotify (EVFILT_JAIL), ours to close,
                // or the jail descriptor (EVFILT_JAILDESC)
    bool owned; // fd is ours
};

struct Kqueue {
    std::map<std::uint64_t, Knote> notes; // by key
    std::uint64_t next = 1;
};

std::mutex mu;
std::map<int, Kqueue> queues; // by epoll descriptor

int fail(int e) {
    errno = e;
    return -1;
}

Knote* find(Kqueue& q, uintptr_t ident, short filter, std::uint64_t* key = nullptr) {
    for (auto& [k, n] : q.notes) {
        if (n.ident == ident && n.filter == filter) {
            if (key != nullptr)
                *key = k;
            return &n;
        }
    }
    return nullptr;
}

void drop(int kq, Kqueue& q, std::uint64_t key) {
    Knote& n = q.notes[key];
    epoll_ctl(kq, EPOLL_CTL_DEL, n.fd, nullptr);
    if (n.owned)
        close(n.fd);
    q.notes.erase(key);
}

// The wait(2) status of an ended child, without reaping it: what FreeBSD
// puts in data (KW_EXITCODE(p_xexit, p_xsig), filt_proc). Not our child:
// Linux cannot tell; 0.
std::int64_t exit_status(int pidfd) {
    siginfo_t si = {};
    if (waitid(idtype_t(P_PIDFD), id_t(pidfd), &si, WEXITED | WNOWAIT | WNOHANG) != 0)
        return 0;
    switch (si.si_code) {
    case CLD_EXITED:
        return (si.si_status & 0xff) << 8;
    case CLD_KILLED:
        return si.si_status;
    case CLD_DUMPED:
        return si.si_status | 0x80;
    default:
        return 0;
    }
}

// The jails that appeared since the last call: the jids of the registry
// entries written (IN_CLOSE_WRITE) that inotify reports on fd.
int appeared(int fd, long& jid) {
    int count = 0;
    alignas(struct inotify_event) char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (char* p = buf; p < buf + n;) {
            auto* e = reinterpret_cast<struct inotify_event*>(p);
            char* end = nullptr;
            long v = e->len > 0 ? std::strtol(e->name, &end, 10) : 0;
            if (v > 0 && end != nullptr && *end == '\0') {
                jid = v;
                ++count;
            }
            p += sizeof(struct inotify_event) + e->len;
        }
    }
    return count;
}

// kqueue_register for one change; 0 or an errno.
int apply(int kq, Kqueue& q, const struct kevent& c) {
    if (c.filter != EVFILT_PROC && c.filter != EVFILT_JAILDESC && c.filter != EVFILT_JAIL)
        return EINVAL; // a filter the simulation does not have
    // kqueue_fo_find: FreeBSD 14 has neither EVFILT_JAILDESC nor
    // EVFILT_JAIL (both came with jail descriptors in 15.0): EINVAL.
    if ((c.filter == EVFILT_JAILDESC || c.filter == EVFILT_JAIL) && fbsdsim::kernel() < 15)
        return EINVAL;
    std::uint64_t key = 0;
    Knote* n = find(q, c.ident, c.filter, &key);
    if (c.flags & EV_DELETE) {
        if (n == nullptr)
            return ENOENT;
        drop(kq, q, key);
        return 0;
    }
    if (!(c.flags & EV_ADD)) {
        return n == nullptr ? ENOENT : 0;
    }
    if (n != nullptr) { // EV_ADD on an existing knote modifies it
        n->fflags = c.fflags;
        n->udata = c.udata;
        n->flags = c.flags;
        return 0;
    }
    Knote k{c.ident, c.filter, c.flags, c.fflags, c.udata, -1, false};
    if (c.filter == EVFILT_PROC) {
        // filt_procattach: pfind_any() finds a zombie too (it fires at
        // once, with its exit status); a reaped or unknown pid is ESRCH.
        if (c.ident > uintptr_t(INT_MAX))
            return ESRCH;
        k.fd = int(syscall(SYS_pidfd_open, pid_t(c.ident), 0));
        if (k.fd < 0)
            return ESRCH;
        k.owned = true;
    } else if (c.filter == EVFILT_JAIL) {
        // filt_jailattach: ident is a jid, 0 the host (prison0). The
        // simulation has no nested jails: only the host has children to
        // report; any other jid is refused as an unknown one (ESRCH).
        if (c.ident != 0)
            return ESRCH;
        std::string dir = fbsdsim::root() + "/jails";
        ::mkdir(fbsdsim::root().c_str(), 0755);
        ::mkdir(dir.c_str(), 0755);
        k.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (k.fd < 0)
            return ENOMEM;
        if (inotify_add_watch(k.fd, dir.c_str(), IN_CLOSE_WRITE) < 0) {
            close(k.fd);
            return ENOMEM;
        }
        k.owned = true;
    } else {
        // jaildesc_kqfilter on a jail descriptor; EBADF for a closed
        // descriptor, EINVAL for another kind of file (invfo_kqfilter).
        fbsdsim::Jail j;
        if (!fbsdsim::from_desc(int(c.ident), j) && errno == EBADF)
            return fcntl(int(c.ident), F_GETFD) == -1 ? EBADF : EINVAL;
        k.fd = int(c.ident);
        k.flags |= EV_CLEAR;
    }
    key = q.next++;
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = key;
    if (epoll_ctl(kq, EPOLL_CTL_ADD, k.fd, &ev) != 0) {
        int e = errno;
        if (k.owned)
            close(k.fd);
        return e;
    }
    q.notes[key] = k;
    return 0;
}

} // namespace

extern "C" {

// kqueue(2): a new, empty queue. Not close-on-exec (kqueuex(KQUEUE_CLOEXEC)
// is). FreeBSD does not pass a kqueue to a fork(2) child; an epoll
// descriptor is passed: the one difference the backend could see.
int kqueuex(unsigned flags) {
    if (flags & ~unsigned(KQUEUE_CLOEXEC))
        return fail(EINVAL);
    int fd = epoll_create1((flags & KQUEUE_CLOEXEC) ? EPOLL_CLOEXEC : 0);
    if (fd < 0)
        return -1;
    std::lock_guard<std::mutex> l(mu);
    queues[fd] = Kqueue{};
    return fd;
}

int kqueue(void) {
    return kqueuex(0);
}

int kevent(int kq, const struct kevent* changes, int nchanges, struct kevent* events, int nevents,
           const struct timespec* timeout) {
    std::unique_lock<std::mutex> l(mu);
    auto qi = queues.find(kq);
    if (qi == queues.end() || fcntl(kq, F_GETFD) == -1)
        return fail(EBADF);
    if (nchanges < 0 || nevents < 0)
        return fail(EINVAL);
    Kqueue& q = qi->second;
    int out = 0;
    // kqueue_register errors: an EV_ERROR event while there is room in the
    // event list (kern_kevent_generic), else the call fails with it.
    for (int i = 0; i < nchanges; ++i) {
        int e = apply(kq, q, changes[i]);
        if (e != 0 || (changes[i].flags & EV_RECEIPT)) {
            if (out < nevents) {
                events[out] = changes[i];
                events[out].flags = EV_ERROR;
                events[out].data = e;
                ++out;
                continue;
            }
            if (e != 0)
                return fail(e);
        }
    }
    if (out > 0 || nevents == 0)
        return out;
    int ms = -1;
    if (timeout != nullptr) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L)
            return fail(EINVAL);
        long long t = timeout->tv_sec * 1000LL + (timeout->tv_nsec + 999999) / 1000000;
        ms = t > INT_MAX ? INT_MAX : int(t);
    }
    for (;;) {
        struct epoll_event ready[64];
        int max = nevents < 64 ? nevents : 64;
        l.unlock();
        int n = epoll_wait(kq, ready, max, ms);
        l.lock();
        if (n < 0)
            return -1; // EINTR as kevent(2)
        for (int i = 0; i < n; ++i) {
            auto it = q.notes.find(ready[i].data.u64);
            if (it == q.notes.end())
                continue;
            Knote& k = it->second;
            struct kevent& ev = events[out];
            ev.ident = k.ident;
            ev.filter = k.filter;
            ev.udata = k.udata;
            ev.ext[0] = ev.ext[1] = ev.ext[2] = ev.ext[3] = 0;
            if (k.filter == EVFILT_PROC) {
                // filt_proc: on exit, EV_EOF | EV_ONESHOT, NOTE_EXIT if asked
                // for, the status in data.
                ev.flags = (k.flags & (EV_ADD | EV_ONESHOT | EV_CLEAR)) | EV_EOF | EV_ONESHOT;
                ev.fflags = k.fflags & NOTE_EXIT;
                ev.data = exit_status(k.fd);
            } else if (k.filter == EVFILT_JAIL) {
                // filt_jail (kern_jail.c): NOTE_JAIL_CHILD with the new
                // jail's jid in data; more than one since the last read:
                // NOTE_JAIL_MULTI and data 0. The knote stays.
                long jid = 0;
                int count = appeared(k.fd, jid);
                if (count == 0 || !(k.fflags & NOTE_JAIL_CHILD))
                    continue;
                ev.flags = k.flags & (EV_ADD | EV_ONESHOT | EV_CLEAR);
                ev.fflags = NOTE_JAIL_CHILD | (count > 1 ? NOTE_JAIL_MULTI : 0);
                ev.data = count > 1 ? 0 : jid;
                ++out;
                continue;
            } else {
                // jaildesc_kqops_event: on removal EV_EOF | EV_ONESHOT; a
                // note that asked for no event is dropped (EV_DROP).
                ev.flags = (k.flags & (EV_ADD | EV_ONESHOT | EV_CLEAR)) | EV_EOF | EV_ONESHOT;
                ev.fflags = k.fflags & NOTE_JAIL_REMOVE;
                ev.data = 0;
            }
            bool deliver = ev.fflags != 0 || k.filter == EVFILT_PROC;
            drop(kq, q, it->first);
            if (deliver)
                ++out;
        }
        if (out > 0 || ms >= 0)
            return out;
    }
}

} // extern "C"
