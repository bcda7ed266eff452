#!/bin/sh
# A daemon start that fails leaves no empty pidfile or state lock file
# behind (rc.d's status and the next start must not find one), and a start
# refused because another daemon runs leaves that daemon's files alone.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

D=$T/run
mkdir -p "$D"
start() {
    "$JAILDAEMON" -D -F -p "$D/pid" -f "$D/sock" --state "$D/state.json" "$@" >"$T/out" 2>&1
}

start --probe /nonexistent/jaildaemon-probe
check_eq "missing probe program: EX_CONFIG" 78 $?
check "missing probe program: says so" grep -q "cannot find probe program /nonexistent" "$T/out"
check_eq "missing probe program: no pidfile, no lock file" "" "$(ls -A "$D")"

"$JAILDAEMON" -D -F -p "$D/pid" -f "$T/nonexistent/sock" --state "$D/state.json" \
    --probe "$JAILDAEMON_PROBE" >"$T/out" 2>&1
check "socket in a missing directory: refused" test $? -ne 0
check_eq "socket in a missing directory: no pidfile, no lock file" "" "$(ls -A "$D")"

# A running daemon, and a second one that may not start.
"$JAILDAEMON" -D -F -p "$D/pid" -f "$D/sock" --state "$D/state.json" \
    --probe "$JAILDAEMON_PROBE" >"$T/daemon.log" 2>&1 &
DAEMON=$!
n=100
while [ ! -S "$D/sock" ] && [ $n -gt 0 ]; do
    sleep 0.05
    n=$((n - 1))
done
check_eq "running daemon: its pid in the pidfile" "$DAEMON" "$(cat "$D/pid" 2>/dev/null)"
start --probe "$JAILDAEMON_PROBE"
check_eq "second daemon, same pidfile: EX_UNAVAILABLE" 69 $?
check_eq "second daemon: the first one's pidfile untouched" "$DAEMON" "$(cat "$D/pid" 2>/dev/null)"
"$JAILDAEMON" -D -F -p "$T/pid2" -f "$T/sock2" --state "$D/state.json" \
    --probe "$JAILDAEMON_PROBE" >"$T/out" 2>&1
check_eq "second daemon, same state file: EX_UNAVAILABLE" 69 $?
check "second daemon: its own pidfile removed" test ! -e "$T/pid2"
check "second daemon: the first one's lock file kept" test -e "$D/state.json.lock"
check_eq "second daemon: the first one's lock file still holds its pid" "$DAEMON" \
    "$(cat "$D/state.json.lock" 2>/dev/null)"
kill "$DAEMON"
wait "$DAEMON"
check_eq "clean stop: exit 0" 0 $?
check "clean stop: pidfile and lock file gone" test ! -e "$D/pid" -a ! -e "$D/state.json.lock"
finish
