#!/bin/bash
# -u and -g take names (issue 21), resolved in the jail's own /etc/passwd
# and /etc/group by the probe, never in the host's.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
thin_jail
R=$T/thin
mkdir -p "$R/etc"
printf 'root:x:0:0:root:/root:/bin/sh\njailweb:x:4321:4322:web:/nonexistent:/bin/false\n' >"$R/etc/passwd"
printf 'wheel:x:0:root\njailgrp:x:4322:\nother:x:4323:\n' >"$R/etc/group"

ids_of() { # real uid and gid of a host pid
    awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u "/" g}' "/proc/$1/status"
}

jd -c true -j "$LEADER" -t BYNAME -u jailweb
check_eq "-u NAME: registered" 0 $?
check_eq "  runs as the jail's uid, with its primary group" "4321/4322" "$(ids_of "$(probe_pid BYNAME)")"
jd -c true -j "$LEADER" -t BOTH -u jailweb -g other
check_eq "-u NAME -g NAME" "4321/4323" "$(ids_of "$(probe_pid BOTH)")"
jd -c true -j "$LEADER" -t GROUP -g jailgrp
check_eq "-g NAME alone" "0/4322" "$(ids_of "$(probe_pid GROUP)")"
check "-l -v shows the names" sh -c "\"$JD\" -f \"$SOCK\" -l -v | grep -q 'uid/gid   jailweb/other'"

# The host has "daemon" and "sys"; the jail does not: refused, never the host's.
out=$(jd -c true -j "$LEADER" -t HOSTUSER -u daemon 2>&1)
check_eq "a host-only user is refused (EX_NOUSER)" 67 $?
check "  saying it is not in the jail" grep -q "daemon.*not in the jail's /etc/passwd" <<<"$out"
out=$(jd -c true -j "$LEADER" -t HOSTGROUP -g sys 2>&1)
check_eq "a host-only group is refused" 67 $?
check "  saying it is not in the jail" grep -q "sys.*not in the jail's /etc/group" <<<"$out"
out=$(jd -c true -j "$LEADER" -t BAD -u 'a b' 2>&1)
check_eq "a malformed name is a usage error" 64 $?
check_eq "three probes" 3 "$(probe_count)"
# A name survives a daemon restart (the state keeps the name).
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
start_daemon
check "restored with its name" wait_for 10 probe_up BYNAME
check_eq "  still the jail's uid" "4321/4322" "$(ids_of "$(probe_pid BYNAME)")"
finish
