#!/bin/bash
# A probe in a "thin" jail: a busybox-static chroot, so no host library
# exists inside and there is no pkill: trigger with kill -HUP $(pidof ...).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
thin_jail

jd -c "touch $T/thin-effect" -j "$JAIL" -t SNAPSHOT
check_eq "register in the thin jail" 0 $?
P=$(probe_inside "$(probe_pid SNAPSHOT)")
check "the static probe runs in the jail's root, not the host's" \
    test "$(readlink "/proc/$P/root")" = "$T/thin"
check_eq "the probe is pid 2 of the jail's pid namespace" \
    "$(in_jail "$LEADER" /bin/pidof SNAPSHOT)" "$(awk '/^NSpid/ {print $3}' "/proc/$P/status")"
in_jail "$LEADER" /bin/sh -c 'kill -HUP $(pidof SNAPSHOT)'
check "busybox kill -HUP triggers the host command" wait_for 5 test -e "$T/thin-effect"
finish
