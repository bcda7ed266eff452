#!/bin/sh
# In hook mode a broken configuration is logged to syslog(3) as an error
# (LOG_DAEMON | LOG_ERR, priority 27) with the file and line, and a daemon
# that does not answer as a warning (priority 28). The log socket is a
# listener of this test at /dev/log, in a private mount namespace with a
# tmpfs over /dev, so the host's logging is untouched.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
need_root "a private mount namespace"
need_tool unshare
need_tool python3

printf 'probes = sometimes\n' >"$T/bad.conf"
# syslog_of ARGS...: the first message jaildaemon-hook ARGS... sends to
# /dev/log, as "PRIORITY MESSAGE".
syslog_of() {
    unshare -m sh -c '
        mount --make-rprivate / && mount -t tmpfs none /dev &&
            mknod -m 666 /dev/null c 1 3 || exit 1
        python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"/dev/log\")
s.settimeout(10)
open(sys.argv[1], \"w\").close()
msg = s.recv(4096).decode()
pri, rest = msg[1:].split(\">\", 1)
print(pri, rest.split(\": \", 1)[1])
" "$1/ready" >"$1/syslog" &
        n=0
        while [ ! -e "$1/ready" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
        shift
        "$@" >/dev/null 2>&1
        wait
    ' - "$T" "$@"
    cat "$T/syslog"
    rm -f "$T/ready" "$T/syslog"
}

out=$(syslog_of "$JD_HOOK" --hook -C "$T/bad.conf" start bastille web01 7)
check_eq "configuration error at a jail start: LOG_ERR, with file and line" \
    "27 $T/bad.conf:1: unknown probe \"sometimes\" (known: reboot, snapshot, both, none) (hook: jail start goes on)" \
    "$out"
out=$(syslog_of "$JD_HOOK" --hook -C /dev/null -f "$T/no.pipe" start bastille web01 7)
check "no daemon at a jail start: LOG_WARNING" test "${out%% *}" = 28
finish
