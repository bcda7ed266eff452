#!/bin/sh
# scripts/release.sh on HEAD: the tarball the port's MASTER_SITES will
# serve (jaildaemon-VERSION/ with LICENSE, meson.build, debian/, the port)
# and a distinfo that matches it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
version=$(sed -n "s/^ *version : '\(.*\)',\$/\1/p" "$top/meson.build")
"$top/scripts/release.sh" HEAD "$tmp" "$version" || exit 1
name=jaildaemon-$version
tar -tJf "$tmp/$name.tar.xz" >"$tmp/list" || fail=1
for f in LICENSE meson.build debian/control debian/copyright \
    packaging/freebsd/sysutils/jaildaemon/files/jaildaemon.in rc.d/jaildaemon.service.in; do
    grep -qx "$name/$f" "$tmp/list" || {
        echo "release_check: the tarball lacks $name/$f"
        fail=1
    }
done
if grep -v "^$name/" "$tmp/list" | grep -q .; then
    echo "release_check: files outside $name/ in the tarball"
    fail=1
fi
sum=$(sha256sum <"$tmp/$name.tar.xz" | cut -d' ' -f1)
size=$(wc -c <"$tmp/$name.tar.xz" | tr -d ' ')
grep -qx "SHA256 ($name.tar.xz) = $sum" "$tmp/distinfo" || {
    echo "release_check: distinfo's SHA256 is not the tarball's"
    fail=1
}
grep -qx "SIZE ($name.tar.xz) = $size" "$tmp/distinfo" || {
    echo "release_check: distinfo's SIZE is not the tarball's"
    fail=1
}
[ "$fail" = 0 ] && echo "release_check: $name.tar.xz ($size bytes, $(wc -l <"$tmp/list") entries) and its distinfo"
exit "$fail"
