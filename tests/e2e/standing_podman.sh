#!/bin/bash
# Standing probes in a real podman container: the shipped OCI hook
# (podman-hooks/jaildaemon-podman.json, in a private --hooks-dir) runs
# `jaildaemon-hook --hook oci podman` at poststart and poststop for a
# container annotated jaildaemon=NAME; it registers REBOOT and a declared
# probe ([probe routes]) and removes them. A trigger from inside runs the
# declared command; REBOOT triggered from inside runs `podman restart` and
# the container comes back with both probes, with nothing run by hand.
# Private storage (--root, --runroot), runc and cgroupfs as podman.sh, a
# unique name: others run podman here too.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
HOOK=${JD_HOOK:?JD_HOOK not set}
JSON=${JD_PODMAN_JSON:?JD_PODMAN_JSON not set}
for tool in podman runc busybox; do
    command -v "$tool" >/dev/null || {
        not_ok "$tool missing (Debian packages podman, runc, busybox; scripts/setup.sh)"
        finish
    }
done

NAME=jdst$$
CONTAINERS_CONF=$T/containers.conf
export CONTAINERS_CONF
printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"
PM="podman --root $T/store --runroot $T/run --runtime runc --cgroup-manager=cgroupfs --hooks-dir $T/hooks.d"
pm() { $PM "$@"; }
podman_cleanup() {
    pm rm -f -t 0 "$NAME" >/dev/null 2>&1
    cleanup
}
trap podman_cleanup EXIT

# The shipped hook, pointed at this build's jaildaemon-hook and config.
mkdir -p "$T/hooks.d"
python3 - "$JSON" "$HOOK" "$T/hook.conf" >"$T/hooks.d/jaildaemon-podman.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
assert h["stages"] == ["poststart", "poststop"], h
assert h["hook"]["args"][-2:] == ["oci", "podman"], h
h["hook"]["path"] = sys.argv[2]
h["hook"]["args"][-2:-2] = ["-C", sys.argv[3]]
json.dump(h, sys.stdout)
PY
start_daemon
cat >"$T/hook.conf" <<CONF
socket = $SOCK
[podman]
program = env CONTAINERS_CONF=$CONTAINERS_CONF $PM
[probe routes]
title = ROUTES
command = echo {name} {jid} >>$T/effect
respawn = after
jails = jdst*
managers = lxc podman
CONF
check_eq "hook check" "$T/hook.conf: ok" "$("$HOOK" -C "$T/hook.conf" check 2>&1)"

R=$T/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/etc"
cp "$(command -v busybox)" "$R/busybox"
for c in sh sleep ps kill pidof; do ln -s /busybox "$R/bin/$c"; done

listing() {
    jd -l --json | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["title"]):
    print(p["title"], p["jail"], p["pid"] > 0)'
}
both_up() {
    [ "$(listing)" = "REBOOT podman:$NAME True
ROUTES podman:$NAME True" ]
}
init_pid() { pm inspect --format '{{.State.Pid}}' "$NAME"; }
trigger() { pm exec "$NAME" /busybox sh -c "kill -HUP \$(pidof $1)"; }

# A container without the annotation is left alone.
pm run -d --name "${NAME}x" --network=none --rootfs "$R" /busybox sleep 600 >"$T/run.log" 2>&1
check_eq "podman run without the annotation" 0 $?
check_eq "no annotation: no probes" 0 "$(probe_count)"
pm rm -f -t 0 "${NAME}x" >/dev/null 2>&1

pm run -d --name "$NAME" --annotation "jaildaemon=$NAME" --network=none --rootfs "$R" \
    /busybox sleep 600 >"$T/run.log" 2>&1
check_eq "podman run --annotation jaildaemon=NAME" 0 $?
check "after the start: REBOOT and ROUTES, labelled podman:NAME, up" wait_for 15 both_up
first=$(init_pid)
check "ROUTES is visible inside the container" pm exec "$NAME" /busybox sh -c 'ps | grep -q "[R]OUTES"'
trigger ROUTES
check "ROUTES from inside runs its host command" wait_for 10 test -s "$T/effect"
check_eq "with the container's name and its init's pid" "$NAME $first" "$(head -1 "$T/effect")"
check "ROUTES came back (respawn after)" wait_for 10 both_up

# REBOOT from inside: the daemon runs podman restart; poststop removes the
# probes, poststart registers them again in the new container.
t0=$(date +%s%N)
trigger REBOOT
check "the container restarted (a new init)" wait_for 60 \
    bash -c "p=\$($PM inspect --format '{{.State.Pid}}' '$NAME' 2>/dev/null); [ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ \"\$p\" != '$first' ]"
second=$(init_pid)
check "after the restart: REBOOT and ROUTES again, nothing run by hand" wait_for 30 both_up
echo "# REBOOT trigger to both probes back: $((($(date +%s%N) - t0) / 1000000)) ms"
check_eq "two probes, not more" 2 "$(probe_count)"
: >"$T/effect"
trigger ROUTES
check "ROUTES of the new container runs" wait_for 10 test -s "$T/effect"
check_eq "with the new init's pid" "$NAME $second" "$(head -1 "$T/effect")"

pm stop -t 0 "$NAME" >/dev/null 2>&1
check "after the stop: no probes left" wait_for 15 count_is 0
check "the poststop hook asked the daemon to remove ROUTES" grep -Eq \
    "\"ROUTES\" in jail podman:$NAME removed|no probe matches jail podman:$NAME title ROUTES" "$LOG"
finish
