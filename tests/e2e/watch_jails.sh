#!/bin/bash
# jaildaemon -D --watch-jails (FreeBSD 15): a jail that appears gets the
# standing probes of jaildaemon-hook's configuration from the daemon itself
# (kqueue EVFILT_JAIL / NOTE_JAIL_CHILD), its probe triggers the fixed
# command, and the probe goes with the jail. Runs in the freebsd-sim suite;
# on a simulated FreeBSD 14 and on Linux the option is refused with one
# line and EX_CONFIG (78).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
HOOK=${JAILDAEMON_HOOK:?JAILDAEMON_HOOK not set}
TITLE=WATCHED$$

# Only the jails of this test match: other tests may create simulated
# jails at the same time, and they get nothing from this daemon.
cat >"$T/hook.conf" <<CONF
probes = none
[watch]
restart = echo restart {name} >> $T/restart
[probe routes]
title = $TITLE
command = echo {name} {jid} >> $T/ran
respawn = after
jails = fat$$_*
managers = watch
CONF

refused() {
    local rc=0
    "$JD" -D -F -p "$PIDFILE" -f "$SOCK" --probe "$PROBE" --state "$T/state.json" \
        --watch-jails="$T/hook.conf" --hook "$HOOK" >"$T/out" 2>"$T/err" || rc=$?
    check_eq "$1: --watch-jails is refused with EX_CONFIG" 78 "$rc"
    check_eq "$1: one line of error" 1 "$(wc -l <"$T/err")"
    check "$1: the error names FreeBSD 15 and EVFILT_JAIL" grep -q 'needs FreeBSD 15 (kqueue EVFILT_JAIL)' "$T/err"
    check "$1: no socket left behind" test ! -e "$SOCK"
}

if [ -z "$FBSDSIM" ]; then
    refused Linux
    finish
fi
if [ "${FBSDSIM_KERNEL:-15}" = 14 ]; then
    refused "FreeBSD 14"
    finish
fi

need_root
start_daemon --watch-jails="$T/hook.conf" --hook "$HOOK"
check "the daemon says it watches" wait_for 5 grep -q -- '--watch-jails: new jails get the probes' "$LOG"
check_eq "no probe before a jail appears" 0 "$(probe_count)"

fat_jail
if ! wait_for 15 probe_up "$TITLE"; then
    not_ok "the new jail got no probe"
    cat "$LOG" >&2
    finish
fi
ok "the new jail $JAIL_NAME (jid $JID) got its probe"
check_eq "only the declared probe (probes = none)" 1 "$(probe_count)"
check "listed under the jail" sh -c "'$JD' -f '$SOCK' -l | grep -q '$JAIL_NAME'"
check "the hook was run for it" grep -q -- "--watch-jails: jail $JAIL_NAME (jid $JID) appeared" "$LOG"
check "the probe is inside the jail" \
    in_jail "$LEADER" pgrep -f "^$TITLE\$"

P1=$(probe_pid "$TITLE")
in_jail "$LEADER" pkill -HUP -f "^$TITLE\$"
check "the trigger ran the fixed command" wait_for 10 test -s "$T/ran"
check_eq "with the jail's name and jid" "$JAIL_NAME $JID" "$(cat "$T/ran" 2>/dev/null)"
check "respawn = after: the probe is back" wait_for 10 sh -c \
    "p=\$('$JD' -f '$SOCK' -l --json | python3 -c 'import json,sys; print([p[\"pid\"] for p in json.load(sys.stdin) if p[\"title\"]==\"$TITLE\"][0])'); [ \"\$p\" -gt 0 ] && [ \"\$p\" != '$P1' ]"

sim_remove "$JID" "$LEADER"
check "the probe goes with the jail" wait_for 15 count_is 0
check_eq "the [watch] restart never ran" "" "$(cat "$T/restart" 2>/dev/null)"

# A second jail after the first: the watch goes on.
fat_jail
check "a later jail gets its probe too" wait_for 15 probe_up "$TITLE"
check_eq "no zombies under the daemon" 0 "$(zombies_of "$DAEMON_PID")"
finish
