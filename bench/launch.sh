#!/bin/bash
# Does launching a probe cost the same at any registry size? As root:
#
#   bench/launch.sh [--bin DIR] [--smoke] [--results DIR] [--label NAME]
#
# 1. 3,000 probes over 30 namespace jails, registered one request at a time
#    (round robin): the median round trip of the first tenth against the
#    last tenth.
# 2. 10,000 probes over 30 jails, one request at a time and then with four
#    clients at once: the wall time of each.
# 3. A restart with 3,000 saved probes: how long until `jaildaemon -D` has
#    returned (it returns once every restored probe runs again) and all
#    3,000 are waiting.
#
# The state file is on tmpfs here (its fsync cost is measured by
# bench/commit.py); what is measured is the daemon and its probe launches.
# --bin DIR takes DIR/jaildaemon and DIR/jaildaemon-probe (e.g. an older
# build, for a before/after). Writes launch.tsv and launch.txt into --results.
# LAUNCH_JAILS, LAUNCH_PER and LAUNCH_BIG change the sizes (30, 100, 10000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
bindir="" smoke=false results="" label=""
while [ $# -gt 0 ]; do
    case $1 in
    --bin) bindir=$2; shift 2 ;;
    --smoke) smoke=true; shift ;;
    --results) results=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    *) echo "usage: bench/launch.sh [--bin DIR] [--smoke] [--results DIR] [--label NAME]" >&2; exit 64 ;;
    esac
done
say() { echo "launch.sh: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "needs root (namespaces)"; exit 77; }
if [ -z "$bindir" ]; then
    bindir=$top/build-bench/core
    if [ ! -x "$bindir/jaildaemon" ]; then
        [ -f "$top/build-bench/build.ninja" ] ||
            meson setup "$top/build-bench" "$top" --buildtype=release -Dtests=false >/dev/null
        meson compile -C "$top/build-bench" jaildaemon jaildaemon-probe >/dev/null
    fi
fi
bindir=$(cd "$bindir" && pwd)
JD=$bindir/jaildaemon
PROBE=$bindir/jaildaemon-probe
label=${label:-$(basename "$(dirname "$(dirname "$bindir")")")}
JAILS=30 PER=100 BIG=10000
$smoke && JAILS=3 PER=20 BIG=200
JAILS=${LAUNCH_JAILS:-$JAILS} PER=${LAUNCH_PER:-$PER} BIG=${LAUNCH_BIG:-$BIG}

work=$(mktemp -d /tmp/jdlaunch.XXXXXX)
shm=$(mktemp -d /dev/shm/jdlaunch.XXXXXX)
chmod 755 "$work"
pids=() leaders=()
cleanup() {
    set +e
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${leaders[@]}"; do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work" "$shm"
}
trap cleanup EXIT
cc -O2 -o "$work/jdbench" "$here/jdbench.c"
JB=$work/jdbench
SOCK=$work/sock

# shellcheck source=bench/jail.sh
. "$here/jail.sh"
# start_daemon STATE_DIR [-F]: -D -F in the background, or -D (detaching;
# returns once restored) in the foreground.
start_daemon() {
    local opts=(-p "$work/pid" -f "$SOCK" --probe "$PROBE" --state "$1/state.json" --cooldown 0)
    if [ "${2:-}" = -F ]; then
        "$JD" -D -F "${opts[@]}" 2>>"$work/jd.log" &
        DPID=$!
        for _ in $(seq 100); do "$JD" -l -f "$SOCK" >/dev/null 2>&1 && break; sleep 0.05; done
    else
        "$JD" -D "${opts[@]}" --log "$work/jd-detached.log" 2>>"$work/jd.log"
        DPID=$(cat "$work/pid")
    fi
    pids+=("$DPID")
}
stop_daemon() {
    kill -TERM "$DPID"
    for _ in $(seq 600); do kill -0 "$DPID" 2>/dev/null || return 0; sleep 0.05; done
    say "daemon did not stop"
    exit 1
}
waiting() { "$JD" -l --json -f "$SOCK" | python3 -c '
import json, sys
print(sum(1 for p in json.load(sys.stdin) if p["state"] == "waiting" and p["pid"] > 0))'; }
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

say "$label: $JAILS jails"
for _ in $(seq "$JAILS"); do new_jail; done

# 1. flatness
mkdir -p "$shm/a"
start_daemon "$shm/a" -F
n=$((JAILS * PER))
say "registering $n probes one at a time"
"$JB" register -f "$SOCK" -c /bin/true -o "$work/flat.tsv" -p "$PER" -R -t F -N flat \
    "${leaders[@]}" >"$work/flat.out"
say "$(cat "$work/flat.out")"
# 3. restart with them
stop_daemon
t0=$(date +%s.%N)
start_daemon "$shm/a"
back=$(secs "$t0")
up=$(waiting)
say "restart: -D returned after $back s with $up of $n probes waiting"
[ "$up" = "$n" ] || tail -n 5 "$work/jd-detached.log" "$work/jd.log" >&2
stop_daemon

# 2. ten thousand, one client, then four
per_big=$(((BIG + JAILS - 1) / JAILS))
mkdir -p "$shm/b" "$shm/c"
start_daemon "$shm/b" -F
t0=$(date +%s.%N)
"$JB" register -f "$SOCK" -c /bin/true -o "$work/big1.tsv" -p "$per_big" -R -t B -N big1 \
    "${leaders[@]}" >/dev/null
big1=$(secs "$t0")
big1_n=$(waiting)
stop_daemon
start_daemon "$shm/c" -F
t0=$(date +%s.%N)
per4=$(((per_big + 3) / 4))
clients=()
for k in 1 2 3 4; do
    "$JB" register -f "$SOCK" -c /bin/true -o "$work/big4-$k.tsv" -p "$per4" -R -t "Q${k}_" \
        -N big4 "${leaders[@]}" >/dev/null &
    clients+=($!)
done
wait "${clients[@]}"
big4=$(secs "$t0")
big4_n=$(waiting)
stop_daemon
say "$((per_big * JAILS)) one at a time: $big1 s ($big1_n waiting); $((per4 * 4 * JAILS)) by four clients: $big4 s ($big4_n waiting)"

python3 - "$work/flat.tsv" "$n" "$label" "$back" "$up" "$big1" "$big1_n" "$big4" "$big4_n" \
    "$((per_big * JAILS))" "$((per4 * 4 * JAILS))" >"$work/launch.txt" <<'PY'
import statistics, sys
path, n, label, back, up, big1, big1_n, big4, big4_n, want1, want4 = sys.argv[1:]
n = int(n)
rtt = [int(l.split("\t")[2]) for l in open(path) if l.split("\t")[0] == "flat"]
tenth = max(1, n // 10)
first = statistics.median(rtt[:tenth]) / 1e6
last = statistics.median(rtt[-tenth:]) / 1e6
print(f"label={label} probes={n} first_tenth_ms={first:.3f} last_tenth_ms={last:.3f} "
      f"ratio={last / first:.2f} all_ms={statistics.median(rtt) / 1e6:.3f} "
      f"restore_s={back} restored_waiting={up} "
      f"one_client_n={want1} one_client_s={big1} one_client_waiting={big1_n} "
      f"four_clients_n={want4} four_clients_s={big4} four_clients_waiting={big4_n}")
PY
cat "$work/launch.txt"
if [ -n "$results" ]; then
    mkdir -p "$results"
    cat "$work/launch.txt" >>"$results/launch.txt"
    cp "$work/flat.tsv" "$results/launch-$label.tsv"
fi
