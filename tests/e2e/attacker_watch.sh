#!/bin/bash
# A jail watching every launch of its own probes for anything of the host.
# tests/e2e/hammer (watch mode) spins on the jail's ns_last_pid, catches
# each new process (SIGSTOP where it may), reads what /proc shows of it,
# lets it go and triggers it, so that the daemon launches the -R probe
# again and again. Counted per launch: a mount table not the jail's, the
# daemon's socket in net/unix, a host file reached through /proc/PID/root,
# a capability (or user namespace) the jail does not have. All must be 0.
#
#   attacker_watch.sh ptrace|user|rootless
#     ptrace    root of a container as docker makes one (no user namespace,
#               docker's default capabilities) plus CAP_SYS_PTRACE
#     user      an unprivileged user (nobody) of that container, whose probe
#               runs as nobody (-u 65534) so that it may trigger it
#     rootless  root of a rootless container (own user namespace)
#
# WATCH_SECONDS (default 30) is how long the attacker watches; at least
# WATCH_MIN_LAUNCHES (default 100) launches must be seen.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
command -v capsh >/dev/null || {
    echo "FAIL: capsh is missing (Debian libcap2-bin)"
    exit 1
}
HAMMER=${JAILDAEMON_HAMMER:?JAILDAEMON_HAMMER not set}
kind=${1:-ptrace}
seconds=${WATCH_SECONDS:-30}
min_launches=${WATCH_MIN_LAUNCHES:-100}
TITLE=WATCHED$$
start_daemon

# A host file the jail must never reach: hidden under a tmpfs in the jail.
mkdir -p "$T/hostonly"
chmod 0755 "$T/hostonly"
echo secret >"$T/hostonly/secret"
chmod 0600 "$T/hostonly/secret"

# docker's default capabilities (moby oci/caps/defaults.go) plus
# CAP_SYS_PTRACE; capsh drops every other one from the bounding set, and a
# root exec then holds exactly these.
keep=" 0 1 3 4 5 6 7 8 10 13 18 19 27 29 31 "
drop=
for ((c = 0; c <= $(cat /proc/sys/kernel/cap_last_cap); c++)); do
    case $keep in *" $c "*) ;; *) drop=${drop:+$drop,}$c ;; esac
done

uid_opt=()
case $kind in
ptrace | user)
    fat_jail
    VICTIM=$LEADER
    if [ "$kind" = user ]; then
        uid_opt=(-u 65534)
        as=(--gid=65534 --groups=65534 --uid=65534)
    else
        as=()
    fi
    attack() {
        in_jail "$VICTIM" capsh --drop="$drop" "${as[@]}" -- -c 'exec "$@"' sh "$HAMMER" "$@"
    }
    ;;
rootless)
    runuser -u nobody -- unshare --user --map-root-user --pid --mount --uts --ipc --net \
        --fork --mount-proc sh -c "mount -t tmpfs none '$T/hostonly' && exec sleep 600" \
        </dev/null >/dev/null 2>&1 &
    track_jail $! rootless
    VICTIM=$LEADER
    attack() {
        runuser -u nobody -- nsenter -t "$VICTIM" -U -p -m -n -u -i --preserve-credentials \
            "$HAMMER" "$@"
    }
    ;;
*)
    echo "usage: attacker_watch.sh ptrace|user|rootless"
    exit 64
    ;;
esac

check "the host file is hidden from the jail" \
    sh -c "! nsenter -t $VICTIM -m test -e '$T/hostonly/secret'"
jd -c true -j "$VICTIM" -R -t "$TITLE" "${uid_opt[@]}"
check_eq "the -R probe registered" 0 $?

# HAMMER_DEBUG: the first foreign mount table it finds goes to stderr.
HAMMER_DEBUG=1 attack watch "$seconds" "$TITLE" "$T/hostonly/secret" "$SOCK" >"$T/watch" 2>&1
line=$(grep '^watched' "$T/watch")
echo "# $kind: $line"
[ -n "$line" ] || sed 's/^/# hammer: /' "$T/watch"
read -r launches mounts unixsock hostfile caps <<<"$(echo "$line" |
    awk '{print $2, $5, $7, $9, $11}')"
check "hundreds of launches watched (at least $min_launches)" \
    test "${launches:-0}" -ge "$min_launches"
check_eq "no mount table of the host" 0 "${mounts:-x}"
[ "${mounts:-x}" = 0 ] || grep -v '^watched' "$T/watch" | head -40 | sed 's/^/# /'
check_eq "no daemon socket in net/unix" 0 "${unixsock:-x}"
check_eq "no host file through /proc/PID/root" 0 "${hostfile:-x}"
check_eq "no capability the jail lacks" 0 "${caps:-x}"
check "the daemon is alive" kill -0 "$DAEMON_PID"
finish
