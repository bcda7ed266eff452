#!/bin/sh
# The service files: the FreeBSD rc.d script, run against a stand-in
# rc.subr(8) that prints what the real one would be given, and the systemd
# unit, checked by systemd-analyze verify when it is there.
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

RCD=$JD_RCD_DIR/jaildaemon
UNIT=$JD_RCD_DIR/jaildaemon.service

check_eq "rc.d: rcorder(8) keywords" "# PROVIDE: jaildaemon
# REQUIRE: FILESYSTEMS cleanvar ldconfig syslogd
# BEFORE: jail ezjail bastille iocage pot pot_early appjail cbsdd
# KEYWORD: nojail shutdown" "$(grep -E '^# (PROVIDE|REQUIRE|BEFORE|KEYWORD):' "$RCD")"
check "rc.d: no %%WORD%% left" sh -c '! grep -q "%%" "$1"' - "$RCD"
check "rc.d: sources /etc/rc.subr" grep -qx '\. /etc/rc\.subr' "$RCD"

# A stand-in rc.subr: load_rc_config reads $T/rc.conf, run_rc_command
# prints the variables rc.subr works with.
cat >"$T/rc.subr" <<'SUBR'
load_rc_config() {
    [ -f "$RC_CONF" ] && . "$RC_CONF"
    echo "load_rc_config $1"
}
checkyesno() { # rc.subr(8)
    eval "_value=\$$1"
    case $_value in
    [Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1) return 0 ;;
    *) return 1 ;;
    esac
}
run_rc_command() {
    echo "run_rc_command $1"
    echo "name=$name rcvar=$rcvar enable=$jaildaemon_enable"
    echo "command=$command"
    echo "command_args=$command_args"
    echo "pidfile=$pidfile"
    echo "flags=${jaildaemon_flags:-}"
}
SUBR
sed "s|^\. /etc/rc\.subr\$|. $T/rc.subr|" "$RCD" >"$T/jaildaemon"
RC_CONF=$T/rc.conf
export RC_CONF

: >"$RC_CONF"
check_eq "rc.d: defaults" "load_rc_config jaildaemon
run_rc_command start
name=jaildaemon rcvar=jaildaemon_enable enable=NO
command=$JD_SBINDIR/jaildaemon
command_args=-D -p /var/run/jaildaemon.pid -f /var/run/jaildaemon.pipe --state /var/db/jaildaemon/state.json --log /var/log/jaildaemon.log
pidfile=/var/run/jaildaemon.pid
flags=" "$(sh "$T/jaildaemon" start)"

cat >"$RC_CONF" <<'CONF'
jaildaemon_enable="YES"
jaildaemon_pidfile="/var/run/jd/jd.pid"
jaildaemon_socket="/var/run/jd/jd.pipe"
jaildaemon_state="/var/db/jd/state.json"
jaildaemon_log="/var/log/jd/jd.log"
jaildaemon_flags="--cooldown 60"
CONF
check_eq "rc.d: rc.conf settings" "load_rc_config jaildaemon
run_rc_command stop
name=jaildaemon rcvar=jaildaemon_enable enable=YES
command=$JD_SBINDIR/jaildaemon
command_args=-D -p /var/run/jd/jd.pid -f /var/run/jd/jd.pipe --state /var/db/jd/state.json --log /var/log/jd/jd.log
pidfile=/var/run/jd/jd.pid
flags=--cooldown 60" "$(sh "$T/jaildaemon" stop)"

cat >"$RC_CONF" <<'CONF'
jaildaemon_watch_jails="YES"
CONF
check_eq "rc.d: jaildaemon_watch_jails" \
    "command_args=-D -p /var/run/jaildaemon.pid -f /var/run/jaildaemon.pipe --state /var/db/jaildaemon/state.json --log /var/log/jaildaemon.log --watch-jails" \
    "$(sh "$T/jaildaemon" start | grep '^command_args=')"

check_eq "systemd: ExecStart" "ExecStart=$JD_SBINDIR/jaildaemon -D -F \$JAILDAEMON_FLAGS" \
    "$(grep '^ExecStart=' "$UNIT")"
check "systemd: no %%WORD%% left" sh -c '! grep -q "%%" "$1"' - "$UNIT"
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify wants the program to exist: point it at the built one.
    mkdir -p "$T/unit"
    sed "s|^ExecStart=$JD_SBINDIR/jaildaemon |ExecStart=$JAILDAEMON |" "$UNIT" >"$T/unit/jaildaemon.service"
    check "systemd: systemd-analyze verify" systemd-analyze verify --man=no "$T/unit/jaildaemon.service"
else
    echo "# systemd-analyze not installed: unit not verified"
fi

finish
