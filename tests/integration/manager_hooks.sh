#!/bin/sh
# The post-start glue of iocage, pot, AppJail and cbsd, run with the
# environment each manager gives it (read in the managers' sources; see the
# scripts), against a stand-in jaildaemon-hook that records how it was
# called. Each must pass the name (and jid when the manager gives one) on in
# hook mode, and exit 0 whatever happens.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

standins "$BIN" jaildaemon-hook
JAILDAEMON_HOOK=$BIN/jaildaemon-hook
export JAILDAEMON_HOOK
G=$JD_GLUE_DIR
run() {
    _s=$1
    shift
    env -i PATH="$PATH" STANDIN_LOG="$STANDIN_LOG" STANDIN_EXIT="${STANDIN_EXIT:-0}" JAILDAEMON_HOOK="$JAILDAEMON_HOOK" \
        "$@" sh "$G/jaildaemon-$_s-poststart" >"$T/out" 2>"$T/err"
}

reset_calls
run iocage JID=11 JNAME=ioc-www.lan
check_eq "iocage: exit 0" 0 $?
check_eq "iocage: name without ioc-, dots kept, and the jid" \
    "jaildaemon-hook [--hook] [start] [iocage] [www.lan] [11]" "$(calls)"
reset_calls
run iocage JNAME=ioc-web
check_eq "iocage without JID: jls asked by the hook" "jaildaemon-hook [--hook] [start] [iocage] [web]" "$(calls)"
reset_calls
run iocage JID=11 JNAME=web
check_eq "iocage: JNAME without ioc-: exit 0" 0 $?
check_eq "iocage: JNAME without ioc-: nothing called" "" "$(calls)"
check "iocage: JNAME without ioc-: says so" grep -q 'JNAME is "web", not ioc-NAME' "$T/err"

reset_calls
run pot _POT_NAME=web _POT_JID=12
check_eq "pot: name and jid" "jaildaemon-hook [--hook] [start] [pot] [web] [12]" "$(calls)"
reset_calls
run pot _POT_NAME=web _POT_JID=
check_eq "pot: empty _POT_JID (not yet counted as running): jls" \
    "jaildaemon-hook [--hook] [start] [pot] [web]" "$(calls)"
reset_calls
run pot
check_eq "pot without _POT_NAME: exit 0" 0 $?
check_eq "pot without _POT_NAME: nothing called" "" "$(calls)"

reset_calls
run appjail APPJAIL_JAILNAME=web
check_eq "appjail: name" "jaildaemon-hook [--hook] [start] [appjail] [web]" "$(calls)"
reset_calls
run appjail
check_eq "appjail without APPJAIL_JAILNAME: nothing called" "" "$(calls)"

reset_calls
run cbsd jname=web
check_eq "cbsd: name" "jaildaemon-hook [--hook] [start] [cbsd] [web]" "$(calls)"
reset_calls
run cbsd
check_eq "cbsd without jname: nothing called" "" "$(calls)"

for m in iocage pot appjail cbsd; do
    reset_calls
    STANDIN_EXIT=75 run "$m" JID=3 JNAME=ioc-web _POT_NAME=web APPJAIL_JAILNAME=web jname=web
    check_eq "$m: exit 0 even when the helper fails" 0 $?
    check "$m: the helper was called" test -s "$STANDIN_LOG"
    env -i PATH="$PATH" JAILDAEMON_HOOK="$T/nonexistent" JID=3 JNAME=ioc-web _POT_NAME=web \
        APPJAIL_JAILNAME=web jname=web sh "$G/jaildaemon-$m-poststart" >"$T/out" 2>"$T/err"
    check_eq "$m: exit 0 without the helper" 0 $?
    check "$m: without the helper: says so" grep -q "is missing; no probes" "$T/err"
done
finish
