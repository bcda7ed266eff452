#!/bin/sh
# End to end on Linux: a real jaildaemon, a real namespace jail, the real
# jaildaemon-hook. The jail is called "web.example.com" by a stand-in jls
# that answers with the host pid of the jail's init (on Linux, -j N names
# the container that host process N lives in); the stand-in ezjail-admin
# records how the daemon ran it. Like ezjail does, the post-start script is
# run with jid and name; the in-jail command jail-reboot (from the Bastille
# template) triggers REBOOT from inside, and the host side must record
# `ezjail-admin onerestart web.example.com`.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
# shellcheck source=tests/integration/e2e_lib.sh
. "$JD_SRC/tests/integration/e2e_lib.sh"

NAME=web.example.com
e2e_start "$NAME"

# The daemon runs commands in a clean environment: the stand-in ezjail-admin
# is named by its path.
ADMIN=$(e2e_manager ezjail-admin)
e2e_hook
cat >>"$T/hook.conf" <<CONF
[ezjail]
program = $ADMIN
CONF

reset_calls
JAILDAEMON_HOOK=$T/hook sh "$JD_GLUE_DIR/jaildaemon-ezjail-poststart" "$LEADER" "$NAME" >"$T/out" 2>&1
check_eq "post-start script: exit 0" 0 $?
check_eq "post-start script: one line" \
    "jaildaemon-hook: ezjail jail $NAME (jid $LEADER): registered REBOOT, SNAPSHOT" "$(cat "$T/out")"
check_eq "two probes, REBOOT without respawn, SNAPSHOT with" \
    "REBOOT none $ADMIN onerestart $NAME
SNAPSHOT after $ADMIN snapshot $NAME" "$(probes)"
check "REBOOT visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx REBOOT'
check "SNAPSHOT visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx SNAPSHOT'

# Running the hook again (a restart without stop) replaces, never doubles.
"$T/hook" start ezjail "$NAME" >"$T/out" 2>&1
check_eq "second start, jid from jls: exit 0" 0 $?
check_eq "second start: replaced" \
    "jaildaemon-hook: ezjail jail $NAME (jid $LEADER): registered REBOOT (replaced), SNAPSHOT (replaced)" \
    "$(cat "$T/out")"
check_eq "second start: still one probe per title" 2 "$(probe_count)"
check "second start: jid looked up with jls" recorded "jls \[-j\] \[$NAME\] \[jid\]"

# Trigger SNAPSHOT from inside the jail with the template's command.
e2e_jail_commands
reset_calls
in_jail sh "$T/jail-snapshot" >"$T/out" 2>&1
check_eq "jail-snapshot inside the jail: exit 0" 0 $?
wait_for 10 recorded "ezjail-admin \[snapshot\] \[$NAME\]"
check_eq "the host ran ezjail-admin snapshot NAME" "ezjail-admin [snapshot] [$NAME]" "$(calls)"
wait_for 10 respawned
check_eq "SNAPSHOT came back after its trigger (respawn)" "1 up" "$(probe_state SNAPSHOT)"
check_eq "REBOOT untouched" "0 up" "$(probe_state REBOOT)"

# Trigger REBOOT from inside: the host runs ezjail-admin onerestart NAME.
reset_calls
in_jail sh "$T/jail-reboot" >"$T/out" 2>&1
check_eq "jail-reboot inside the jail: exit 0" 0 $?
wait_for 10 recorded "ezjail-admin \[onerestart\] \[$NAME\]"
check_eq "the host ran ezjail-admin onerestart NAME" "ezjail-admin [onerestart] [$NAME]" "$(calls)"
wait_for 5 count_is 1
check_eq "REBOOT is gone after its trigger (no respawn)" "SNAPSHOT after $ADMIN snapshot $NAME" "$(probes)"
in_jail sh "$T/jail-reboot" >"$T/out" 2>&1
check_eq "jail-reboot without a probe: EX_UNAVAILABLE" 69 $?

# stop removes what start registered.
"$T/hook" stop ezjail "$NAME" >"$T/out" 2>&1
check_eq "stop: exit 0" 0 $?
check_eq "stop: one line" "jaildaemon-hook: ezjail jail $NAME: removed 1 probe" "$(cat "$T/out")"
check_eq "stop: no probes left" 0 "$(probe_count)"

# A jail that is gone: hook mode logs one line and exits 0.
kill -9 "$LEADER" "$JAILUP" 2>/dev/null
wait "$JAILUP" 2>/dev/null
JAILUP=
LEADER=
"$T/hook" --hook start ezjail "$NAME" >"$T/out" 2>"$T/err"
check_eq "gone jail, hook mode: exit 0" 0 $?
check_eq "gone jail, hook mode: one line" 1 "$(wc -l <"$T/err" | tr -d ' ')"

# No daemon: hook mode exit 0, interactive 69.
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null
DAEMON=
"$T/hook" --hook start ezjail "$NAME" 7 >"$T/out" 2>"$T/err"
check_eq "no daemon, hook mode: exit 0" 0 $?
"$T/hook" start ezjail "$NAME" 7 >"$T/out" 2>"$T/err"
check_eq "no daemon: EX_UNAVAILABLE" 69 $?

finish
