#!/bin/bash
# What a probe is: argv exactly the title, empty environment, only
# /dev/null on 0-2, its own session, no privileges, no capabilities, not
# traceable, inside every namespace of the jail.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c true -j "$LEADER" -t 'route config update' -u 65534 -g 100
check_eq "register with -u/-g" 0 $?
jd -c true -j "$LEADER" -t ROOTPROBE
P=$(probe_pid 'route config update')
R=$(probe_pid ROOTPROBE)
if ! [ "${P:-0}" -gt 0 ] || ! [ "${R:-0}" -gt 0 ]; then
    not_ok "probes not running"
    finish
fi

check_eq "cmdline is exactly the title (one argument)" "route config update|" "$(tr '\0' '|' <"/proc/$P/cmdline")"
check_eq "environment is empty" 0 "$(wc -c <"/proc/$P/environ")"
check_eq "only fds 0-2 and 5" "0 1 2 5" "$(find "/proc/$P/fd" -mindepth 1 -printf '%f\n' | sort -n | xargs)"
for fd in 0 1 2; do
    check_eq "fd $fd is /dev/null" /dev/null "$(readlink "/proc/$P/fd/$fd")"
done
check "fd 5 is the daemon's report socket" test "$(readlink "/proc/$P/fd/5" | cut -c1-7)" = "socket:"
check_eq "uid dropped" "65534 65534 65534 65534" "$(awk '/^Uid/ {print $2,$3,$4,$5}' "/proc/$P/status")"
check_eq "gid dropped" "100 100 100 100" "$(awk '/^Gid/ {print $2,$3,$4,$5}' "/proc/$P/status")"
check_eq "supplementary groups dropped" "100" "$(awk '/^Groups/ {print $2}' "/proc/$P/status")"
check_eq "no new privileges" 1 "$(awk '/^NoNewPrivs/ {print $2}' "/proc/$P/status")"
check_eq "root probe: no effective capabilities" 0000000000000000 "$(awk '/^CapEff/ {print $2}' "/proc/$R/status")"
check_eq "root probe: empty bounding set" 0000000000000000 "$(awk '/^CapBnd/ {print $2}' "/proc/$R/status")"
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
    "$(in_jail "$LEADER" sh -c 'for p in /proc/[0-9]*; do [ "$p" = /proc/$$ ] || cat $p/comm; done' 2>/dev/null | sed 's/^route config u.*/jaildaemon-probe/; s/^ROOTPROBE$/jaildaemon-probe/' | sort | xargs)"
check_eq "its parent is the daemon" "$DAEMON_PID" "$(awk '/^PPid/ {print $2}' "/proc/$P/status")"
check_eq "inside the jail its parent is outside (ppid 0)" 0 \
    "$(in_jail "$LEADER" sh -c 'awk "/^PPid/ {print \$2}" /proc/$(pgrep -f "^ROOTPROBE$")/status')"
check "the jail's nobody can trigger the -u probe" \
    in_jail "$LEADER" setpriv --reuid 65534 --regid 65534 --clear-groups pkill -HUP -f '^route config update$'
finish
