#!/bin/sh
# The full crash and I/O error sets (tests/reliability/crash_test.py and
# ioerror_test.py, every point, no sampling), ROUNDS times, with the state on
# a real disk (TMPDIR, default /var/tmp: a tmpfs has no fsync to speak of).
# Needs root (namespace jails) and strace. Prints each run's closing line.
#
#   bench/reliability.sh [ROUNDS]       BUILD=build by default
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-$top/build}
rounds=${1:-1}
: "${TMPDIR:=/var/tmp}"
export TMPDIR
export JAILDAEMON="$build/core/jaildaemon" JAILDAEMON_PROBE="$build/core/jaildaemon-probe"
export PYTHONDONTWRITEBYTECODE=1
for f in "$JAILDAEMON" "$JAILDAEMON_PROBE"; do
    if [ ! -x "$f" ]; then
        echo "reliability.sh: $f is missing (meson compile -C $build)" >&2
        exit 1
    fi
done
echo "state under $TMPDIR ($(findmnt -n -o FSTYPE -T "$TMPDIR")), $rounds round(s), $(git -C "$top" rev-parse --short HEAD)"
fail=0
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    for t in crash ioerror; do
        log="$TMPDIR/jaildaemon-$t-$$.log"
        start=$(date +%s)
        if python3 "$top/tests/reliability/${t}_test.py" >"$log" 2>&1; then
            status=ok
        else
            status=FAILED
            fail=1
        fi
        took=$(($(date +%s) - start))
        line=$(grep -E '^(crash points|faults) ' "$log" || echo "(no result line)")
        echo "round $i $t: $line ($status, ${took} s)"
        if [ "$status" = FAILED ]; then
            grep '^not ok' "$log" || tail -20 "$log"
        fi
        rm -f "$log"
    done
done
exit "$fail"
