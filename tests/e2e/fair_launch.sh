#!/bin/bash
# One jail holding up every launch into it cannot delay another jail's
# registration. In jail A its root stops (SIGSTOP) every process that
# appears (stall.cpp) and keeps triggering A's -R probes, so that each
# respawns into the stall, while host clients flood A with registrations;
# meanwhile a registration in jail B must complete within a second, each
# time. Before launches were capped per jail, A's stalled launches took every
# launch slot and B waited for their 5 s deadline.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
STALL=${JAILDAEMON_STALL:?JAILDAEMON_STALL not set}
RESPAWNING=160 # more than the daemon launches at once in all
FLOODERS=40
start_daemon
fat_jail
A=$LEADER
fat_jail
B=$LEADER

regs=()
for i in $(seq "$RESPAWNING"); do
    jd -c true -j "$A" -t "FLOOD$i" -R >/dev/null &
    regs+=($!)
    if [ $((i % 8)) = 0 ]; then
        wait "${regs[@]}"
        regs=()
    fi
done
check "jail A has its $RESPAWNING -R probes" wait_for 10 count_is "$RESPAWNING"

in_jail "$A" "$STALL" 20 FLOOD >"$T/stall.out" 2>&1 &
STALLER=$!
# Host clients registering probes in A, over and over.
flooders=()
for i in $(seq "$FLOODERS"); do
    (while :; do jd -c true -j "$A" -t "MORE$i" >/dev/null 2>&1; done) &
    flooders+=($!)
done
stop_flood() {
    for p in "${flooders[@]}"; do kill "$p" 2>/dev/null; done
    kill "$STALLER" 2>/dev/null
}
trap 'stop_flood; cleanup' EXIT

stopped_in_a() { # processes stopped in A's pid namespace
    local n=0 p
    for p in $(pgrep --ns "$A" --nslist pid); do
        [ "$(ps -o stat= -p "$p" 2>/dev/null | cut -c1)" = T ] && n=$((n + 1))
    done
    echo "$n"
}
sleep 0.5
slowest=0
for i in 1 2 3 4; do
    held=$(stopped_in_a)
    t0=$(date +%s%N)
    jd -c true -j "$B" -t "FINE$i" >"$T/fine$i.out" 2>&1
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "# registration $i in jail B: $ms ms (rc $rc) while $held launches are stopped in jail A"
    check_eq "registration $i in jail B succeeds" 0 "$rc"
    [ "$ms" -gt "$slowest" ] && slowest=$ms
    # The test means something only if A really holds launches up.
    check "jail A holds launches up ($held stopped)" [ "$held" -ge 8 ]
    sleep 0.7
done
check "every registration in jail B took under 1 s (slowest $slowest ms)" [ "$slowest" -lt 1000 ]
stop_flood

check "the daemon still runs" kill -0 "$DAEMON_PID"
finish
