#!/bin/bash
# A real container manager: a podman container from a busybox rootfs named
# podman:NAME, the probe entered into it, triggered from inside with podman
# exec. Debian's podman 4.3 runs here with runc (crun refuses cgroups hybrid
# mode), --cgroup-manager=cgroupfs, and a CONTAINERS_CONF without default
# rlimits (root here lacks CAP_SYS_RESOURCE). The client resolves
# podman:NAME with `podman inspect` in the caller's environment, so
# CONTAINERS_CONF is exported for it too.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_tools "Debian packages podman and runc; scripts/setup.sh" podman runc

NAME=jdtest$$
CONTAINERS_CONF=$T/containers.conf
export CONTAINERS_CONF
printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"
pm() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }
podman_cleanup() {
    pm rm -f -t 0 "$NAME" >/dev/null 2>&1
    cleanup
}
trap podman_cleanup EXIT

# A busybox rootfs: the binary and the few applets the test uses.
R=$T/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/etc"
cp "$(command -v busybox)" "$R/busybox"
for c in sh sleep ps kill pidof; do ln -s /busybox "$R/bin/$c"; done

pm run -d --name "$NAME" --network=none --rootfs "$R" /busybox sleep 600 >"$T/podman-run.log" 2>&1
check_eq "podman run --rootfs (runc, cgroupfs)" 0 $?
wait_for 10 sh -c "podman inspect --format '{{.State.Pid}}' $NAME | grep -qv '^0$'"

start_daemon
jd -c 'echo "$JAILDAEMON_JAIL $JAILDAEMON_TITLE" > '"$T"'/podman-effect' -j "podman:$NAME" -t PODREBOOT
check_eq "register with -j podman:NAME" 0 $?
check_eq "listed under the container's name" "podman:$NAME" \
    "$(jd -l --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["jail"])')"
check_eq "-l -j podman:NAME finds it" 1 "$(jd -l --json -j "podman:$NAME" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "the probe is visible inside the container" \
    pm exec "$NAME" /busybox sh -c 'ps | grep -q "[P]ODREBOOT"'
pm exec "$NAME" /busybox sh -c 'kill -HUP $(pidof PODREBOOT)'
check "trigger from inside runs the host command" wait_for 5 test -s "$T/podman-effect"
check_eq "with the container's name" "podman:$NAME PODREBOOT" "$(cat "$T/podman-effect" 2>/dev/null)"
check "the probe is gone after its trigger (no respawn)" wait_for 5 count_is 0

pm stop -t 0 "$NAME" >/dev/null 2>&1
out=$(jd -c true -j "podman:$NAME" -t AGAIN 2>&1)
check_eq "a stopped container is refused with EX_NOHOST" 68 $?
check "and says so" grep -q "is not running" <<<"$out"
out=$(jd -c true -j "podman:nosuch$$" -t AGAIN 2>&1)
check_eq "a container podman does not know: EX_NOHOST" 68 $?
finish
