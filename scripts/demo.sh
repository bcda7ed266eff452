#!/bin/sh
# The live demo: build, start a daemon, make a namespace "jail", register a
# probe, trigger it from inside the jail with pkill, show the host effect.
# Run as root on Linux. Leaves nothing running.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "demo.sh: run as root (namespaces)" >&2
    exit 77
fi
build=$top/build-demo
if [ ! -d "$build" ]; then
    echo "demo.sh: configuring a build in $build (meson setup)"
    meson setup "$build" "$top" -Dtests=false >/dev/null
fi
# The first build takes a minute or two: say so rather than stay silent.
echo "demo.sh: building jaildaemon and its probe in $build (a minute or two the first time;"
echo "demo.sh: ninja's output goes to $build/compile.log)"
if ! meson compile -C "$build" >"$build/compile.log" 2>&1; then
    echo "demo.sh: the build failed; see $build/compile.log" >&2
    exit 1
fi
echo "demo.sh: built"
jd=$build/core/jaildaemon
probe=$build/core/jaildaemon-probe

t=$(mktemp -d /tmp/jaildaemon-demo.XXXXXX)
jail_pid=
daemon_pid=
cleanup() {
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
    [ -n "$jail_pid" ] && kill -9 "$jail_pid" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$t"
}
trap cleanup EXIT INT TERM
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. start the daemon (foreground, private socket)"
"$jd" -D -F -p "$t/pid" -f "$t/sock" --probe "$probe" --state "$t/state.json" \
    2>"$t/daemon.log" &
daemon_pid=$!
while [ ! -S "$t/sock" ]; do sleep 0.1; done
echo "jaildaemon pid $daemon_pid listening on $t/sock"

say "2. make a jail: new pid, mount, uts, ipc and net namespaces; $t/host is hidden in it"
mkdir "$t/host"
unshare --pid --mount --uts --ipc --net --fork --mount-proc --propagation private \
    sh -c "mount -t tmpfs none $t/host && hostname demojail && exec sleep 600" \
    </dev/null >/dev/null 2>&1 &
unshare_pid=$!
while [ -z "$jail_pid" ]; do jail_pid=$(pgrep -P "$unshare_pid" -x sleep || true); sleep 0.1; done
echo "jail leader: host pid $jail_pid"

say "3. register a SNAPSHOT probe (respawning) whose host command writes to $t/host"
cmd="echo \"snapshot of \$JAILDAEMON_JAIL at \$(date +%T)\" >> $t/host/effect"
echo "\$ jaildaemon -c '$cmd' -j $jail_pid -r -t SNAPSHOT"
"$jd" -f "$t/sock" -c "$cmd" -j "$jail_pid" -r -t SNAPSHOT
"$jd" -f "$t/sock" -l

say "4. inside the jail: the probe is just a process titled SNAPSHOT"
nsenter -t "$jail_pid" -a ps -eo pid,user,args

say "5. inside the jail, root triggers it"
echo "jail# pkill -HUP -f '^SNAPSHOT\$'"
nsenter -t "$jail_pid" -a pkill -HUP -f '^SNAPSHOT$'
i=0
while [ ! -s "$t/host/effect" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

say "6. the host command ran on the host"
echo "host\$ cat $t/host/effect"
cat "$t/host/effect"
echo "jail# cat $t/host/effect"
nsenter -t "$jail_pid" -a cat "$t/host/effect" 2>&1 || echo "(the jail cannot see it)"

say "7. the probe was respawned (-r)"
sleep 0.3
"$jd" -f "$t/sock" -l

say "daemon log"
cat "$t/daemon.log"
