#!/bin/sh
# Make the release tarball of a tag and the FreeBSD port's distinfo for it.
#
#   scripts/release.sh TAG OUTDIR [VERSION]   e.g. scripts/release.sh v0.3.0 /tmp/rel
#
# OUTDIR gets jaildaemon-VERSION.tar.xz (git archive of TAG, everything
# under jaildaemon-VERSION/, as the port's WRKSRC wants) and distinfo, in
# the format of the ports' "make makesum". VERSION is TAG without its "v"
# (give it for a TAG that is not a version, as tests/packaging does);
# it must be the version of meson.build, of debian/changelog and the
# port's DISTVERSION. Then: upload the tarball to the port's MASTER_SITES
# and copy distinfo into packaging/freebsd/sysutils/jaildaemon/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: release.sh TAG OUTDIR [VERSION]" >&2
    exit 64
fi
tag=$1
version=${3:-${tag#v}}
mkdir -p "$2"
out=$(cd "$2" && pwd)
die() {
    echo "release: $*" >&2
    exit 65
}

git -C "$top" rev-parse --verify -q "$tag^{commit}" >/dev/null || die "no commit $tag"
file() { git -C "$top" show "$tag:$1"; }
meson=$(file meson.build | sed -n "s/^ *version : '\(.*\)',\$/\1/p")
[ "$meson" = "$version" ] || die "meson.build of $tag says $meson, not $version"
deb=$(file debian/changelog | sed -n '1s/^jaildaemon (\([^)-]*\).*/\1/p')
[ "$deb" = "$version" ] || die "debian/changelog of $tag says $deb, not $version"
port=$(file packaging/freebsd/sysutils/jaildaemon/Makefile | sed -n 's/^DISTVERSION=[[:space:]]*//p')
[ "$port" = "$version" ] || die "the port's DISTVERSION of $tag is $port, not $version"
file LICENSE >/dev/null || die "$tag has no LICENSE"

name=jaildaemon-$version
git -C "$top" archive --format=tar --prefix="$name/" "$tag" | xz -9 >"$out/$name.tar.xz"
{
    echo "TIMESTAMP = $(git -C "$top" log -1 --format=%ct "$tag")"
    echo "SHA256 ($name.tar.xz) = $(sha256sum <"$out/$name.tar.xz" | cut -d' ' -f1)"
    echo "SIZE ($name.tar.xz) = $(wc -c <"$out/$name.tar.xz" | tr -d ' ')"
} >"$out/distinfo"
echo "release: $out/$name.tar.xz and $out/distinfo"
