#!/bin/bash
# Shared checks of standing_lxc.sh and standing_podman.sh. Sourced after
# lib.sh, not run. The script sets MGR (the jail label's prefix: lxc or
# podman), NAME, HOOK, and defines init_pid (the container's init) and
# inside (runs its arguments in the container).

# standing_conf PROGRAM: the hook's config in $T/hook.conf, [MGR] run with
# PROGRAM, and [probe routes], a declared probe for jdst* containers.
standing_conf() {
    cat >"$T/hook.conf" <<CONF
socket = $SOCK
[$MGR]
program = $1
[probe routes]
title = ROUTES
command = echo {name} {jid} >>$T/effect
respawn = after
jails = jdst*
managers = lxc podman
CONF
    check_eq "hook check" "$T/hook.conf: ok" "$("$HOOK" -C "$T/hook.conf" check 2>&1)"
}

# "TITLE JAIL PID" of every probe, sorted.
listing() {
    jd -l --json | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["title"]):
    print(p["title"], p["jail"], p["pid"] > 0)'
}
both_up() {
    [ "$(listing)" = "REBOOT $MGR:$NAME True
ROUTES $MGR:$NAME True" ]
}
trigger() { inside sh -c "kill -HUP \$(pidof $1)"; }

# Both probes up in the started container: ROUTES is seen inside, its
# trigger runs the host command and it comes back. Sets first, the init.
standing_started() {
    first=$(init_pid)
    check "ROUTES is visible inside the container" inside sh -c 'ps | grep -q "[R]OUTES"'
    trigger ROUTES
    check "ROUTES from inside runs its host command" wait_for 10 test -s "$T/effect"
    check_eq "with the container's name and its init's pid" "$NAME $first" "$(head -1 "$T/effect")"
    check "ROUTES came back (respawn after)" wait_for 10 both_up
}

# standing_reboot WHAT NEW_INIT...: REBOOT from inside; the container WHATs
# (NEW_INIT, a command, succeeds then), its stop hook removes the probes and
# its start hook registers them again in the new container, which ROUTES
# reaches.
standing_reboot() {
    local t0
    t0=$(date +%s%N)
    trigger REBOOT
    check "the container ${1}ed (a new init)" wait_for 60 "${@:2}"
    second=$(init_pid)
    check "after the $1: REBOOT and ROUTES again, nothing run by hand" wait_for 30 both_up
    echo "# REBOOT trigger to both probes back: $((($(date +%s%N) - t0) / 1000000)) ms"
    check_eq "two probes, not more" 2 "$(probe_count)"
    : >"$T/effect"
    trigger ROUTES
    check "ROUTES of the new container runs" wait_for 10 test -s "$T/effect"
    check_eq "with the new init's pid" "$NAME $second" "$(head -1 "$T/effect")"
}

# standing_stopped STOP_HOOK: after the container's stop, the probes die
# with it and the daemon forgets them; the stop hook's remove comes after
# (and removes any left waiting).
standing_stopped() {
    check "after the stop: no probes left" wait_for 15 count_is 0
    check "the $1 hook asked the daemon to remove ROUTES" grep -Eq \
        "\"ROUTES\" in jail $MGR:$NAME removed|no probe matches jail $MGR:$NAME title ROUTES" "$LOG"
}
