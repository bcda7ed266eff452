#!/bin/sh
# jaildaemon-hook as a command: every probe it would register (--dry-run),
# the jls(8) calls it makes, configuration overrides and errors, and the
# hook-mode rule: log one line, exit 0, never keep a jail from booting.
# The FreeBSD programs are stand-ins that record their arguments.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

H=$JD_HOOK
NOSOCK=$T/no-daemon.pipe
echo "example.com 23" >"$STANDIN_JAILS"
echo "web01 7" >>"$STANDIN_JAILS"
echo "db 3" >>"$STANDIN_JAILS"

out=$("$H" -C /dev/null -n start ezjail example.com 23)
check_eq "ezjail dry-run, jid given" \
    "jaildaemon -c 'ezjail-admin onerestart example.com' -j 23 -t REBOOT
jaildaemon -c 'ezjail-admin snapshot example.com' -j 23 -r -t SNAPSHOT" "$out"
check_eq "a given jid needs no jls" "" "$(calls)"

reset_calls
out=$("$H" -C /dev/null -n start ezjail example.com)
check_eq "ezjail dry-run, jid from jls" \
    "jaildaemon -c 'ezjail-admin onerestart example.com' -j 23 -t REBOOT
jaildaemon -c 'ezjail-admin snapshot example.com' -j 23 -r -t SNAPSHOT" "$out"
check_eq "jid looked up with jls -j NAME jid" "jls [-j] [example.com] [jid]" "$(calls)"

reset_calls
out=$("$H" -C /dev/null -n start bastille web01)
check_eq "bastille dry-run" \
    "jaildaemon -c 'bastille restart web01' -j 7 -t REBOOT
jaildaemon -c 'bastille zfs web01 snapshot' -j 7 -r -t SNAPSHOT" "$out"
check_eq "bastille: jls call" "jls [-j] [web01] [jid]" "$(calls)"

out=$("$H" -C /dev/null -n start jail db)
check_eq "jail.conf dry-run without dataset: REBOOT only" \
    "jaildaemon -c 'service jail restart db' -j 3 -t REBOOT" "$out"

cat >"$T/ds.conf" <<'CONF'
[jail]
dataset = zroot/jails/{name}
CONF
out=$("$H" -C "$T/ds.conf" -n start jail db)
check_eq "jail.conf dry-run with dataset" \
    "jaildaemon -c 'service jail restart db' -j 3 -t REBOOT
jaildaemon -c 'zfs snapshot -r zroot/jails/db@jaildaemon-\$(date +%Y%m%d%H%M%S)' -j 3 -r -t SNAPSHOT" "$out"

cat >"$T/full.conf" <<'CONF'
# every kind of setting
jls = jls
title_prefix = yes
uid = 1001
gid = 1002
[ezjail]
program = /usr/local/bin/ezjail-admin
snapshot = zfs snapshot -r tank/ez/{safename}@manual-{jid}
exclude = build.example.com
[bastille]
probes = reboot
CONF
out=$("$H" -C "$T/full.conf" -n start ezjail example.com 23)
check_eq "overrides: program, snapshot template, titles, uid, gid" \
    "jaildaemon -c '/usr/local/bin/ezjail-admin onerestart example.com' -j 23 -u 1001 -g 1002 -t EZJAIL_REBOOT
jaildaemon -c 'zfs snapshot -r tank/ez/example_com@manual-23' -j 23 -r -u 1001 -g 1002 -t EZJAIL_SNAPSHOT" "$out"
out=$("$H" -C "$T/full.conf" -n start bastille web01)
check_eq "per-manager probes" \
    "jaildaemon -c 'bastille restart web01' -j 7 -u 1001 -g 1002 -t BASTILLE_REBOOT" "$out"
out=$("$H" -C "$T/full.conf" -n start ezjail build.example.com 9)
check_eq "excluded jail: no probes" \
    "jaildaemon-hook: ezjail jail build.example.com is excluded by the configuration; no probes" "$out"

# Errors: interactive use returns the real code, hook mode logs and exits 0.
reset_calls
"$H" -C /dev/null -f "$NOSOCK" start ezjail nosuch.example.com >"$T/out" 2>"$T/err"
check_eq "unknown jail: EX_NOHOST" 68 $?
check_eq "unknown jail: the reason" \
    "jaildaemon-hook: jail \"nosuch.example.com\" is not running (jls: jail \"nosuch.example.com\" not found)" \
    "$(cat "$T/err")"
"$H" --hook -C /dev/null -f "$NOSOCK" start ezjail nosuch.example.com >"$T/out" 2>"$T/err"
check_eq "unknown jail, hook mode: exit 0" 0 $?
check_eq "unknown jail, hook mode: one line" 1 "$(wc -l <"$T/err" | tr -d ' ')"
check "unknown jail, hook mode: says the jail goes on" grep -q "(hook: jail start goes on)" "$T/err"

"$H" -C /dev/null -f "$NOSOCK" start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "no daemon: EX_UNAVAILABLE" 69 $?
check "no daemon: names the socket" grep -q "$NOSOCK" "$T/err"
"$H" --hook -C /dev/null -f "$NOSOCK" start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "no daemon, hook mode: exit 0" 0 $?
check_eq "no daemon, hook mode: one line" 1 "$(wc -l <"$T/err" | tr -d ' ')"
"$H" --hook -C /dev/null -f "$NOSOCK" stop bastille web01 >"$T/out" 2>"$T/err"
check_eq "stop without daemon, hook mode: exit 0" 0 $?
"$H" -C /dev/null -f "$NOSOCK" stop bastille web01 >"$T/out" 2>"$T/err"
check_eq "stop without daemon: EX_UNAVAILABLE" 69 $?

printf 'probes = reboot\nuid = root\n' >"$T/bad.conf"
"$H" -C "$T/bad.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "bad config: EX_CONFIG" 78 $?
check_eq "bad config: file, line and reason" \
    "jaildaemon-hook: $T/bad.conf:2: uid must be a number from 0 to 4294967294" "$(cat "$T/err")"
"$H" --hook -C "$T/bad.conf" start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "bad config, hook mode: exit 0" 0 $?
printf 'colour = blue\n' >"$T/unknown.conf"
"$H" -C "$T/unknown.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "unknown key: EX_CONFIG" 78 $?
check "unknown key: named" grep -q 'unknown key "colour"' "$T/err"
"$H" -C "$T/missing.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "missing explicit config: EX_CONFIG" 78 $?

"$H" -C /dev/null -n start lxd web >"$T/out" 2>"$T/err"
check_eq "unknown manager: EX_USAGE" 64 $?
check "unknown manager: named" grep -q 'unknown manager "lxd"' "$T/err"
"$H" -C /dev/null -n start bastille web.example.com 3 >"$T/out" 2>"$T/err"
check_eq "name Bastille would refuse: EX_CONFIG" 78 $?
"$H" -C /dev/null -n start ezjail example.com 0 >"$T/out" 2>"$T/err"
check_eq "jid 0: EX_USAGE" 64 $?
"$H" start >"$T/out" 2>"$T/err"
check_eq "missing arguments: EX_USAGE" 64 $?
"$H" --hook start >"$T/out" 2>"$T/err"
check_eq "missing arguments, hook mode: exit 0" 0 $?
"$H" --bogus >"$T/out" 2>"$T/err"
check_eq "unknown option: EX_USAGE" 64 $?

"$H" list >"$T/out"
cat >"$T/want" <<'LIST'
ezjail    ezjail-admin jails; hook: jail_<safename>_post_start_script
            program:  ezjail-admin
            restart:  {program} onerestart {name}
            snapshot: {program} snapshot {name}
bastille  Bastille jails; hook: exec.poststart in the jail's jail.conf
            program:  bastille
            restart:  {program} restart {name}
            snapshot: {program} zfs {name} snapshot
jail      jail.conf jails of rc.d/jail; hook: exec.poststart
            program:  service
            restart:  {program} jail restart {name}
            snapshot: zfs snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)   (only with "dataset" set)
placeholders: {program} {name} {safename} {jid} {dataset}
LIST
check_file "list: the managers and their default commands" "$T/want" "$T/out"
check_eq "version" "jaildaemon-hook $JD_VERSION" "$("$H" -V)"

finish
