#!/bin/sh
# A stand-in for the FreeBSD programs the integration glue calls (jls, jexec,
# ezjail-admin, bastille, zfs, service) and for pgrep/pkill inside a jail.
# Linked under those names into a test's bin directory; it records how it
# was called, one line per call, into $STANDIN_LOG:
#
#   NAME [arg1] [arg2] ...
#
# jls -j NAME jid prints the jid listed for NAME in $STANDIN_JAILS (lines
# "NAME JID") and fails like jls(8) for other names. pgrep exits
# $STANDIN_PGREP_EXIT (default 0). Everything else exits $STANDIN_EXIT
# (default 0) and prints nothing.

me=${0##*/}
line=$me
for a in "$@"; do
    line="$line [$a]"
done
printf '%s\n' "$line" >>"${STANDIN_LOG:?STANDIN_LOG not set}"

case $me in
jls)
    if [ $# = 3 ] && [ "$1" = -j ] && [ "$3" = jid ]; then
        if [ -n "${STANDIN_JAILS:-}" ] && [ -f "$STANDIN_JAILS" ]; then
            while read -r n j; do
                if [ "$n" = "$2" ]; then
                    echo "$j"
                    exit 0
                fi
            done <"$STANDIN_JAILS"
        fi
        echo "jls: jail \"$2\" not found" >&2
        exit 1
    fi
    exit 0
    ;;
pgrep)
    exit "${STANDIN_PGREP_EXIT:-0}"
    ;;
esac
exit "${STANDIN_EXIT:-0}"
