#!/bin/bash
# Only the jail triggers: a host user who happens to have the probe's uid
# (-u 65534 in a jail without a user namespace: the same uid on the host)
# sends SIGHUP from the host. The probe ignores it (the sender is outside
# its pid namespace), stays, and the daemon logs the refusal; the same
# user inside the jail triggers it, and so does host root.
# Under FBSDSIM the same on the FreeBSD backend, in a jail that lets host
# users signal its processes (allow.unprivileged_parent_tampering): there
# the probe looks the sender up with sysctl kern.proc.pid from inside the
# jail, where a host process is not found (probe_os_from_jail), and the
# client warns. Where the kernel refuses such senders itself, see
# tests/freebsd-sim/signal_guard.sh.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
# The simulated security.bsd.see_jail_proc at its default, 1 (a killed
# signal_guard.sh may have left 0).
[ -z "$FBSDSIM" ] || rm -f "${FBSDSIM_ROOT:-/run/jaildaemon-fbsdsim}/sysctl/security.bsd.see_jail_proc"
start_daemon
# shellcheck disable=SC2034 # read by sim_register (tests/freebsd-sim/jail.sh)
SIM_PARENT_TAMPERING=1
fat_jail

jd -c "touch $T/ran" -j "$JAIL" -u 65534 -t HOSTHUP -r 2>"$T/warn"
check_eq "a -u 65534 probe registered" 0 $?
if [ -n "$FBSDSIM" ]; then
    check "the client warns that host users may signal the jail's processes" \
        grep -q "^jaildaemon: warning: jail $JAIL lets host users signal its processes (host account nobody has that uid): " "$T/warn"
else
    check_eq "no warning on Linux" "" "$(cat "$T/warn")"
fi
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

# FreeBSD here: a sender the probe can still find (it waits, as
# jail-reboot does); a pkill that has already exited may be refused, the
# race jaildaemon(8) SECURITY CONSIDERATIONS names.
if [ -n "$FBSDSIM" ]; then
    in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups \
        sh -c 'kill -HUP "$(pgrep -f "^HOSTHUP\$")" && sleep 1'
else
    in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups pkill -HUP -f '^HOSTHUP$'
fi
check "the same user inside the jail triggers it" wait_for 5 test -e "$T/ran"
finish
