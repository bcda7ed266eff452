#!/bin/bash
# Sourced by bench/run.sh and bench/launch.sh (bash): a namespace "jail",
# own pid, mount, uts, ipc and net namespaces. new_jail appends the unshare
# process to pids and the host pid of its leader (pid 1 inside) to leaders;
# the caller defines say, pids and leaders and kills both at the end.
new_jail() {
    unshare --pid --mount --uts --ipc --net --fork --mount-proc sleep 100000 &
    local u=$! l=""
    for _ in $(seq 100); do
        l=$(pgrep -P "$u" || true)
        [ -n "$l" ] && break
        sleep 0.02
    done
    [ -n "$l" ] || { say "jail did not start"; exit 1; }
    pids+=("$u")
    leaders+=("$l")
}
