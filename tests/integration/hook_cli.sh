#!/bin/sh
# jaildaemon-hook as a command: every probe it would register (--dry-run),
# the jls(8) calls it makes, configuration overrides and errors, and the
# hook-mode rule: log one line, exit 0, never keep a jail from booting.
# The FreeBSD programs are stand-ins that record their arguments.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

H=$JD_HOOK
NOSOCK=$T/no-daemon.pipe
# Running jails by their jail(8) names: ezjail's safe name, iocage's ioc-.
cat >"$STANDIN_JAILS" <<'JAILS'
example_com 23
web01 7
db 3
ioc-www_lan 11
JAILS

# ezjail hands its hook the safe name: the preview by either name shows the
# commands the real hook runs.
out=$("$H" -C /dev/null -n start ezjail example.com 23)
check_eq "ezjail dry-run, jid given: the safe name, as the hook gets it" \
    "jaildaemon -c 'ezjail-admin onerestart example_com' -j 23 -t REBOOT
jaildaemon -c 'ezjail-admin snapshot example_com' -j 23 -r --cooldown 60 -t SNAPSHOT" "$out"
check_eq "ezjail dry-run by the safe name: the same" "$out" "$("$H" -C /dev/null -n start ezjail example_com 23)"
check_eq "a given jid needs no jls" "" "$(calls)"

reset_calls
out=$("$H" -C /dev/null -n start ezjail example.com)
check_eq "ezjail dry-run, jid from jls" \
    "jaildaemon -c 'ezjail-admin onerestart example_com' -j 23 -t REBOOT
jaildaemon -c 'ezjail-admin snapshot example_com' -j 23 -r --cooldown 60 -t SNAPSHOT" "$out"
check_eq "jid looked up by the jail(8) name, the safe name" "jls [-j] [example_com] [jid]" "$(calls)"

reset_calls
out=$("$H" -C /dev/null -n start bastille web01)
check_eq "bastille dry-run" \
    "jaildaemon -c 'bastille restart web01' -j 7 -t REBOOT
jaildaemon -c 'bastille zfs web01 snapshot' -j 7 -r --cooldown 2 -t SNAPSHOT" "$out"
check_eq "bastille: jls call" "jls [-j] [web01] [jid]" "$(calls)"

out=$("$H" -C /dev/null -n start jail db)
check_eq "jail.conf dry-run without dataset: REBOOT only, and why" \
    "jaildaemon-hook: jail jail db: no SNAPSHOT probe: rc.d/jail has no snapshot command: set \"dataset\" in [jail]
jaildaemon -c 'service jail restart db' -j 3 -t REBOOT" "$out"

cat >"$T/ds.conf" <<'CONF'
[jail]
dataset = zroot/jails/{name}
CONF
out=$("$H" -C "$T/ds.conf" -n start jail db)
check_eq "jail.conf dry-run with dataset" \
    "jaildaemon -c 'service jail restart db' -j 3 -t REBOOT
jaildaemon -c 'zfs snapshot -r zroot/jails/db@jaildaemon-\$(date +%Y%m%d%H%M%S)' -j 3 -r --cooldown 2 -t SNAPSHOT" "$out"

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
    "jaildaemon -c '/usr/local/bin/ezjail-admin onerestart example_com' -j 23 -u 1001 -g 1002 -t EZJAIL_REBOOT
jaildaemon -c 'zfs snapshot -r tank/ez/example_com@manual-23' -j 23 -r -u 1001 -g 1002 --cooldown 60 -t EZJAIL_SNAPSHOT" "$out"
out=$("$H" -C "$T/full.conf" -n start bastille web01)
check_eq "per-manager probes" \
    "jaildaemon -c 'bastille restart web01' -j 7 -u 1001 -g 1002 -t BASTILLE_REBOOT" "$out"
printf 'probes = reboot\nuid = www\ngid = wheel\n' >"$T/names.conf"
out=$("$H" -C "$T/names.conf" -n start bastille web01)
check_eq "uid and gid as names of the jail's" \
    "jaildaemon -c 'bastille restart web01' -j 7 -u www -g wheel -t REBOOT" "$out"
out=$("$H" -C "$T/full.conf" -n start ezjail build.example.com 9)
check_eq "excluded jail: no probes" \
    "jaildaemon-hook: ezjail jail build.example.com is excluded by the configuration; no probes" "$out"

# The four newer managers: -n with a jid needs neither the manager nor jls
# (PATH holds neither here).
reset_calls
for m in iocage pot appjail cbsd; do
    out=$(PATH=/usr/bin:/bin "$H" -C /dev/null -n start "$m" www 5 2>&1)
    check_eq "$m: -n exit 0 without the manager installed" 0 $?
    echo "$out" >"$T/dry-$m"
done
check_eq "iocage dry-run" \
    "jaildaemon -c 'iocage restart www' -j 5 -t REBOOT
jaildaemon -c 'iocage snapshot www' -j 5 -r --cooldown 2 -t SNAPSHOT" "$(cat "$T/dry-iocage")"
check_eq "pot dry-run: stop then start (pot has no restart), zfs snapshot -r as pot does it" \
    "jaildaemon -c 'pot stop -p www && pot start -p www' -j 5 -t REBOOT
jaildaemon -c 'r=\$(pot config -q -g zfs_root) && [ -n \"\$r\" ] && zfs snapshot -r \"\$r/jails/\"www\"@\$(date +%s)\"' -j 5 -r --cooldown 2 -t SNAPSHOT" "$(cat "$T/dry-pot")"
check_eq "appjail dry-run: no SNAPSHOT, and why" \
    "jaildaemon-hook: appjail jail www: no SNAPSHOT probe: AppJail has no working snapshot command (appjail zfs snapshot gives zfs no @name): set \"dataset\" in [appjail], e.g. zroot/appjail/jails/{name}
jaildaemon -c 'appjail restart www' -j 5 -t REBOOT" "$(cat "$T/dry-appjail")"
check_eq "cbsd dry-run" \
    "jaildaemon -c 'cbsd jrestart jname=www' -j 5 -t REBOOT
jaildaemon -c 'cbsd jsnapshot mode=create jname=www snapname=gettimeofday' -j 5 -r --cooldown 2 -t SNAPSHOT" \
    "$(cat "$T/dry-cbsd")"
check_eq "no program called for a given jid" "" "$(calls)"
out=$("$H" -C /dev/null -n start iocage www.lan)
check_eq "iocage without jid: jls asked for ioc-NAME, dots as _" "jls [-j] [ioc-www_lan] [jid]" "$(calls)"
check "iocage without jid: the jid jls gave" grep -q -- "-j 11 -t REBOOT" <<EOT
$out
EOT
printf '[appjail]\ndataset = zroot/appjail/jails/{name}\n[pot]\nsnapshot_cooldown = 30\n' >"$T/aj.conf"
check_eq "appjail with a dataset: zfs snapshot" \
    "jaildaemon -c 'appjail restart www' -j 5 -t REBOOT
jaildaemon -c 'zfs snapshot -r zroot/appjail/jails/www@jaildaemon-\$(date +%Y%m%d%H%M%S)' -j 5 -r --cooldown 2 -t SNAPSHOT" \
    "$("$H" -C "$T/aj.conf" -n start appjail www 5)"
check "snapshot_cooldown overrides the plugin's" grep -q -- "-r --cooldown 30 -t SNAPSHOT" <<EOT
$("$H" -C "$T/aj.conf" -n start pot www 5)
EOT
"$H" -C /dev/null -n start pot www.lan 5 >"$T/out" 2>"$T/err"
check_eq "pot name with a dot: refused" 78 $?

# Errors: interactive use returns the real code, hook mode logs and exits 0.
reset_calls
"$H" -C /dev/null -f "$NOSOCK" start ezjail nosuch.example.com >"$T/out" 2>"$T/err"
check_eq "unknown jail: EX_NOHOST" 68 $?
check_eq "unknown jail: the reason" \
    "jaildaemon-hook: jail \"nosuch_example_com\" is not running (jls: jail \"nosuch_example_com\" not found)" \
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

printf 'probes = reboot\nuid = www data\n' >"$T/bad.conf"
"$H" -C "$T/bad.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "bad config: EX_CONFIG" 78 $?
check_eq "bad config: file, line and reason" \
    "jaildaemon-hook: $T/bad.conf:2: uid must be a number from 0 to 4294967294 or a user name (at most 32 of A-Z a-z 0-9 . _ -)" "$(cat "$T/err")"
"$H" --hook -C "$T/bad.conf" start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "bad config, hook mode: exit 0" 0 $?
# Titles: the daemon's rule decides, with -n too. A non-ASCII title was once
# accepted by the hook alone; a title that fits only without the manager
# prefix is refused once prefixed.
printf 'reboot_title = R\303\251BOOT\n' >"$T/title.conf"
"$H" -C "$T/title.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "non-ASCII title: EX_CONFIG" 78 $?
check "non-ASCII title: the daemon's reason" grep -q "title holds a control or non-ASCII character" "$T/err"
printf 'probes = reboot\ntitle_prefix = yes\nreboot_title = %0125d\n' 0 >"$T/long.conf"
"$H" -C "$T/long.conf" -n start ezjail example.com 23 >"$T/out" 2>"$T/err"
check_eq "title too long once prefixed: EX_CONFIG with -n" 78 $?
check "title too long once prefixed: why" grep -q "title longer than 128 bytes" "$T/err"
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
            cooldown: 60 s between snapshots
bastille  Bastille jails; hook: exec.poststart in the jail's jail.conf
            program:  bastille
            restart:  {program} restart {name}
            snapshot: {program} zfs {name} snapshot
            cooldown: 2 s between snapshots
jail      jail.conf jails of rc.d/jail; hook: exec.poststart
            program:  service
            restart:  {program} jail restart {name}
            snapshot: {zfs} snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)   (only with "dataset" set)
            cooldown: 2 s between snapshots
iocage    iocage jails; hook: the exec_poststart property
            program:  iocage
            restart:  {program} restart {name}
            snapshot: {program} snapshot {name}
            cooldown: 2 s between snapshots
pot       pot jails; hook: pot set-hook -S (post-start script)
            program:  pot
            restart:  {program} stop -p {name} && {program} start -p {name}
            snapshot: r=$({program} config -q -g zfs_root) && [ -n "$r" ] && {zfs} snapshot -r "$r/jails/"{name}"@$(date +%s)"
            cooldown: 2 s between snapshots
appjail   AppJail jails; hook: poststart() of the jail's InitScript
            program:  appjail
            restart:  {program} restart {name}
            snapshot: {zfs} snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)   (only with "dataset" set)
            cooldown: 2 s between snapshots
cbsd      cbsd jails; hook: jails-system/JNAME/master_poststart.d/
            program:  cbsd
            restart:  {program} jrestart jname={name}
            snapshot: {program} jsnapshot mode=create jname={name} snapname=gettimeofday
            cooldown: 2 s between snapshots
docker    Docker containers (Linux); hook: jaildaemon-docker-watch
            program:  docker
            restart:  {program} restart {name}
            snapshot: none: docker has no snapshot command
lxc       LXC containers (Linux); hook: lxc.hook.start-host, lxc.hook.post-stop
            program:  lxc-stop
            restart:  {program} -r -n {name}
            snapshot: none: lxc has no snapshot command
podman    podman containers (Linux); hook: OCI hook (hooks.d), poststart and poststop
            program:  podman
            restart:  {program} restart {name}
            snapshot: none: podman has no snapshot command
watch     any jail, found by jaildaemon --watch-jails (FreeBSD 15)
            program:  none
            restart:  none: watch has no restart command
            snapshot: none: watch has no snapshot command
placeholders: {program} {name} {safename} {jid} {dataset} {zfs}
LIST
check_file "list: all eleven managers and their default commands" "$T/want" "$T/out"
check_eq "version" "jaildaemon-hook $JD_VERSION" "$("$H" -V)"

# --- the traps a new user fell into ------------------------------------------
# -n changes nothing, for stop too: it prints what would be removed and
# never talks to the daemon (the socket here does not exist).
"$H" -C /dev/null -n -f "$NOSOCK" stop bastille web01 >"$T/out" 2>"$T/err"
check_eq "-n stop: exit 0 without a daemon (nothing sent)" 0 $?
check_eq "-n stop: what would be removed" "jaildaemon -x -j web01 -t REBOOT
jaildaemon -x -j web01 -t SNAPSHOT" "$(cat "$T/out")"
"$H" -C /dev/null -n -f "$NOSOCK" stop ezjail example.com >"$T/out" 2>"$T/err"
check "-n stop ezjail: by the jail(8) name" grep -qx "jaildaemon -x -j example_com -t REBOOT" "$T/out"

# exclude matches a name or its safe name, whichever the hook is given.
printf 'exclude = example.com\n' >"$T/ex.conf"
out=$("$H" -C "$T/ex.conf" -n start ezjail example_com 23)
check_eq "exclude = example.com excludes what ezjail hands the hook, example_com" \
    "jaildaemon-hook: ezjail jail example_com is excluded by the configuration; no probes" "$out"
printf '[ezjail]\nexclude = example_com\n' >"$T/ex2.conf"
check "exclude by the safe name excludes the dotted name" grep -q "is excluded" <<EOT
$("$H" -C "$T/ex2.conf" -n start ezjail example.com 23)
EOT

# probes: what the documentation says it takes.
printf 'probes = both\n' >"$T/both.conf"
check_eq "probes = both: two" 2 "$("$H" -C "$T/both.conf" -n start bastille web01 7 | wc -l | tr -d ' ')"
printf 'probes = none\n' >"$T/none.conf"
check_eq "probes = none: none, and says so" "jaildaemon-hook: bastille jail web01: no probes configured" \
    "$("$H" -C "$T/none.conf" -n start bastille web01 7)"

# check: the configuration as a jail start reads it.
"$H" -C "$T/full.conf" check >"$T/out" 2>"$T/err"
check_eq "check, good configuration: exit 0" 0 $?
check_eq "check, good configuration: says so" "$T/full.conf: ok" "$(cat "$T/out")"
printf '# a comment\nprobes = sometimes\n' >"$T/bad2.conf"
"$H" -C "$T/bad2.conf" check >"$T/out" 2>"$T/err"
check_eq "check, bad configuration: EX_CONFIG" 78 $?
check_eq "check, bad configuration: file and line" \
    "jaildaemon-hook: $T/bad2.conf:2: unknown probe \"sometimes\" (known: reboot, snapshot, both, none)" \
    "$(cat "$T/err")"
printf '[bastille]\nrestart = {nmae} restart\n' >"$T/bad3.conf"
"$H" -C "$T/bad3.conf" check >"$T/out" 2>"$T/err"
check_eq "check, unknown placeholder: EX_CONFIG" 78 $?
check "check, unknown placeholder: file and line" grep -q "bad3.conf:2: " "$T/err"
"$H" -C "$T/missing.conf" check >"$T/out" 2>"$T/err"
check_eq "check, missing explicit file: EX_CONFIG" 78 $?
# The sample, every key set as it documents it, is what the parser takes.
sed -E 's/^#([a-z_]+ = )/\1/' "$JD_SRC/plugins/jaildaemon-hook.conf.sample" >"$T/sample.conf"
check "the sample with every key set: check passes" "$H" -C "$T/sample.conf" check
check "the sample sets every key it documents" test "$(grep -c '^[a-z_]* = ' "$T/sample.conf")" -ge 30
# At a jail start the same error is one line with file and line, and the
# jail goes on.
"$H" --hook -C "$T/bad2.conf" start bastille web01 7 >"$T/out" 2>"$T/err"
check_eq "bad configuration at a jail start: exit 0" 0 $?
check "bad configuration at a jail start: file and line" grep -q "bad2.conf:2: unknown probe" "$T/err"

# The dry run of a jail that is not running: its name stands for the jid.
reset_calls
"$H" -C /dev/null -n start ezjail stopped.example.com >"$T/out" 2>"$T/err"
check_eq "dry run of a stopped jail: exit 0" 0 $?
check_eq "dry run of a stopped jail: the commands the hook will run" \
    "jaildaemon-hook: ezjail jail stopped.example.com: jail \"stopped_example_com\" is not running (jls: jail \"stopped_example_com\" not found); its jid is shown as its name
jaildaemon -c 'ezjail-admin onerestart stopped_example_com' -j stopped_example_com -t REBOOT
jaildaemon -c 'ezjail-admin snapshot stopped_example_com' -j stopped_example_com -r --cooldown 60 -t SNAPSHOT" \
    "$(cat "$T/out")"
"$H" -C /dev/null -f "$NOSOCK" start ezjail stopped.example.com >"$T/out" 2>"$T/err"
check_eq "real start of a stopped jail: still EX_NOHOST" 68 $?

# JAILDAEMON_SOCKET is the default socket; -f wins.
JAILDAEMON_SOCKET=$T/env.pipe "$H" -C /dev/null start bastille web01 7 >"$T/out" 2>"$T/err"
check "JAILDAEMON_SOCKET: used" grep -q "$T/env.pipe" "$T/err"
JAILDAEMON_SOCKET=$T/env.pipe "$H" -C /dev/null -f "$NOSOCK" start bastille web01 7 >"$T/out" 2>"$T/err"
check "JAILDAEMON_SOCKET: -f wins" grep -q "$NOSOCK" "$T/err"

# status asks the daemon.
"$H" -C /dev/null -f "$NOSOCK" status bastille web01 >"$T/out" 2>"$T/err"
check_eq "status without a daemon: EX_UNAVAILABLE" 69 $?

# The Linux managers' hooks: lxc (what LXC appends, or its environment)
# and oci (the state on stdin), shown with -n.
LXC_PID=4242 "$H" -C /dev/null -n lxc web1 lxc start-host >"$T/out" 2>&1
check_eq "lxc start-host: start lxc NAME \$LXC_PID" \
    "jaildaemon -c 'lxc-stop -r -n web1' -j 4242 -t REBOOT" "$(grep -v 'no SNAPSHOT' "$T/out")"
LXC_NAME=web1 LXC_HOOK_TYPE=post-stop "$H" -C /dev/null -n lxc >"$T/out" 2>&1
check_eq "lxc post-stop (hook version 1): stop lxc NAME" \
    "jaildaemon -x -j lxc:web1 -t REBOOT
jaildaemon -x -j lxc:web1 -t SNAPSHOT" "$(cat "$T/out")"
"$H" -C /dev/null -n lxc web1 lxc start-host >"$T/out" 2>&1
check_eq "lxc start-host without LXC_PID: EX_USAGE" 64 $?
"$H" -C /dev/null -n lxc web1 lxc pre-start >"$T/out" 2>&1
check_eq "lxc, another hook type: EX_USAGE" 64 $?
echo '{"status":"created","pid":77,"annotations":{"jaildaemon":"web1"}}' |
    "$H" -C /dev/null -n oci podman >"$T/out" 2>&1
check_eq "oci poststart: start podman NAME PID" \
    "jaildaemon -c 'podman restart web1' -j 77 -t REBOOT" "$(grep -v 'no SNAPSHOT' "$T/out")"
echo '{"status":"stopped","annotations":{"jaildaemon":"web1"}}' |
    "$H" -C /dev/null -n oci podman >"$T/out" 2>&1
check "oci poststop: stop podman NAME" grep -qx "jaildaemon -x -j podman:web1 -t REBOOT" "$T/out"
echo '{"status":"created","pid":77}' | "$H" -C /dev/null -n oci podman >"$T/out" 2>&1
check_eq "oci without the annotation: nothing, exit 0" "0 0" "$? $(wc -c <"$T/out" | tr -d ' ')"
echo 'garbage' | "$H" -C /dev/null oci podman >"$T/out" 2>&1
check_eq "oci, bad state: EX_DATAERR" 65 $?
echo 'garbage' | "$H" --hook -C /dev/null oci podman >"$T/out" 2>&1
check_eq "oci, bad state, hook mode: exit 0" 0 $?

finish
