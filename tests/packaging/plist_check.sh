#!/bin/sh
# Does the FreeBSD port's pkg-plist list exactly what the build installs?
#
#   plist_check.sh PORTDIR DESTDIR
#
# DESTDIR holds a FreeBSD install with prefix /usr/local (what
# scripts/freebsd-build.sh DESTDIR makes, with the port's -Drc_script=false).
# The ports framework adds some entries itself, so they are not in
# pkg-plist: the rc.d scripts of USE_RC_SUBR, which meson must not install
# as well (else they are staged twice). It gzips man pages, so pkg-plist
# lists them as .gz. A "@sample FILE.sample" line stands for FILE.sample,
# which meson installs. Also checks that every rc.d script the port names
# is in its files/ (FILESDIR), the same as the project's rc.d/ copy, that
# SUB_LIST replaces each of its %%WORDS%%, and the Makefile's and
# pkg-descr's claims (LICENSE_FILE, WWW, MASTER_SITES, the six managers).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
port=$1
dest=$2
prefix=/usr/local
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -d "$dest$prefix" ] || {
    echo "plist_check: nothing installed in $dest$prefix"
    exit 1
}
# make(1)-style VAR= lines of the port's Makefile, with continuations.
var() {
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$port/Makefile" |
        sed -n "s/^$1=[[:space:]]*//p" | tr -s ' \t' '  '
}
rc_subr=$(var USE_RC_SUBR)
[ -n "$rc_subr" ] || {
    echo "plist_check: $port/Makefile sets no USE_RC_SUBR"
    fail=1
}

# What the build installed, as ports list it.
(cd "$dest$prefix" && find . ! -type d | sed 's|^\./||') |
    sed -e 's|^\(share/man/man[1-9]/.*\.[1-9]\)$|\1.gz|' >"$tmp/installed.all"
: >"$tmp/framework"
for s in $rc_subr; do
    echo "etc/rc.d/${s%.sh}" >>"$tmp/framework"
done
sort -u "$tmp/framework" -o "$tmp/framework"
sort -u "$tmp/installed.all" -o "$tmp/installed.all"
while IFS= read -r f; do
    grep -qx "$f" "$tmp/installed.all" || continue
    echo "plist_check: the build installs $f, which USE_RC_SUBR stages too (MESON_ARGS -Drc_script=false)"
    fail=1
done <"$tmp/framework"
case " $(var MESON_ARGS) " in
*" -Drc_script=false "*) ;;
*)
    echo "plist_check: MESON_ARGS lacks -Drc_script=false: the rc.d script would be staged twice"
    fail=1
    ;;
esac
comm -23 "$tmp/installed.all" "$tmp/framework" >"$tmp/installed"

# What pkg-plist lists.
while IFS= read -r line; do
    case $line in
    '' | '@comment '*) ;;
    '@sample '*) echo "${line#@sample }" ;;
    @*)
        echo "plist_check: keyword not understood here: $line" >&2
        echo "@unknown"
        ;;
    *%%*)
        echo "plist_check: PLIST_SUB words not understood here: $line" >&2
        echo "@unknown"
        ;;
    *) echo "$line" ;;
    esac
done <"$port/pkg-plist" | sort >"$tmp/listed"
if [ "$(sort -u "$tmp/listed" | wc -l)" != "$(wc -l <"$tmp/listed")" ]; then
    echo "plist_check: pkg-plist lists a file twice:"
    uniq -d "$tmp/listed"
    fail=1
fi
sort -u "$tmp/listed" -o "$tmp/listed"

if ! diff -u "$tmp/listed" "$tmp/installed" >"$tmp/diff"; then
    echo "plist_check: pkg-plist (-) and the FreeBSD install (+) differ:"
    sed -n '/^[-+][^-+]/p' "$tmp/diff"
    fail=1
fi

# The rc.d scripts: in the port's files/ (the Handbook's FILESDIR, not the
# extracted sources), each a copy of the project's rc.d/ script, every
# %%WORD%% replaced by SUB_LIST or by the framework's own pairs.
if [ -n "$(var FILESDIR)" ]; then
    echo "plist_check: the port sets FILESDIR; its files belong in $port/files"
    fail=1
fi
filesdir=$port/files
words=" PREFIX LOCALBASE DATADIR DOCSDIR EXAMPLESDIR WWWDIR ETCDIR $(var SUB_LIST | tr ' ' '\n' | sed -n 's/=.*//p' | tr '\n' ' ')"
for s in $rc_subr; do
    in=$filesdir/$s.in
    if [ ! -f "$in" ]; then
        echo "plist_check: USE_RC_SUBR=$s but there is no $in"
        fail=1
        continue
    fi
    if ! cmp -s "$in" "$top/rc.d/$s.in"; then
        echo "plist_check: $in differs from rc.d/$s.in: cp rc.d/$s.in $in"
        fail=1
    fi
    for w in $(grep -o '%%[A-Z_]*%%' "$in" | tr -d % | sort -u); do
        case "$words" in
        *" $w "*) ;;
        *)
            echo "plist_check: $in uses %%$w%%, which SUB_LIST does not set"
            fail=1
            ;;
        esac
    done
done

# The Makefile's and pkg-descr's claims.
if [ "$(var LICENSE_FILE)" != '${WRKSRC}/LICENSE' ] || [ ! -s "$top/LICENSE" ]; then
    echo "plist_check: LICENSE_FILE is not \${WRKSRC}/LICENSE, or there is no LICENSE"
    fail=1
fi
for v in WWW MASTER_SITES MAINTAINER COMMENT; do
    case $(var "$v") in
    '' | '#'*)
        echo "plist_check: $v is empty"
        fail=1
        ;;
    esac
done
[ "$(var MAINTAINER)" != ports@FreeBSD.org ] || {
    echo "plist_check: MAINTAINER is ports@FreeBSD.org (a new port has a maintainer)"
    fail=1
}
for m in ezjail Bastille iocage pot AppJail cbsd; do
    grep -qw "$m" "$port/pkg-descr" || {
        echo "plist_check: pkg-descr does not name $m, whose glue pkg-plist lists"
        fail=1
    }
done
if grep -qi 'roll' "$port/pkg-descr"; then
    echo "plist_check: pkg-descr promises a rollback, which nothing does"
    fail=1
fi

[ "$fail" = 0 ] && echo "plist_check: pkg-plist lists the $(wc -l <"$tmp/installed") installed files (+ $(wc -l <"$tmp/framework") from USE_RC_SUBR)"
exit "$fail"
