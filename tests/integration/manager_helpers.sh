#!/bin/sh
# The enable/disable/status helpers of iocage, pot, AppJail and cbsd
# (jaildaemon-helper.sh and one small script each), against stand-ins: the
# manager's configuration they change (exact contents), running them twice,
# undoing, the in-jail commands copied in through jexec(8) and the probes
# registered at once for a running jail, --help, refusals. jaildaemon-hook
# is a stand-in too: what matters is how it is called.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

standins "$BIN" jaildaemon-hook
JAILDAEMON_HOOK=$BIN/jaildaemon-hook
JAILDAEMON_BACKUP_DIR=$T/backups
# The post-start scripts the helpers install or name, from the build tree.
JAILDAEMON_LIBEXECDIR=$JD_GLUE_DIR
export JAILDAEMON_HOOK JAILDAEMON_BACKUP_DIR JAILDAEMON_LIBEXECDIR
G=$JD_GLUE_DIR
h() { # h MANAGER ARGS...
    _m=$1
    shift
    sh "$G/jaildaemon-$_m" "$@" >"$T/out" 2>"$T/err"
}
INSTALL="jexec [JAIL] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-reboot.new && chmod 755 /usr/local/sbin/jail-reboot.new && mv -f /usr/local/sbin/jail-reboot.new /usr/local/sbin/jail-reboot]
jexec [JAIL] [/bin/sh] [-c] [mkdir -p /usr/local/sbin && cat >/usr/local/sbin/jail-snapshot.new && chmod 755 /usr/local/sbin/jail-snapshot.new && mv -f /usr/local/sbin/jail-snapshot.new /usr/local/sbin/jail-snapshot]"
REMOVE="jexec [JAIL] [rm] [-f] [/usr/local/sbin/jail-reboot] [/usr/local/sbin/jail-snapshot]"
installs() { echo "$INSTALL" | sed "s/\[JAIL\]/[$1]/"; }
removes() { echo "$REMOVE" | sed "s/\[JAIL\]/[$1]/"; }

for m in iocage pot appjail cbsd; do
    h "$m" --help
    check_eq "$m --help: exit 0" 0 $?
    check "$m --help: usage on stdout" grep -q "^usage: jaildaemon-$m " "$T/out"
    h "$m" -h
    check_eq "$m -h: exit 0" 0 $?
    h "$m" frobnicate web
    check_eq "$m: unknown action: EX_USAGE" 64 $?
    h "$m" enable
    check_eq "$m: no name: EX_USAGE" 64 $?
    h "$m" enable -- -rf
    check_eq "$m: option-looking name: EX_DATAERR" 65 $?
done

# --- iocage -----------------------------------------------------------------
STANDIN_IOCAGE=$T/iocage
export STANDIN_IOCAGE
mkdir -p "$STANDIN_IOCAGE/www.lan" "$STANDIN_IOCAGE/db"
PROP="$G/jaildaemon-iocage-poststart www.lan"
reset_calls
h iocage enable www.lan
check_eq "iocage enable: exit 0" 0 $?
check_eq "iocage enable: exec_poststart is the script and the name" "$PROP" \
    "$(cat "$STANDIN_IOCAGE/www.lan/exec_poststart")"
check_eq "iocage enable, not running: check, get, set, jls by ioc-NAME" "jaildaemon-hook [check]
iocage [get] [exec_poststart] [www.lan]
iocage [get] [exec_poststart] [www.lan]
iocage [set] [exec_poststart=$PROP] [www.lan]
jls [-j] [ioc-www_lan] [jid]" "$(calls)"
echo "ioc-www_lan 11" >"$STANDIN_JAILS"
reset_calls
h iocage enable www.lan
check_eq "iocage enable again: exit 0" 0 $?
check_eq "iocage enable again: says so" "jaildaemon-iocage: www.lan: already wired" "$(head -n 1 "$T/out")"
check_eq "iocage enable again, running: commands installed, probes registered, nothing set" \
    "jaildaemon-hook [check]
iocage [get] [exec_poststart] [www.lan]
iocage [get] [exec_poststart] [www.lan]
jls [-j] [ioc-www_lan] [jid]
$(installs ioc-www_lan)
jaildaemon-hook [start] [iocage] [www.lan]" "$(calls)"
h iocage status www.lan
check_eq "iocage status: exit 0" 0 $?
check_eq "iocage status" "www.lan: enabled; running" "$(cat "$T/out")"
reset_calls
h iocage disable www.lan
check_eq "iocage disable: exit 0" 0 $?
check_eq "iocage disable: back to iocage's default" /usr/bin/true \
    "$(cat "$STANDIN_IOCAGE/www.lan/exec_poststart")"
check "iocage disable, running: commands and probes removed" grep -qx \
    "jaildaemon-hook \[stop\] \[iocage\] \[www.lan\]" "$STANDIN_LOG"
check "iocage disable, running: the in-jail commands removed" grep -qxF "$(removes ioc-www_lan)" "$STANDIN_LOG"
h iocage disable www.lan
check_eq "iocage disable again: says so" "jaildaemon-iocage: www.lan: not wired" "$(head -n 1 "$T/out")"
echo /root/mine.sh >"$STANDIN_IOCAGE/db/exec_poststart"
h iocage enable db
check_eq "iocage: another exec_poststart: refused" 1 $?
check "iocage: another exec_poststart: named" grep -q "already runs exec_poststart /root/mine.sh" "$T/err"
check_eq "iocage: another exec_poststart: unchanged" /root/mine.sh "$(cat "$STANDIN_IOCAGE/db/exec_poststart")"
h iocage status ALL
check_eq "iocage status ALL: every jail, from iocage list -H" "db: disabled (it runs exec_poststart /root/mine.sh)
www.lan: disabled" "$(cat "$T/out")"
rm "$STANDIN_IOCAGE/db/exec_poststart"
h iocage enable ALL
check_eq "iocage enable ALL: exit 0" 0 $?
check_eq "iocage enable ALL: db wired" "$G/jaildaemon-iocage-poststart db" "$(cat "$STANDIN_IOCAGE/db/exec_poststart")"
check_eq "iocage enable ALL: www.lan wired" "$PROP" "$(cat "$STANDIN_IOCAGE/www.lan/exec_poststart")"
h iocage enable nosuch
check_eq "iocage: no such jail: EX_NOHOST" 68 $?

# --- pot ---------------------------------------------------------------------
STANDIN_POT_FS_ROOT=$T/pot
export STANDIN_POT_FS_ROOT
mkdir -p "$STANDIN_POT_FS_ROOT/jails/web/conf"
HOOKF=$STANDIN_POT_FS_ROOT/jails/web/conf/poststart.sh
: >"$STANDIN_JAILS"
reset_calls
h pot enable web
check_eq "pot enable: exit 0" 0 $?
check_file "pot enable: pot set-hook copied the script" "$G/jaildaemon-pot-poststart" "$HOOKF"
check "pot enable: through pot set-hook -S" grep -qxF "pot [set-hook] [-p] [web] [-S] [$G/jaildaemon-pot-poststart]" "$STANDIN_LOG"
h pot status web
check_eq "pot status, not running" "web: enabled; not running" "$(cat "$T/out")"
echo "web 12" >"$STANDIN_JAILS"
reset_calls
h pot enable web
check_eq "pot enable again, running: no set-hook, commands installed, probes registered" "jaildaemon-hook [check]
pot [config] [-q] [-g] [fs_root]
pot [config] [-q] [-g] [fs_root]
jls [-j] [web] [jid]
$(installs web)
jaildaemon-hook [start] [pot] [web]" "$(calls)"
pot snapshot -p web 2>"$T/err"
check_eq "the pot stand-in refuses to snapshot a running pot, as pot does" 1 $?
check "pot: its message" grep -q "Snapshot is possible only for stopped pots" "$T/err"
h pot disable web
check_eq "pot disable: exit 0" 0 $?
check "pot disable: hook removed" test ! -e "$HOOKF"
check "pot disable: a backup of the hook" test -n "$(find "$T/backups" -name 'pot.web.poststart.sh.*')"
h pot disable web
check_eq "pot disable again: says so" "jaildaemon-pot: web: not wired" "$(head -n 1 "$T/out")"
echo "echo mine" >"$HOOKF"
h pot enable web
check_eq "pot: another post-start hook: refused" 1 $?
check_eq "pot: another post-start hook: unchanged" "echo mine" "$(cat "$HOOKF")"
h pot enable nosuch
check_eq "pot: no such pot: EX_NOHOST" 68 $?
h pot enable ALL
check_eq "pot has no ALL: a pot name it cannot be (no such pot)" 68 $?

# --- AppJail ----------------------------------------------------------------
APPJAIL_JAILDIR=$T/appjail
export APPJAIL_JAILDIR
mkdir -p "$APPJAIL_JAILDIR/web" "$APPJAIL_JAILDIR/db"
INIT=$APPJAIL_JAILDIR/web/init
: >"$STANDIN_JAILS"
h appjail enable web
check_eq "appjail enable, no InitScript: exit 0" 0 $?
check "appjail enable: the InitScript is executable" test -x "$INIT"
check_eq "appjail enable: an InitScript with only poststart()" "#!/bin/sh

# jaildaemon: begin (jaildaemon-appjail)
poststart()
{
	$G/jaildaemon-appjail-poststart
}
# jaildaemon: end" "$(cat "$INIT")"
check_eq "appjail: the InitScript is sh" "" "$(sh -n "$INIT" 2>&1)"
h appjail enable web
check_eq "appjail enable again: says so" "jaildaemon-appjail: web: already wired" "$(head -n 1 "$T/out")"
check_eq "appjail enable again: one poststart()" 1 "$(grep -c '^poststart()' "$INIT")"
h appjail disable web
check "appjail disable: the InitScript it created is gone" test ! -e "$INIT"
printf '#!/bin/sh\n\nstart()\n{\n\techo hi\n}\n' >"$APPJAIL_JAILDIR/db/init"
chmod 755 "$APPJAIL_JAILDIR/db/init"
cp "$APPJAIL_JAILDIR/db/init" "$T/db-init"
echo "db 5" >"$STANDIN_JAILS"
reset_calls
h appjail enable db
check_eq "appjail enable, InitScript of its own, running: exit 0" 0 $?
check "appjail: its start() kept" grep -q "echo hi" "$APPJAIL_JAILDIR/db/init"
check "appjail: poststart() added" grep -qx "poststart()" "$APPJAIL_JAILDIR/db/init"
check "appjail, running: probes registered" grep -qx "jaildaemon-hook \[start\] \[appjail\] \[db\]" "$STANDIN_LOG"
h appjail disable db
check_file "appjail disable: the InitScript as it was" "$T/db-init" "$APPJAIL_JAILDIR/db/init"
printf 'poststart()\n{\n\t:\n}\n' >>"$APPJAIL_JAILDIR/db/init"
h appjail enable db
check_eq "appjail: a poststart() of its own: refused" 1 $?
check "appjail: a poststart() of its own: named" grep -q "already runs poststart() of" "$T/err"
h appjail enable nosuch
check_eq "appjail: no such jail: EX_NOHOST" 68 $?

# --- cbsd --------------------------------------------------------------------
W=$T/cbsd
mkdir -p "$W/jails-system/web"
DST=$W/jails-system/web/master_poststart.d/jaildaemon
: >"$STANDIN_JAILS"
h cbsd -w "$W" enable web
check_eq "cbsd enable: exit 0" 0 $?
check_file "cbsd enable: the script in master_poststart.d" "$G/jaildaemon-cbsd-poststart" "$DST"
check "cbsd enable: executable" test -x "$DST"
CBSD_WORKDIR=$W h cbsd status web
check_eq "cbsd status, workdir from CBSD_WORKDIR" "web: enabled; not running" "$(cat "$T/out")"
echo "web 9" >"$STANDIN_JAILS"
reset_calls
h cbsd -w "$W" enable web
check_eq "cbsd enable again, running: commands installed, probes registered" "jaildaemon-hook [check]
jls [-j] [web] [jid]
$(installs web)
jaildaemon-hook [start] [cbsd] [web]" "$(calls)"
h cbsd -w "$W" disable web
check "cbsd disable: removed" test ! -e "$DST"
h cbsd -w "$W" enable nosuch
check_eq "cbsd: no such jail: EX_NOHOST" 68 $?

finish
