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
# shellcheck source=standing_lib.sh
. "$(dirname "$0")/standing_lib.sh"
need_root
HOOK=${JD_HOOK:?JD_HOOK not set}
JSON=${JD_PODMAN_JSON:?JD_PODMAN_JSON not set}
need_tools "Debian packages podman, runc, busybox; scripts/setup.sh" podman runc busybox

MGR=podman
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
standing_conf "env CONTAINERS_CONF=$CONTAINERS_CONF $PM"

R=$T/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/etc"
cp "$(command -v busybox)" "$R/busybox"
for c in sh sleep ps kill pidof; do ln -s /busybox "$R/bin/$c"; done

init_pid() { pm inspect --format '{{.State.Pid}}' "$NAME"; }
inside() { pm exec "$NAME" /busybox "$@"; }

# A container without the annotation is left alone.
pm run -d --name "${NAME}x" --network=none --rootfs "$R" /busybox sleep 600 >"$T/run.log" 2>&1
check_eq "podman run without the annotation" 0 $?
check_eq "no annotation: no probes" 0 "$(probe_count)"
pm rm -f -t 0 "${NAME}x" >/dev/null 2>&1

pm run -d --name "$NAME" --annotation "jaildaemon=$NAME" --network=none --rootfs "$R" \
    /busybox sleep 600 >"$T/run.log" 2>&1
check_eq "podman run --annotation jaildaemon=NAME" 0 $?
check "after the start: REBOOT and ROUTES, labelled podman:NAME, up" wait_for 15 both_up
standing_started

# REBOOT from inside: the daemon runs podman restart; poststop removes the
# probes, poststart registers them again in the new container.
standing_reboot restart \
    bash -c "p=\$($PM inspect --format '{{.State.Pid}}' '$NAME' 2>/dev/null); [ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ \"\$p\" != '$first' ]"

pm stop -t 0 "$NAME" >/dev/null 2>&1
standing_stopped poststop
finish
