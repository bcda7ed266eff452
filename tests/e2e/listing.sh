#!/bin/bash
# What the operator sees with -l (issue 21): 80 columns, -v with all of a
# probe, true states, the last result of a one-shot probe that is gone
# (--all), a jail named as its manager names it (-j with "_" for ".").
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c "sleep 2; echo done > $T/rb" -j "$LEADER" -t "REBOOT-of-a-jail-with-a-long-name" -u 65534 -g 65534
jd -c "echo snap" -j "$LEADER" -t SNAPSHOT -r --cooldown 7
check "-l fits 80 columns" sh -c "\"$JD\" -f \"$SOCK\" -l | awk 'length > 80 { exit 1 }'"
check "-l names the jail, title, state, respawn, last, triggers" \
    sh -c "\"$JD\" -f \"$SOCK\" -l | head -1 | grep -q 'ID *JAIL *TITLE *STATE *PID *RESPAWN *LAST *TRIGGERS'"
V=$(jd -l -v)
check "-l -v shows uid/gid" grep -q 'uid/gid   65534/65534' <<<"$V"
check "-l -v shows the cooldown" grep -q 'cooldown  7 s' <<<"$V"
check "-l -v shows the command" grep -q "command   sleep 2; echo done > $T/rb" <<<"$V"
check "-l -v shows pending" grep -q 'pending   no' <<<"$V"

in_jail "$LEADER" pkill -HUP -f '^REBOOT-of-a-jail'
sleep 0.5
check "running while its command runs, with the command's pid" \
    sh -c "\"$JD\" -f \"$SOCK\" -l | grep -q 'REBOOT-of-a-ja~ running  [0-9]'"
check "one-shot gone after a run that worked" wait_for 5 test -s "$T/rb"
wait_for 5 count_is 1
check "-l --all still shows it, with its result" \
    sh -c "\"$JD\" -f \"$SOCK\" -l --all | grep -q 'REBOOT-of-a-ja~ gone .* none *exit 0 *1'"
check "-l without --all does not" sh -c "! \"$JD\" -f \"$SOCK\" -l | grep -q REBOOT"

check_eq "-l -j finds a jail by its safe name (pid_N for pid:N)" 1 \
    "$(jd -l --json -j "pid_$LEADER" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
jd -x -j "pid_$LEADER" -t SNAPSHOT 2>/dev/null
check_eq "-x -j by safe name removes" 0 "$(probe_count)"
finish
