#!/bin/bash
# A real container manager: an LXC busybox container named lxc:NAME, the
# probe entered into it, triggered from inside with lxc-attach.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_tools "Debian package lxc" lxc-create lxc-start lxc-attach lxc-info lxc-destroy

NAME=jdtest$$
lxc_cleanup() {
    lxc-stop -k -n "$NAME" >/dev/null 2>&1
    lxc-destroy -n "$NAME" >/dev/null 2>&1
    cleanup
}
trap lxc_cleanup EXIT

lxc-create -n "$NAME" -t busybox >"$T/lxc-create.log" 2>&1
check_eq "lxc-create -t busybox" 0 $?
# No bridge on this host: the container gets no network at all.
sed -i 's/^lxc\.net\.0\.type.*/lxc.net.0.type = empty/' "/var/lib/lxc/$NAME/config"
lxc-start -n "$NAME" -d
check_eq "lxc-start" 0 $?
wait_for 5 sh -c "lxc-info -pH -n $NAME | grep -q ."

start_daemon
jd -c 'echo "$JAILDAEMON_JAIL $JAILDAEMON_TITLE" > '"$T"'/lxc-effect' -j "lxc:$NAME" -t LXCREBOOT
check_eq "register with -j lxc:NAME" 0 $?
check_eq "listed under the container's name" "lxc:$NAME" \
    "$(jd -l --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["jail"])')"
check_eq "-l -j lxc:NAME finds it" 1 "$(jd -l --json -j "lxc:$NAME" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "the probe is visible inside the container" \
    lxc-attach -n "$NAME" -- sh -c 'ps | grep -q "[L]XCREBOOT"'
lxc-attach -n "$NAME" -- sh -c 'kill -HUP $(pidof LXCREBOOT)'
check "trigger from inside runs the host command" wait_for 5 test -s "$T/lxc-effect"
check_eq "with the container's name" "lxc:$NAME LXCREBOOT" "$(cat "$T/lxc-effect" 2>/dev/null)"

lxc-stop -k -n "$NAME"
out=$(jd -c true -j "lxc:$NAME" -t AGAIN 2>&1)
check_eq "a stopped container is refused with EX_NOHOST" 68 $?
check "and says so" grep -q "is not running" <<<"$out"
finish
