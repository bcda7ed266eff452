#!/bin/bash
# A rootless container (its own user namespace, root = host uid 65534):
# the probe joins that user namespace as its root, so the container's root
# can signal it, and gets no privilege on the host.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
rootless_jail
check_eq "the container runs as host uid 65534" 65534 "$(awk '/^Uid/ {print $2}' "/proc/$LEADER/status")"

jd -c "touch $T/effect" -j "$LEADER" -t ROOTLESS
check_eq "register in a rootless container" 0 $?
P=$(probe_pid ROOTLESS)
check_eq "the probe is in the container's user namespace" \
    "$(readlink "/proc/$LEADER/ns/user")" "$(readlink "/proc/$P/ns/user")"
check_eq "as the container's root: host uid 65534" "65534 65534 65534 65534" \
    "$(awk '/^Uid/ {print $2,$3,$4,$5}' "/proc/$P/status")"
check_eq "no capabilities" 0000000000000000 "$(awk '/^CapEff/ {print $2}' "/proc/$P/status")"
# The container's root, with nothing but its own credentials.
runuser -u nobody -- nsenter -t "$LEADER" -U -p -m --preserve-credentials \
    pkill -HUP -f '^ROOTLESS$'
check_eq "the container's root could signal the probe" 0 $?
check "the host command ran" wait_for 5 test -e "$T/effect"
check_eq "as root on the host" root "$(stat -c %U "$T/effect" 2>/dev/null)"
finish
