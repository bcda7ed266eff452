# Shared helpers of the integration tests (POSIX sh). Sourced, not run.
#
# Environment set by meson (tests/integration/meson.build):
#   JD_SRC        the source tree
#   JD_GLUE_DIR   build dir of the generated shell glue (plugins/)
#   JD_RCD_DIR    build dir of the generated service files (rc.d/)
#   JD_HOOK       the jaildaemon-hook binary
#   JAILDAEMON    the jaildaemon binary
#   JD_SBINDIR, JD_LIBEXECDIR, JD_DATADIR  install paths baked into the glue

set -u

T=$(mktemp -d "${TMPDIR:-/tmp}/jd-integration.XXXXXX") || exit 1
BIN=$T/bin
STANDIN_LOG=$T/calls.log
STANDIN_JAILS=$T/jails
export STANDIN_LOG STANDIN_JAILS
mkdir -p "$BIN"
: >"$STANDIN_LOG"
: >"$STANDIN_JAILS"
FAILS=0
CHECKS=0

# standins DIR NAME...: link the stand-in under each NAME into DIR.
standins() {
    _dir=$1
    shift
    mkdir -p "$_dir"
    for _tool in "$@"; do
        ln -sf "$JD_SRC/tests/integration/standin.sh" "$_dir/$_tool"
    done
}
# The host's jail manager programs. pgrep and pkill, used inside jails, are
# linked on demand by the tests that want them faked.
standins "$BIN" jls jexec ezjail-admin bastille zfs service iocage pot appjail cbsd
PATH=$BIN:$PATH
export PATH
# The enable/disable/status helpers source their shared part from the build
# tree and copy the in-jail commands from the source tree.
JAILDAEMON_HELPER=$JD_GLUE_DIR/jaildaemon-helper.sh
JAILDAEMON_JAIL_COMMANDS=$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin
export JAILDAEMON_HELPER JAILDAEMON_JAIL_COMMANDS

cleanup_lib() {
    if [ "$FAILS" != 0 ] || [ -n "${KEEP:-}" ]; then
        echo "--- recorded calls ($STANDIN_LOG)"
        cat "$STANDIN_LOG" 2>/dev/null
        echo "--- kept $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup_lib EXIT

ok() {
    CHECKS=$((CHECKS + 1))
    echo "ok $CHECKS - $*"
}
not_ok() {
    CHECKS=$((CHECKS + 1))
    FAILS=$((FAILS + 1))
    echo "not ok $CHECKS - $*"
}
# check DESCRIPTION COMMAND...: COMMAND must succeed.
check() {
    _what=$1
    shift
    if "$@"; then ok "$_what"; else not_ok "$_what"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        echo "#   expected: [$2]"
        echo "#   actual:   [$3]"
    fi
}
# check_file DESCRIPTION EXPECTED_FILE ACTUAL_FILE
check_file() {
    if diff -u "$2" "$3" >"$T/diff" 2>&1; then
        ok "$1"
    else
        not_ok "$1"
        sed 's/^/#   /' "$T/diff"
    fi
}
# The calls recorded since the last reset_calls.
calls() {
    cat "$STANDIN_LOG"
}
reset_calls() {
    : >"$STANDIN_LOG"
}
finish() {
    if [ "$FAILS" != 0 ]; then
        echo "$FAILS of $CHECKS checks failed"
        exit 1
    fi
    echo "all $CHECKS checks passed"
    exit 0
}
# Skip (77) unless root; under CI=true a test that needs root must run.
need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root ($*)"
        if [ "${CI:-}" = true ]; then
            echo "FAIL: CI=true: this test must run as root"
            exit 1
        fi
        exit 77
    fi
}
# Skip (77) when a tool is missing, fail under CI=true.
need_tool() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "SKIP: $1 is not installed"
        if [ "${CI:-}" = true ]; then
            echo "FAIL: CI=true: $1 is needed"
            exit 1
        fi
        exit 77
    fi
}
