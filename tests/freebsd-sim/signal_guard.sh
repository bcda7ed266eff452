#!/bin/bash
# FREEBSD SIMULATION (README.md here). Where the kernel itself keeps every
# unprivileged process outside a jail from signalling the jail's processes,
# a -u probe takes any SIGHUP that reaches it (it came from the jail or from
# root) without looking its sender up, so that a pkill that has exited
# before the probe looks is never refused (freebsd/probe_os.cpp
# probe_os_from_jail, freebsd/signal_guard.hpp).
#
#   signal_guard.sh tamper         FreeBSD 15: the jail has
#                                  allow.unprivileged_parent_tampering off
#                                  (FreeBSD's default); the daemon asks at
#                                  launch and tells the probe
#   signal_guard.sh see_jail_proc  FreeBSD 14 (no such parameter):
#                                  security.bsd.see_jail_proc=0, read by the
#                                  probe; with 1 the client warns first
#
# The simulation cannot refuse a host user's kill(2) as the kernel would
# (cr_cansignal): a host process that reaches the guarded probe shows that
# the probe took the kernel's word and did not look it up.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
need_root
[ -n "$FBSDSIM" ] || {
    echo "FAIL: run by the freebsd-sim suite (FBSDSIM=1)"
    exit 1
}
mode=${1:?usage: signal_guard.sh tamper|see_jail_proc}
SYSCTL=${FBSDSIM_ROOT:-/run/jaildaemon-fbsdsim}/sysctl/security.bsd.see_jail_proc
trap 'rm -f "$SYSCTL"; cleanup' EXIT
rm -f "$SYSCTL"
start_daemon

case $mode in
tamper)
    # shellcheck disable=SC2034 # read by sim_register (jail.sh)
    SIM_PARENT_TAMPERING=0
    fat_jail
    ;;
see_jail_proc)
    fat_jail
    # By jid: the client's warning names the jail by its name.
    jd -c "true" -j "$JID" -u 65534 -t UNGUARDED 2>"$T/warn"
    check_eq "registered before the sysctl is set" 0 $?
    check "with see_jail_proc=1 the client warns" \
        grep -q "jail $JAIL lets host users signal its processes" "$T/warn"
    jd -x -j "$JAIL" -t UNGUARDED
    mkdir -p "${SYSCTL%/*}"
    echo 0 >"$SYSCTL"
    ;;
*)
    echo "usage: signal_guard.sh tamper|see_jail_proc" >&2
    exit 64
    ;;
esac

jd -c "echo run >>$T/ran" -j "$JAIL" -u 65534 -t GUARDED -R 2>"$T/warn"
check_eq "a -u 65534 probe registered" 0 $?
check_eq "no warning: the kernel guards the jail" "" "$(cat "$T/warn")"

# Twenty triggers from inside by pkill, which exits at once: every one
# runs the command (-R: the probe is back at once).
new_probe() { # new_probe OLD_PID: a GUARDED probe other than OLD_PID is up
    local p
    p=$(probe_pid GUARDED)
    [ "${p:-0}" -gt 0 ] && [ "$p" != "$1" ]
}
n=0
for i in $(seq 20); do
    old=$(probe_pid GUARDED)
    in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups \
        pkill -HUP -f '^GUARDED$'
    wait_for 5 lines_are "$i" "$T/ran" || break
    wait_for 5 new_probe "$old" || break
    n=$i
done
check_eq "20 pkill triggers from inside, 20 runs" 20 "$n"
check "no trigger refused" eval '! grep -q "ignored a SIGHUP" "$LOG"'

# A host user's kill(2), which the kernel would refuse: it reaches the
# probe here, and the probe takes it (it does not look the sender up).
P=$(probe_inside "$(probe_pid GUARDED)")
setpriv --reuid 65534 --regid 65534 --clear-groups kill -HUP "$P"
check "the probe did not look the sender up" wait_for 5 lines_are 21 "$T/ran"
finish
