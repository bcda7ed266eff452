#!/bin/bash
# Every bad input gets one clear line and a sysexits(3) code, and the
# daemon carries on with its probes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root

expect 69 "no jaildaemon is running on $SOCK" jd -c true -j 1 -t X
expect 64 "one of -D, -c, -l, -x is required" "$JD"
expect 64 "-c needs -j" jd -c true -t X
expect 64 "-r and -R exclude each other" jd -c true -j 1 -r -R
expect 64 "-u wants a number from 0 to 4294967294 or a name" jd -c true -j 1 -u "no body"
expect 64 "title longer than 128" jd -c true -j 1 -t "$(printf 'A%.0s' $(seq 200))"
expect 64 "title holds a control" jd -c true -j 1 -t "$(printf 'A\nB')"
expect 64 "title is empty" jd -c true -j 1 -t ""
expect 64 "exactly one of -D, -c" "$JD" -D -c true
expect 64 "json does not go with -D" "$JD" -D --json
expect 64 "unrecognised option" "$JD" --bogus
check_eq "a usage error is one line with a hint to --help" \
    "jaildaemon: -c needs -j jid|name: the jail to put the probe in (jaildaemon --help for usage)" \
    "$("$JD" -c true 2>&1)"

start_daemon
fat_jail
jd -c "true" -j "$LEADER" -t KEEP
check_eq "a probe to keep" 1 "$(probe_count)"
# The original's contract: -p is ignored in utility mode, with a warning.
check_eq "-c with -p: registered, with a one-line warning" \
    "jaildaemon: warning: --pidfile is ignored with -c" \
    "$(jd -c true -j "$LEADER" -t IGNORED -p "$T/x.pid" 2>&1)"
check_eq "  registered" 2 "$(probe_count)"
jd -x -j "$LEADER" -t IGNORED 2>/dev/null

expect 68 "no such jail: no process 4000000" jd -c true -j 4000000 -t X
expect 68 "is not in a container" jd -c true -j $$ -t X
expect 64 "bad jail" jd -c true -j nosuchname -t X
expect 77 "host pseudo-jail is refused" jd -c true -j host -t X
expect 65 "no probe with id 999" jd -x -i 999
expect 65 "no probe matches jail" jd -x -j "$LEADER" -t NOPE
if command -v lxc-info >/dev/null; then
    expect 68 'lxc container "nosuchcontainer" does not exist or is not running' \
        jd -c true -j lxc:nosuchcontainer -t X
fi
if command -v podman >/dev/null; then
    expect 68 'podman container "nosuch" does not exist' jd -c true -j podman:nosuch -t X
else
    expect 69 "podman is not installed" jd -c true -j podman:nosuch -t X
fi
if command -v machinectl >/dev/null; then
    expect 68 'machine container "nosuch" does not exist' jd -c true -j machine:nosuch -t X
else
    expect 69 "machinectl is not installed" jd -c true -j machine:nosuch -t X
fi
expect 64 "bad docker container name" jd -c true -j docker:-rf -t X

# Non-root: the socket is 0600, so the kernel refuses...
check_eq "socket mode 0600" 600 "$(stat -c %a "$SOCK")"
expect 77 "permission denied" runuser -u nobody -- "$JD" -f "$SOCK" -c true -j "$LEADER" -t X
# ...and if an operator loosens the mode, the daemon refuses by peer uid.
chmod 0666 "$SOCK"
expect 77 "only root may register" runuser -u nobody -- "$JD" -f "$SOCK" -c true -j "$LEADER" -t X
expect 77 "only root may register" runuser -u nobody -- "$JD" -f "$SOCK" -x -i 1
check "non-root may still list" runuser -u nobody -- "$JD" -f "$SOCK" -l
chmod 0600 "$SOCK"
check "the refusal is logged with the peer uid" grep -q "from uid 65534" "$LOG"

check_eq "the daemon kept its probe through all of it" 1 "$(probe_count)"
check "the daemon is alive" kill -0 "$DAEMON_PID"
finish
