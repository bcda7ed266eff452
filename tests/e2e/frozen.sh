#!/bin/bash
# A jail that never lets its probe finish attaching: its cgroup is frozen
# (cgroup v1 freezer), so the probe freezes the moment it joins it. The
# registration fails after the probe's deadline with a clear error, while
# other clients are answered at once; after the thaw nothing is left over.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
FREEZER=/sys/fs/cgroup/freezer
if ! [ -w "$FREEZER/cgroup.procs" ] && ! [ -d "$FREEZER" ]; then
    not_ok "no cgroup v1 freezer at $FREEZER"
    finish
fi
start_daemon
fat_jail
FROZEN=$LEADER
fat_jail
OTHER=$LEADER

CG=$FREEZER/jdtest$$
mkdir "$CG" || { not_ok "cannot make $CG"; finish; }
thaw() {
    echo THAWED >"$CG/freezer.state" 2>/dev/null
    while read -r p; do echo "$p" >"$FREEZER/cgroup.procs"; done <"$CG/cgroup.procs" 2>/dev/null
    rmdir "$CG" 2>/dev/null
}
trap 'thaw; cleanup' EXIT
echo "$FROZEN" >"$CG/cgroup.procs"
echo FROZEN >"$CG/freezer.state"
check "the jail is frozen" wait_for 5 grep -qx FROZEN "$CG/freezer.state"

start=$(date +%s%N)
jd -c true -j "$FROZEN" -t NEVER >"$T/frozen.out" 2>&1 &
ADD=$!
sleep 0.5
# Meanwhile: another client, another jail.
t0=$(date +%s%N)
jd -l >/dev/null
check_eq "a list is answered meanwhile" 0 $?
jd -c true -j "$OTHER" -t FINE
check_eq "a registration in another jail is answered meanwhile" 0 $?
t1=$(date +%s%N)
check "both within 2 s" test $(((t1 - t0) / 1000000)) -lt 2000
wait "$ADD"
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
echo "# frozen registration: exit $rc after $took ms: $(cat "$T/frozen.out")"
check_eq "the frozen registration fails with EX_TEMPFAIL" 75 "$rc"
check "with a clear error" grep -q "was not ready within 5 s" "$T/frozen.out"
check "after the deadline, not before" test "$took" -ge 4900
check_eq "the frozen probe is not registered" "" "$(probe_pid NEVER)"
check "the other probe is" probe_up FINE
thaw
check "after the thaw the daemon has no zombies" wait_for 5 test "$(zombies_of "$DAEMON_PID")" = 0
check "and no child but its probe" wait_for 5 test "$(pgrep -P "$DAEMON_PID" | wc -l)" = 1
check "the jail takes a probe again" jd -c true -j "$FROZEN" -t AGAIN
finish
