#!/bin/bash
# FREEBSD SIMULATION (README.md here): the client's errors for jail specs
# as the FreeBSD backend answers them (freebsd/jail.cpp), and the pidfile
# (freebsd/pidfile.cpp, pidfile(3) from libbsd). The Linux answers are in
# tests/e2e/client_errors.sh.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
need_root

start_daemon
fat_jail
jd -c true -j "$JAIL" -t KEEP
check_eq "a probe to keep" 1 "$(probe_count)"
expect 68 "no such jail: 999999" jd -c true -j 999999 -t X
expect 68 "no such jail: 99999999999" jd -c true -j 99999999999 -t X
expect 68 "no such jail: nosuchjail" jd -c true -j nosuchjail -t X
expect 68 "no such jail: NNN" jd -c true -j "NNN$(printf 'n%.0s' $(seq 253))" -t X
expect 64 "jid 0 is the host" jd -c true -j 0 -t X
expect 64 "pid:N names a Linux container" jd -c true -j pid:1 -t X
expect 64 "are Linux container managers" jd -c true -j docker:web -t X
expect 77 "host pseudo-jail is not enabled" jd -c true -j host -t X
expect 65 "no probe matches jail" jd -x -j "$JAIL" -t NOPE
check_eq "the daemon kept its probe through all of it" 1 "$(probe_count)"

# The pidfile: a second daemon on it is refused and names the first.
out=$("$JD" -D -F -p "$PIDFILE" -f "$T/sock2" --probe "$PROBE" --state "$T/s2.json" 2>&1)
check_eq "a second daemon on the pidfile is refused" 69 $?
check "and names the first one's pid" grep -q "another jaildaemon (pid $DAEMON_PID)" <<<"$out"
check_eq "the pidfile holds the daemon's pid" "$DAEMON_PID" "$(cat "$PIDFILE")"
out=$("$JD" -D -F -p "$T/nodir/pid" -f "$T/sock3" --probe "$PROBE" --state "$T/s3.json" 2>&1)
check_eq "a pidfile that cannot be created" 73 $?

# --allow-host: the host pseudo-jail, through the FreeBSD backend's lookup.
"$JD" -D -F -p "$T/h.pid" -f "$T/hsock" --probe "$PROBE" --state "$T/h.json" --allow-host \
    >>"$LOG" 2>&1 &
H=$!
wait_for 5 test -S "$T/hsock"
"$JD" -f "$T/hsock" -c true -j host -t HOSTPROBE
check_eq "--allow-host: a probe on the host pseudo-jail" 0 $?
kill "$H"
wait "$H" 2>/dev/null

# The jail goes while the daemon holds it: a probe for it is refused.
kill -9 "$LEADER"
wait_for 5 count_is 0
expect 68 "no such jail" jd -c true -j "$JAIL" -t X
kill "$DAEMON_PID"
check "SIGTERM: the pidfile is removed" wait_for 5 test ! -e "$PIDFILE"
DAEMON_PID=
finish
