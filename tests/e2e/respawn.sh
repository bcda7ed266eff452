#!/bin/bash
# -r respawns after the command completes, -R at once; each trigger runs
# the command exactly once.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c "sleep 3; echo done >> $T/after" -j "$JAIL" -t AFTER -r
jd -c "sleep 3; echo done >> $T/now" -j "$JAIL" -t NOW -R
A1=$(probe_pid AFTER)
N1=$(probe_pid NOW)

in_jail "$LEADER" pkill -HUP -f '^AFTER$'
in_jail "$LEADER" pkill -HUP -f '^NOW$'
sleep 0.3
check "-R: a new probe is waiting while the command still runs" \
    test -n "$(probe_pid NOW)" -a "$(probe_pid NOW)" != "$N1" -a "$(probe_pid NOW)" != 0
check_eq "-r: no probe while the command runs" 0 "$(probe_pid AFTER)"
check_eq "-r: the command is still running" "" "$(cat "$T/after" 2>/dev/null)"
wait_for 10 probe_up AFTER
A2=$(probe_pid AFTER)
check "-r: respawned after the command with a new pid" test "$A2" != "$A1" -a "$A2" != 0
check_eq "-r: command ran once" "done" "$(cat "$T/after")"

in_jail "$LEADER" pkill -HUP -f '^AFTER$'
wait_for 10 lines_are 2 "$T/after" && wait_for 5 probe_up AFTER
wait_for 5 test -s "$T/now"
check_eq "-r: second trigger, second run" 2 "$(wc -l <"$T/after")"
check_eq "triggers counted" 2 "$(jd -l --json | python3 -c 'import json,sys; print([p["triggers"] for p in json.load(sys.stdin) if p["title"]=="AFTER"][0])')"
check_eq "-R: first command ran once" 1 "$(wc -l <"$T/now")"
check_eq "two probes remain" 2 "$(probe_count)"
check_eq "no zombies under the daemon" 0 "$(zombies_of "$DAEMON_PID")"
finish
