#!/bin/bash
# The probe is born in its jail's cgroups: the v2 one and every v1
# hierarchy the daemon is in itself. A cgroup that cannot be joined fails
# the launch with an error that names it; so does a jail cgroup outside the
# daemon's cgroup namespace (a path with "..").
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
V2=/sys/fs/cgroup/unified
[ -e $V2/cgroup.procs ] || V2=/sys/fs/cgroup
FZ=/sys/fs/cgroup/freezer
[ -e $FZ/cgroup.procs ] || FZ=
# Cgroups of our own, removed again at the end (once their processes are).
mine=("$V2/jdtest$$" "$V2/jdtestd$$")
[ -n "$FZ" ] && mine+=("$FZ/jdtest$$")
done_cgroups() {
    cleanup
    for cg in "${mine[@]}"; do wait_for 5 rmdir "$cg" 2>/dev/null; done
}
trap done_cgroups EXIT
mkdir "${mine[@]}" || {
    not_ok "cannot create test cgroups"
    finish
}

# The leader in cgroups of its own (v2 and freezer).
fat_jail
echo "$LEADER" >"$V2/jdtest$$/cgroup.procs"
[ -n "$FZ" ] && echo "$LEADER" >"$FZ/jdtest$$/cgroup.procs"
start_daemon
jd -c true -j "$LEADER" -t CGPROBE
P=$(probe_pid CGPROBE)
check_eq "the probe is in every cgroup of its jail's leader" \
    "$(cat "/proc/$LEADER/cgroup")" "$(cat "/proc/$P/cgroup" 2>&1)"
kill "$DAEMON_PID"
wait "$DAEMON_PID"

# A hierarchy the daemon is in but cannot join there (hidden in its own
# mount namespace): the launch fails, naming it.
hide=${FZ:-$V2} hidden=v2
[ -n "$FZ" ] && hidden=freezer
SOCK=$T/sock-hidden
unshare -m --propagation private sh -c 'mount -t tmpfs none "$0" && exec "$@"' "$hide" \
    "$JD" -D -F -p "$T/pid-hidden" -f "$SOCK" --probe "$PROBE" --state "$T/state-hidden.json" \
    >>"$LOG" 2>&1 &
DAEMON_PID=$!
check "the daemon is up" wait_for 5 test -S "$SOCK"
out=$(jd -c true -j "$LEADER" -t HIDDEN 2>&1)
check "a cgroup that cannot be joined fails the launch" test $? != 0
check "and says which" grep -q "join the jail.s cgroup (hierarchy $hidden)" <<<"$out"
echo "# $out"
kill "$DAEMON_PID"
wait "$DAEMON_PID"

# The daemon in a cgroup namespace below the jail's cgroup: the jail's path
# reads "/..": never looked up.
SOCK=$T/sock-ns
sh -c 'echo $$ >"$0/cgroup.procs" && exec unshare -C "$@"' "$V2/jdtestd$$" \
    "$JD" -D -F -p "$T/pid-ns" -f "$SOCK" --probe "$PROBE" --state "$T/state-ns.json" \
    >>"$LOG" 2>&1 &
DAEMON_PID=$!
check "the daemon is up" wait_for 5 test -S "$SOCK"
out=$(jd -c true -j "$LEADER" -t DOTDOT 2>&1)
check "a jail cgroup outside the daemon's cgroup namespace fails the launch" test $? != 0
check "and says why" grep -q 'cgroup path of hierarchy v2' <<<"$out"
echo "# $out"
finish
