#!/bin/bash
# Registering jail+title again replaces the probe; -x removes by id or by
# jail and title; -l filters by jail.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail
J1=$LEADER S1=$JAIL
fat_jail
J2=$LEADER S2=$JAIL JID2=$JID

jd -c "echo one >> $T/effect" -j "$S1" -t REBOOT
P1=$(probe_pid REBOOT)
out=$(jd -c "echo two >> $T/effect" -j "$S1" -t REBOOT 2>&1)
check_eq "re-registering succeeds" 0 $?
check "and says it replaced" grep -q replaced <<<"$out"
check_eq "still one probe" 1 "$(probe_count)"
check "the old probe process is gone" wait_for 5 sh -c "! kill -0 $P1 2>/dev/null"
check_eq "exactly one REBOOT probe in the jail" 1 "$(in_jail "$J1" pgrep -c -f '^REBOOT$')"
in_jail "$J1" pkill -HUP -f '^REBOOT$'
wait_for 5 test -e "$T/effect"
check_eq "the new command runs, the old one not" two "$(cat "$T/effect")"

jd -c true -j "$S1" -t A -r
jd -c true -j "$S1" -t B -r
jd -c true -j "$S2" -t A -r
check_eq "three probes" 3 "$(probe_count)"
check_eq "-l -j filters by jail" 2 "$(jd -l --json -j "$S1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
ID=$(jd -l --json | python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin) if p["title"]=="B"][0])')
jd -x -i "$ID" 2>/dev/null
check_eq "-x -i removes by id" 2 "$(probe_count)"
jd -x -j "$S1" -t A 2>/dev/null
check_eq "-x -j -t removes by jail and title" 1 "$(probe_count)"
check_eq "the other jail's A stays" "$JID2" "$(jd -l --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["jid"])')"
jd -x -j "$S2" 2>/dev/null
check_eq "-x -j removes all of a jail" 0 "$(probe_count)"
# Ours only: the daemon's children and the jails' processes (other tests
# on this machine may run probes with the same titles).
gone() {
    ! pgrep -P "$DAEMON_PID" -f '^(A|B|REBOOT)$' >/dev/null &&
        ! in_jail "$J1" pgrep -f '^(A|B|REBOOT)$' >/dev/null &&
        ! in_jail "$J2" pgrep -f '^(A|B|REBOOT)$' >/dev/null
}
check "no probe processes left" wait_for 5 gone
check_eq "no zombies under the daemon" 0 "$(zombies_of "$DAEMON_PID")"
finish
