// What the probe program does that differs per OS (linux/probe_os.cpp,
// freebsd/probe_os.cpp). Plain C calls; no exceptions, no RTTI.
#pragma once

#include "probe_abi.hpp"

#include <cerrno>
#include <csignal>

// Why a step failed, for the ProbeStatus the probe sends.
struct ProbeFailure {
    int code = 0; // sysexits(3)
    int err = 0;  // errno, or 0
    const char* what = "";
};

// Fill f from errno and the step that failed; returns false.
inline bool probe_failed(ProbeFailure& f, int code, const char* what) {
    f.code = code;
    f.err = errno;
    f.what = what;
    return false;
}

// First thing after exec, on the host: no ptrace, no core dumps, no
// /proc/PID/mem from here on (Linux PR_SET_DUMPABLE 0, FreeBSD
// PROC_TRACE_CTL_DISABLE). Never fails the probe: it only hardens.
void probe_os_first();

// The privileged steps, in the process that the jail cannot see yet (Linux:
// stage 1, in the host's pid namespace; FreeBSD: before jail_attach returns
// the process is not in the jail). Linux: the jail's cgroups, then one setns
// into all its namespaces, its root, root of its user namespace when it has
// one, the capability bounding set emptied. FreeBSD: jail_attach(2). The
// host pseudo-jail: the bounding set only. Then probe.cpp takes -u/-g.
bool probe_os_attach(const jd::ProbeConfig& cfg, ProbeFailure& f);

// After the uid/gid change: no capability (checked), securebits locked, no
// new privileges.
bool probe_os_harden(const jd::ProbeConfig& cfg, ProbeFailure& f);

// Become the process the jail sees. Linux: clone stage 2 with CLONE_PARENT
// (born in the jail's pid namespace, already confined); stage 1 reports its
// pid and exits here; returns true in stage 2. FreeBSD: nothing to do.
bool probe_os_enter(const jd::ProbeConfig& cfg, ProbeFailure& f);

// In the final process: the parent-death signal, then: is the parent still
// the daemon?
bool probe_os_watch_parent(const jd::ProbeConfig& cfg, ProbeFailure& f);

// Was this SIGHUP sent from inside our jail (or by host root)? Linux: si_pid
// is 0 for a sender outside our pid namespace. FreeBSD: see
// freebsd/probe_os.cpp.
bool probe_os_from_jail(const siginfo_t& si, const jd::ProbeConfig& cfg);

// Make the title visible where ps(1) and pkill(1) look.
void probe_os_title(const char* title);

// Send a status message to the daemon (descriptor kStatusFd).
bool probe_report(const jd::ProbeStatus& s);
