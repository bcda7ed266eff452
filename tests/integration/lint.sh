#!/bin/sh
# Lint of what this suite ships: every shell script with shellcheck as POSIX
# sh (FreeBSD's /bin/sh), and every man page with mandoc -Tlint.
# usage: lint.sh shell|man
# shellcheck source=tests/integration/lib.sh
. "$JD_SRC/tests/integration/lib.sh"

case ${1:-} in
shell)
    need_tool shellcheck
    # The shell glue of every manager, as built.
    glue=
    for g in ezjail ezjail-poststart bastille iocage iocage-poststart pot pot-poststart \
        appjail appjail-poststart cbsd cbsd-poststart helper.sh; do
        glue="$glue $JD_GLUE_DIR/jaildaemon-$g"
    done
    # shellcheck disable=SC2086 # paths without spaces, one word each
    for f in $glue \
        "$JD_RCD_DIR/jaildaemon" \
        "$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin/jail-reboot" \
        "$JD_SRC/bastille-template/jaildaemon/probes/usr/local/sbin/jail-snapshot" \
        "$JD_SRC"/tests/integration/*.sh; do
        # -x follows the sourced lib.sh; paths relative to the source tree.
        check "shellcheck ${f#"$JD_SRC"/}" sh -c 'cd "$1" && shellcheck -s sh -x "$2"' - "$JD_SRC" "$f"
    done
    # Bashisms are reported by "shellcheck -s sh" (SC3xxx); dash, the strictest
    # common POSIX shell, must parse them too.
    if command -v dash >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        for f in $glue "$JD_RCD_DIR/jaildaemon"; do
            check "dash -n ${f##*/}" dash -n "$f"
        done
    fi
    ;;
man)
    need_tool mandoc
    # Every message counts, down to style, except the two that depend on
    # which manuals the host has installed (cross references to FreeBSD
    # pages such as jls(8) and the state of mandoc.db).
    for f in "$JD_SRC"/man/*.8; do
        out=$(mandoc -Tlint -W style "$f" 2>&1 |
            grep -v -e 'STYLE: referenced manual not found' -e 'mandoc\.db')
        check_eq "mandoc -Tlint ${f#"$JD_SRC"/}" "" "$out"
    done
    for page in jaildaemon jaildaemon-hook jaildaemon-ezjail jaildaemon-bastille \
        jaildaemon-iocage jaildaemon-pot jaildaemon-appjail jaildaemon-cbsd; do
        check "man page of $page" test -f "$JD_SRC/man/$page.8"
        check "man/meson.build installs $page.8" grep -q "'$page\.8'" "$JD_SRC/man/meson.build"
    done
    ;;
*)
    echo "usage: lint.sh shell|man" >&2
    exit 2
    ;;
esac
finish
