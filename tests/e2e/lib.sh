#!/bin/bash
# Shared helpers of the end-to-end tests: a private daemon per test, real
# namespace jails, assertions. Sourced, not run.
#
# Environment (set by meson): JAILDAEMON (the binary), JAILDAEMON_PROBE;
# FBSDSIM=1 in the freebsd-sim suite: the binaries run the FreeBSD backend
# over the simulation of tests/freebsd-sim/ (its README.md), and every jail
# made here is also registered as a simulated FreeBSD jail.

set -u

T=$(mktemp -d /tmp/jaildaemon-e2e.XXXXXX)
chmod 0711 "$T"
SOCK=$T/sock
PIDFILE=$T/pid
LOG=$T/daemon.log
JD=${JAILDAEMON:?JAILDAEMON not set}
PROBE=${JAILDAEMON_PROBE:?JAILDAEMON_PROBE not set}
JAIL_PIDS=()
SIM_JIDS=()
FBSDSIM=${FBSDSIM:-}
if [ -n "$FBSDSIM" ]; then
    # shellcheck source=../freebsd-sim/jail.sh
    . "$(dirname "${BASH_SOURCE[0]}")/../freebsd-sim/jail.sh"
fi
DAEMON_PID=
FAILS=0

# Tests need root for namespaces; skip (77) unless CI demands they run.
need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (namespaces, setns)"
        if [ "${CI:-}" = true ]; then
            echo "FAIL: CI=true: root-only tests must run"
            exit 1
        fi
        exit 77
    fi
    for tool in unshare nsenter pkill busybox; do
        if ! command -v "$tool" >/dev/null; then
            echo "FAIL: $tool is missing"
            exit 1
        fi
    done
}

cleanup() {
    {
        [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID"
        # Simulated jails first, while their leaders live: an entry whose
        # leader is dead is free, and another test may take its jid.
        for j in "${SIM_JIDS[@]}"; do sim_remove "${j%:*}" "${j#*:}"; done
        for p in "${JAIL_PIDS[@]}"; do kill -9 "$p"; done
        wait
    } 2>/dev/null
    if [ "$FAILS" != 0 ] || [ -n "${KEEP:-}" ]; then
        echo "--- daemon log ($LOG)"
        cat "$LOG" 2>/dev/null
    fi
    # Unmount whatever a thin jail left, then remove.
    rm -rf "$T" 2>/dev/null || true
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() {
    echo "not ok - $*"
    FAILS=$((FAILS + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
check_eq() { # check_eq DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected [$2], got [$3]"; fi
}
# expect CODE PATTERN COMMAND...: COMMAND exits CODE and the first line of
# its stderr matches PATTERN.
expect() {
    local code=$1 pattern=$2
    shift 2
    local out rc
    out=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" = "$code" ] && printf '%s\n' "$out" | head -1 | grep -q -- "$pattern"; then
        ok "exit $code: $pattern"
    else
        not_ok "expected exit $code and /$pattern/ from [$*], got exit $rc: $out"
    fi
}
finish() {
    if [ "$FAILS" != 0 ]; then
        echo "$FAILS check(s) failed"
        exit 1
    fi
    exit 0
}

# need_tools WHERE TOOL...: each TOOL must be installed, else the test
# fails naming it and WHERE it comes from (a Debian package).
need_tools() {
    local where=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            not_ok "$tool missing ($where)"
            finish
        }
    done
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
    local n=$(($1 * 20))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    return 1
}

start_daemon() { # extra daemon options
    # A private state file; no cooldown, so tests may trigger in quick
    # succession (tests/reliability checks the cooldown).
    "$JD" -D -F -p "$PIDFILE" -f "$SOCK" --probe "$PROBE" --state "$T/state.json" \
        --cooldown 0 "$@" >>"$LOG" 2>&1 &
    DAEMON_PID=$!
    if ! wait_for 5 test -S "$SOCK"; then
        not_ok "daemon did not come up"
        finish
    fi
}

jd() { "$JD" -f "$SOCK" "$@"; }

# The jail's init: a child (unshare) or grandchild (runuser, unshare) of pid.
leader_below() {
    local mid
    pgrep -P "$1" -x sleep && return 0
    mid=$(pgrep -P "$1" -x unshare) || return 1
    pgrep -P "$mid" -x sleep
}

# track_jail UNSHARE_PID KIND [PREFIX]: remember a jail for cleanup, set
# LEADER to the host pid of its init, JAIL to what -j takes (PREFIX, e.g.
# pid:, and the leader's pid), and JAIL_NAME, JID to what a command sees in
# JAILDAEMON_JAIL, JAILDAEMON_JID. Under FBSDSIM the jail is also a
# simulated FreeBSD jail: JAIL is its name, JID its jid.
track_jail() {
    local up=$1
    disown "$up" # killed in cleanup; no job report on stderr
    JAIL_PIDS+=("$up")
    LEADER=
    wait_for 5 eval 'LEADER=$(leader_below '"$up"')' || true
    [ -n "$LEADER" ] || { not_ok "$2 jail did not start"; finish; }
    JAIL_PIDS+=("$LEADER")
    # shellcheck disable=SC2034 # for the scripts that source this
    JAIL=${3:-}$LEADER JAIL_NAME=pid:$LEADER JID=$LEADER
    if [ -n "$FBSDSIM" ]; then
        sim_register "$LEADER" "$2$$_${#JAIL_PIDS[@]}" || { not_ok "sim_register"; finish; }
        SIM_JIDS+=("$SIM_JID:$LEADER")
        # shellcheck disable=SC2034 # for the scripts that source this
        JAIL=$SIM_NAME JAIL_NAME=$SIM_NAME JID=$SIM_JID
    fi
}

# The process of a probe (its pid from the daemon's list) as its jail sees
# it: itself, or under FBSDSIM the half inside the jail (the simulated
# jail_attach(2) leaves an anchor on the host, tests/freebsd-sim/README.md).
probe_inside() {
    if [ -n "$FBSDSIM" ]; then pgrep -P "$1"; else echo "$1"; fi
}

# A "fat" jail: own pid, mount, uts, ipc and net namespaces and /proc, the
# host's filesystem, but $T/hostonly hidden under a tmpfs. Sets LEADER to
# the host pid of its init.
fat_jail() {
    mkdir -p "$T/hostonly"
    unshare --pid --mount --uts --ipc --net --fork --mount-proc --propagation private \
        sh -c "mount -t tmpfs none '$T/hostonly' && hostname fatjail && exec sleep 600" \
        </dev/null >/dev/null 2>&1 &
    track_jail $! fat
}

# A "thin" jail: a chroot holding only busybox-static (no host library,
# no pkill) with its own /proc. Sets LEADER to the host pid of its init.
thin_jail() {
    local root=$T/thin
    mkdir -p "$root/bin" "$root/proc" "$root/tmp"
    cp "$(command -v busybox)" "$root/bin/busybox"
    for a in sh kill pidof ps cat sleep mount; do ln -sf busybox "$root/bin/$a"; done
    unshare --pid --mount --uts --ipc --net --fork --propagation private \
        chroot "$root" /bin/sh -c 'mount -t proc proc /proc && exec sleep 600' \
        </dev/null >/dev/null 2>&1 &
    track_jail $! thin pid:
}

# A "rootless" container: started by nobody, with its own user namespace
# whose root is host uid 65534. Sets LEADER.
rootless_jail() {
    runuser -u nobody -- unshare --user --map-root-user --pid --mount --uts --ipc --net \
        --fork --mount-proc sleep 600 </dev/null >/dev/null 2>&1 &
    track_jail $! rootless
}

# Run a command inside a jail (all its namespaces and its root).
in_jail() {
    local leader=$1
    shift
    nsenter -t "$leader" -a -r -w "$@"
}

# The host pid of the probe with this title, from the daemon's list.
probe_pid() {
    jd -l --json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["title"] == sys.argv[1]:
        print(p["pid"])' "$1"
}

probe_count() { jd -l --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# Poll until the daemon lists N probes / a waiting probe with TITLE.
count_is() { [ "$(probe_count)" = "$1" ]; }
probe_up() { [ "$(probe_pid "$1")" -gt 0 ] 2>/dev/null; }
lines_are() { [ "$(wc -l <"$2" 2>/dev/null)" = "$1" ]; }

zombies_of() { # zombies among the children of pid
    ps -o stat= --ppid "$1" | awk '/^Z/ {n++} END {print n + 0}'
}
