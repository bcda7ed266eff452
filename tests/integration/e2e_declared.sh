#!/bin/sh
# End to end on Linux: declared probes ([probe NAME] in jaildaemon-hook.conf)
# come with REBOOT and SNAPSHOT when ezjail's post-start script and
# Bastille's exec.poststart line call the real hook, with the manager's name
# for the jail in their command; a trigger from inside the jail runs that
# command on the host; stop removes them; a bad section fails check and
# the dry run with one line naming the file and line. uid = and gid = name a
# user and group that only the jail's own /etc/passwd and /etc/group have.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"
# shellcheck source=tests/integration/e2e_lib.sh
. "$JD_SRC/tests/integration/e2e_lib.sh"

e2e_start example_com
echo "web01 $LEADER" >>"$STANDIN_JAILS"
# The jail's own passwd and group, bound over the host's inside its private
# mount namespace: jdroutes and jdrgrp exist there only.
printf 'root:x:0:0:root:/root:/bin/sh\njdroutes:x:4321:4322::/nonexistent:/bin/false\n' >"$T/passwd"
printf 'wheel:x:0:root\njdrgrp:x:4323:\n' >"$T/group"
nsenter -t "$LEADER" -m mount --bind "$T/passwd" /etc/passwd &&
    nsenter -t "$LEADER" -m mount --bind "$T/group" /etc/group
check_eq "the jail has its own passwd and group" 0 $?
check "jdroutes is not a host user" sh -c '! grep -q "^jdroutes:" /etc/passwd'
# Real uid and gid of a probe, by title, from /proc on the host.
probe_ids() {
    pid=$(jd -l --json | python3 -c '
import json, sys
print(next(p["pid"] for p in json.load(sys.stdin) if p["title"] == sys.argv[1]))' "$1")
    awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u "/" g}' "/proc/$pid/status"
}
ADMIN=$(e2e_manager ezjail-admin)
BASTILLE=$(e2e_manager bastille)
# The host command of the declared probe: records its arguments.
cat >"$T/host/reload_routing_table.sh" <<SCRIPT
#!/bin/sh
echo "\$*" >>"$T/routes.log"
SCRIPT
chmod 755 "$T/host/reload_routing_table.sh"
e2e_hook
cat >>"$T/hook.conf" <<CONF
[ezjail]
program = $ADMIN
[bastille]
program = $BASTILLE
[probe routes]
title = UPDATE_ROUTING
command = $T/host/reload_routing_table.sh {name} {jid}
respawn = after
cooldown = 0
uid = jdroutes
gid = jdrgrp
jails = web* example.com
managers = ezjail bastille
[probe elsewhere]
title = ELSEWHERE
command = /bin/true
jails = mail*
CONF
routes_up() {
    [ "$(probe_state UPDATE_ROUTING)" = "$1 up" ]
}

# ezjail: the post-start script as rc.d/jail runs it (jid, safe name).
check_eq "check: the configuration is valid" "$T/hook.conf: ok" "$("$T/hook" check 2>&1)"
"$T/hook" -n start ezjail example.com "$LEADER" >"$T/out" 2>&1
check_eq "-n start shows the declared probe after the built-in ones" \
    "jaildaemon -c '$ADMIN onerestart example_com' -j $LEADER -t REBOOT
jaildaemon -c '$ADMIN snapshot example_com' -j $LEADER -r --cooldown 60 -t SNAPSHOT
jaildaemon -c '$T/host/reload_routing_table.sh example_com $LEADER' -j $LEADER -r -u jdroutes -g jdrgrp --cooldown 0 -t UPDATE_ROUTING" \
    "$(cat "$T/out")"
check_eq "-n registers nothing" 0 "$(probe_count)"
JAILDAEMON_HOOK=$T/hook sh "$JD_GLUE_DIR/jaildaemon-ezjail-poststart" "$LEADER" example_com >"$T/out" 2>&1
check_eq "ezjail post-start: exit 0" 0 $?
check_eq "ezjail post-start: three probes registered" \
    "jaildaemon-hook: ezjail jail example_com (jid $LEADER): registered REBOOT, SNAPSHOT, UPDATE_ROUTING" \
    "$(cat "$T/out")"
check_eq "ezjail: the declared probe's command carries the safe name and the jid" \
    "REBOOT none $ADMIN onerestart example_com
SNAPSHOT after $ADMIN snapshot example_com
UPDATE_ROUTING after $T/host/reload_routing_table.sh example_com $LEADER" "$(probes)"
check "UPDATE_ROUTING visible inside the jail" in_jail sh -c 'ps -eo args | grep -qx UPDATE_ROUTING'
check_eq "uid = NAME, gid = NAME: the probe runs as the jail's jdroutes/jdrgrp" \
    "4321/4323" "$(probe_ids UPDATE_ROUTING)"
in_jail pkill -HUP -f '^UPDATE_ROUTING$'
check "the trigger from inside ran the host command" wait_for 10 test -s "$T/routes.log"
check_eq "with the host's arguments" "example_com $LEADER" "$(cat "$T/routes.log" 2>/dev/null)"
check "UPDATE_ROUTING came back (respawn after)" wait_for 10 routes_up 1
"$T/hook" -n stop ezjail example.com >"$T/out" 2>&1
check_eq "-n stop names the declared probe too" \
    "jaildaemon -x -j example_com -t REBOOT
jaildaemon -x -j example_com -t SNAPSHOT
jaildaemon -x -j example_com -t UPDATE_ROUTING" "$(cat "$T/out")"
"$T/hook" stop ezjail example_com >"$T/out" 2>&1
check_eq "stop removes the three" "jaildaemon-hook: ezjail jail example_com: removed 3 probes" "$(cat "$T/out")"
check_eq "none left" 0 "$(probe_count)"

# Bastille: its exec.poststart line as jail(8) runs it (the name only, the
# jid from jls).
rm -f "$T/routes.log"
/bin/sh -c "$T/hook --hook start bastille web01" >"$T/out" 2>&1
check_eq "bastille exec.poststart: exit 0" 0 $?
check_eq "bastille: the declared probe with Bastille's name for the jail" \
    "REBOOT none $BASTILLE restart web01
SNAPSHOT after $BASTILLE zfs web01 snapshot
UPDATE_ROUTING after $T/host/reload_routing_table.sh web01 $LEADER" "$(probes)"
in_jail pkill -HUP -f '^UPDATE_ROUTING$'
check "bastille: the trigger ran the host command" wait_for 10 test -s "$T/routes.log"
check_eq "bastille: with its arguments" "web01 $LEADER" "$(cat "$T/routes.log" 2>/dev/null)"
"$T/hook" stop bastille web01 >/dev/null 2>&1
check_eq "bastille: stop removes them" 0 "$(probe_count)"

# A jail the globs do not name gets only the built-in probes.
"$T/hook" -n start bastille db1 "$LEADER" >"$T/out" 2>&1
check_eq "db1: no declared probe" 2 "$(wc -l <"$T/out" | tr -d ' ')"

# A bad section: one line with the file and line, EX_CONFIG (78), from
# check, from the dry run, and nothing registered by the hook.
cp "$T/hook.conf" "$T/good.conf"
printf '[probe bad]\ntitle = BAD\ncommand = /bin/echo {ip}\n' >>"$T/hook.conf"
line=$(grep -n '^command = /bin/echo {ip}' "$T/hook.conf" | cut -d: -f1)
"$T/hook" check >"$T/out" 2>&1
check_eq "check, bad section: EX_CONFIG" 78 $?
check_eq "check, bad section: one line with file and line" 1 "$(wc -l <"$T/out" | tr -d ' ')"
check "check names file and line" grep -q "^jaildaemon-hook: $T/hook.conf:$line: " "$T/out"
"$T/hook" -n start bastille web01 "$LEADER" >"$T/out" 2>&1
check_eq "dry run, bad section: EX_CONFIG" 78 $?
check "dry run names file and line" grep -q "^jaildaemon-hook: $T/hook.conf:$line: " "$T/out"
# A section without a title; a title the built-in probes have.
cp "$T/good.conf" "$T/hook.conf"
printf '[probe notitle]\ncommand = /bin/true\n' >>"$T/hook.conf"
line=$(grep -n '^\[probe notitle\]' "$T/hook.conf" | cut -d: -f1)
check_eq "no title: check says where" "jaildaemon-hook: $T/hook.conf:$line: [probe notitle] needs a title" \
    "$("$T/hook" check 2>&1)"
cp "$T/good.conf" "$T/hook.conf"
printf '[probe twice]\ntitle = REBOOT\ncommand = /bin/true\nmanagers = bastille\n' >>"$T/hook.conf"
line=$(grep -n '^\[probe twice\]' "$T/hook.conf" | cut -d: -f1)
"$T/hook" check >"$T/out" 2>&1
check_eq "a built-in title: EX_CONFIG" 78 $?
check "a built-in title: check says where" grep -qx \
    "jaildaemon-hook: $T/hook.conf:$line: \[probe twice\] title REBOOT is the built-in reboot probe's for bastille jail check" "$T/out"
"$T/hook" --hook start bastille web01 >"$T/out" 2>&1
check_eq "hook mode, bad section: exit 0 (the jail starts)" 0 $?
check_eq "hook mode, bad section: nothing registered" 0 "$(probe_count)"
finish
