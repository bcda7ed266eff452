#!/bin/bash
# What a probe is: argv exactly the title, empty environment, only
# /dev/null on 0-2, its own session, no privileges, no capabilities, not
# traceable, inside every namespace of the jail.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c true -j "$JAIL" -t 'route config update' -u 65534 -g 100
check_eq "register with -u/-g" 0 $?
jd -c true -j "$JAIL" -t ROOTPROBE
A=$(probe_pid 'route config update')
P=$(probe_inside "$A")
R=$(probe_inside "$(probe_pid ROOTPROBE)")
if ! [ "${P:-0}" -gt 0 ] || ! [ "${R:-0}" -gt 0 ]; then
    not_ok "probes not running"
    finish
fi

check_eq "cmdline is exactly the title (one argument)" "route config update|" "$(tr '\0' '|' <"/proc/$P/cmdline")"
check_eq "environment is empty" 0 "$(wc -c <"/proc/$P/environ")"
# 0-2 and the report socket (probe_abi.hpp: it arrives with the
# configuration, on the lowest free descriptor: 5 beside a pidfd or a jail
# descriptor on 4, else 4). FBSDSIM: the simulation's own line to its
# anchor (fd 900 or above, tests/freebsd-sim/README.md) is not the probe's.
fds=$(find "/proc/$P/fd" -mindepth 1 -printf '%f\n' | sort -n | awk -v sim="${FBSDSIM:-}" '!sim || $1 < 900' | xargs)
check_eq "only fds 0-2 and the report socket" "0 1 2 R" "$(echo "$fds" | awk '{ if (NF == 4) $4 = "R"; print }')"
report_fd=${fds##* }
check "the fourth is the daemon's report socket" sh -c "readlink /proc/$P/fd/$report_fd | grep -q '^socket:'"
for fd in 0 1 2; do
    check_eq "fd $fd is /dev/null" /dev/null "$(readlink "/proc/$P/fd/$fd")"
done
check_eq "uid dropped" "65534 65534 65534 65534" "$(awk '/^Uid/ {print $2,$3,$4,$5}' "/proc/$P/status")"
check_eq "gid dropped" "100 100 100 100" "$(awk '/^Gid/ {print $2,$3,$4,$5}' "/proc/$P/status")"
check_eq "supplementary groups dropped" "100" "$(awk '/^Groups/ {print $2}' "/proc/$P/status")"
check_eq "no new privileges" 1 "$(awk '/^NoNewPrivs/ {print $2}' "/proc/$P/status")"
# Linux capabilities: FreeBSD has none to drop.
if [ -z "$FBSDSIM" ]; then
    check_eq "root probe: no effective capabilities" 0000000000000000 "$(awk '/^CapEff/ {print $2}' "/proc/$R/status")"
    check_eq "root probe: empty bounding set" 0000000000000000 "$(awk '/^CapBnd/ {print $2}' "/proc/$R/status")"
fi
check_eq "its own session" "$P" "$(ps -o sid= -p "$P" | tr -d ' ')"
check_eq "not dumpable: /proc/PID/environ is root-only" root "$(stat -c %U "/proc/$P/environ")"
for ns in pid mnt uts ipc net cgroup; do
    check_eq "in the jail's $ns namespace" "$(readlink "/proc/$LEADER/ns/$ns")" "$(readlink "/proc/$P/ns/$ns")"
done
check_eq "it is the probe program, not the daemon" "$(readlink -f "$PROBE")" "$(readlink "/proc/$P/exe")"
check "not dumpable: its own uid cannot read its memory map" \
    sh -c "! setpriv --reuid 65534 --regid 100 --clear-groups cat /proc/$P/maps >/dev/null 2>&1"
for ns in pid mnt user; do
    check_eq "the daemon itself never entered the jail's $ns namespace" \
        "$(readlink /proc/self/ns/$ns)" "$(readlink "/proc/$DAEMON_PID/ns/$ns")"
done
check_eq "the daemon's children are the two probes (no launcher left)" 2 "$(pgrep -P "$DAEMON_PID" | wc -l)"
check_eq "seen from the jail, its processes are init and the two probes" \
    "$(printf '%s\n' jaildaemon-probe jaildaemon-probe sleep | xargs)" \
    "$(in_jail "$LEADER" sh -c 'for p in /proc/[0-9]*; do [ "$p" = /proc/$$ ] || cat $p/comm; done' 2>/dev/null | sed 's/^route config u.*/jaildaemon-probe/; s/^ROOTPROBE$/jaildaemon-probe/; s/^jaildaemon-prob$/jaildaemon-probe/' | sort | xargs)"
check_eq "its parent is the daemon" "$DAEMON_PID" "$(awk '/^PPid/ {print $2}' "/proc/$A/status")"
check_eq "inside the jail its parent is outside (ppid 0)" 0 \
    "$(in_jail "$LEADER" sh -c 'awk "/^PPid/ {print \$2}" /proc/$(pgrep -f "^ROOTPROBE$")/status')"
check "the jail's nobody can trigger the -u probe" \
    in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups pkill -HUP -f '^route config update$'
finish
