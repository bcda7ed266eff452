#!/bin/sh
# End to end on Linux: a real jaildaemon, a real namespace jail, the real
# jaildaemon-hook. The jail is called "web.example.com" by a stand-in jls
# that answers with the host pid of the jail's init (on Linux, -j N names
# the container that host process N lives in); the stand-in ezjail-admin
# records how the daemon ran it. Like ezjail does, the post-start script is
# run with jid and name; the in-jail command jail-reboot (from the Bastille
# template) triggers REBOOT from inside, and the host side must record
# `ezjail-admin onerestart web.example.com`.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
need_root "namespaces, setns"
for tool in unshare nsenter pkill pgrep python3; do
    need_tool "$tool"
done

SOCK=$T/sock
LOG=$T/daemon.log
NAME=web.example.com
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
# "TITLE RESPAWN" of every probe, sorted.
probes() {
    jd -l --json | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["title"]):
    print(p["title"], p["respawn"], p["command"])'
}
probe_count() {
    jd -l --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
# "triggers pid" of the probe with this title.
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

# The daemon, on a socket and state file of this test only.
"$JAILDAEMON" -D -F -p "$T/pid" -f "$SOCK" --state "$T/state.json" --cooldown 0 \
    --probe "$JAILDAEMON_PROBE" >"$LOG" 2>&1 &
DAEMON=$!
wait_for 5 test -S "$SOCK" || {
    not_ok "daemon did not come up"
    finish
}

# The jail: own pid, mount, uts, ipc and net namespaces and /proc.
unshare --pid --mount --uts --ipc --net --fork --mount-proc --propagation private \
    sh -c 'hostname web && exec sleep 600' </dev/null >/dev/null 2>&1 &
JAILUP=$!
wait_for 5 eval 'LEADER=$(pgrep -P "$JAILUP" -x sleep)'
if [ -z "$LEADER" ]; then
    not_ok "namespace jail did not start"
    finish
fi
echo "$NAME $LEADER" >"$STANDIN_JAILS"

# The daemon runs commands in a clean environment: the stand-in ezjail-admin
# is named by its path and told where to record.
mkdir -p "$T/host"
cat >"$T/host/ezjail-admin" <<ADMIN
#!/bin/sh
STANDIN_LOG=$STANDIN_LOG exec "$BIN/ezjail-admin" "\$@"
ADMIN
chmod 755 "$T/host/ezjail-admin"
ADMIN=$T/host/ezjail-admin
cat >"$T/hook.conf" <<CONF
socket = $SOCK
[ezjail]
program = $ADMIN
CONF
# The post-start script as ezjail runs it: jid, name; the helper reads its
# configuration from the default place, so wrap it with -C.
cat >"$T/hook" <<HOOK
#!/bin/sh
exec "$JD_HOOK" -C "$T/hook.conf" "\$@"
HOOK
chmod 755 "$T/hook"

reset_calls
JAILDAEMON_HOOK=$T/hook sh "$JD_GLUE_DIR/jaildaemon-ezjail-poststart" "$LEADER" "$NAME" >"$T/out" 2>&1
check_eq "post-start script: exit 0" 0 $?
check_eq "post-start script: one line" \
    "jaildaemon-hook: ezjail jail $NAME (jid $LEADER): registered REBOOT, SNAPSHOT" "$(cat "$T/out")"
check_eq "two probes, REBOOT without respawn, SNAPSHOT with" \
    "REBOOT none $ADMIN onerestart $NAME
SNAPSHOT after $ADMIN snapshot $NAME" "$(probes)"
check "REBOOT visible inside the jail" nsenter -t "$LEADER" -a sh -c 'ps -eo args | grep -qx REBOOT'
check "SNAPSHOT visible inside the jail" nsenter -t "$LEADER" -a sh -c 'ps -eo args | grep -qx SNAPSHOT'

# Running the hook again (a restart without stop) replaces, never doubles.
"$T/hook" start ezjail "$NAME" >"$T/out" 2>&1
check_eq "second start, jid from jls: exit 0" 0 $?
check_eq "second start: replaced" \
    "jaildaemon-hook: ezjail jail $NAME (jid $LEADER): registered REBOOT (replaced), SNAPSHOT (replaced)" \
    "$(cat "$T/out")"
check_eq "second start: still one probe per title" 2 "$(probe_count)"
check "second start: jid looked up with jls" recorded "jls \[-j\] \[$NAME\] \[jid\]"

# Trigger SNAPSHOT from inside the jail with the template's command.
sed -e 's/\${REBOOT_TITLE}/REBOOT/g' -e 's/\${SNAPSHOT_TITLE}/SNAPSHOT/g' \
    "$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin/jail-snapshot" >"$T/jail-snapshot"
sed -e 's/\${REBOOT_TITLE}/REBOOT/g' -e 's/\${SNAPSHOT_TITLE}/SNAPSHOT/g' \
    "$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin/jail-reboot" >"$T/jail-reboot"
reset_calls
nsenter -t "$LEADER" -a sh "$T/jail-snapshot" >"$T/out" 2>&1
check_eq "jail-snapshot inside the jail: exit 0" 0 $?
wait_for 10 recorded "ezjail-admin \[snapshot\] \[$NAME\]"
check_eq "the host ran ezjail-admin snapshot NAME" "ezjail-admin [snapshot] [$NAME]" "$(calls)"
wait_for 10 respawned
check_eq "SNAPSHOT came back after its trigger (respawn)" "1 up" "$(probe_state SNAPSHOT)"
check_eq "REBOOT untouched" "0 up" "$(probe_state REBOOT)"

# Trigger REBOOT from inside: the host runs ezjail-admin onerestart NAME.
reset_calls
nsenter -t "$LEADER" -a sh "$T/jail-reboot" >"$T/out" 2>&1
check_eq "jail-reboot inside the jail: exit 0" 0 $?
wait_for 10 recorded "ezjail-admin \[onerestart\] \[$NAME\]"
check_eq "the host ran ezjail-admin onerestart NAME" "ezjail-admin [onerestart] [$NAME]" "$(calls)"
wait_for 5 count_is 1
check_eq "REBOOT is gone after its trigger (no respawn)" "SNAPSHOT after $ADMIN snapshot $NAME" "$(probes)"
nsenter -t "$LEADER" -a sh "$T/jail-reboot" >"$T/out" 2>&1
check_eq "jail-reboot without a probe: EX_UNAVAILABLE" 69 $?

# stop removes what start registered.
"$T/hook" stop ezjail "$NAME" >"$T/out" 2>&1
check_eq "stop: exit 0" 0 $?
check_eq "stop: one line" "jaildaemon-hook: ezjail jail $NAME: removed 1 probe" "$(cat "$T/out")"
check_eq "stop: no probes left" 0 "$(probe_count)"

# A jail that is gone: hook mode logs one line and exits 0.
kill -9 "$LEADER" "$JAILUP" 2>/dev/null
wait "$JAILUP" 2>/dev/null
JAILUP=
LEADER=
"$T/hook" --hook start ezjail "$NAME" >"$T/out" 2>"$T/err"
check_eq "gone jail, hook mode: exit 0" 0 $?
check_eq "gone jail, hook mode: one line" 1 "$(wc -l <"$T/err" | tr -d ' ')"

# No daemon: hook mode exit 0, interactive 69.
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null
DAEMON=
"$T/hook" --hook start ezjail "$NAME" 7 >"$T/out" 2>"$T/err"
check_eq "no daemon, hook mode: exit 0" 0 $?
"$T/hook" start ezjail "$NAME" 7 >"$T/out" 2>"$T/err"
check_eq "no daemon: EX_UNAVAILABLE" 69 $?

finish
