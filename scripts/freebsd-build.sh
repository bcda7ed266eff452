#!/bin/sh
# Cross-build jaildaemon for FreeBSD 14 (x86_64) on Debian 12 and install it
# into DESTDIR with prefix /usr/local, as the port's "meson install" would
# (-Drc_script=false: the port's USE_RC_SUBR installs the rc.d script).
#
#   scripts/freebsd-build.sh DESTDIR
#   JD_FREEBSD_VERSION=15.0 scripts/freebsd-build.sh DESTDIR   # for 15
#
# Run as root on Debian 12. It installs what it needs: Debian's Boost 1.81
# and doctest headers and its tools (apt-get), Zig and meson >= 1.6 from
# PyPI into a virtualenv, and the sources of the compiled Boost libraries
# (Program_options, Filesystem, JSON) from Debian's source package
# boost1.81, which it builds for the target. Everything it fetches or
# builds stays in $JD_FREEBSD_DIR (default: build-freebsd/ in the source
# tree), so a second run reuses it. The unit-test programs are built too
# (they cannot run here). Nothing here runs FreeBSD code.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ]; then
    echo "usage: freebsd-build.sh DESTDIR" >&2
    exit 64
fi
say() { echo "freebsd-build: $*"; }
die() {
    echo "freebsd-build: $*" >&2
    exit 1
}

mkdir -p "$1"
dest=$(cd "$1" && pwd)
# DESTDIR/usr/local is emptied before the install.
[ "$dest" != / ] || die "DESTDIR must not be /"
work=${JD_FREEBSD_DIR:-$top/build-freebsd}
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=${JD_JOBS:-2}
# Tested with these; the versions are part of the cache key.
zig_version=0.17.1
meson_version=1.12.1
# The FreeBSD release linked for: 14.0 by default (the binary then also
# runs on 15: core/freebsd/ needs no symbol that 14's libc lacks), or 15.0.
version=${JD_FREEBSD_VERSION:-14.0}
case $version in
14.0 | 15.0) ;;
*) die "JD_FREEBSD_VERSION: 14.0 or 15.0, not $version" ;;
esac
target=x86_64-freebsd.$version-none

# Debian packages: Boost and doctest headers (the same Boost 1.81 as the
# sources built below), the virtualenv and pip's certificates, ninja,
# readelf.
need=
for p in libboost1.81-dev doctest-dev python3-venv ca-certificates ninja-build binutils xz-utils; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
    [ "$(id -u)" = 0 ] || die "missing Debian packages:$need (run as root)"
    say "apt-get install$need"
    apt-get update -qq
    # shellcheck disable=SC2086 # a list of package names
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# Zig and meson from PyPI. The ziglang wheel ships the zig binary inside
# the Python package; a link puts it on PATH.
venv=$work/venv
if ! "$venv/bin/zig" version 2>/dev/null | grep -qx "$zig_version" ||
    ! "$venv/bin/meson" --version 2>/dev/null | grep -qx "$meson_version"; then
    say "virtualenv: ziglang==$zig_version meson==$meson_version"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
        "ziglang==$zig_version" "meson==$meson_version"
    zig=$("$venv/bin/python3" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
    ln -sf "$zig" "$venv/bin/zig"
fi
PATH=$venv/bin:$PATH
# Zig builds libc++ and the libc stubs for the target once (minutes) and
# keeps them in its cache: keep that cache here, not in $HOME.
ZIG_GLOBAL_CACHE_DIR=$work/zig-cache
ZIG_LOCAL_CACHE_DIR=$work/zig-cache
export PATH ZIG_GLOBAL_CACHE_DIR ZIG_LOCAL_CACHE_DIR

# Headers for the target: a directory holding only links to Debian's boost
# and doctest headers, never /usr/include itself (glibc's headers would
# shadow FreeBSD's).
inc=$work/include
mkdir -p "$inc"
ln -sfn /usr/include/boost "$inc/boost"
ln -sfn /usr/include/doctest "$inc/doctest"

# Boost sources: Debian's boost1.81 source package, of the same version as
# the installed headers. Only the sources of the three compiled libraries
# are unpacked. Debian's patches (debian/patches) touch none of them.
boost_version=$(dpkg-query -W -f '${Version}' libboost1.81-dev)
src=$work/boost-src
srcdir=$src/boost/libs
if [ ! -f "$src/stamp-$boost_version" ]; then
    if ! ls "$src"/boost1.81_*.orig.tar.xz >/dev/null 2>&1; then
        list=/etc/apt/sources.list.d/jaildaemon-deb-src.sources
        if ! apt-get source --print-uris "boost1.81=$boost_version" >/dev/null 2>&1; then
            [ "$(id -u)" = 0 ] || die "no deb-src line for boost1.81 (run as root to add $list)"
            say "adding $list (deb-src for apt-get source)"
            cat >"$list" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
            apt-get update -qq
        fi
        say "apt-get source boost1.81=$boost_version"
        mkdir -p "$src"
        (cd "$src" && apt-get source -qq --download-only "boost1.81=$boost_version")
    fi
    rm -rf "$src/boost"
    say "unpacking program_options, filesystem, json sources"
    tar -C "$src" -xJf "$src"/boost1.81_*.orig.tar.xz --wildcards \
        'boost/libs/program_options/src/*' 'boost/libs/filesystem/src/*' \
        'boost/libs/filesystem/config/*' 'boost/libs/json/src/*'
    touch "$src/stamp-$boost_version"
fi

# Build the three libraries as static archives, with the defines of their
# Jamfiles (link=static). Boost.Filesystem's Jamfile probes the platform
# with the programs in libs/filesystem/config: the same probes are compiled
# here for the target.
lib=$work/boost-lib
[ "$version" = 14.0 ] || lib=$work/boost-lib-$version
cxx="zig c++ -target $target -std=c++20 -O2 -fPIC -DNDEBUG -DBOOST_ALL_NO_LIB -isystem $inc"
if [ ! -f "$lib/stamp-$boost_version-$zig_version" ]; then
    rm -rf "$lib"
    mkdir -p "$lib/obj"
    fs_defs=BOOST_FILESYSTEM_STATIC_LINK=1
    for probe in attribute_init_priority:HAS_INIT_PRIORITY stat_st_blksize:HAS_STAT_ST_BLKSIZE \
        stat_st_mtim:HAS_STAT_ST_MTIM stat_st_mtimensec:HAS_STAT_ST_MTIMENSEC \
        stat_st_mtimespec:HAS_STAT_ST_MTIMESPEC stat_st_birthtim:HAS_STAT_ST_BIRTHTIM \
        stat_st_birthtimensec:HAS_STAT_ST_BIRTHTIMENSEC stat_st_birthtimespec:HAS_STAT_ST_BIRTHTIMESPEC \
        fdopendir_nofollow:HAS_FDOPENDIR_NOFOLLOW posix_at_apis:HAS_POSIX_AT_APIS \
        statx:HAS_STATX statx_syscall:HAS_STATX_SYSCALL; do
        if $cxx -I"$srcdir/filesystem/src" -c "$srcdir/filesystem/config/has_${probe%%:*}.cpp" \
            -o "$lib/obj/probe.o" 2>/dev/null; then
            fs_defs="$fs_defs BOOST_FILESYSTEM_${probe#*:}"
        fi
        # statx and the statx syscall exclude each other (check-statx).
        case "$fs_defs" in *HAS_STATX) break ;; esac
    done
    if ! $cxx -I"$srcdir/filesystem/src" -c "$srcdir/filesystem/config/has_cxx20_atomic_ref.cpp" \
        -o "$lib/obj/probe.o" 2>/dev/null; then
        die "the target's C++ library has no std::atomic_ref (Boost.Filesystem would need Boost.Atomic)"
    fi
    rm -f "$lib/obj/probe.o"
    say "Boost.Filesystem configuration: $fs_defs"
    : >"$lib/jobs"
    for f in cmdline config_file options_description parsers variables_map value_semantic \
        positional_options utf8_codecvt_facet convert winmain split; do
        echo "program_options $srcdir/program_options/src/$f.cpp BOOST_PROGRAM_OPTIONS_STATIC_LINK=1" >>"$lib/jobs"
    done
    for f in codecvt_error_category exception directory operations path path_traits \
        portability unique_path utf8_codecvt_facet; do
        echo "filesystem $srcdir/filesystem/src/$f.cpp BOOST_FILESYSTEM_SOURCE $fs_defs" >>"$lib/jobs"
    done
    echo "json $srcdir/json/src/src.cpp BOOST_JSON_SOURCE BOOST_JSON_STATIC_LINK=1" >>"$lib/jobs"
    say "building Boost.Program_options, Filesystem, JSON for $target ($(wc -l <"$lib/jobs") files)"
    # One compile per line: LIBRARY SOURCE DEFINE...
    export cxx lib srcdir
    # shellcheck disable=SC2016 # expanded by the inner sh
    xargs -P "$jobs" -L 1 sh -c '
        name=$1 file=$2
        shift 2
        defs=
        for d in "$@"; do defs="$defs -D$d"; done
        mkdir -p "$lib/obj/$name"
        # shellcheck disable=SC2086
        $cxx -I"$srcdir/filesystem/src" $defs -c "$file" -o "$lib/obj/$name/$(basename "$file" .cpp).o"
    ' sh <"$lib/jobs"
    for name in program_options filesystem json; do
        zig ar rcs "$lib/libboost_$name.a" "$lib/obj/$name"/*.o
    done
    touch "$lib/stamp-$boost_version-$zig_version"
fi

# The second machine file: the paths of this build directory.
cat >"$work/paths.ini" <<EOF
# Generated by scripts/freebsd-build.sh: where this build keeps the
# target's Boost and doctest.
[properties]
boost_includedir = '$inc'
boost_librarydir = '$lib'

[built-in options]
cpp_args = ['-isystem', '$inc']
EOF

# cross/freebsd-x86_64.ini names 14.0; another release gets a copy.
cross=$top/cross/freebsd-x86_64.ini
build=$work/build
if [ "$version" != 14.0 ]; then
    sed "s/x86_64-freebsd\.14\.0-none/$target/" "$cross" >"$work/cross-$version.ini"
    cross=$work/cross-$version.ini
    build=$work/build-$version
fi
opts="--cross-file $cross --cross-file $work/paths.ini
    --prefix=/usr/local -Dwerror=true -Dtests=true -Dstatic_probe=false -Drc_script=false"
# shellcheck disable=SC2086 # $opts is a list of words
if [ -f "$build/build.ninja" ]; then
    meson setup --reconfigure $opts "$build" "$top" >"$work/setup.log" 2>&1
else
    rm -rf "$build"
    meson setup $opts "$build" "$top" >"$work/setup.log" 2>&1
fi || {
    tail -30 "$work/setup.log"
    die "meson setup failed (log: $work/setup.log)"
}
grep 'jaildaemon-probe: linked' "$work/setup.log" | sed 's/^/freebsd-build: /' || true
say "building in $build (-j$jobs)"
meson compile -C "$build" -j "$jobs" || die "build failed"
rm -rf "${dest:?}/usr/local"
DESTDIR=$dest meson install -C "$build" --no-rebuild --quiet || die "install failed"

# Zig's linker marks executables System V in the ELF header (their FreeBSD
# ABI note is there): set EI_OSABI to FreeBSD (9), as brandelf -t FreeBSD
# does, so that the header says what a FreeBSD build's header says.
elves=$(find "$dest" "$build" -type f -perm -u+x -exec sh -c \
    'head -c 4 "$1" | grep -q "^.ELF" && echo "$1"' sh {} \;)
for f in $elves; do
    printf '\011' | dd of="$f" bs=1 seek=7 count=1 conv=notrunc status=none
done

# Checks: every installed executable is a FreeBSD ELF; the daemon links
# libthr (threads) and libutil (pidfile(3)), and no libjail.
fail=0
for f in $elves; do
    case $f in "$dest"/*) ;; *) continue ;; esac
    if readelf -h "$f" | grep -q 'OS/ABI:.*FreeBSD' && readelf -n "$f" | grep -q FreeBSD; then
        say "FreeBSD ELF: ${f#"$dest"}"
    else
        say "NOT a FreeBSD ELF: ${f#"$dest"}"
        fail=1
    fi
done
daemon=$dest/usr/local/sbin/jaildaemon
needed=$(readelf -d "$daemon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
say "jaildaemon NEEDED: $needed"
# libutil's soname is libutil.so.9 on 14 and libutil.so.10 on 15.
libutil=libutil.so.9
[ "$version" = 14.0 ] || libutil=libutil.so.10
for l in libthr.so.3 $libutil; do
    case " $needed" in *" $l "*) ;; *)
        say "jaildaemon does not link $l"
        fail=1
        ;;
    esac
done
case " $needed" in *" libjail."*)
    say "jaildaemon links libjail, which it does not use"
    fail=1
    ;;
esac
say "probe: dynamic (-Dstatic_probe=false): Zig cannot link FreeBSD's libc statically; a build on FreeBSD links it -static"
[ "$fail" = 0 ] || die "checks failed"
say "installed into $dest:"
(cd "$dest" && find . ! -type d | sed 's|^\./|  /|' | sort)
