#!/bin/sh
# The long soak: soak.sh [CYCLES] (default 10000) against the binaries of a
# build directory (BUILD, default build-rel at the top of the tree).
# CI runs the same test with 300 cycles (meson test soak).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build-rel}
export JAILDAEMON="${JAILDAEMON:-$build/core/jaildaemon}"
export JAILDAEMON_PROBE="${JAILDAEMON_PROBE:-$build/core/jaildaemon-probe}"
exec python3 "$here/soak.py" "${1:-10000}"
