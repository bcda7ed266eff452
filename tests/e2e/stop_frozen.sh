#!/bin/bash
# The daemon stops even when a probe cannot die: its jail's cgroup (v1
# freezer) is frozen, where SIGKILL waits for the thaw. The daemon reaps
# without waiting (WNOHANG, a deadline), says what it left, and is gone
# within a few seconds; after the thaw nothing of it is left over.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
FREEZER=/sys/fs/cgroup/freezer
if ! [ -d "$FREEZER" ] || ! [ -w "$FREEZER/cgroup.procs" ]; then
    not_ok "no cgroup v1 freezer at $FREEZER"
    finish
fi
start_daemon
fat_jail
jd -c true -j "$LEADER" -t FROZEN >/dev/null
check "the probe is up" wait_for 5 probe_up FROZEN
PROBE_PID=$(probe_pid FROZEN)

CG=$FREEZER/jdstop$$
mkdir "$CG" || { not_ok "cannot make $CG"; finish; }
thaw() {
    [ -d "$CG" ] || return 0
    echo THAWED >"$CG/freezer.state" 2>/dev/null
    while read -r p; do echo "$p" >"$FREEZER/cgroup.procs"; done <"$CG/cgroup.procs" 2>/dev/null
    rmdir "$CG" 2>/dev/null
}
trap 'thaw; cleanup' EXIT
echo "$LEADER" >"$CG/cgroup.procs"
echo "$PROBE_PID" >"$CG/cgroup.procs"
echo FROZEN >"$CG/freezer.state"
check "the jail and its probe are frozen" wait_for 5 grep -qx FROZEN "$CG/freezer.state"

t0=$(date +%s%N)
kill -TERM "$DAEMON_PID"
gone() { ! kill -0 "$DAEMON_PID" 2>/dev/null; }
wait_for 10 gone
stopped=$?
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# the daemon took $ms ms to stop"
check_eq "the daemon stops although a probe is frozen" 0 "$stopped"
check "within 3 s ($ms ms)" [ "$ms" -lt 3000 ]
check "it says which probes it could not wait for" \
    grep -q "probes did not end within" "$LOG"
thaw
check "after the thaw the probe is gone" wait_for 5 eval '! kill -0 '"$PROBE_PID"' 2>/dev/null'
DAEMON_PID=
finish
