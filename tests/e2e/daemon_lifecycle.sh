#!/bin/bash
# -D detaches, writes and removes its pidfile, refuses a second daemon,
# replaces a stale socket; probes die with a killed daemon; a daemon
# started with SIGHUP ignored and blocked still triggers.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
fat_jail

"$JD" -D -p "$PIDFILE" -f "$SOCK" --probe "$PROBE" --log "$LOG" --state "$T/state.json"
check_eq "-D returns 0 after detaching" 0 $?
D=$(cat "$PIDFILE" 2>/dev/null)
check "pidfile holds the live daemon's pid" kill -0 "${D:-0}"
check_eq "the daemon is named jaildaemon" jaildaemon "$(cat "/proc/$D/comm")"
check "the client connects at once" jd -l

out=$("$JD" -D -p "$PIDFILE" -f "$SOCK" --probe "$PROBE" --log "$LOG" --state "$T/state.json" 2>&1)
check_eq "a second -D is refused with EX_UNAVAILABLE" 69 $?
check "and says why" grep -q "another jaildaemon (pid $D)" <<<"$out"
out=$("$JD" -D -p "$T/other.pid" -f "$SOCK" --probe "$PROBE" --log "$LOG" --state "$T/other.json" 2>&1)
check_eq "a second -D on the same socket is refused" 69 $?
check "and says why" grep -q "already answers on $SOCK" <<<"$out"

jd -c "echo x > $T/never" -j "$LEADER" -t ORPHAN
P=$(probe_pid ORPHAN)
kill -9 "$D"
check "kill -9 of the daemon: its probe dies with it" wait_for 5 sh -c "! kill -0 $P 2>/dev/null"
check "no command ran" test ! -e "$T/never"
check "the stale socket is left behind" test -S "$SOCK"

out=$("$JD" -D -p "$PIDFILE" -f "$SOCK" --probe "$PROBE" --log "$LOG" --state "$T/state.json" 2>&1)
check_eq "a new daemon replaces the stale socket" 0 $?
D=$(cat "$PIDFILE")
check "and says so" grep -q "removing stale socket $SOCK" <<<"$out"
jd -c "true" -j "$LEADER" -t TERM
P=$(probe_pid TERM)
kill -TERM "$D"
check "SIGTERM: daemon exits" wait_for 5 sh -c "! kill -0 $D 2>/dev/null"
check "SIGTERM: pidfile removed" test ! -e "$PIDFILE"
check "SIGTERM: socket removed" test ! -e "$SOCK"
check "SIGTERM: probes killed" wait_for 5 sh -c "! kill -0 $P 2>/dev/null"

# The 0.2 bug: a daemon started from rc with SIGHUP ignored (and here also
# blocked) must still give its probes a working SIGHUP.
python3 - "$JD" "$PIDFILE" "$SOCK" "$PROBE" "$LOG" <<'PY'
import os, signal, sys
jd, pidfile, sock, probe, log = sys.argv[1:]
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
os.execv(jd, [jd, "-D", "-p", pidfile, "-f", sock, "--probe", probe, "--log", log,
              "--state", os.path.dirname(pidfile) + "/state.json"])
PY
D=$(cat "$PIDFILE")
check "daemon runs with SIGHUP ignored" grep -q '^SigIgn:.*' "/proc/$D/status"
jd -c "touch $T/hup-ok" -j "$LEADER" -t HUPTEST
P=$(probe_pid HUPTEST)
check_eq "the probe's SIGHUP is not ignored" 0 $((0x$(awk '/^SigIgn/ {print $2}' "/proc/$P/status") & 1))
check_eq "the probe's SIGHUP is not blocked" 0 $((0x$(awk '/^SigBlk/ {print $2}' "/proc/$P/status") & 1))
in_jail "$LEADER" pkill -HUP -f '^HUPTEST$'
check "the trigger works" wait_for 5 test -e "$T/hup-ok"
kill -TERM "$D"
wait_for 5 sh -c "! kill -0 $D 2>/dev/null"
finish
