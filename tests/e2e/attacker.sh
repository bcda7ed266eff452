#!/bin/bash
# Root inside a jail against the daemon. tests/e2e/hammer looks at and
# attacks every process that appears in its jail (SIGSTOP, SIGTERM, SIGINT,
# SIGUSR1, ptrace, SIGHUP) while the host registers that jail's -R probe
# again and again. Afterwards the daemon is alive and answers, a probe in
# another jail is untouched and still triggers, every process seen in the
# jail was the probe program holding only the permitted descriptors, and
# the log names the spawns that failed.
#
#   attacker.sh plain|rootless
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
HAMMER=${JAILDAEMON_HAMMER:?JAILDAEMON_HAMMER not set}
kind=${1:-plain}
start_daemon

fat_jail
OTHER=$LEADER
jd -c "touch $T/other-ran" -j "$OTHER" -r -t OTHERPROBE
check_eq "a probe in another jail" 0 $?
OP=$(probe_pid OTHERPROBE)

if [ "$kind" = rootless ]; then
    rootless_jail
    VICTIM=$LEADER
    # The container's root: host uid 65534, no capability on the host.
    attack() {
        runuser -u nobody -- nsenter -t "$VICTIM" -U -p -m --preserve-credentials "$HAMMER" "$@"
    }
else
    fat_jail
    VICTIM=$LEADER
    attack() { in_jail "$VICTIM" "$HAMMER" "$@"; }
fi

attack 12 >"$T/seen" 2>&1 &
HPID=$!
# Four clients at once, each registering its own -R probe again and again:
# a spawn the attacker holds up costs its client the 5 s deadline, not the
# others theirs.
register_loop() {
    local end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ]; do
        if jd -c true -j "$VICTIM" -R -t "ATTACKED$1" >>"$T/adds" 2>&1; then
            echo ok >>"$T/add-results"
        else
            echo refused >>"$T/add-results"
        fi
        sleep 0.1
    done
}
loops=()
for k in 1 2 3 4; do
    register_loop "$k" &
    loops+=($!)
done
wait "${loops[@]}"
ok_adds=$(grep -cx ok "$T/add-results")
failed_adds=$(grep -cx refused "$T/add-results")
wait "$HPID"
echo "# registrations: $ok_adds answered ok, $failed_adds refused; hammer saw $(grep -c attack "$T/seen") processes"
sort "$T/adds" | uniq -c | sort -rn | head -5 | sed 's/^/# /'
grep attack "$T/seen" | awk '{print $4, $5}' | sort | uniq -c | sed 's/^/# /'

check "the daemon is alive" kill -0 "$DAEMON_PID"
check "and answers" jd -l
check "its log has no stop" test "$(grep -c 'stopping' "$LOG")" = 0
check_eq "every registration got an answer" 0 "$(grep -c 'did not answer' "$T/adds")"
check "the hammer saw processes appear in its jail" test "$(grep -c attack "$T/seen")" -ge 10
check "some registrations succeeded under attack" test "$ok_adds" -ge 1
check "the log names failed spawns" \
    test "$(grep -cE 'cannot start probe|not ready within|ended before it was ready' "$LOG")" -ge 1
check_eq "the other jail's probe is untouched" "$OP" "$(probe_pid OTHERPROBE)"
in_jail "$OTHER" pkill -HUP -f '^OTHERPROBE$'
check "and still triggers" wait_for 5 test -e "$T/other-ran"

# What the attacker saw: only the probe program, only its descriptors.
probe_exe=$(readlink -f "$PROBE")
bad_exe=$(awk -v p="$probe_exe" '$3 == "exe" && $4 != p && $4 !~ /^\?/' "$T/seen")
check_eq "every process seen in the jail is the probe program" "" "$bad_exe"
if [ "$kind" = rootless ]; then
    check_eq "the container's root cannot read a probe's exe" 0 \
        "$(awk -v p="$probe_exe" '$3 == "exe" && $4 == p' "$T/seen" | wc -l)"
    check_eq "nor trace one" 0 "$(grep -c 'ptrace attached' "$T/seen")"
else
    check "jail root read the probe program's exe" \
        test "$(awk -v p="$probe_exe" '$3 == "exe" && $4 == p' "$T/seen" | wc -l)" -ge 5
    # 0-2 /dev/null, 3 the status socket until ready, 5 the daemon's report
    # socket and, until stage 1 has reported, the read end of the barrier
    # pipe of the two stages (4 or 6). Nothing else: not the leader's
    # pidfd, not the host's root.
    bad_fd=$(awk '$3 == "exe" {
        for (i = 6; i <= NF; i++) {
            split($i, kv, "="); fd = kv[1]; t = substr($i, length(fd) + 2)
            if (fd <= 2 && t == "/dev/null") continue
            if (fd == 3 && t ~ /^socket:/) continue
            if (fd == 5 && t ~ /^socket:/) continue
            if ((fd == 4 || fd == 6) && t ~ /^pipe:/) continue
            print $2, $i
        }
    }' "$T/seen")
    check_eq "no process seen holds a descriptor beyond the permitted ones" "" "$bad_fd"
fi
finish
