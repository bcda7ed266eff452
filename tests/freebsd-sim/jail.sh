#!/bin/bash
# FREEBSD SIMULATION, tests only (README.md here): make a namespace jail a
# simulated FreeBSD jail, with a jid and a name, by registering it where
# the simulated jail_get(2)/jail_attach(2) look (tests/freebsd-sim/sim.hpp:
# ROOT/jails/JID holding "NAME LEADER START TAMPER"). Sourced.
#
#   sim_register LEADER NAME   sets SIM_JID (the lowest free jid, as the
#                              kernel hands them out) and SIM_NAME; the
#                              jail's allow.unprivileged_parent_tampering
#                              is $SIM_PARENT_TAMPERING (default 0, as on
#                              FreeBSD)
#   sim_remove JID [LEADER]    the jail is removed: its leader is killed
#                              and its entry goes; with LEADER, only while
#                              the entry is still that leader's (once a
#                              jail is gone its jid is free, and another
#                              test may hold it now)

FBSDSIM_JAILS=${FBSDSIM_ROOT:-/run/jaildaemon-fbsdsim}/jails

sim_register() {
    local leader=$1 name=$2 start jid=1
    start=$(sed 's/.*) //' "/proc/$leader/stat" | cut -d' ' -f20) || return 1
    mkdir -p "$FBSDSIM_JAILS"
    # The lowest free jid; creating the entry with noclobber claims it even
    # when other tests register jails at the same time.
    while ! (set -o noclobber && echo "$name $leader $start ${SIM_PARENT_TAMPERING:-0}" >"$FBSDSIM_JAILS/$jid") 2>/dev/null; do
        # An entry whose leader is gone is a removed jail: its jid is free.
        local l s
        read -r _ l s _ <"$FBSDSIM_JAILS/$jid" 2>/dev/null
        if [ -n "$l" ] && [ "$(sed 's/.*) //' "/proc/$l/stat" 2>/dev/null | cut -d' ' -f20)" != "$s" ]; then
            rm -f "$FBSDSIM_JAILS/$jid"
            continue
        fi
        jid=$((jid + 1))
    done
    # shellcheck disable=SC2034 # for the scripts that source this
    SIM_JID=$jid SIM_NAME=$name
}

sim_remove() {
    local l
    read -r _ l _ <"$FBSDSIM_JAILS/$1" 2>/dev/null || return 0
    [ -z "${2:-}" ] || [ "$l" = "$2" ] || return 0
    kill -9 "$l" 2>/dev/null
    rm -f "$FBSDSIM_JAILS/$1"
}
