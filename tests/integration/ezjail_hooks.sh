#!/bin/sh
# ezjail-hooks: `jaildaemon-ezjail enable|disable|status` edits of a jail's
# ezjail config file (exact contents, backups, running them twice, refusals)
# and the post-start script ezjail runs, against stand-ins that record how
# they were called (jls, and jaildaemon-hook itself).
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

TOOL=$JD_GLUE_DIR/jaildaemon-ezjail
POST=$JD_GLUE_DIR/jaildaemon-ezjail-poststart
SCRIPT=$JD_LIBEXECDIR/jaildaemon-ezjail-poststart
CFG=$T/ezjail
BAK=$T/backups
mkdir -p "$CFG"
# jaildaemon-hook is a stand-in here too: what matters is how it is called.
standins "$BIN" jaildaemon-hook
JAILDAEMON_HOOK=$BIN/jaildaemon-hook
export JAILDAEMON_HOOK
EZJAIL_CONFIG_DIR=$CFG
JAILDAEMON_BACKUP_DIR=$BAK
export EZJAIL_CONFIG_DIR JAILDAEMON_BACKUP_DIR

ez() {
    sh "$TOOL" "$@" >"$T/out" 2>"$T/err"
}
nbackups() {
    find "$BAK" -type f 2>/dev/null | wc -l | tr -d ' '
}

# --- ezjail 3.4 config: the variable exists, empty --------------------------
cp "$JD_SRC/tests/integration/data/ezjail-example_com" "$CFG/example_com"
chmod 0640 "$CFG/example_com"
cp "$CFG/example_com" "$T/orig"
sed "s|^export jail_example_com_post_start_script=\"\"\$|export jail_example_com_post_start_script=\"$SCRIPT\"|" \
    "$T/orig" >"$T/want"

ez status example.com
check_eq "status before enable: exit 1" 1 $?
check_eq "status before enable" "example.com: disabled" "$(cat "$T/out")"

reset_calls
ez enable example.com
check_eq "enable: exit 0" 0 $?
check_file "enable fills in the empty variable in place" "$T/want" "$CFG/example_com"
check_eq "enable: one backup" 1 "$(nbackups)"
check_file "the backup is the original" "$T/orig" "$(find "$BAK" -type f)"
check_eq "enable keeps the file mode" 640 "$(stat -c %a "$CFG/example_com" 2>/dev/null || stat -f %Lp "$CFG/example_com")"
check_eq "jail not running: the hook's configuration checked, jls asked" "jaildaemon-hook [check]
jls [-j] [example_com] [jid]" "$(calls)"
check "enable: says when the probes come" grep -q "its probes come at its next start" "$T/out"
check_eq "no temporary file left behind" "example_com" "$(ls -A "$CFG")"
value=$(sh -c '. "$1"; echo "$jail_example_com_post_start_script"' - "$CFG/example_com")
check_eq "what ezjail reads (and keeps on config rewrites)" "$SCRIPT" "$value"

reset_calls
ez enable example.com
check_eq "enable again: exit 0" 0 $?
check_eq "enable again: says so" "jaildaemon-ezjail: example.com: already wired" "$(head -n 1 "$T/out")"
check_file "enable again: file unchanged" "$T/want" "$CFG/example_com"
check_eq "enable again: no new backup" 1 "$(nbackups)"
check_eq "enable again: nothing but the check and jls" "jaildaemon-hook [check]
jls [-j] [example_com] [jid]" "$(calls)"

ez status example.com
check_eq "status after enable: exit 0" 0 $?
check_eq "status after enable" "example.com: enabled; not running" "$(cat "$T/out")"

sed '/_post_start_script=/d' "$T/orig" >"$T/unwired"
reset_calls
ez disable example.com
check_eq "disable: exit 0" 0 $?
check_file "disable removes the line" "$T/unwired" "$CFG/example_com"
check_eq "disable: second backup" 2 "$(nbackups)"
check_eq "disable, jail not running: only jls asked" "jls [-j] [example_com] [jid]" "$(calls)"
ez disable example.com
check_eq "disable again: exit 0" 0 $?
check_eq "disable again: says so" "jaildaemon-ezjail: example.com: not wired" "$(cat "$T/out")"
check_file "disable again: file unchanged" "$T/unwired" "$CFG/example_com"
check_eq "disable again: no new backup" 2 "$(nbackups)"

# --- an older config without the variable, and a running jail --------------
# jls knows the jail(8) name, the safe one.
echo "example_com 23" >"$STANDIN_JAILS"
reset_calls
ez enable example.com
check_eq "enable without the variable: exit 0" 0 $?
{
    cat "$T/unwired"
    echo "export jail_example_com_post_start_script=\"$SCRIPT\""
} >"$T/want2"
check_file "enable appends the line" "$T/want2" "$CFG/example_com"
check_eq "running jail: the in-jail commands copied in through jexec, probes registered at once" \
    "jaildaemon-hook [check]
jls [-j] [example_com] [jid]
jexec [example_com] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-reboot.new && chmod 755 /usr/local/sbin/jail-reboot.new && mv -f /usr/local/sbin/jail-reboot.new /usr/local/sbin/jail-reboot]
jexec [example_com] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-snapshot.new && chmod 755 /usr/local/sbin/jail-snapshot.new && mv -f /usr/local/sbin/jail-snapshot.new /usr/local/sbin/jail-snapshot]
jaildaemon-hook [start] [ezjail] [example.com]" "$(calls)"
reset_calls
ez status example.com
check_eq "status of a running jail: exit 0" 0 $?
check_eq "status of a running jail: asks the daemon" "jls [-j] [example_com] [jid]
jaildaemon-hook [status] [ezjail] [example.com]" "$(calls)"
check_eq "status of a running jail: says so" "example.com: enabled; running" "$(cat "$T/out")"
reset_calls
STANDIN_EXIT=1 sh "$TOOL" status example.com >"$T/out" 2>"$T/err"
check_eq "status: probes not registered now: exit 1" 1 $?
reset_calls
ez disable example.com
check_file "disable restores it" "$T/unwired" "$CFG/example_com"
check_eq "running jail: in-jail commands and probes removed at once" \
    "jls [-j] [example_com] [jid]
jexec [example_com] [rm] [-f] [/usr/local/sbin/jail-reboot] [/usr/local/sbin/jail-snapshot]
jaildaemon-hook [stop] [ezjail] [example.com]" "$(calls)"

# --- refusals -----------------------------------------------------------------
reset_calls
ez enable nosuch.example.com
check_eq "missing jail: EX_NOHOST" 68 $?
check_eq "missing jail: reason" \
    "jaildaemon-ezjail: no ezjail jail \"nosuch.example.com\" (no $CFG/nosuch_example_com)" "$(cat "$T/err")"
check_eq "missing jail: nothing created" "example_com" "$(ls -A "$CFG")"

sed "s|^export jail_example_com_post_start_script=\"\"\$|export jail_example_com_post_start_script=\"/root/mine.sh\"|" \
    "$T/orig" >"$CFG/example_com"
cp "$CFG/example_com" "$T/theirs"
ez enable example.com
check_eq "another post-start script: refused" 1 $?
check "another post-start script: named" grep -q "already runs post-start script /root/mine.sh" "$T/err"
check_file "another post-start script: file unchanged" "$T/theirs" "$CFG/example_com"
ez disable example.com
check_file "disable leaves another script alone" "$T/theirs" "$CFG/example_com"
ez status example.com
check_eq "status shows the other script" "example.com: disabled (it runs post-start script /root/mine.sh)" "$(cat "$T/out")"

ez enable -rf
check_eq "option-looking name: EX_DATAERR" 65 $?
check_eq "option-looking name: reason" 'jaildaemon-ezjail: bad jail name "-rf"' "$(cat "$T/err")"
ez frobnicate example.com
check_eq "unknown action: usage" 64 $?

# A jail that ezjail does not start at boot (ezjail-admin config -r norun).
mv "$CFG/example_com" "$CFG/example_com.norun"
cp "$T/orig" "$CFG/example_com.norun"
ez enable example.com
check_eq "norun jail: enabled" 0 $?
check_file "norun jail: its file edited" "$T/want" "$CFG/example_com.norun"
rm -f "$CFG/example_com.norun"

# Two jails at once, -d and -b instead of the environment.
cp "$T/orig" "$T/cfg2-a"
mkdir -p "$T/cfg2"
cp "$T/orig" "$T/cfg2/example_com"
sed 's/example_com/b_example_org/g; s/example\.com/b.example.org/g' "$T/orig" >"$T/cfg2/b_example_org"
EZJAIL_CONFIG_DIR=/nonexistent sh "$TOOL" -d "$T/cfg2" -b "$T/bak2" enable example.com b.example.org >"$T/out" 2>"$T/err"
check_eq "two jails: exit 0" 0 $?
check "two jails: first wired" grep -qx "export jail_example_com_post_start_script=\"$SCRIPT\"" "$T/cfg2/example_com"
check "two jails: second wired" grep -qx "export jail_b_example_org_post_start_script=\"$SCRIPT\"" "$T/cfg2/b_example_org"
check_eq "two jails: two backups in -b" 2 "$(find "$T/bak2" -type f | wc -l | tr -d ' ')"

# -a: every jail that has a config file; --help.
JAILDAEMON_BACKUP_DIR=$T/bak3 sh "$TOOL" -d "$T/cfg2" disable -a >"$T/out" 2>"$T/err"
check_eq "disable -a: exit 0" 0 $?
check_eq "disable -a: both jails" "2" "$(grep -c ': disabled (' "$T/out")"
check "disable -a: first unwired" test -z "$(grep _post_start_script=. "$T/cfg2/example_com" | grep -v '=""')"
sh "$TOOL" -d "$T/cfg2" status -a >"$T/out" 2>"$T/err"
check_eq "status -a: exit 1 (disabled)" 1 $?
check_eq "status -a: every jail" "b_example_org: disabled
example_com: disabled" "$(cat "$T/out")"
sh "$TOOL" --help >"$T/out" 2>"$T/err"
check_eq "--help: exit 0" 0 $?
check "--help: usage on stdout" grep -q "^usage: jaildaemon-ezjail .*-a" "$T/out"
check "--help: names -a" grep -q "^  -a instead of names" "$T/out"
reset_calls
printf 'probes = sometimes\n' >"$T/bad-hook.conf"
cat >"$T/hookwrap" <<WRAP
#!/bin/sh
exec "$JD_HOOK" -C "$T/bad-hook.conf" "\$@"
WRAP
chmod 755 "$T/hookwrap"
cp "$T/cfg2/example_com" "$T/before-bad"
JAILDAEMON_HOOK=$T/hookwrap sh "$TOOL" -d "$T/cfg2" -b "$T/bak4" enable example.com >"$T/out" 2>"$T/err"
check_eq "enable with a broken hook configuration: EX_CONFIG" 78 $?
check "enable with a broken hook configuration: file and line" grep -q "bad-hook.conf:1: unknown probe" "$T/err"
check_file "enable with a broken hook configuration: nothing changed" "$T/before-bad" "$T/cfg2/example_com"

# --- the post-start script ezjail runs --------------------------------------
reset_calls
# ezjail passes the jid and the safe name.
sh "$POST" 23 example_com >"$T/out" 2>"$T/err"
check_eq "post-start: exit 0" 0 $?
check_eq "post-start: jid and safe name passed on in hook mode" \
    "jaildaemon-hook [--hook] [start] [ezjail] [example_com] [23]" "$(calls)"
reset_calls
sh "$POST" example_com >"$T/out" 2>"$T/err"
check_eq "post-start with the name alone: jls finds the jid" \
    "jaildaemon-hook [--hook] [start] [ezjail] [example_com]" "$(calls)"
reset_calls
STANDIN_EXIT=75 sh "$POST" 23 example.com >"$T/out" 2>"$T/err"
check_eq "post-start: exit 0 even when the helper fails" 0 $?
reset_calls
JAILDAEMON_HOOK=$T/nonexistent sh "$POST" 23 example.com >"$T/out" 2>"$T/err"
check_eq "post-start without the helper: exit 0" 0 $?
check "post-start without the helper: says so" grep -q "is missing; no probes for jail example.com" "$T/err"
check_eq "post-start without the helper: calls nothing" "" "$(calls)"
sh "$POST" >"$T/out" 2>"$T/err"
check_eq "post-start without arguments: exit 0" 0 $?
check "post-start without arguments: says so" grep -q "called without a jail name" "$T/err"

finish
