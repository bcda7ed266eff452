#!/bin/bash
# Standing probes in a real LXC container: lxc.hook.start-host and
# lxc.hook.post-stop run `jaildaemon-hook --hook lxc`, which registers
# REBOOT and a declared probe ([probe routes]) when the container starts and
# removes them when it stops. A trigger from inside runs the declared
# command; REBOOT triggered from inside runs `lxc-stop -r` and the
# container comes back with both probes, with nothing run by hand. A
# private lxc path (-P) and a unique name: others run LXC here too.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
HOOK=${JD_HOOK:?JD_HOOK not set}
for tool in lxc-create lxc-start lxc-stop lxc-attach lxc-info lxc-destroy; do
    command -v "$tool" >/dev/null || {
        not_ok "$tool missing (Debian package lxc)"
        finish
    }
done

NAME=jdst$$
P=$T/lxc
mkdir -p "$P"
lxc_cleanup() {
    lxc-stop -P "$P" -k -n "$NAME" >/dev/null 2>&1
    lxc-destroy -P "$P" -n "$NAME" >/dev/null 2>&1
    cleanup
}
trap lxc_cleanup EXIT
lx() { "$1" -P "$P" -n "$NAME" "${@:2}"; }

start_daemon
cat >"$T/hook.conf" <<CONF
socket = $SOCK
[lxc]
program = lxc-stop -P $P
[probe routes]
title = ROUTES
command = echo {name} {jid} >>$T/effect
respawn = after
jails = jdst*
managers = lxc podman
CONF
check_eq "hook check" "$T/hook.conf: ok" "$("$HOOK" -C "$T/hook.conf" check 2>&1)"

lx lxc-create -t busybox >"$T/lxc-create.log" 2>&1
check_eq "lxc-create -t busybox" 0 $?
# No bridge on this host: no network. The two documented hook lines.
sed -i 's/^lxc\.net\.0\.type.*/lxc.net.0.type = empty/' "$P/$NAME/config"
cat >>"$P/$NAME/config" <<CONF
lxc.hook.start-host = $HOOK --hook -C $T/hook.conf lxc
lxc.hook.post-stop = $HOOK --hook -C $T/hook.conf lxc
CONF

# "TITLE JAIL PID" of every probe, sorted.
listing() {
    jd -l --json | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["title"]):
    print(p["title"], p["jail"], p["pid"] > 0)'
}
both_up() {
    [ "$(listing)" = "REBOOT lxc:$NAME True
ROUTES lxc:$NAME True" ]
}
init_pid() { lx lxc-info -pH; }
trigger() { lx lxc-attach -- sh -c "kill -HUP \$(pidof $1)"; }

lx lxc-start -d
check_eq "lxc-start with the hooks" 0 $?
check "after the start: REBOOT and ROUTES, labelled lxc:NAME, up" wait_for 15 both_up
listing >"$T/listing"; echo "# $(tr "\n" "; " <"$T/listing")"
first=$(init_pid)
check "ROUTES is visible inside the container" lx lxc-attach -- sh -c 'ps | grep -q "[R]OUTES"'
trigger ROUTES
check "ROUTES from inside runs its host command" wait_for 10 test -s "$T/effect"
check_eq "with the container's name and its init's pid" "$NAME $first" "$(head -1 "$T/effect")"
check "ROUTES came back (respawn after)" wait_for 10 both_up

# REBOOT from inside: the daemon runs lxc-stop -r; post-stop removes the
# probes, start-host registers them again in the new container.
t0=$(date +%s%N)
trigger REBOOT
check "the container rebooted (a new init)" wait_for 60 \
    bash -c "p=\$(lxc-info -P '$P' -n '$NAME' -pH 2>/dev/null); [ -n \"\$p\" ] && [ \"\$p\" != '$first' ]"
second=$(init_pid)
check "after the reboot: REBOOT and ROUTES again, nothing run by hand" wait_for 30 both_up
echo "# REBOOT trigger to both probes back: $((($(date +%s%N) - t0) / 1000000)) ms"
check_eq "two probes, not more" 2 "$(probe_count)"
: >"$T/effect"
trigger ROUTES
check "ROUTES of the new container runs" wait_for 10 test -s "$T/effect"
check_eq "with the new init's pid" "$NAME $second" "$(head -1 "$T/effect")"

# Stopped: post-stop removes them from the daemon.
lx lxc-stop -k
check "after the stop: no probes left" wait_for 15 count_is 0
# The probes die with the container and the daemon forgets them; the
# post-stop hook's remove comes after (and removes any left waiting).
check "the post-stop hook asked the daemon to remove ROUTES" grep -Eq \
    "\"ROUTES\" in jail lxc:$NAME removed|no probe matches jail lxc:$NAME title ROUTES" "$LOG"
finish
