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
# shellcheck source=standing_lib.sh
. "$(dirname "$0")/standing_lib.sh"
need_root
HOOK=${JD_HOOK:?JD_HOOK not set}
need_tools "Debian package lxc" lxc-create lxc-start lxc-stop lxc-attach lxc-info lxc-destroy

MGR=lxc
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
standing_conf "lxc-stop -P $P"

lx lxc-create -t busybox >"$T/lxc-create.log" 2>&1
check_eq "lxc-create -t busybox" 0 $?
# No bridge on this host: no network. The two documented hook lines.
sed -i 's/^lxc\.net\.0\.type.*/lxc.net.0.type = empty/' "$P/$NAME/config"
cat >>"$P/$NAME/config" <<CONF
lxc.hook.start-host = $HOOK --hook -C $T/hook.conf lxc
lxc.hook.post-stop = $HOOK --hook -C $T/hook.conf lxc
CONF

init_pid() { lx lxc-info -pH; }
inside() { lx lxc-attach -- "$@"; }

lx lxc-start -d
check_eq "lxc-start with the hooks" 0 $?
check "after the start: REBOOT and ROUTES, labelled lxc:NAME, up" wait_for 15 both_up
listing >"$T/listing"; echo "# $(tr "\n" "; " <"$T/listing")"
standing_started

# REBOOT from inside: the daemon runs lxc-stop -r; post-stop removes the
# probes, start-host registers them again in the new container.
standing_reboot reboot \
    bash -c "p=\$(lxc-info -P '$P' -n '$NAME' -pH 2>/dev/null); [ -n \"\$p\" ] && [ \"\$p\" != '$first' ]"

# Stopped: post-stop removes them from the daemon.
lx lxc-stop -k
standing_stopped post-stop
finish
