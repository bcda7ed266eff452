#!/bin/bash
# The status socket is untrusted: a lying stand-in probe (evil_probe, given
# with --probe) names processes that are not its own, forges messages from
# another process and sends control characters. Every such registration
# fails; the processes named (a host process, the daemon's running command,
# another probe of the same jail) are neither signalled, nor waited for,
# nor reaped by the launcher; the log holds no raw control character.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
PROBE=${JAILDAEMON_EVIL_PROBE:?JAILDAEMON_EVIL_PROBE not set}
start_daemon
fat_jail

# Genuine: a probe, and a command of the daemon's that runs a while.
jd -c "touch $T/good-ran" -j "$JAIL" -t GOOD
jd -c "sleep 6; touch $T/cmd-done" -j "$JAIL" -t CMD
G=$(probe_pid GOOD)
in_jail "$LEADER" pkill -HUP -f '^CMD$'
C=
wait_for 5 eval 'C=$(pgrep -P "$DAEMON_PID" -f "sleep 6; touch")' || true
check "the daemon runs a command" test -n "$C"
# A host process that is not the daemon's, recording every signal it can.
sh -c "trap 'echo \$\$ >> $T/h-signals' HUP INT TERM USR1 CONT; while :; do sleep 0.1; done" &
H=$!

running() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != T ]; }
for victim in "H:$H" "C:$C" "G:$G"; do
    name=${victim%%:*} pid=${victim#*:}
    jd -c true -j "$JAIL" -t "evil-name-$pid" >>"$T/evil-out" 2>&1
    check "naming $name (pid $pid) as the probe is refused" test $? != 0
    check "$name is alive" kill -0 "$pid"
    check "$name is not stopped" running "$pid"
done
for lie in evil-forge-ready evil-forge-child evil-text; do
    jd -c true -j "$JAIL" -t "$lie" >>"$T/evil-out" 2>&1
    check "$lie is refused" test $? != 0
done
check_eq "no lie became a probe" 0 "$(jd -l --json | grep -c evil)"
check_eq "the host process got no signal" "" "$(cat "$T/h-signals" 2>/dev/null)"
check_eq "the other probe is untouched" "$G" "$(probe_pid GOOD)"
check "the command ran to its end" wait_for 10 test -e "$T/cmd-done"
check "and the daemon reaped it itself (exit 0)" \
    wait_for 5 grep -q 'trigger of probe .* "CMD" .* exit 0' "$LOG"
check_eq "no raw control character in the log" 0 "$(tr -d '\n\t' <"$LOG" | tr -cd '\000-\037' | wc -c)"
check "the forged text is quoted" grep -q 'x1b\[31mEVIL\\x0d\\x0aforged' "$LOG"
in_jail "$LEADER" pkill -HUP -f '^GOOD$'
check "the other probe still triggers" wait_for 5 test -e "$T/good-ran"
check "the daemon is alive" kill -0 "$DAEMON_PID"
kill -9 "$H"
sed 's/^/# /' "$T/evil-out"
finish
