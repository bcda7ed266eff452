#!/bin/bash
# A trigger is not lost to a failure (issue 21): a one-shot probe whose
# command fails while its jail lives comes back so the jail can try again;
# a respawning probe killed by another signal than its trigger comes back,
# with backoff; a deferred run whose jail is gone is dropped with an audit
# line, never run.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon --command-timeout 1
fat_jail

field() { # field TITLE KEY: a field of the probe with TITLE in -l --json
    jd -l --json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["title"] == sys.argv[1]:
        print(p.get(sys.argv[2], ""))' "$1" "$2"
}
grep_lv() { jd -l -v | grep -q "$1"; }
gone() { [ -z "$(probe_pid "$1")" ]; }

jd -c "echo ran >> $T/fail; exit 3" -j "$LEADER" -t FAIL
jd -c "echo ran >> $T/ok" -j "$LEADER" -t OK
jd -c "echo ran >> $T/slow; sleep 30" -j "$LEADER" -t SLOW
F1=$(probe_pid FAIL)

in_jail "$LEADER" pkill -HUP -f '^FAIL$'
in_jail "$LEADER" pkill -HUP -f '^OK$'
in_jail "$LEADER" pkill -HUP -f '^SLOW$'
check "one-shot, command exit 3: the probe comes back" wait_for 10 probe_up FAIL
check "  with a new pid" test "$(probe_pid FAIL)" != "$F1"
check_eq "  -l says how the last run ended" 3 "$(field FAIL last_exit)"
check "  -l -v says why it is back" grep_lv 'back after.*exit 3'
check "  the log says why" grep -q 'FAIL.*exit 3.*back so the jail can try again' "$LOG"
check "one-shot, command exit 0: the probe is gone" wait_for 5 gone OK
check "one-shot, command timed out: the probe comes back" wait_for 10 probe_up SLOW
check "  the log says why" grep -q 'SLOW.*timeout.*back so the jail can try again' "$LOG"
in_jail "$LEADER" pkill -HUP -f '^FAIL$'
check "the jail can try again" wait_for 10 lines_are 2 "$T/fail"

# A respawning probe killed by another signal (pkill without -HUP).
jd -c "echo ran >> $T/snap" -j "$LEADER" -t SNAP -r
jd -c "echo ran >> $T/now" -j "$LEADER" -t NOW -R
S1=$(probe_pid SNAP)
in_jail "$LEADER" pkill -TERM -f '^SNAP$'
kill -KILL "$(probe_pid NOW)"
check "-r probe killed by SIGTERM comes back" wait_for 10 probe_up SNAP
check "  as a new process" test "$(probe_pid SNAP)" != "$S1"
check "-R probe killed by SIGKILL comes back" wait_for 10 probe_up NOW
check "  the log says so, with its delay" grep -q 'SNAP.*signal 15.*back in 1 s' "$LOG"
check_eq "no command ran for a kill" "" "$(cat "$T/snap" "$T/now" 2>/dev/null)"
# Backoff: killed again at once, it waits longer.
in_jail "$LEADER" pkill -TERM -f '^SNAP$'
check "  killed again: back after a longer delay" wait_for 5 grep -q 'SNAP.*signal 15.*back in 2 s' "$LOG"
check "  and back" wait_for 10 probe_up SNAP

# A deferred run whose jail is gone is dropped, with an audit line.
jd -c "echo ran >> $T/late" -j "$LEADER" -t LATE -r --cooldown 3
in_jail "$LEADER" pkill -HUP -f '^LATE$'
wait_for 5 lines_are 1 "$T/late"
wait_for 5 probe_up LATE
in_jail "$LEADER" pkill -HUP -f '^LATE$'
check "second trigger in the cooldown is deferred" wait_for 5 grep -q 'LATE.*deferred' "$LOG"
for p in "${JAIL_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
sleep 4.5
check_eq "the deferred run did not run after its jail was gone" 1 "$(wc -l <"$T/late")"
check "  an audit line says it was dropped" \
    grep -q 'audit: deferred run of probe .*LATE.* dropped: its jail is gone' "$LOG"
check "the jail's probes are forgotten" wait_for 5 count_is 0
finish
