#!/bin/sh
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer:
# tests/sanitize.sh [meson test arguments]. Builds in BUILD (default
# build-asan at the top of the tree) with -Db_sanitize=address,undefined.
# The static probe cannot carry the sanitizer runtimes and is built without
# them (core/meson.build). Any sanitizer report fails the test that hit it:
# UBSan aborts, and the daemon-driving tests also fail on a report in a
# daemon's log.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build-asan}
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$top" -Db_sanitize=address,undefined -Db_lundef=false \
        --buildtype=debug >/dev/null
fi
ninja -C "$build"
# halt/abort: a report is a failure, not a warning. Leaks are checked in the
# short-lived programs; a daemon is ended by signal, where LSan has nothing
# useful to say, and its log is checked instead.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# Suite "timing" (tests that measure, e.g. fair_launch's 1 s) runs in the
# main build only.
exec meson test -C "$build" --print-errorlogs --timeout-multiplier 3 --no-suite timing "$@"
