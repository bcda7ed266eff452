#!/bin/bash
# Docker for real: a private dockerd (its own socket, data root, exec root
# and pidfile; never the system's), a busybox image imported from a local
# root, and then
#   - registration by docker:NAME, a trigger from inside (docker exec), -R;
#   - the probe's confinement: host side, it is in the container's
#     namespaces, cgroup and root; inside, container root with
#     CAP_SYS_PTRACE sees nothing of the host through the probe's /proc,
#     and the hammer (tests/e2e/hammer.cpp) attacks every probe spawned;
#   - teardown when the container stops; clear errors for a stopped and an
#     unknown container, a dockerd that is not running, and one that does
#     not answer (the client's real 30 s limit, waited for in the
#     background while the rest runs);
#   - jaildaemon-docker-watch: a labelled container gets its REBOOT probe,
#     back within 2 s of `docker restart` (measured), and after a REBOOT
#     triggered from inside, with nothing run by hand; an unlabelled one
#     gets none; stopping removes them; a restarted dockerd is followed.
# Whatever happens, the containers, dockerd (and its containerd) and every
# mount under the test directory are gone at the end.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
HOOK=${JAILDAEMON_HOOK:?JAILDAEMON_HOOK not set}
WATCH=${JAILDAEMON_DOCKER_WATCH:?JAILDAEMON_DOCKER_WATCH not set}
HAMMER=${JAILDAEMON_HAMMER_STATIC:?JAILDAEMON_HAMMER_STATIC not set}
need_tools "Debian package docker.io; scripts/setup.sh" docker dockerd containerd runc docker-init jq

D=$T/d # short: containerd's sockets live under the exec root
mkdir -p "$D/data" "$D/exec"
DSOCK=$D/docker.sock
DPID=
WATCH_PID=
HANG_PID=
IMG=jdbusybox$$
A=jda$$ # docker:NAME by hand
L=jdl$$ # labelled, for the watcher
U=jdu$$ # unlabelled
# The client resolves docker:NAME with the docker CLI: it asks our dockerd.
export DOCKER_HOST=unix://$DSOCK
dk() { docker "$@"; }

# dockerd starts a containerd of its own under the exec root, unless a
# system containerd listens on /run/containerd/containerd.sock (a CI machine
# where systemd started docker.io's): then namespaces of our own keep our
# containers apart from the system dockerd's.
dockerd_up() {
    dockerd --iptables=false --ip-forward=false --bridge=none --storage-driver=vfs \
        --data-root "$D/data" --exec-root "$D/exec" --host "unix://$DSOCK" \
        --pidfile "$D/dockerd.pid" --containerd-namespace "jd$$" \
        --containerd-plugins-namespace "jdp$$" >>"$D/dockerd.log" 2>&1 &
    DPID=$!
    wait_for 60 dk version >/dev/null 2>&1
}

# Stop dockerd (it stops its containerd); whatever refuses is killed by pid.
dockerd_down() {
    [ -n "$DPID" ] || return 0
    kill "$DPID" 2>/dev/null
    wait_for 30 eval '! kill -0 '"$DPID"' 2>/dev/null' || kill -9 "$DPID" 2>/dev/null
    wait "$DPID" 2>/dev/null
    DPID=
}

# Processes of this test's containerd: its address is our exec root.
ours() { pgrep -f -- "$D/exec/containerd/containerd" || true; }

docker_cleanup() {
    {
        [ -n "$WATCH_PID" ] && kill -- -"$WATCH_PID"
        [ -n "$HANG_PID" ] && kill "$HANG_PID"
        if [ -n "$DPID" ]; then
            for c in $(dk ps -aq); do dk rm -f "$c"; done
        fi
    } >/dev/null 2>&1
    dockerd_down
    for p in $(ours); do kill -9 "$p" 2>/dev/null; done
    # Mounts dockerd left under the test directory, innermost first.
    awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    if [ "$FAILS" != 0 ] || [ -n "${KEEP:-}" ]; then
        echo "--- watcher log"
        cat "$T/watch.log" 2>/dev/null
        echo "--- dockerd log (tail)"
        tail -20 "$D/dockerd.log" 2>/dev/null
    fi
    cleanup
}
trap docker_cleanup EXIT
trap 'exit 1' TERM INT HUP # and then the EXIT trap

SECONDS=0
dockerd_up
check "a private dockerd answers on $DSOCK" dk version
[ "$FAILS" = 0 ] || finish

# A dockerd that accepts and never answers: the client's 30 s limit, for
# real, while everything else runs.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])' "$T/hang.sock" &
HANG_PID=$!
wait_for 5 test -S "$T/hang.sock"
(
    start=$SECONDS
    out=$(DOCKER_HOST=unix://$T/hang.sock "$JD" -f "$T/nosock" -c true -j "docker:$A" -t X 2>&1)
    echo "$? $((SECONDS - start)) $out" >"$T/hang.result"
) &
HANG_CLIENT=$!

# The image: busybox-static and its applets, imported (no registry).
R=$T/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/etc"
cp "$(command -v busybox)" "$R/bin/busybox"
for c in sh sleep ps kill pidof cat ls readlink stat sort; do ln -s busybox "$R/bin/$c"; done
echo "root:x:0:0:root:/:/bin/sh" >"$R/etc/passwd"
echo "root:x:0:" >"$R/etc/group"
tar -C "$R" -c . | dk import - "$IMG" >/dev/null
check "busybox image imported" dk image inspect "$IMG"

# --init: tini as pid 1 passes SIGTERM on, so stop and restart are quick.
run() { # run NAME [docker run options]
    local n=$1
    shift
    dk run -d --name "$n" --init --network none "$@" "$IMG" /bin/sleep 600 >/dev/null
}
run "$A" --cap-add SYS_PTRACE -v "$HAMMER:/hammer:ro"
check "container $A runs" [ "$(dk inspect --format '{{.State.Running}}' "$A")" = true ]
LEADER=$(dk inspect --format '{{.State.Pid}}' "$A")

start_daemon
# --- registration and trigger by docker:NAME
jd -c 'echo "$JAILDAEMON_JAIL $JAILDAEMON_TITLE" >> '"$T"'/effect' -j "docker:$A" -t DREBOOT
check_eq "register with -j docker:NAME" 0 $?
check_eq "listed under the container's name" "docker:$A" "$(jd -l --json | jq -r '.[0].jail')"
check "the probe is visible inside the container" \
    dk exec "$A" sh -c 'ps | grep -q "[D]REBOOT"'
dk exec "$A" sh -c 'kill -HUP $(pidof DREBOOT)'
check "a trigger from inside runs the host command" wait_for 5 test -s "$T/effect"
check_eq "with the container's name" "docker:$A DREBOOT" "$(cat "$T/effect" 2>/dev/null)"
check "the probe is gone after its trigger (no respawn)" wait_for 5 count_is 0

# --- respawn
jd -c "echo x >> $T/respawned" -j "docker:$A" -R -t DRESPAWN
P1=$(probe_pid DRESPAWN)
dk exec "$A" sh -c 'kill -HUP $(pidof DRESPAWN)'
check "-R: the command ran" wait_for 5 lines_are 1 "$T/respawned"
check "-R: a new probe is up" wait_for 5 eval '[ "$(probe_pid DRESPAWN)" -gt 0 ] && [ "$(probe_pid DRESPAWN)" != '"$P1"' ]'
dk exec "$A" sh -c 'kill -HUP $(pidof DRESPAWN)'
check "-R: and triggers again" wait_for 5 lines_are 2 "$T/respawned"
check "-x -j docker:NAME -t TITLE removes it" jd -x -j "docker:$A" -t DRESPAWN
check "none left" wait_for 5 count_is 0

# --- confinement, seen from the host: the container's namespaces, cgroup, root
jd -c true -j "docker:$A" -t DCONF
P=$(probe_pid DCONF)
for ns in mnt pid net uts ipc cgroup; do
    check_eq "the probe is in the container's $ns namespace" \
        "$(readlink "/proc/$LEADER/ns/$ns")" "$(readlink "/proc/$P/ns/$ns")"
done
check_eq "in the container's cgroup" "$(cat "/proc/$LEADER/cgroup")" "$(cat "/proc/$P/cgroup")"
check_eq "under the container's root" "$(stat -L -c %d:%i "/proc/$LEADER/root/")" \
    "$(stat -L -c %d:%i "/proc/$P/root/")"

# --- and from inside: root with CAP_SYS_PTRACE looks through the probe's /proc
echo "host secret $$" >"$T/hostonly"
IP=$(dk exec "$A" pidof DCONF)
check "container root sees the probe (pid $IP inside)" test "${IP:-0}" -gt 1
inside() { dk exec "$A" sh -c "$1" 2>&1; }
check_eq "its root is the container's /" "$(inside 'ls /')" "$(inside "ls /proc/$IP/root/")"
check_eq "its mounts are the container's" "$(inside 'cat /proc/1/mountinfo')" \
    "$(inside "cat /proc/$IP/mountinfo")"
check_eq "its network is the container's (lo only)" "$(inside 'cat /proc/1/net/dev')" \
    "$(inside "cat /proc/$IP/net/dev")"
check "the host's files are not behind it" \
    eval '! inside "cat /proc/$IP/root$T/hostonly" | grep -q "host secret"'
check_eq "its environment is empty" "" "$(inside "cat /proc/$IP/environ")"
check_eq "its cgroup, seen inside, is the container's" "$(inside 'cat /proc/1/cgroup')" \
    "$(inside "cat /proc/$IP/cgroup")"

# The hammer in the container (root, CAP_SYS_PTRACE) attacks every process
# that appears while the host registers a -R probe again and again.
# Eight registrations (each a docker inspect and a launch: slow on a
# loaded machine), within the hammer's 20 s.
dk exec "$A" /hammer 20 >"$T/seen" 2>&1 &
HPID=$!
sleep 0.5
end=$((SECONDS + 17))
n=0
while [ $n -lt 8 ] && [ $SECONDS -lt $end ]; do
    jd -c true -j "docker:$A" -R -t DATTACKED >>"$T/adds" 2>&1 && n=$((n + 1))
done
echo "# $n registrations while the hammer watched"
wait "$HPID"
seen=$(awk '$3 == "exe"' "$T/seen" | wc -l)
echo "# hammer saw $seen processes appear in the container"
check "the hammer saw probes appear" test "$seen" -ge 3
# Inside, the probe's exe reads as the host path of the probe program (the
# kernel's path of a file outside the container's root), or not at all.
probe_exe=$(readlink -f "$PROBE")
check_eq "every process seen in the container is the probe program" "" \
    "$(awk -v p="$probe_exe" '$3 == "exe" && $4 != p && $4 !~ /^\?/' "$T/seen")"
read_exe=$(awk -v p="$probe_exe" '$3 == "exe" && $4 == p' "$T/seen" | wc -l)
echo "# container root read the probe's exe $read_exe times (as $probe_exe)"
check "container root (CAP_SYS_PTRACE) looked into probes" test "$read_exe" -ge 1
check "the daemon is alive after the attack" jd -l
check_eq "the daemon's log has no stop" 0 "$(grep -c stopping "$LOG")"

# --- teardown: the container stops, its probes go
check "probes in the container before it stops" test "$(probe_count)" -ge 1
dk stop "$A" >/dev/null
check "a stopped container's probes are forgotten" wait_for 10 count_is 0

# --- errors
out=$(jd -c true -j "docker:$A" -t AGAIN 2>&1)
check_eq "a stopped container: EX_NOHOST" 68 $?
check "and says it is not running" grep -q "is not running" <<<"$out"
out=$(jd -c true -j "docker:nosuch$$" -t AGAIN 2>&1)
check_eq "an unknown container: EX_NOHOST" 68 $?
check "and says it does not exist" grep -q "does not exist" <<<"$out"
out=$(DOCKER_HOST=unix://$T/nodockerd.sock "$JD" -f "$SOCK" -c true -j "docker:$A" -t X 2>&1)
check_eq "no dockerd on the socket: EX_UNAVAILABLE" 69 $?
check "and says docker cannot reach it" grep -q "docker cannot reach its engine.*Cannot connect" <<<"$out"

# --- the watcher
cat >"$T/hook.conf" <<EOF
socket = $SOCK
probes = reboot
[docker]
program = docker -H unix://$DSOCK
EOF
setsid env JAILDAEMON_HOOK="$HOOK" sh "$WATCH" -H "unix://$DSOCK" -C "$T/hook.conf" \
    >"$T/watch.log" 2>&1 </dev/null &
WATCH_PID=$!
run "$L" --label jaildaemon=1
run "$U" --label jaildaemon=0
# The pid of the REBOOT probe in container $1 as it runs now (the probe's
# jid is the container's leader), or nothing.
leader_of() { dk inspect --format '{{.State.Pid}}' "$1"; }
reboot_of() {
    jd -l --json | jq -r --argjson l "$(leader_of "$1")" \
        '.[] | select(.jid == $l and .title == "REBOOT") | .pid'
}
has_reboot() { [ "$(reboot_of "$1")" -gt 0 ] 2>/dev/null; }
check "the labelled container gets its REBOOT probe" wait_for 10 has_reboot "$L"
check_eq "the probe is in that container" "$(readlink "/proc/$(leader_of "$L")/ns/pid")" \
    "$(readlink "/proc/$(reboot_of "$L")/ns/pid")"
check_eq "the unlabelled one gets none" "" "$(reboot_of "$U")"
check_eq "only one probe in all" 1 "$(probe_count)"

# docker restart by hand: the probe is back within 2 s.
old=$(reboot_of "$L")
dk restart -t 1 "$L" >/dev/null
t0=$(date +%s%N)
wait_for 10 eval '[ "$(reboot_of '"$L"')" -gt 0 ] 2>/dev/null && [ "$(reboot_of '"$L"')" != '"$old"' ]'
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# after docker restart: REBOOT probe back in $ms ms"
check "back within 2 s of docker restart ($ms ms)" test "$ms" -lt 2000

# The container asks for its own restart: nothing run by hand.
old=$(reboot_of "$L")
oldleader=$(leader_of "$L")
t0=$(date +%s%N)
dk exec "$L" sh -c 'kill -HUP $(pidof REBOOT)'
check "a REBOOT from inside restarts the container" \
    wait_for 20 eval '[ "$(leader_of '"$L"')" != '"$oldleader"' ]'
wait_for 10 eval '[ "$(reboot_of '"$L"')" -gt 0 ] 2>/dev/null && [ "$(reboot_of '"$L"')" != '"$old"' ]'
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# REBOOT from inside to a new probe in the restarted container: $ms ms"
check "and it has its probe again" has_reboot "$L"
check_eq "in its new namespaces" "$(readlink "/proc/$(leader_of "$L")/ns/pid")" \
    "$(readlink "/proc/$(reboot_of "$L")/ns/pid")"

check_eq "the unlabelled one still has none" "" "$(reboot_of "$U")"
check "and is still running" [ "$(leader_of "$U")" -gt 0 ]

dk stop -t 1 "$L" >/dev/null
check "stopping it removes its probe" wait_for 10 count_is 0
check "the watcher logged the removal" grep -q "docker jail $L: removed" "$T/watch.log"

# dockerd restarts: the watcher follows the new one.
dockerd_down
dockerd_up
check "dockerd is back" dk version
dk start "$L" >/dev/null
check "the watcher reconnected: the labelled container has its probe" wait_for 15 has_reboot "$L"
check "and said so" grep -q "following its events again\|reconnecting" "$T/watch.log"

# A hostile name never reaches jaildaemon-hook (docker refuses it anyway).
out=$(JAILDAEMON_HOOK=$HOOK timeout 5 sh "$WATCH" -l 'x;y' 2>&1)
check_eq "the watcher refuses a bad -l label: EX_USAGE" 64 $?
check "and says so" grep -q 'bad label "x;y"' <<<"$out"

# --- the hung dockerd's answer
wait "$HANG_CLIENT"
read -r hang_rc hang_s hang_out <"$T/hang.result"
echo "# a dockerd that never answers: the client gave up after $hang_s s: $hang_out"
check_eq "a dockerd that never answers: EX_TEMPFAIL" 75 "$hang_rc"
check "after the client's 30 s" test "$hang_s" -ge 29 -a "$hang_s" -le 45
check "and says there was no answer" grep -q "no answer" <<<"$hang_out"

# --- nothing left behind
kill -- -"$WATCH_PID" 2>/dev/null
WATCH_PID=
for c in $(dk ps -aq); do dk rm -f "$c" >/dev/null; done
check_eq "no container left" "" "$(dk ps -aq)"
dk rmi "$IMG" >/dev/null
dockerd_down
check_eq "no dockerd or containerd of ours left" "" "$(ours)"
check_eq "no mount left under the test directory" "" \
    "$(awk -v d="$D" 'index($5, d) == 1' /proc/self/mountinfo)"
echo "# docker.sh took $SECONDS s"
finish
