#!/bin/sh
# A stand-in for the FreeBSD programs the integration glue calls (jls, jexec,
# ezjail-admin, bastille, zfs, service) and for pgrep/pkill inside a jail.
# Linked under those names into a test's bin directory; it records how it
# was called, one line per call, into $STANDIN_LOG:
#
#   NAME [arg1] [arg2] ...
#
# $STANDIN_JAILS lists the running jails, one "NAME JID" line each, NAME
# being the jail(8) name. Like FreeBSD's jls(8) and jexec(8) (jls.c,
# jexec.c: a number is a jid, anything else a jail(8) name; a hostname is
# never looked at), `jls -j JAIL PARAM...` prints the jid or name of JAIL
# (jid or name) and `jexec [-l] [-u|-U user] JAIL CMD...` succeeds only for a
# running JAIL; both fail as the real ones do for any other. pgrep exits
# $STANDIN_PGREP_EXIT (default 0), printing $STANDIN_PGREP_PID when 0
# (default 4194305, above Linux's largest pid_max: no process, so that a
# script's kill(1) of it signals nothing). Everything
# else exits $STANDIN_EXIT (default 0) and prints nothing, but for the parts
# of iocage and pot that keep state (see below).

me=${0##*/}
line=$me
for a in "$@"; do
    line="$line [$a]"
done
printf '%s\n' "$line" >>"${STANDIN_LOG:?STANDIN_LOG not set}"

# find_jail JAIL: set jname and jjid when JAIL is a running jail's jid or
# jail(8) name.
find_jail() {
    if [ -n "${STANDIN_JAILS:-}" ] && [ -f "$STANDIN_JAILS" ]; then
        while read -r jname jjid; do
            case $1 in
            *[!0-9]* | '') [ "$jname" = "$1" ] && return 0 ;;
            *) [ "$jjid" = "$1" ] && return 0 ;;
            esac
        done <"$STANDIN_JAILS"
    fi
    return 1
}

case $me in
jls)
    if [ $# -ge 2 ] && [ "$1" = -j ]; then
        if ! find_jail "$2"; then
            echo "jls: jail \"$2\" not found" >&2
            exit 1
        fi
        shift 2
        out=
        for p in "$@"; do
            case $p in
            jid) v=$jjid ;;
            name) v=$jname ;;
            *)
                echo "jls: unknown parameter: $p" >&2
                exit 1
                ;;
            esac
            out="${out:+$out }$v"
        done
        [ -n "$out" ] && echo "$out"
        exit 0
    fi
    exit 0
    ;;
jexec)
    while getopts lu:U: opt; do
        case $opt in
        l | u | U) ;;
        *)
            echo "usage: jexec [-l] [-u username | -U username] jail [command ...]" >&2
            exit 1
            ;;
        esac
    done
    shift $((OPTIND - 1))
    if [ $# = 0 ]; then
        echo "usage: jexec [-l] [-u username | -U username] jail [command ...]" >&2
        exit 1
    fi
    if ! find_jail "$1"; then
        echo "jexec: jail \"$1\" not found" >&2
        exit 1
    fi
    exit "${STANDIN_EXIT:-0}"
    ;;
pgrep)
    # A match prints a pid, as the real one does.
    [ "${STANDIN_PGREP_EXIT:-0}" = 0 ] && echo "${STANDIN_PGREP_PID:-4194305}"
    exit "${STANDIN_PGREP_EXIT:-0}"
    ;;
iocage)
    # iocage 1.13 as far as the helpers use it: `get PROP NAME` (the
    # default of exec_poststart is /usr/bin/true), `set PROP=VALUE NAME`,
    # `list -H` (tab-separated JID NAME STATE RELEASE IP4). The jails are
    # the directories of $STANDIN_IOCAGE, one file per property set.
    d=${STANDIN_IOCAGE:-/nonexistent}
    case ${1:-} in
    get)
        [ -d "$d/$3" ] || {
            echo "$3 not found!" >&2
            exit 1
        }
        if [ -f "$d/$3/$2" ]; then cat "$d/$3/$2"; else echo /usr/bin/true; fi
        ;;
    set)
        [ -d "$d/$3" ] || {
            echo "$3 not found!" >&2
            exit 1
        }
        printf '%s\n' "${2#*=}" >"$d/$3/${2%%=*}"
        ;;
    list)
        for j in "$d"/*/; do
            [ -d "$j" ] || continue
            j=${j%/}
            printf '%s\t%s\tdown\t14.3-RELEASE\t-\n' - "${j##*/}"
        done
        ;;
    esac
    exit "${STANDIN_EXIT:-0}"
    ;;
pot)
    # pot 0.16.1 as far as jaildaemon uses it: `config -q -g zfs_root|fs_root`
    # from $STANDIN_POT_ZFS_ROOT and $STANDIN_POT_FS_ROOT, `set-hook -p NAME
    # -S SCRIPT` (a copy to FS_ROOT/jails/NAME/conf/poststart.sh), and
    # `snapshot -p NAME`, which refuses a running pot as pot does
    # (share/pot/snapshot.sh).
    case ${1:-} in
    config)
        case $4 in
        zfs_root) echo "${STANDIN_POT_ZFS_ROOT:-zroot/pot}" ;;
        fs_root) echo "${STANDIN_POT_FS_ROOT:-/opt/pot}" ;;
        esac
        ;;
    set-hook)
        cp "$5" "${STANDIN_POT_FS_ROOT:-/opt/pot}/jails/$3/conf/poststart.sh" || exit 1
        ;;
    snapshot)
        if find_jail "$3"; then
            echo "###> The pot $3 is still running. Snapshot is possible only for stopped pots" >&2
            exit 1
        fi
        ;;
    esac
    exit "${STANDIN_EXIT:-0}"
    ;;
esac
exit "${STANDIN_EXIT:-0}"
