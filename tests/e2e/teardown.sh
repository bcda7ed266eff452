#!/bin/bash
# A jail that goes away takes its probes with it: no command runs, the
# daemon forgets them, no zombie is left; respawn into a dead jail stops.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail
J1=$LEADER S1=$JAIL
fat_jail
J2=$LEADER S2=$JAIL

jd -c "echo ran >> $T/effect" -j "$S1" -t REBOOT
jd -c "echo ran >> $T/effect" -j "$S1" -t SNAPSHOT -r
jd -c "sleep 1; echo ran2 >> $T/effect2" -j "$S2" -t LATE -r
check_eq "three probes" 3 "$(probe_count)"

kill -9 "$J1"
wait_for 5 count_is 1
check_eq "the dead jail's probes are forgotten" 1 "$(probe_count)"
check "no command ran for them" test ! -e "$T/effect"
grep -q 'ended without trigger' "$LOG"
check_eq "the daemon logged why" 0 $?

# Trigger, then kill the jail while the command runs: -r must not respawn.
in_jail "$J2" pkill -HUP -f '^LATE$'
sleep 0.2
kill -9 "$J2"
wait_for 5 test -e "$T/effect2"
wait_for 5 count_is 0
check_eq "no respawn into a dead jail" 0 "$(probe_count)"
check "the daemon logged the jail as gone" grep -q 'jail is gone' "$LOG"
check_eq "no zombies under the daemon" 0 "$(zombies_of "$DAEMON_PID")"
check "the daemon still answers" jd -l
finish
