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

# iocage: run as iocage's runscript runs exec_poststart (shlex.split, then
# /bin/sh -c of the words or an exec of the one word), with nothing but the
# environment iocage gives it, for the three conventions iocage has had
# (none up to 1.10, JID=ioc-NAME JNAME=NAME in 1.11, JID=jid JNAME=ioc-NAME
# from 1.12). The glue's default hook path is replaced by a wrapper that
# records how it was called, since no environment of ours gets through.
cat >"$T/hookwrap" <<WRAP
#!/bin/sh
STANDIN_LOG=$STANDIN_LOG STANDIN_EXIT=\$(cat "$T/hook-exit") exec "$BIN/jaildaemon-hook" "\$@"
WRAP
chmod 755 "$T/hookwrap"
echo 0 >"$T/hook-exit"
sed "s|$JD_SBINDIR/jaildaemon-hook|$T/hookwrap|" "$G/jaildaemon-iocage-poststart" >"$T/iocage-poststart"
chmod 755 "$T/iocage-poststart"
ioc() { # ioc RELEASE PROPERTY: iocage starts jail www.lan, jid 11
    env -i PATH=/usr/bin:/bin python3 "$JD_SRC/tests/integration/iocage_runscript.py" \
        "$1" www.lan 11 "$2" >"$T/out" 2>"$T/err"
}
need_tool python3
for rel in 1.13 1.12 1.11 1.10; do
    reset_calls
    ioc "$rel" "$T/iocage-poststart www.lan"
    check_eq "iocage $rel: exit 0" 0 $?
    case $rel in
    1.1[23]) want="jaildaemon-hook [--hook] [start] [iocage] [www.lan] [11]" ;;
    *) want="jaildaemon-hook [--hook] [start] [iocage] [www.lan]" ;;
    esac
    check_eq "iocage $rel: the name from the argument, the jid when iocage gives a number" \
        "$want" "$(calls)"
done
reset_calls
ioc 1.13 "$T/iocage-poststart"
check_eq "iocage 1.13 without the name argument: JNAME serves" \
    "jaildaemon-hook [--hook] [start] [iocage] [www_lan] [11]" "$(calls)"
reset_calls
ioc 1.11 "$T/iocage-poststart"
check_eq "iocage 1.11 without the name argument: its swapped JNAME serves" \
    "jaildaemon-hook [--hook] [start] [iocage] [www_lan]" "$(calls)"
reset_calls
ioc 1.10 "$T/iocage-poststart"
check_eq "iocage 1.10 without the name argument: exit 0 (the jail keeps running)" 0 $?
check_eq "iocage 1.10 without the name argument: nothing called" "" "$(calls)"
check "iocage 1.10 without the name argument: says what to set" \
    grep -q 'set exec_poststart to ".*jaildaemon-iocage-poststart NAME"' "$T/err"
echo 75 >"$T/hook-exit"
reset_calls
ioc 1.13 "$T/iocage-poststart www.lan"
check_eq "iocage: the helper fails, exec_poststart still succeeds" 0 $?
check "iocage: the helper was called" test -s "$STANDIN_LOG"
echo 0 >"$T/hook-exit"

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

for m in pot appjail cbsd; do
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
