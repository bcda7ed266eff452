#!/bin/sh
# End to end on Linux, with ezjail's real naming: the jail example.com has
# the config file example_com, the variable prefix jail_example_com_, and
# the jail(8) name example_com, the only name (besides the jid) the
# stand-in jls knows, as FreeBSD's does; it answers with the host pid of
# the jail's init (on Linux, -j N names the container that process N lives
# in). A real jaildaemon, a real namespace jail, the real jaildaemon-hook
# and jaildaemon-ezjail; the post-start script is run the way rc.d/jail
# runs it for ezjail: with the jid and the safe name. The in-jail commands
# trigger REBOOT and SNAPSHOT, and the stand-in ezjail-admin records
# `onerestart example_com` and `snapshot example_com`.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
# shellcheck source=tests/integration/e2e_lib.sh
. "$JD_SRC/tests/integration/e2e_lib.sh"

NAME=example.com
SAFE=example_com
e2e_start "$SAFE"

# The daemon runs commands in a clean environment: the stand-in ezjail-admin
# is named by its path.
ADMIN=$(e2e_manager ezjail-admin)
e2e_hook
cat >>"$T/hook.conf" <<CONF
[ezjail]
program = $ADMIN
CONF
CFG=$T/ezjail
mkdir -p "$CFG"
cp "$JD_SRC/tests/integration/data/ezjail-$SAFE" "$CFG/$SAFE"
sed '/_post_start_script=/d' "$CFG/$SAFE" >"$T/unwired"
EZJAIL_CONFIG_DIR=$CFG
JAILDAEMON_BACKUP_DIR=$T/backups
JAILDAEMON_HOOK=$T/hook
export EZJAIL_CONFIG_DIR JAILDAEMON_BACKUP_DIR JAILDAEMON_HOOK

# enable on the running jail: jls is asked for the safe name, the probes
# come at once.
reset_calls
sh "$JD_GLUE_DIR/jaildaemon-ezjail" enable "$NAME" >"$T/out" 2>&1
check_eq "enable a running jail: exit 0" 0 $?
check "enable: probes registered now" grep -qx \
    "jaildaemon-hook: ezjail jail $NAME (jid $LEADER): registered REBOOT, SNAPSHOT" "$T/out"
check_eq "enable: jls asked for the jail(8) name only, the in-jail commands copied in by it" \
    "jls [-j] [$SAFE] [jid]
jexec [$SAFE] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-reboot.new && chmod 755 /usr/local/sbin/jail-reboot.new && mv -f /usr/local/sbin/jail-reboot.new /usr/local/sbin/jail-reboot]
jexec [$SAFE] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-snapshot.new && chmod 755 /usr/local/sbin/jail-snapshot.new && mv -f /usr/local/sbin/jail-snapshot.new /usr/local/sbin/jail-snapshot]
jls [-j] [$SAFE] [jid]" "$(calls)"
# The commands carry the safe name, as when ezjail runs the hook.
check_eq "two probes, REBOOT without respawn, SNAPSHOT with" \
    "REBOOT none $ADMIN onerestart $SAFE
SNAPSHOT after $ADMIN snapshot $SAFE" "$(probes)"

# What rc.d/jail does at the next start of an ezjail jail: read the config
# file and run jail_SAFE_post_start_script with the jid and the safe name.
script=$(sh -c '. "$1"; eval echo "\$jail_$2_post_start_script"' - "$CFG/$SAFE" "$SAFE")
check_eq "the config file names our post-start script" "$JD_LIBEXECDIR/jaildaemon-ezjail-poststart" "$script"
reset_calls
sh "$JD_GLUE_DIR/jaildaemon-ezjail-poststart" "$LEADER" "$SAFE" >"$T/out" 2>&1
check_eq "post-start script: exit 0" 0 $?
check_eq "post-start script: one line, replaced, not doubled" \
    "jaildaemon-hook: ezjail jail $SAFE (jid $LEADER): registered REBOOT (replaced), SNAPSHOT (replaced)" \
    "$(cat "$T/out")"
check_eq "post-start: the commands carry the safe name" \
    "REBOOT none $ADMIN onerestart $SAFE
SNAPSHOT after $ADMIN snapshot $SAFE" "$(probes)"
check_eq "post-start: a given jid needs no jls" "" "$(calls)"
check_eq "the daemon keeps SNAPSHOT's own cooldown (ezjail names snapshots by the minute)" \
    "REBOOT - SNAPSHOT 60" "$(jd -l --json | python3 -c '
import json, sys
print(" ".join("%s %s" % (p["title"], p["cooldown"] if p.get("cooldown_set") else "-")
               for p in sorted(json.load(sys.stdin), key=lambda p: p["title"])))')"
check "REBOOT visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx REBOOT'
check "SNAPSHOT visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx SNAPSHOT'

# The hook by hand with the dotted name: jls is asked for the safe name.
reset_calls
"$T/hook" start ezjail "$NAME" >"$T/out" 2>&1
check_eq "start with the dotted name: exit 0" 0 $?
check_eq "start with the dotted name: still one probe per title" 2 "$(probe_count)"
check_eq "start with the dotted name: jls asked for the safe name" "jls [-j] [$SAFE] [jid]" "$(calls)"
"$T/hook" start ezjail "$SAFE" >/dev/null 2>&1
check_eq "dotted and safe name: the same jail, still two probes" 2 "$(probe_count)"
# A stand-in jls like FreeBSD's knows no hostname or dotted name.
jls -j "$NAME" jid >/dev/null 2>&1
check_eq "jls -j with the dotted name fails, as on FreeBSD" 1 $?
check_eq "jls -j with the jid works" "$LEADER" "$(jls -j "$LEADER" jid)"
"$T/hook" start ezjail "$SAFE" "$LEADER" >/dev/null 2>&1

# Trigger SNAPSHOT from inside the jail with the template's command.
e2e_jail_commands
reset_calls
in_jail sh "$T/jail-snapshot" >"$T/out" 2>&1
check_eq "jail-snapshot inside the jail: exit 0" 0 $?
wait_for 10 recorded "ezjail-admin \[snapshot\] \[$SAFE\]"
check_eq "the host ran ezjail-admin snapshot SAFENAME" "ezjail-admin [snapshot] [$SAFE]" "$(calls)"
wait_for 10 respawned
check_eq "SNAPSHOT came back after its trigger (respawn)" "1 up" "$(probe_state SNAPSHOT)"
check_eq "REBOOT untouched" "0 up" "$(probe_state REBOOT)"

# Trigger REBOOT from inside: the host runs ezjail-admin onerestart NAME.
reset_calls
# The stand-in restart leaves the jail up: "requested" (75), not "failed".
in_jail sh "$T/jail-reboot" --no-wait >"$T/out" 2>&1
check_eq "jail-reboot --no-wait inside the jail: requested (75)" 75 $?
wait_for 10 recorded "ezjail-admin \[onerestart\] \[$SAFE\]"
check_eq "the host ran ezjail-admin onerestart SAFENAME" "ezjail-admin [onerestart] [$SAFE]" "$(calls)"
wait_for 5 count_is 1
check_eq "REBOOT is gone after its trigger (no respawn)" "SNAPSHOT after $ADMIN snapshot $SAFE" "$(probes)"
in_jail sh "$T/jail-reboot" >"$T/out" 2>&1
check_eq "jail-reboot without a probe: EX_UNAVAILABLE" 69 $?

# disable (dotted name) removes the line and what the post-start script
# (safe name) registered.
sh "$JD_GLUE_DIR/jaildaemon-ezjail" disable "$NAME" >"$T/out" 2>&1
check_eq "disable: exit 0" 0 $?
check "disable: the probes removed" grep -qx "jaildaemon-hook: ezjail jail $NAME: removed 1 probe" "$T/out"
check_eq "disable: no probes left" 0 "$(probe_count)"
check_file "disable: the config file as before, less the variable" \
    "$T/unwired" "$CFG/$SAFE"

# A jail that is gone: hook mode logs one line and exits 0.
kill -9 "$LEADER" "$JAILUP" 2>/dev/null
wait "$JAILUP" 2>/dev/null
JAILUP=
LEADER=
"$T/hook" --hook start ezjail "$SAFE" >"$T/out" 2>"$T/err"
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
