#!/bin/bash
# A probe in a "fat" namespace jail, triggered with the real pkill -HUP -f
# from inside; the host command writes where the jail cannot see.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c 'echo "jail=$JAILDAEMON_JAIL jid=$JAILDAEMON_JID title=$JAILDAEMON_TITLE" > '"$T"'/hostonly/effect' \
    -j "$JAIL" -t REBOOT
check_eq "register exits 0" 0 $?
check_eq "one probe listed" 1 "$(probe_count)"
if [ -n "$FBSDSIM" ]; then
    # FreeBSD 15: the daemon pins the jail with one jail descriptor (in the
    # simulation a pidfd of the jail's leader), close-on-exec; 14: none.
    descs=$(grep -l "^Pid:[[:space:]]*$LEADER\$" "/proc/$DAEMON_PID"/fdinfo/* 2>/dev/null)
    if [ "${FBSDSIM_KERNEL:-15}" = 14 ]; then
        check_eq "FreeBSD 14: no jail descriptor" "" "$descs"
    else
        check_eq "FreeBSD 15: one jail descriptor" 1 "$(echo "$descs" | grep -c .)"
        flags=$(awk '/^flags/ {print $2}' "$descs" 2>/dev/null)
        check_eq "and it is close-on-exec (O_CLOEXEC in its octal flags)" 1 $(((0${flags:-0} & 02000000) != 0))
    fi
fi
check "probe visible inside the jail as REBOOT" \
    in_jail "$LEADER" sh -c 'ps -eo args | grep -qx REBOOT'
check "the jail cannot see the host's effect directory" \
    in_jail "$LEADER" sh -c "! ls '$T/hostonly/effect' 2>/dev/null"

in_jail "$LEADER" pkill -HUP -f '^REBOOT$'
check_eq "pkill inside the jail found the probe" 0 $?
wait_for 5 test -s "$T/hostonly/effect"
check_eq "host command ran with the jail's environment" \
    "jail=$JAIL_NAME jid=$JID title=REBOOT" "$(cat "$T/hostonly/effect" 2>/dev/null)"
check "the jail still cannot see the effect" \
    in_jail "$LEADER" sh -c "! ls '$T/hostonly/effect' 2>/dev/null"
wait_for 5 count_is 0
check_eq "a probe without -r is forgotten after its trigger" 0 "$(probe_count)"
check_eq "no zombies under the daemon" 0 "$(zombies_of "$DAEMON_PID")"
finish
