#!/bin/sh
# What jaildaemon-hook adds to a jail start. As root:
#
#   bench/hook_start.sh [BUILDDIR [RUNS]]
#
# A daemon on a private socket and one namespace jail; then RUNS times (default
# 200) `jaildaemon-hook start bastille NAME JID`, which registers two probes
# (REBOOT, SNAPSHOT; the second and later runs replace them), and RUNS times
# the same without JID, which first asks jls(8) (here a small stand-in
# script) for the jid through capture(). Prints the median, 10th and 90th
# percentile wall time of one call in milliseconds, for each. BUILDDIR
# (default build) holds core/jaildaemon, core/jaildaemon-probe and
# plugins/jaildaemon-hook; HOOK=PATH takes another jaildaemon-hook. With
# BEFORE=PATH (an older jaildaemon-hook) every call of the one is followed
# by a call of the other, so that a before/after sees the same load; both
# are reported.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/build}
runs=${2:-200}
hook=${HOOK:-$b/plugins/jaildaemon-hook}
[ "$(id -u)" = 0 ] || {
    echo "hook_start.sh: needs root (namespaces)" >&2
    exit 77
}
t=$(mktemp -d "${TMPDIR:-/tmp}/jd-hookbench.XXXXXX")
daemon=
jail=
leader=
cleanup() {
    [ -n "$daemon" ] && kill "$daemon" 2>/dev/null
    [ -n "$leader" ] && kill -9 "$leader" 2>/dev/null
    [ -n "$jail" ] && kill -9 "$jail" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$t"
}
trap cleanup EXIT
"$b/core/jaildaemon" -D -F -p "$t/pid" -f "$t/sock" --state "$t/state.json" \
    --probe "$b/core/jaildaemon-probe" >"$t/log" 2>&1 &
daemon=$!
unshare --pid --mount --uts --ipc --net --fork --mount-proc sleep 600 </dev/null >/dev/null 2>&1 &
jail=$!
n=0
while [ -z "$leader" ] || [ ! -S "$t/sock" ]; do
    sleep 0.05
    leader=$(pgrep -P "$jail" -x sleep || :)
    n=$((n + 1))
    [ $n -lt 200 ] || {
        echo "hook_start.sh: daemon or jail did not come up" >&2
        exit 1
    }
done
printf '#!/bin/sh\necho %s\n' "$leader" >"$t/jls"
chmod 755 "$t/jls"
printf 'socket = %s\njls = %s\n[bastille]\nprogram = /bin/true\n' "$t/sock" "$t/jls" >"$t/conf"

# once HOOK LABEL ARGS...: one call, its time in microseconds onto $t/LABEL.
once() {
    _h=$1
    _l=$2
    shift 2
    _s=$(date +%s%N)
    "$_h" -C "$t/conf" start bastille web "$@" >/dev/null
    _e=$(date +%s%N)
    echo $(((_e - _s) / 1000)) >>"$t/$_l"
}
# stats LABEL: median, p10, p90 of $t/LABEL.
stats() {
    sort -n "$t/$1" | awk -v l="$1" '
        { v[NR] = $1 }
        END {
            printf "%-19s runs %d  median %.2f ms  p10 %.2f ms  p90 %.2f ms\n", l, NR,
                v[int(NR / 2) + 1] / 1000, v[int(NR / 10) + 1] / 1000, v[int(NR * 9 / 10)] / 1000
        }'
}
# run LABEL ARGS...: RUNS calls (and as many of $BEFORE, alternating).
run() {
    _label=$1
    shift
    _i=0
    while [ $_i -lt "$runs" ]; do
        once "$hook" "$_label" "$@"
        [ -z "${BEFORE:-}" ] || once "$BEFORE" "$_label-before" "$@"
        _i=$((_i + 1))
    done
    stats "$_label"
    [ -z "${BEFORE:-}" ] || stats "$_label-before"
}
run with-jid "$leader"
run jls-lookup
