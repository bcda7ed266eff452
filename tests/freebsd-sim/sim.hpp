// FREEBSD SIMULATION, tests only (README.md here): what the simulated
// calls share. Never installed, never linked into a production build.
#pragma once

#include <string>
#include <sys/types.h>

namespace fbsdsim {

// The FreeBSD release the simulated kernel is: 15 (jail descriptors,
// EVFILT_JAILDESC) unless FBSDSIM_KERNEL=14 in the environment. A probe
// has an empty environment: it always sees 15 (it only uses a descriptor
// when the daemon passed one).
int kernel();

// A jail of the simulation: a Linux namespace jail made by a test, with a
// jid and a name, registered as ROOT/jails/JID holding "NAME LEADER START
// [TAMPER]" (START: the leader's start time, field 22 of /proc/LEADER/stat,
// so that a reused pid is not taken for the leader; TAMPER: the jail's
// allow.unprivileged_parent_tampering, 0 when left out, as FreeBSD's
// default). ROOT is $FBSDSIM_ROOT or
// /run/jaildaemon-fbsdsim. The jail is alive while its leader is; it is
// removed by killing the leader (tests/freebsd-sim/jail.sh).
struct Jail {
    int jid = 0;
    std::string name;
    pid_t leader = 0;
    unsigned long long start = 0;
    bool parent_tampering = false;
};

enum class State { alive, dying, gone };

std::string root();
bool load(int jid, Jail& j);
bool find_name(const std::string& name, Jail& j);
State state(const Jail& j);
// The jail a jail descriptor (a pidfd of the leader) refers to; errno
// EBADF (not a jail descriptor) or ENOENT (its jail is gone).
bool from_desc(int fd, Jail& j);

// After jail_attach the FreeBSD process is two Linux processes: the
// "anchor" on the host (the pid its parent knows and waits for) and the
// process inside the jail's pid namespace. The host counts both in the
// jail (sysctl kern.proc.pid): the inside half by its pid namespace, the
// anchor by a record ROOT/anchors/PID-START holding the jid (START: its
// start time, as for a leader), written by jail_attach before the split
// and removed by a later jail_attach once that anchor is gone.
// anchor_fd() is the inside half's line to the anchor, or -1.
int anchor_fd();
// Ask the anchor (one request, one long answer); false when it is gone.
bool ask_anchor(char op, long arg, long& answer);

} // namespace fbsdsim
