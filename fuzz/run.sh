#!/bin/sh
# Run the libFuzzer targets: fuzz/run.sh [SECONDS] (default 60, split
# between the targets). Builds them with clang in BUILD (default
# build-fuzz at the top of the tree), fuzzes a scratch copy of the seed
# corpus (fuzz/corpus/*; new inputs are not written back), and stops at the
# first crash, leaving the crashing input in the scratch directory.
# Needs: clang (clang++ or clang++-14), libclang-rt-dev, meson, ninja, Boost.
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build-fuzz}
cxx=${CXX:-}
if [ -z "$cxx" ]; then
    for c in clang++ clang++-16 clang++-15 clang++-14; do
        if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
    done
fi
[ -n "$cxx" ] || { echo "fuzz/run.sh: no clang++ found (apt-get install clang libclang-rt-dev)"; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
    CXX=$cxx meson setup "$build" "$top" -Dfuzz=true -Dtests=false --buildtype=debugoptimized >/dev/null
fi
if ! ninja -C "$build" fuzz/request_fuzz fuzz/state_fuzz >"$build/fuzz-build.log" 2>&1; then
    tail -40 "$build/fuzz-build.log"
    echo "fuzz/run.sh: building the fuzzers failed"
    exit 1
fi
work=$(mktemp -d /tmp/jaildaemon-fuzz.XXXXXX)
targets="request state"
each=$((secs / 2))
[ "$each" -ge 1 ] || each=1
status=0
for t in $targets; do
    mkdir -p "$work/$t"
    cp "$here/corpus/$t/"* "$work/$t/"
    log=$work/$t.log
    echo "fuzz: $t for $each s"
    if (cd "$work" && "$build/fuzz/${t}_fuzz" -max_total_time="$each" -max_len=20000 \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work/$t" >"$log" 2>&1); then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $t: $execs execs, 0 crashes"
    else
        echo "fuzz: $t: CRASH (input and log kept in $work)"
        tail -40 "$log"
        status=1
    fi
done
[ "$status" = 0 ] && rm -rf "$work"
exit "$status"
