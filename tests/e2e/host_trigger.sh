#!/bin/bash
# Only the jail triggers: a host user who happens to have the probe's uid
# (-u 65534 in a jail without a user namespace: the same uid on the host)
# sends SIGHUP from the host. The probe ignores it (the sender is outside
# its pid namespace), stays, and the daemon logs the refusal; the same
# user inside the jail triggers it, and so does host root.
# Under FBSDSIM the same on the FreeBSD backend (probe_os_from_jail: the
# sender is not found by sysctl kern.proc.pid from inside the jail).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c "touch $T/ran" -j "$JAIL" -u 65534 -t HOSTHUP -r
check_eq "a -u 65534 probe registered" 0 $?
P=$(probe_inside "$(probe_pid HOSTHUP)")
check "it runs as uid 65534" test "$(awk '/^Uid/ {print $2}' "/proc/$P/status")" = 65534

setpriv --reuid 65534 --regid 65534 --clear-groups kill -HUP "$P"
check_eq "a host user with its uid may signal it" 0 $?
# FreeBSD gives no sender pid on the report socket: the daemon names the
# probe by the title it sent (probe_launcher.cpp refused).
WHO='probe "HOSTHUP" in jail .*'
[ -n "$FBSDSIM" ] && WHO='a probe titled "HOSTHUP"'
check "the daemon logs the refused trigger" \
    wait_for 5 grep -q "$WHO ignored a SIGHUP from outside its jail (sender uid 65534)" "$LOG"
sleep 0.5
check "the command did not run" test ! -e "$T/ran"
check_eq "the probe is still the same" "$P" "$(probe_inside "$(probe_pid HOSTHUP)")"
check_eq "and still running" 0 "$(kill -0 "$P" 2>&1; echo $?)"

# Host root is trusted (it could run the command itself): its kill(2)
# still triggers a probe in a jail without a user namespace.
jd -c "touch $T/root-ran" -j "$JAIL" -t ROOTHUP
kill -HUP "$(probe_inside "$(probe_pid ROOTHUP)")"
check "host root's SIGHUP triggers" wait_for 5 test -e "$T/root-ran"

in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups pkill -HUP -f '^HOSTHUP$'
check "the same user inside the jail triggers it" wait_for 5 test -e "$T/ran"
finish
