#!/bin/sh
# End to end on Linux, the Bastille way: jaildaemon-bastille wires a jail
# whose jail.conf and template directory are real files in a stand-in
# Bastille tree; the line it writes into jail.conf is then run the way
# jail(8) runs exec.poststart (${name} expanded, /bin/sh -c) against a real
# daemon and a real namespace jail; jail-reboot inside the jail makes the
# host run `bastille restart web01`, recorded by the stand-in bastille;
# disable takes it all away again.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
# shellcheck source=tests/integration/e2e_lib.sh
. "$JD_SRC/tests/integration/e2e_lib.sh"

NAME=web01
e2e_start "$NAME"
BASTILLE=$(e2e_manager bastille)
e2e_hook
cat >>"$T/hook.conf" <<CONF
[bastille]
program = $BASTILLE
CONF

B=$T/bastille
mkdir -p "$B/jails/$NAME" "$B/templates"
cat >"$T/bastille.conf" <<CONF
bastille_prefix=$B
bastille_jailsdir=$B/jails
bastille_templatesdir=$B/templates
CONF
cp "$JD_SRC/tests/integration/data/bastille-web01.jail.conf" "$B/jails/$NAME/jail.conf"
BASTILLE_CONF=$T/bastille.conf
JAILDAEMON_BACKUP_DIR=$T/backups
JAILDAEMON_BASTILLE_TEMPLATE=$JD_SRC/bastille-template/jaildaemon/probes
JAILDAEMON_HOOK=$T/hook
export BASTILLE_CONF JAILDAEMON_BACKUP_DIR JAILDAEMON_BASTILLE_TEMPLATE JAILDAEMON_HOOK

reset_calls
sh "$JD_GLUE_DIR/jaildaemon-bastille" enable "$NAME" >"$T/out" 2>&1
check_eq "enable a running jail: exit 0" 0 $?
check "enable: probes registered now" grep -qx \
    "jaildaemon-hook: bastille jail $NAME (jid $LEADER): registered REBOOT, SNAPSHOT" "$T/out"
check_eq "enable: bastille applied the template" "jls [-j] [$NAME] [jid]
bastille [template] [$NAME] [jaildaemon/probes]
jls [-j] [$NAME] [jid]" "$(calls)"
check_eq "probes: bastille restart, bastille zfs snapshot" \
    "REBOOT none $BASTILLE restart $NAME
SNAPSHOT after $BASTILLE zfs $NAME snapshot" "$(probes)"

# What jail(8) does at the next start: run the exec.poststart line with
# ${name} expanded.
line=$(sed -n 's/^[[:space:]]*exec\.poststart += "\(.*--hook start bastille.*\)";$/\1/p' "$B/jails/$NAME/jail.conf")
check_eq "jail.conf: one hook line" "$T/hook --hook start bastille \${name}" "$line"
cmd=$(printf '%s\n' "$line" | sed "s/\${name}/$NAME/")
/bin/sh -c "$cmd" >"$T/out" 2>&1
check_eq "exec.poststart: exit 0" 0 $?
check_eq "exec.poststart: replaced, not doubled" \
    "jaildaemon-hook: bastille jail $NAME (jid $LEADER): registered REBOOT (replaced), SNAPSHOT (replaced)" \
    "$(cat "$T/out")"
check_eq "still two probes" 2 "$(probe_count)"

# Inside the jail: the template's commands.
e2e_jail_commands
reset_calls
in_jail sh "$T/jail-snapshot" >"$T/out" 2>&1
check_eq "jail-snapshot: exit 0" 0 $?
wait_for 10 recorded "bastille \[zfs\] \[$NAME\] \[snapshot\]"
check_eq "the host ran bastille zfs NAME snapshot" "bastille [zfs] [$NAME] [snapshot]" "$(calls)"
wait_for 10 respawned
check_eq "SNAPSHOT came back (respawn)" "1 up" "$(probe_state SNAPSHOT)"
reset_calls
# The stand-in restart leaves the jail up: "requested" (75), not "failed".
in_jail sh "$T/jail-reboot" --no-wait >"$T/out" 2>&1
check_eq "jail-reboot --no-wait: requested (75)" 75 $?
wait_for 10 recorded "bastille \[restart\] \[$NAME\]"
check_eq "the host ran bastille restart NAME" "bastille [restart] [$NAME]" "$(calls)"

# Undo: the line, the in-jail commands and the probes go.
reset_calls
sh "$JD_GLUE_DIR/jaildaemon-bastille" disable "$NAME" >"$T/out" 2>&1
check_eq "disable: exit 0" 0 $?
check_file "disable: jail.conf as before" "$JD_SRC/tests/integration/data/bastille-web01.jail.conf" \
    "$B/jails/$NAME/jail.conf"
check "disable: in-jail commands removed" recorded \
    "bastille \[cmd\] \[$NAME\] \[rm\] \[-f\] \[/usr/local/sbin/jail-reboot\] \[/usr/local/sbin/jail-snapshot\]"
wait_for 5 count_is 0
check_eq "disable: no probes left" 0 "$(probe_count)"

finish
