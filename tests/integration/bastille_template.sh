#!/bin/sh
# The Bastille side: the template's Bastillefile lines and files, the
# in-jail commands jail-reboot and jail-snapshot (against a stand-in pgrep
# that records its arguments, and a sleep for the probe), and `jaildaemon-bastille
# enable|disable|status` edits of a jail's jail.conf (exact contents,
# backups, running them twice) with the bastille, jls and jaildaemon-hook
# calls they make, all stand-ins.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

TPL=$JD_SRC/bastille-template/jaildaemon/probes
TOOL=$JD_GLUE_DIR/jaildaemon-bastille

# --- the template -------------------------------------------------------------
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$TPL/Bastillefile" >"$T/lines"
check_eq "Bastillefile lines" "ARG REBOOT_TITLE=REBOOT
ARG SNAPSHOT_TITLE=SNAPSHOT
CP usr /
RENDER /usr/local/sbin/jail-reboot
RENDER /usr/local/sbin/jail-snapshot" "$(cat "$T/lines")"
check_eq "files the template copies" "usr/local/sbin/jail-reboot
usr/local/sbin/jail-snapshot" "$(cd "$TPL" && find usr -type f | sort)"
check "jail-reboot is executable" test -x "$TPL/usr/local/sbin/jail-reboot"
check "jail-snapshot is executable" test -x "$TPL/usr/local/sbin/jail-snapshot"

# What Bastille's RENDER does to the copied files: sed 's/${ARG}/value/g'.
render() { # render FILE REBOOT_TITLE SNAPSHOT_TITLE > OUT
    sed -e "s/\${REBOOT_TITLE}/$2/g" -e "s/\${SNAPSHOT_TITLE}/$3/g" "$1"
}
JAIL=$T/jailbin
standins "$JAIL" pgrep pkill
render "$TPL/usr/local/sbin/jail-reboot" REBOOT SNAPSHOT >"$T/jail-reboot"
render "$TPL/usr/local/sbin/jail-snapshot" REBOOT SNAPSHOT >"$T/jail-snapshot"
check_eq "RENDER leaves no placeholder" 0 \
    "$(cat "$T/jail-reboot" "$T/jail-snapshot" | grep -c -e 'REBOOT_TITLE}' -e 'SNAPSHOT_TITLE}')"

# The scripts find the probe with pgrep and signal it with their own
# shell's kill: a sleep of ours stands for the probe (the stand-in pgrep
# prints its pid), and must die of SIGHUP (129).
victim() { # victim SCRIPT ARG...: run it against a fresh sleep; $rc, $sig
    sleep 60 &
    _v=$!
    STANDIN_PGREP_PID=$_v PATH=$JAIL:$PATH sh "$@" >"$T/out" 2>"$T/err"
    rc=$?
    kill "$_v" 2>/dev/null
    wait "$_v"
    sig=$?
}

reset_calls
victim "$T/jail-reboot" --no-wait
check_eq "jail-reboot --no-wait: requested (75)" 75 "$rc"
check_eq "jail-reboot: anchored pattern" "pgrep [-f] [^REBOOT\$]" "$(calls)"
check_eq "jail-reboot: the probe got SIGHUP" 129 "$sig"
check_eq "jail-reboot: says what happens" "jail-reboot: restart requested" "$(cat "$T/out")"

reset_calls
victim "$T/jail-snapshot" --no-wait
check_eq "jail-snapshot: anchored pattern" "pgrep [-f] [^SNAPSHOT\$]" "$(calls)"
check_eq "jail-snapshot: the probe got SIGHUP" 129 "$sig"

reset_calls
STANDIN_PGREP_EXIT=1 PATH=$JAIL:$PATH sh "$T/jail-reboot" >"$T/out" 2>"$T/err"
check_eq "no probe: EX_UNAVAILABLE" 69 $?
check "no probe: says so" grep -q 'no "REBOOT" probe in this jail' "$T/err"
check_eq "no probe: nothing signalled" "pgrep [-f] [^REBOOT\$]" "$(calls)"

# A pid that no process has: kill(1) fails as for a probe of another uid.
reset_calls
PATH=$JAIL:$PATH sh "$T/jail-snapshot" --no-wait >"$T/out" 2>"$T/err"
check_eq "signal refused: EX_NOPERM" 77 $?

# --arg REBOOT_TITLE=... (titles changed in jaildaemon-hook.conf).
render "$TPL/usr/local/sbin/jail-reboot" BASTILLE_REBOOT BASTILLE_SNAPSHOT >"$T/jail-reboot2"
reset_calls
victim "$T/jail-reboot2" --no-wait
check_eq "rendered title is used" "pgrep [-f] [^BASTILLE_REBOOT\$]" "$(calls)"
check_eq "  and its probe signalled" 129 "$sig"
reset_calls
victim "$TPL/usr/local/sbin/jail-reboot" --no-wait
check_eq "unrendered copy falls back to REBOOT" "pgrep [-f] [^REBOOT\$]" "$(calls)"
PATH=$JAIL:$PATH sh "$T/jail-reboot" now >"$T/out" 2>"$T/err"
check_eq "jail-reboot takes no other arguments" 64 $?

# --- jaildaemon-bastille -------------------------------------------------------
B=$T/bastille
mkdir -p "$B/jails/web01" "$B/templates"
cat >"$T/bastille.conf" <<CONF
bastille_prefix=$B
bastille_jailsdir=$B/jails
bastille_templatesdir=$B/templates
CONF
BASTILLE_CONF=$T/bastille.conf
JAILDAEMON_BACKUP_DIR=$T/backups
JAILDAEMON_BASTILLE_TEMPLATE=$TPL
export BASTILLE_CONF JAILDAEMON_BACKUP_DIR JAILDAEMON_BASTILLE_TEMPLATE
standins "$BIN" jaildaemon-hook
JAILDAEMON_HOOK=$BIN/jaildaemon-hook
export JAILDAEMON_HOOK
CONFF=$B/jails/web01/jail.conf
cp "$JD_SRC/tests/integration/data/bastille-web01.jail.conf" "$CONFF"
cp "$CONFF" "$T/orig"
{
    sed '$d' "$T/orig"
    # shellcheck disable=SC2016 # ${name} is jail.conf's
    printf '  exec.poststart += "%s --hook start bastille ${name}";\n}\n' "$JAILDAEMON_HOOK"
} >"$T/want"

jb() {
    sh "$TOOL" "$@" >"$T/out" 2>"$T/err"
}
nbackups() {
    find "$T/backups" -type f 2>/dev/null | wc -l | tr -d ' '
}

jb status web01
check_eq "status before enable: exit 1" 1 $?

reset_calls
jb enable web01
check_eq "enable: exit 0" 0 $?
check_file "enable: exec.poststart += before the closing brace" "$T/want" "$CONFF"
check_eq "enable: one backup" 1 "$(nbackups)"
check_file "the backup is the original" "$T/orig" "$(find "$T/backups" -type f)"
check_file "enable installs the template" "$TPL/Bastillefile" "$B/templates/jaildaemon/probes/Bastillefile"
check "installed template keeps jail-reboot executable" test -x "$B/templates/jaildaemon/probes/usr/local/sbin/jail-reboot"
check_eq "jail not running: the hook's configuration checked, jls asked" "jaildaemon-hook [check]
jls [-j] [web01] [jid]" "$(calls)"
check "jail not running: tells the next steps" grep -q "bastille template web01 jaildaemon/probes" "$T/out"
check_eq "no temporary file left behind" "jail.conf" "$(ls -A "$B/jails/web01")"

echo "web01 7" >"$STANDIN_JAILS"
reset_calls
jb enable web01
check_eq "enable again: exit 0" 0 $?
check_file "enable again: jail.conf unchanged" "$T/want" "$CONFF"
check_eq "enable again: no new backup" 1 "$(nbackups)"
check_eq "running jail: template applied, probes registered" "jaildaemon-hook [check]
jls [-j] [web01] [jid]
bastille [template] [web01] [jaildaemon/probes]
jaildaemon-hook [start] [bastille] [web01]" "$(calls)"

jb status web01
check_eq "status after enable" "web01: enabled; running" "$(cat "$T/out")"
reset_calls
jb status web01
check_eq "status: the daemon asked whether the probes are there now" "jls [-j] [web01] [jid]
jaildaemon-hook [status] [bastille] [web01]" "$(calls)"

reset_calls
jb disable web01
check_eq "disable: exit 0" 0 $?
check_file "disable: only our line goes" "$T/orig" "$CONFF"
check_eq "disable: second backup" 2 "$(nbackups)"
check_eq "running jail: commands removed from the jail, probes removed" "jls [-j] [web01] [jid]
bastille [cmd] [web01] [rm] [-f] [/usr/local/sbin/jail-reboot] [/usr/local/sbin/jail-snapshot]
jaildaemon-hook [stop] [bastille] [web01]" "$(calls)"
jb disable web01
check_eq "disable again: says so" "jaildaemon-bastille: web01: not wired" "$(head -n 1 "$T/out")"
check_file "disable again: unchanged" "$T/orig" "$CONFF"
check_eq "disable again: no new backup" 2 "$(nbackups)"

jb enable web.example
check_eq "a name Bastille refuses: EX_DATAERR" 65 $?
jb enable db01
check_eq "no such jail: EX_NOHOST" 68 $?
check_eq "no such jail: reason" "jaildaemon-bastille: no Bastille jail \"db01\" (no $B/jails/db01/jail.conf)" "$(cat "$T/err")"
printf 'web02 {\n  path = /x;\n' >"$T/broken"
mkdir -p "$B/jails/web02"
cp "$T/broken" "$B/jails/web02/jail.conf"
jb enable web02
check_eq "jail.conf without closing brace: refused" 1 $?
check_file "jail.conf without closing brace: unchanged" "$T/broken" "$B/jails/web02/jail.conf"
jb bogus web01
check_eq "unknown action: usage" 64 $?

# ALL, as Bastille's own commands take it: every jail (web02 is refused
# above, so ALL fails for it and wires web01).
reset_calls
jb enable ALL
check_eq "enable ALL: exit 1 (web02 has no closing brace)" 1 $?
check_file "enable ALL: web01 wired" "$T/want" "$CONFF"
check "enable ALL: web02 named" grep -q "web02/jail.conf: no closing" "$T/err"
jb status ALL
check_eq "status ALL: both jails" "web01: enabled; running
web02: disabled" "$(cat "$T/out")"
jb disable ALL
check_file "disable ALL: web01 unwired" "$T/orig" "$CONFF"
jb --help
check_eq "--help: exit 0" 0 $?
check "--help: usage with ALL" grep -q "^usage: jaildaemon-bastille .*ALL" "$T/out"
jb -h
check_eq "-h: exit 0" 0 $?

finish
