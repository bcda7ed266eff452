#!/bin/sh
# End to end on Linux for iocage, pot, AppJail or cbsd ($1): a real
# jaildaemon, a real namespace jail, the real jaildaemon-hook, and the
# manager's post-start glue run with the environment the manager gives it.
# The stand-in jls knows the jail by its jail(8) name only (iocage:
# ioc-NAME) and answers with the host pid of the jail's init. The in-jail
# commands trigger REBOOT and SNAPSHOT; the stand-in manager records the
# restart and snapshot commands the host ran.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
# shellcheck source=tests/integration/e2e_lib.sh
. "$JD_SRC/tests/integration/e2e_lib.sh"

M=${1:?usage: e2e_managers.sh iocage|pot|appjail|cbsd}
NAME=web
case $M in
iocage) JNAME=ioc-$NAME ;;
*) JNAME=$NAME ;;
esac
e2e_start "$JNAME"
PROG=$(e2e_manager "$M")
e2e_hook
printf 'zfs = %s\n[%s]\nprogram = %s\n' "$(e2e_manager zfs)" "$M" "$PROG" >>"$T/hook.conf"
JAILDAEMON_HOOK=$T/hook
export JAILDAEMON_HOOK

# The glue as installed (mode 755; the build tree's copy is not executable).
cp "$JD_GLUE_DIR/jaildaemon-$M-poststart" "$T/poststart"
chmod 755 "$T/poststart"
# post_start: run the glue as the manager does.
post_start() {
    case $M in
    # As iocage 1.13 runs the exec_poststart that jaildaemon-iocage enable
    # sets (runscript: shlex.split, sh -c; JID and JNAME added to iocage's
    # own environment, here nothing but PATH, the test's hook and where the
    # stand-in jls records).
    iocage)
        env -i PATH="$PATH" JAILDAEMON_HOOK="$JAILDAEMON_HOOK" STANDIN_LOG="$STANDIN_LOG" \
            STANDIN_JAILS="$STANDIN_JAILS" python3 \
            "$JD_SRC/tests/integration/iocage_runscript.py" 1.13 "$NAME" "$1" \
            "$T/poststart $NAME"
        ;;
    pot) _POT_NAME=$NAME _POT_JID=$1 sh "$JD_GLUE_DIR/jaildaemon-pot-poststart" ;;
    appjail) APPJAIL_JAILNAME=$NAME sh "$JD_GLUE_DIR/jaildaemon-appjail-poststart" ;;
    cbsd) jname=$NAME sh "$JD_GLUE_DIR/jaildaemon-cbsd-poststart" ;;
    esac
}
case $M in
iocage)
    REBOOT_CALL="iocage [restart] [$NAME]"
    SNAP_CALL="iocage [snapshot] [$NAME]"
    WANT="REBOOT none $PROG restart $NAME
SNAPSHOT after $PROG snapshot $NAME"
    ;;
pot)
    REBOOT_CALL="pot [stop] [-p] [$NAME]
pot [start] [-p] [$NAME]"
    # What pot snapshot runs itself (it refuses a running pot): zfs
    # snapshot -r of the pot's dataset, found from pot's configuration.
    SNAP_CALL="pot [config] [-q] [-g] [zfs_root]
zfs [snapshot] [-r] [zroot/pot/jails/$NAME@EPOCH]"
    WANT="REBOOT none $PROG stop -p $NAME && $PROG start -p $NAME
SNAPSHOT after r=\$($PROG config -q -g zfs_root) && [ -n \"\$r\" ] && $T/host/zfs snapshot -r \"\$r/jails/\"$NAME\"@\$(date +%s)\""
    ;;
appjail)
    REBOOT_CALL="appjail [restart] [$NAME]"
    SNAP_CALL=
    WANT="REBOOT none $PROG restart $NAME"
    ;;
cbsd)
    REBOOT_CALL="cbsd [jrestart] [jname=$NAME]"
    SNAP_CALL="cbsd [jsnapshot] [mode=create] [jname=$NAME] [snapname=gettimeofday]"
    WANT="REBOOT none $PROG jrestart jname=$NAME
SNAPSHOT after $PROG jsnapshot mode=create jname=$NAME snapname=gettimeofday"
    ;;
*)
    not_ok "unknown manager $M"
    finish
    ;;
esac
if [ -n "$SNAP_CALL" ]; then DONE="REBOOT, SNAPSHOT"; else DONE="REBOOT"; fi

reset_calls
post_start "$LEADER" >"$T/out" 2>&1
check_eq "$M post-start: exit 0" 0 $?
check "$M post-start: registered" grep -qx \
    "jaildaemon-hook: $M jail $NAME (jid $LEADER): registered $DONE" "$T/out"
check_eq "$M: the manager's own commands" "$WANT" "$(probes)"
case $M in
iocage) check_eq "iocage: JID given, no jls" "" "$(calls)" ;;
appjail | cbsd) check_eq "$M: jid from jls, by the jail(8) name" "jls [-j] [$JNAME] [jid]" "$(calls)" ;;
esac
if [ "$M" = appjail ]; then
    check "appjail: says why there is no SNAPSHOT" grep -q \
        "no SNAPSHOT probe: AppJail has no working snapshot command" "$T/out"
fi
check "REBOOT visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx REBOOT'

# Started again: replaced, never doubled (pot: no _POT_JID yet, jls asked).
reset_calls
post_start "" >"$T/out" 2>&1
check_eq "$M post-start again: exit 0" 0 $?
check "$M post-start again: replaced" grep -q "registered REBOOT (replaced)" "$T/out"
check_eq "$M: still one probe per title" "$WANT" "$(probes)"

e2e_jail_commands
if [ -n "$SNAP_CALL" ]; then
    reset_calls
    in_jail sh "$T/jail-snapshot" >"$T/out" 2>&1
    check_eq "jail-snapshot inside the jail: exit 0" 0 $?
    wait_for 10 recorded "$(printf '%s\n' "$SNAP_CALL" | tail -n 1 | sed 's/[][]/\\&/g; s/EPOCH/[0-9]*/')"
    check_eq "the host ran the snapshot command" "$SNAP_CALL" "$(calls | sed 's/@[0-9][0-9]*\]$/@EPOCH]/')"
    wait_for 10 respawned
    check_eq "SNAPSHOT came back (respawn)" "1 up" "$(probe_state SNAPSHOT)"
else
    in_jail sh "$T/jail-snapshot" >"$T/out" 2>&1
    check_eq "jail-snapshot without a SNAPSHOT probe: EX_UNAVAILABLE" 69 $?
fi
reset_calls
# The stand-in restart leaves the jail up: "requested" (75), not "failed".
in_jail sh "$T/jail-reboot" --no-wait >"$T/out" 2>&1
check_eq "jail-reboot --no-wait inside the jail: requested (75)" 75 $?
wait_for 10 recorded "$(printf '%s\n' "$REBOOT_CALL" | tail -n 1 | sed 's/[][]/\\&/g')"
check_eq "the host ran the restart command" "$REBOOT_CALL" "$(calls)"
if [ -n "$SNAP_CALL" ]; then
    wait_for 5 count_is 1
    check_eq "REBOOT gone after its trigger (no respawn)" 1 "$(probe_count)"
else
    wait_for 5 count_is 0
    check_eq "REBOOT gone after its trigger (no respawn)" 0 "$(probe_count)"
fi

# status asks the daemon whether the probes are registered right now.
post_start "$LEADER" >/dev/null 2>&1
"$T/hook" status "$M" "$NAME" >"$T/out" 2>&1
check_eq "$M status, registered: exit 0" 0 $?
check "$M status: REBOOT registered" grep -q "^$NAME: REBOOT registered (id [0-9]*, jid $LEADER, " "$T/out"
# -n stop changes nothing.
"$T/hook" -n stop "$M" "$NAME" >"$T/out" 2>&1
check_eq "$M -n stop: exit 0" 0 $?
check_eq "$M -n stop: the probes are still there" "$WANT" "$(probes)"
# stop takes away what start registered, by the jail(8) name.
"$T/hook" stop "$M" "$NAME" >"$T/out" 2>&1
check_eq "$M stop: exit 0" 0 $?
check_eq "$M stop: no probes left" 0 "$(probe_count)"
"$T/hook" status "$M" "$NAME" >"$T/out" 2>&1
check_eq "$M status, after stop: exit 1" 1 $?
check "$M status, after stop: says so" grep -qx "$NAME: REBOOT not registered" "$T/out"
"$T/hook" status "$M" other >"$T/out" 2>&1
check_eq "$M status of a jail that is not running: exit 1" 1 $?
check_eq "$M status of a jail that is not running: says so" "other: not running" "$(cat "$T/out")"
finish
