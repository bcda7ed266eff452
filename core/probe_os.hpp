// What the probe program does that differs per OS (linux/probe_os.cpp,
// freebsd/probe_os.cpp). Plain C calls; no exceptions, no RTTI.
#pragma once

#include "probe_abi.hpp"

#include <cerrno>

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

// Enter the jail named by cfg: Linux: cgroup, pid namespace (by a second
// process, stage 2; stage 1 reports its pid and exits here), the other
// namespaces and the root; the user namespace's root when it has one.
// FreeBSD: jail_attach(2). Returns true in the attached process.
bool probe_os_attach(const jd::ProbeConfig& cfg, ProbeFailure& f);

// After the uid/gid change: no new privileges, no capabilities, the
// parent-death signal last, then: is the parent still the daemon?
bool probe_os_harden(const jd::ProbeConfig& cfg, ProbeFailure& f);

// Make the title visible where ps(1) and pkill(1) look.
void probe_os_title(const char* title);

// Send a status message to the daemon (descriptor kStatusFd).
bool probe_report(const jd::ProbeStatus& s);
