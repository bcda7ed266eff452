# Shared part of the end-to-end integration tests (POSIX sh): a real
# jaildaemon on a socket of its own, a real namespace jail, the real
# jaildaemon-hook, and stand-in jail managers that record how the daemon ran
# them. Sourced after lib.sh, not run.

need_root "namespaces, setns"
for tool in unshare nsenter pkill pgrep python3; do
    need_tool "$tool"
done

SOCK=$T/sock
LOG=$T/daemon.log
DAEMON=
JAILUP=
LEADER=

cleanup() {
    [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null
    [ -n "$LEADER" ] && kill -9 "$LEADER" 2>/dev/null
    [ -n "$JAILUP" ] && kill -9 "$JAILUP" 2>/dev/null
    wait 2>/dev/null
    if [ "$FAILS" != 0 ]; then
        echo "--- daemon log"
        cat "$LOG" 2>/dev/null
    fi
    cleanup_lib
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
    _n=$(($1 * 20))
    shift
    while [ "$_n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        _n=$((_n - 1))
    done
    return 1
}
jd() {
    "$JAILDAEMON" -f "$SOCK" "$@"
}
# "TITLE RESPAWN COMMAND" of every probe, sorted by title.
probes() {
    jd -l --json | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["title"]):
    print(p["title"], p["respawn"], p["command"])'
}
probe_count() {
    jd -l --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
# "TRIGGERS up|down" of the probe with this title.
probe_state() {
    jd -l --json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["title"] == sys.argv[1]:
        print(p["triggers"], "up" if p["pid"] > 0 else "down")' "$1"
}
respawned() {
    [ "$(probe_state SNAPSHOT)" = "1 up" ]
}
count_is() {
    [ "$(probe_count)" = "$1" ]
}
recorded() {
    grep -qx "$1" "$STANDIN_LOG"
}
# Run a command inside the jail (all its namespaces).
in_jail() {
    nsenter -t "$LEADER" -a "$@"
}

# e2e_start NAME: the daemon, and a jail that a stand-in jls calls NAME,
# answering with the host pid of the jail's init (on Linux, -j N names the
# container that host process N lives in). Sets DAEMON, JAILUP, LEADER.
e2e_start() {
    "$JAILDAEMON" -D -F -p "$T/pid" -f "$SOCK" --state "$T/state.json" --cooldown 0 \
        --probe "$JAILDAEMON_PROBE" >"$LOG" 2>&1 &
    DAEMON=$!
    if ! wait_for 5 test -S "$SOCK"; then
        not_ok "daemon did not come up"
        finish
    fi
    # Own pid, mount, uts, ipc and net namespaces and /proc.
    unshare --pid --mount --uts --ipc --net --fork --mount-proc --propagation private \
        sh -c 'hostname jail && exec sleep 600' </dev/null >/dev/null 2>&1 &
    JAILUP=$!
    wait_for 5 eval 'LEADER=$(pgrep -P "$JAILUP" -x sleep)'
    if [ -z "$LEADER" ]; then
        not_ok "namespace jail did not start"
        finish
    fi
    echo "$1 $LEADER" >"$STANDIN_JAILS"
}

# e2e_manager PROGRAM: prints the path of $T/host/PROGRAM, a wrapper that
# runs the stand-in PROGRAM from the daemon's clean environment and tells it
# where to record.
e2e_manager() {
    mkdir -p "$T/host"
    cat >"$T/host/$1" <<WRAP
#!/bin/sh
STANDIN_LOG=$STANDIN_LOG exec "$BIN/$1" "\$@"
WRAP
    chmod 755 "$T/host/$1"
    echo "$T/host/$1"
}

# e2e_hook: $T/hook, the real jaildaemon-hook reading $T/hook.conf (which
# the test writes; "socket = $SOCK" is put first).
e2e_hook() {
    cat >"$T/hook" <<HOOK
#!/bin/sh
exec "$JD_HOOK" -C "$T/hook.conf" "\$@"
HOOK
    chmod 755 "$T/hook"
    echo "socket = $SOCK" >"$T/hook.conf"
}

# The template's in-jail commands, rendered the way Bastille's RENDER does.
e2e_jail_commands() {
    for c in jail-reboot jail-snapshot; do
        sed -e 's/\${REBOOT_TITLE}/REBOOT/g' -e 's/\${SNAPSHOT_TITLE}/SNAPSHOT/g' \
            "$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin/$c" >"$T/$c"
    done
}
