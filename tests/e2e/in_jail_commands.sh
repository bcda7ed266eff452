#!/bin/bash
# The in-jail commands jail-reboot and jail-snapshot (issue 21) against a
# real daemon and a real jail: they learn the outcome from the probe alone
# (back = finished; a one-shot REBOOT back = failed; a respawned probe at
# nice 1 = its command failed) and say so with distinct exit codes: 0 done,
# 1 failed, 75 requested, 69 not wired.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
SBIN=$(cd "$(dirname "$0")/../../bastille-template/jaildaemon/probes/usr/local/sbin" && pwd)
start_daemon
fat_jail
cp "$SBIN/jail-reboot" "$SBIN/jail-snapshot" "$T/"

run_in_jail() { # run_in_jail OUTFILE SCRIPT ARGS...: exit code of the script
    local out=$1
    shift
    in_jail "$LEADER" sh "$@" >"$out" 2>&1
}

jd -c "echo snap >> $T/snaps" -j "$LEADER" -t SNAPSHOT -r
jd -c "echo 'restart: no such jail' >&2; exit 1" -j "$LEADER" -t REBOOT

run_in_jail "$T/out" "$T/jail-snapshot" --wait 10
check_eq "jail-snapshot: done" 0 $?
check_eq "  the host ran the command" snap "$(cat "$T/snaps")"
check_eq "  says so" "jail-snapshot: snapshot requested
jail-snapshot: snapshot taken" "$(cat "$T/out")"

# A snapshot command that fails: the probe comes back at nice 1.
jd -c "echo 'cannot create snapshot: out of space' >&2; exit 1" -j "$LEADER" -t SNAPSHOT -r
run_in_jail "$T/out" "$T/jail-snapshot" --wait 10
check_eq "jail-snapshot, the host command fails: exit 1" 1 $?
check "  says so" grep -q '^jail-snapshot: snapshot failed, the host logged why$' "$T/out"
check_eq "  the probe is back at nice 1" 1 "$(ps -o nice= -p "$(probe_pid SNAPSHOT)" | tr -d ' ')"
jd -c "echo snap >> $T/snaps" -j "$LEADER" -t SNAPSHOT -r

R1=$(probe_pid REBOOT)
run_in_jail "$T/out" "$T/jail-reboot" --wait 10
check_eq "jail-reboot, the host command fails: exit 1" 1 $?
check "  says the restart failed" grep -q 'restart failed, the host logged why' "$T/out"
check "  the REBOOT probe is back, to try again" test "$(probe_pid REBOOT)" -gt 0 -a "$(probe_pid REBOOT)" != "$R1"
check "  -l says how it ended" sh -c "\"$JD\" -f \"$SOCK\" -l | grep -q 'REBOOT .* none *exit 1 *1'"

run_in_jail "$T/out" "$T/jail-snapshot" --no-wait
check_eq "jail-snapshot --no-wait: requested" 75 $?
wait_for 5 lines_are 2 "$T/snaps"

# A restart command that works but leaves the jail up: no probe comes back.
jd -c "true" -j "$LEADER" -t REBOOT
run_in_jail "$T/out" "$T/jail-reboot" --wait 2
check_eq "jail-reboot, jail still up after the wait: 75" 75 $?
check "  says the jail is still up" grep -q 'still up after 2 s' "$T/out"

run_in_jail "$T/out" "$T/jail-reboot"
check_eq "jail-reboot, no probe: not wired (69)" 69 $?
check "  names no one manager" sh -c "! grep -q 'jaildaemon-bastille' '$T/out'"
run_in_jail "$T/out" "$T/jail-reboot" --wait x
check_eq "jail-reboot --wait x: usage (64)" 64 $?
finish
