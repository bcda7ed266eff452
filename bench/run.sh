#!/bin/bash
# jaildaemon benchmarks against what operators would pick instead: an HTTP
# hook runner (webhook) and an ssh forced command, with a bare C program as
# the floor. Everything on loopback, everything started here is stopped
# here. Needs root (namespace jails, sshd).
#
#   bench/run.sh            full run (about 6 minutes on 2 cores); writes
#                           BENCHMARKS.md, bench/latency.png, bench/results/
#   bench/run.sh --smoke    a few seconds of the same, nothing written to the
#                           tree; contenders that are not installed are skipped
#
# Options: --build DIR (a meson build dir with core/jaildaemon; default
# build-bench, configured --buildtype=release when missing), --bin DIR (use
# DIR/jaildaemon and DIR/jaildaemon-probe as they are, no build), --keep
# (leave the work dir), --rounds N (latency rounds), --no-report (full run
# without writing BENCHMARKS.md and the chart), --results DIR (copy the raw
# results there), --latency-only (section 1 only: to compare two builds).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
smoke=false
latency_only=false
keep=false
report=true
build=""
bindir=""
rounds=""
results=""
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) smoke=true ;;
    --keep) keep=true ;;
    --no-report) report=false ;;
    --latency-only)
        latency_only=true
        report=false
        ;;
    --build)
        build=$2
        shift
        ;;
    --bin)
        bindir=$2
        shift
        ;;
    --results)
        results=$2
        shift
        ;;
    --rounds)
        rounds=$2
        shift
        ;;
    *)
        echo "usage: bench/run.sh [--smoke] [--build DIR | --bin DIR] [--rounds N] [--keep] [--no-report] [--results DIR] [--latency-only]" >&2
        exit 2
        ;;
    esac
    shift
done

if $smoke; then
    ROUNDS=${rounds:-8} WARMUP=2 REG=10 REG_CLI=5 REG_DISK=5 JAILS=2 PER_JAIL=5 IDLE=2
    LOADED_ROUNDS=8 SSH_EVERY=1 BULK_BUDGET=${JDBENCH_BULK_BUDGET:-60}
    report=false
else
    ROUNDS=${rounds:-300} WARMUP=20 REG=300 REG_CLI=100 REG_DISK=100 JAILS=100 PER_JAIL=100
    IDLE=30 LOADED_ROUNDS=300 SSH_EVERY=3 BULK_BUDGET=${JDBENCH_BULK_BUDGET:-150}
fi

say() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
    if $smoke; then
        say "skipped: needs root (namespace jails, sshd)"
        exit 0
    fi
    say "needs root (namespace jails, sshd)"
    exit 1
fi

# ---- build -----------------------------------------------------------------
if [ -n "$bindir" ]; then
    bindir=$(cd "$bindir" && pwd)
    JD=$bindir/jaildaemon
    PROBE=$bindir/jaildaemon-probe
elif [ -z "$build" ]; then
    build=$top/build-bench
    if $smoke; then
        for d in "$top/build-bench" "$top/build-test" "$top/build"; do
            if [ -x "$d/core/jaildaemon" ] && [ -x "$d/core/jaildaemon-probe" ]; then
                build=$d
                break
            fi
        done
    fi
fi
if [ -z "$bindir" ]; then
    build=$(cd "$(dirname "$build")" && pwd)/$(basename "$build")
    if [ ! -f "$build/build.ninja" ]; then
        say "configuring $build (release)"
        meson setup "$build" "$top" --buildtype=release -Dtests=false >/dev/null
    fi
    if ! $smoke || [ ! -x "$build/core/jaildaemon" ]; then
        say "building $build"
        meson compile -C "$build" jaildaemon jaildaemon-probe >/dev/null
    fi
    JD=$build/core/jaildaemon
    PROBE=$build/core/jaildaemon-probe
fi
if [ ! -x "$JD" ] || [ ! -x "$PROBE" ]; then
    say "no jaildaemon in ${bindir:-$build}"
    exit 1
fi

work=$(mktemp -d /tmp/jdbench.XXXXXX)
chmod 755 "$work"
# The daemon's state file lives on tmpfs: with 10,000 probes each (batched)
# save writes megabytes. Registration with the
# state on disk is measured separately (register-disk).
shm=$(mktemp -d /dev/shm/jdbench.XXXXXX)
bin=$work/bin
mkdir -p "$bin" "$work/results" "$work/cdf"
res=$work/results
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- everything we start, and how it stops -----------------------------------
pids=()     # processes to TERM then KILL
leaders=()  # namespace jail leaders (pid 1 inside: only SIGKILL reaches them)
mux=""
cleanup() {
    set +e
    trap - EXIT INT TERM
    if [ -n "$mux" ] && [ -S "$mux" ]; then
        ssh -F /dev/null -S "$mux" -O exit root@127.0.0.1 >/dev/null 2>&1
    fi
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${leaders[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for _ in $(seq 50); do
        alive=0
        for p in "${pids[@]}" "${leaders[@]}"; do
            kill -0 "$p" 2>/dev/null && alive=1
        done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$shm"
    if $keep; then
        say "work dir kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the small C programs ----------------------------------------------------
CC=${CC:-cc}
$CC -O2 -Wall -static -o "$bin/stamp" "$here/stamp.c"
$CC -O2 -Wall -o "$bin/floor" "$here/floor.c"
$CC -O2 -Wall -o "$bin/jdbench" "$here/jdbench.c"
JB=$bin/jdbench
for f in floor jaildaemon jaildaemon-sh webhook ssh; do mkfifo "$work/$f.fifo"; done

free_port() {
    local p
    for p in $(shuf -i 20000-60000 -n 100); do
        if [ -z "$(ss -Htan "sport = :$p")" ]; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
    local n=$(($1 * 20))
    shift
    for _ in $(seq "$n"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

listening() { [ -n "$(ss -Htln "sport = :$1")" ]; }

# shellcheck source=bench/jail.sh
. "$here/jail.sh"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
kv() { # kv KEY "k=v k=v ...": the value of KEY
    local k=$1
    shift
    tr ' ' '\n' <<<"$*" | sed -n "s/^$k=//p"
}

# ---- jaildaemon ----------------------------------------------------------------
# The daemon raises its descriptor limit to the hard limit and holds a
# descriptor per probe and one per jail; leave room (not possible
# everywhere: without CAP_SYS_RESOURCE the hard limit stays).
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 65536 ]; then
    ulimit -Hn 65536 2>/dev/null || say "descriptor hard limit stays at $(ulimit -Hn)"
fi

SOCK=$work/jd.sock
JD_OPTS=()
"$JD" --help 2>&1 | grep -q -- --cooldown && JD_OPTS+=(--cooldown 0 --max-commands 64)
"$JD" --help 2>&1 | grep -q -- --state && JD_OPTS+=(--state "$shm/state/state.json")
start_daemon() {
    "$JD" -D -F -p "$work/jd.pid" -f "$SOCK" --probe "$PROBE" "${JD_OPTS[@]}" 2>>"$work/jd.log" &
    DPID=$!
    pids+=("$DPID")
}
start_daemon
wait_for 10 "$JD" -l -f "$SOCK" || { cat "$work/jd.log"; say "jaildaemon did not start"; exit 1; }
sleep 0.5
mem_empty=$("$JB" mem "$DPID")
say "jaildaemon $DPID up: $mem_empty"

new_jail
L1=${leaders[0]}
# The same command twice: plain (exec'd directly), and with a shell
# character (a trailing ";"), which makes jaildaemon run it with /bin/sh -c.
"$JD" -c "$bin/stamp $work/jaildaemon.fifo" -j "$L1" -t BENCH -r -f "$SOCK" >/dev/null
"$JD" -c "$bin/stamp $work/jaildaemon-sh.fifo;" -j "$L1" -t BENCHSH -r -f "$SOCK" >/dev/null

contenders=(-F "$bin/floor,$bin/stamp" -J "$SOCK,pid:$L1,BENCH" -J "$SOCK,pid:$L1,BENCHSH,jaildaemon-sh")
skipped=()

# ---- webhook -------------------------------------------------------------------
if command -v webhook >/dev/null; then
    WPORT=$(free_port)
    cat >"$work/hooks.json" <<EOF
[
  {
    "id": "bench",
    "execute-command": "$bin/stamp",
    "command-working-directory": "/",
    "pass-arguments-to-command": [ { "source": "string", "name": "$work/webhook.fifo" } ]
  }
]
EOF
    webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port "$WPORT" -http-methods POST \
        >"$work/webhook.log" 2>&1 &
    WPID=$!
    pids+=("$WPID")
    wait_for 10 listening "$WPORT" || { tail -20 "$work/webhook.log"; say "webhook did not start"; exit 1; }
    contenders+=(-H "$WPORT,/hooks/bench")
else
    skipped+=("webhook (not installed: bench/setup.sh)")
fi

# ---- sshd with a forced command, on loopback, with its own everything ------------
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then
    SPORT=$(free_port)
    ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
    echo "command=\"$bin/stamp $work/ssh.fifo\",restrict $(cat "$work/client_key.pub")" \
        >"$work/authorized_keys"
    cat >"$work/sshd_config" <<EOF
ListenAddress 127.0.0.1:$SPORT
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin forced-commands-only
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 100
MaxSessions 100
AllowUsers root
EOF
    # Privilege separation wants this directory; it is created, never removed.
    mkdir -p /run/sshd
    /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
    pids+=($!)
    SSH="ssh -F /dev/null -T -i $work/client_key -p $SPORT -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
    wait_for 10 listening "$SPORT" || { tail -20 "$work/sshd.log"; say "sshd did not start"; exit 1; }
    mux=$work/mux
    $SSH -M -S "$mux" -o ControlPersist=900 -f -N root@127.0.0.1
    wait_for 5 ssh -F /dev/null -S "$mux" -O check root@127.0.0.1
    contenders+=(-s "$(command -v ssh) ${SSH#ssh } root@127.0.0.1")
    contenders+=(-m "$(command -v ssh) -F /dev/null -T -S $mux -o ControlMaster=no root@127.0.0.1")
else
    skipped+=("ssh (openssh-server not installed: bench/setup.sh)")
fi

# ---- 1. trigger -> command started ---------------------------------------------------
say "latency: $ROUNDS rounds (+$WARMUP warm-up; ssh in every ${SSH_EVERY}th)"
"$JB" latency -o "$res/latency.tsv" -n "$ROUNDS" -w "$WARMUP" -e "$SSH_EVERY" -d "$work" \
    "${contenders[@]}"
mem_webhook=""
mem_sshd=""
[ -n "${WPID:-}" ] && mem_webhook=$(rss_kib "$WPID")
[ -f "$work/sshd.pid" ] && mem_sshd=$(rss_kib "$(cat "$work/sshd.pid")")

if $latency_only; then
    "$JB" stats "$res/latency.tsv" >"$res/latency.stats"
    if [ -n "$results" ]; then
        mkdir -p "$results"
        cp "$res"/* "$results/"
    fi
    column -t -s $'\t' "$res/latency.stats"
    exit 0
fi

# ---- 2. registration -------------------------------------------------------------------
say "registration: $REG round trips on the socket, $REG_CLI client calls"
"$JB" register -f "$SOCK" -c /bin/true -o "$res/register.tsv" -p "$REG" -x -t R "$L1" >/dev/null
"$JB" register -f "$SOCK" -c /bin/true -o "$res/register-cli.tsv" -p "$REG_CLI" -x -t C \
    -C "$JD" "$L1" >/dev/null

# A second daemon whose state file is on disk (fsync'd, batched saves).
say "registration with the state file on disk: $REG_DISK round trips"
mkdir -p "$work/state"
"$JD" -D -F -p "$work/jd2.pid" -f "$work/jd2.sock" --probe "$PROBE" \
    "${JD_OPTS[@]/$shm/$work}" 2>"$work/jd2.log" &
pids+=($!)
wait_for 10 "$JD" -l -f "$work/jd2.sock" || { tail "$work/jd2.log"; say "second jaildaemon did not start"; exit 1; }
"$JB" register -f "$work/jd2.sock" -c /bin/true -o "$res/register-disk.tsv" -p "$REG_DISK" -x \
    -t D -N register-disk "$L1" >/dev/null
kill -TERM "${pids[-1]}"

say "creating $JAILS namespace jails"
for _ in $(seq 2 "$JAILS"); do new_jail; done
say "registering $((JAILS * PER_JAIL)) probes across $JAILS jails, one request at a time (budget $BULK_BUDGET s)"
bulk=$("$JB" register -f "$SOCK" -c /bin/true -o "$res/register-bulk.tsv" -p "$PER_JAIL" -R \
    -T "$BULK_BUDGET" -t L -N register-bulk "${leaders[@]}")
say "$bulk"
restore_secs=""
if [ "$(kv out_of_time "$bulk")" = 1 ]; then
    # Registrations get slower as the registry grows (see NOTES.md). The
    # rest comes from the daemon's own restore:
    # stop it, complete its state file, start it again.
    say "budget spent: restoring the rest from the state file"
    kill -TERM "$DPID"
    for _ in $(seq 300); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
    python3 "$here/fill_state.py" "$shm/state/state.json" L "$PER_JAIL" >&2
    t0=$(date +%s.%N)
    start_daemon
    ok=false
    for _ in $(seq 20); do
        if "$JD" -l -f "$SOCK" >/dev/null 2>&1; then
            ok=true
            break
        fi
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.2
    done
    $ok || { tail "$work/jd.log"; say "jaildaemon did not come back"; exit 1; }
    restore_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    say "restored in $restore_secs s"
fi
# Quiet first: each control request arms a 5 s timeout timer, and Asio's
# timerfd still fires once when that timer was cancelled.
sleep 6

# ---- 3. memory and 4. idle ---------------------------------------------------------
mem_full=$("$JB" mem "$DPID")
say "memory: $mem_full"
say "idle: $IDLE s with $(kv children "$mem_full") probes registered"
idle=$("$JB" idle "$DPID" "$IDLE")
say "$idle"
state_bytes=0
[ -f "$shm/state/state.json" ] && state_bytes=$(stat -c %s "$shm/state/state.json")

# ---- 1b. trigger latency with the registry full -----------------------------------------
say "latency with $(kv children "$mem_full") probes registered: $LOADED_ROUNDS rounds"
"$JB" latency -o "$res/latency-loaded.tsv" -n "$LOADED_ROUNDS" -w "$WARMUP" -d "$work" \
    -F "$bin/floor,$bin/stamp" -J "$SOCK,pid:$L1,BENCH"

# ---- results ---------------------------------------------------------------------
"$JB" stats -c "$work/cdf" "$res/latency.tsv" >"$res/latency.stats"
# Ratios against this run's own floor; then the names say "10k".
mkdir -p "$work/cdf10k"
"$JB" stats -c "$work/cdf10k" "$res/latency-loaded.tsv" >"$res/latency-loaded.stats"
for n in floor jaildaemon; do
    mv "$work/cdf10k/$n.cdf" "$work/cdf/$n-10k.cdf"
    sed -i "s/^$n\t/$n-10k\t/" "$res/latency-loaded.stats" "$res/latency-loaded.tsv"
done
"$JB" stats "$res/register.tsv" "$res/register-disk.tsv" "$res/register-cli.tsv" \
    "$res/register-bulk.tsv" >"$res/register.stats"
{
    echo "mem_empty $mem_empty"
    echo "mem_full $mem_full"
    echo "idle $idle"
    echo "bulk $bulk restore_seconds=$restore_secs"
    echo "state_bytes=$state_bytes"
    echo "webhook_rss_kib=$mem_webhook sshd_rss_kib=$mem_sshd"
    echo "load_start=${load_start// /,} load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
    echo "jaildaemon=$JD"
} >"$res/summary.txt"

show() { column -t -s $'\t' "$1"; }
echo
echo "== trigger -> command started (microseconds), 1 probe registered"
show "$res/latency.stats"
echo
echo "== trigger -> command started, $(kv children "$mem_full") probes registered"
show "$res/latency-loaded.stats"
echo
echo "== registration (microseconds; *-ready: until the probe waits for SIGHUP)"
show "$res/register.stats"
echo
cat "$res/summary.txt"
for s in "${skipped[@]}"; do echo "skipped: $s"; done

# Sanity: every contender produced samples.
awk -F'\t' 'NR > 1 && $2 == 0 { bad = 1; print "no samples: " $1 } END { exit bad }' \
    "$res/latency.stats" "$res/latency-loaded.stats" "$res/register.stats"

if [ -n "$results" ]; then
    mkdir -p "$results"
    cp "$res"/* "$results/"
    cp -r "$work/cdf" "$results/"
fi
if $report; then
    rm -rf "$here/results"
    mkdir -p "$here/results"
    cp "$res"/* "$here/results/"
    cp -r "$work/cdf" "$here/results/"
    export LC_ALL=C
    names=""
    for n in floor jaildaemon jaildaemon-sh webhook ssh-mux ssh floor-10k jaildaemon-10k; do
        [ -s "$work/cdf/$n.cdf" ] && names="$names $n"
    done
    gnuplot -e "cdf='$work/cdf'; out='$here/latency.png'; names='${names# }'" "$here/latency.gp"
    "$here/report.sh" "$here/results" "${skipped[@]}" >"$top/BENCHMARKS.md"
    say "wrote BENCHMARKS.md, bench/latency.png and bench/results/"
fi
say "done"
