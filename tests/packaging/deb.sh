#!/bin/bash
# The Debian package as CI makes and uses it (scripts/test.sh stage "deb"):
#
#   1. copy the checkout's tracked files to a temporary directory and build
#      there with dpkg-buildpackage -us -uc -b (never in the source tree);
#   2. lintian: no error (the remaining warnings are printed);
#   3. what the .deb holds: the unit in systemd.pc's directory, no FreeBSD
#      manager glue, the man page with Linux's default paths;
#   4. in a throwaway copy of this machine (an overlay of / in a private
#      mount namespace, with its own /run and /tmp, entered with chroot):
#      dpkg -i, the unit enabled by deb-systemd-helper, systemd-analyze
#      verify of the installed unit, the installed daemon started as the
#      unit starts it, a probe registered through the default socket into a
#      namespace jail (tests/e2e/lib.sh) and triggered from inside, then
#      dpkg -r and dpkg --purge, and nothing of the package left behind
#      (the overlay's upper layer holds every file the package touched).
#
# The copy of the machine leaves the host's dpkg database, /run, /etc and
# the default socket alone, so that other daemons and tests running here
# are not disturbed. systemd is not PID 1 here (nor on CI): the
# maintainer scripts enable the unit but cannot start it, so step 4 runs
# the unit's own ExecStart line with its EnvironmentFile and
# StateDirectory, as systemd would.
#
#   tests/packaging/deb.sh            needs root; as a stage of scripts/test.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${1:-}" = --inside ]; then
    # Step 4, in the private mount namespace: $2 the work directory.
    W=$2
    set -e
    mkdir -p "$W/ovl"
    mount -t tmpfs -o mode=0755 jdovl "$W/ovl"
    mkdir "$W/ovl/upper" "$W/ovl/work" "$W/ovl/root"
    mount -t overlay overlay \
        -o "lowerdir=/,upperdir=$W/ovl/upper,workdir=$W/ovl/work" "$W/ovl/root"
    r=$W/ovl/root
    mount --bind /proc "$r/proc"
    mount --bind /dev "$r/dev"
    # rbind: the cgroup hierarchies below /sys/fs/cgroup too; a probe joins
    # its jail's cgroups or its launch fails.
    mount --rbind /sys "$r/sys"
    mount -t tmpfs -o mode=0755 jdrun "$r/run"
    mount -t tmpfs -o mode=1777 jdtmp "$r/tmp"
    cp "$W"/jaildaemon_*.deb "$r/tmp/jaildaemon.deb"
    cp "$top/tests/e2e/lib.sh" "$r/tmp/lib.sh"
    cp "$0" "$r/tmp/deb.sh"
    set +e
    chroot "$r" /bin/bash /tmp/deb.sh --chroot
    rc=$?
    # What the package left: the files of the upper layer, but dpkg's own
    # records of the install and removal and man-db's index (its trigger).
    (cd "$W/ovl/upper" && find . ! -type d | sed 's|^\./|/|') |
        grep -v -e '^/var/lib/dpkg/' -e '^/var/log/dpkg\.log$' \
            -e '^/var/cache/debconf/' -e '^/etc/ld\.so\.cache$' -e '^/var/cache/man/' \
            >"$W/left" || true
    if [ -s "$W/left" ]; then
        echo "not ok - purge left files behind:"
        sed 's/^/    /' "$W/left"
        rc=1
    else
        echo "ok - after dpkg --purge only dpkg's records differ from before dpkg -i"
    fi
    exit "$rc"
fi

if [ "${1:-}" = --chroot ]; then
    # Step 4 in the copy of the machine: the installed package, used.
    JAILDAEMON=/usr/sbin/jaildaemon
    JAILDAEMON_PROBE=/usr/libexec/jaildaemon-probe
    export JAILDAEMON JAILDAEMON_PROBE
    # shellcheck source=tests/e2e/lib.sh disable=SC1091 # copied to /tmp
    . /tmp/lib.sh
    need_root
    unit=/lib/systemd/system/jaildaemon.service
    check "dpkg -i" dpkg -i /tmp/jaildaemon.deb
    check "the daemon and the probe are installed" test -x "$JD" -a -x "$PROBE"
    check "the unit is enabled (deb-systemd-helper)" \
        test -L /etc/systemd/system/multi-user.target.wants/jaildaemon.service
    check "deb-systemd-helper recorded the enablement" \
        test -f /var/lib/systemd/deb-systemd-helper-enabled/jaildaemon.service.dsh-also
    check "/etc/default/jaildaemon is a conffile" \
        grep -qx ' /etc/default/jaildaemon [0-9a-f]*' \
        <(dpkg-query -W -f '${Conffiles}\n' jaildaemon)
    out=$(systemd-analyze verify --man=no "$unit" 2>&1)
    check_eq "systemd-analyze verify of the installed unit" "" "$out"
    for k in Type=exec KillMode=process StateDirectory=jaildaemon; do
        check "unit: $k" grep -qx "$k" "$unit"
    done
    check_eq "defaults of the installed daemon" \
        "Defaults: socket /run/jaildaemon.pipe, pidfile /run/jaildaemon.pid, state /var/lib/jaildaemon/state.json" \
        "$("$JD" -h | tail -1)"

    # Start it as systemd would: StateDirectory=, EnvironmentFile=, then
    # ExecStart= (whose $JAILDAEMON_FLAGS splits into words).
    install -d -m 0700 /var/lib/jaildaemon
    JAILDAEMON_FLAGS= # Environment=JAILDAEMON_FLAGS=
    set -a
    # shellcheck source=/dev/null
    . /etc/default/jaildaemon
    set +a
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    check_eq "ExecStart" "/usr/sbin/jaildaemon -D -F \$JAILDAEMON_FLAGS" "$exec_start"
    cmd=${exec_start//\$JAILDAEMON_FLAGS/$JAILDAEMON_FLAGS}
    # shellcheck disable=SC2086 # split into words, as systemd splits $VAR
    $cmd >>"$LOG" 2>&1 &
    DAEMON_PID=$!
    check "the installed daemon listens on /run/jaildaemon.pipe" \
        wait_for 10 test -S /run/jaildaemon.pipe
    check "its pidfile is /run/jaildaemon.pid" \
        wait_for 5 sh -c '[ "$(cat /run/jaildaemon.pid 2>/dev/null)" = "$1" ]' - "$DAEMON_PID"

    fat_jail
    # The client without -f: the default socket.
    "$JD" -c "echo triggered > $T/hostonly/effect" -j "$LEADER" -t DEBPROBE
    check_eq "a probe registered into the namespace jail" 0 $?
    check "its state is in /var/lib/jaildaemon" \
        wait_for 5 grep -qs DEBPROBE /var/lib/jaildaemon/state.json \
        /var/lib/jaildaemon/state.json.journal
    in_jail "$LEADER" pkill -HUP -f '^DEBPROBE$'
    check_eq "pkill inside the jail found the probe" 0 $?
    check "the host command ran" wait_for 10 grep -qsx triggered "$T/hostonly/effect"
    kill "$DAEMON_PID"
    check "the daemon stops on SIGTERM" wait_for 10 sh -c '! kill -0 "$1" 2>/dev/null' - "$DAEMON_PID"
    wait "$DAEMON_PID" 2>/dev/null
    DAEMON_PID=

    check "dpkg -r" dpkg -r jaildaemon
    for f in /usr/sbin/jaildaemon /usr/libexec/jaildaemon-probe /usr/sbin/jaildaemon-hook "$unit" \
        /usr/share/man/man8/jaildaemon.8.gz; do
        check "dpkg -r removed $f" test ! -e "$f"
    done
    check "dpkg -r keeps the conffile" test -f /etc/default/jaildaemon
    check "dpkg -r keeps the state" test -f /var/lib/jaildaemon/state.json
    check "dpkg --purge" dpkg --purge jaildaemon
    check "purged: /etc/default/jaildaemon" test ! -e /etc/default/jaildaemon
    check "purged: /var/lib/jaildaemon" test ! -e /var/lib/jaildaemon
    check "purged: the unit's enablement" \
        test ! -e /etc/systemd/system/multi-user.target.wants/jaildaemon.service \
        -a ! -e /var/lib/systemd/deb-systemd-helper-enabled/jaildaemon.service.dsh-also
    check "purged: dpkg knows no jaildaemon" sh -c '! dpkg-query -W jaildaemon 2>/dev/null'
    finish
fi

# Steps 1 to 3, then step 4 in a private mount namespace.
if [ "$(id -u)" != 0 ]; then
    echo "deb: needs root (dpkg -i into a copy of the machine)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
for tool in dpkg-buildpackage dh lintian systemd-analyze unshare chroot; do
    command -v "$tool" >/dev/null || {
        echo "deb: $tool is missing (scripts/setup.sh)"
        exit 1
    }
done
W=$(mktemp -d /tmp/jaildaemon-deb.XXXXXX)
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "ok - $*"; }
not_ok() {
    echo "not ok - $*"
    fails=$((fails + 1))
}

version=$(cd "$top" && dpkg-parsechangelog -S Version)
src=$W/jaildaemon-$version
mkdir "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    # The tracked files as they are in the work tree: no build directory,
    # nothing untracked.
    (cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -C "$src" -xf -
else
    tar -C "$top" --exclude='./build*' -cf - . | tar -C "$src" -xf -
fi
start=$(date +%s)
# The build runs under debhelper's own HOME: keep ccache's cache.
export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/ccache} CCACHE_BASEDIR=$W
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else
    tail -40 "$W/build.log"
    not_ok "dpkg-buildpackage"
    exit 1
fi
arch=$(dpkg --print-architecture)
deb=$W/jaildaemon_${version}_$arch.deb
[ -f "$deb" ] || {
    not_ok "no $deb"
    exit 1
}

# lintian as root says so on stderr; the tags go to stdout.
lintian --pedantic "$W/jaildaemon_${version}_$arch.changes" >"$W/lintian" 2>/dev/null
sed 's/^/    lintian: /' "$W/lintian"
errors=$(grep -c '^E:' "$W/lintian")
if [ "$errors" = 0 ]; then
    ok "lintian: 0 errors, $(grep -c '^W:' "$W/lintian") warnings"
else
    not_ok "lintian: $errors errors"
fi

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$W/contents"
for f in /usr/sbin/jaildaemon /usr/libexec/jaildaemon-probe /usr/sbin/jaildaemon-hook \
    /lib/systemd/system/jaildaemon.service /etc/default/jaildaemon \
    /usr/share/man/man8/jaildaemon.8.gz /usr/share/doc/jaildaemon/copyright; do
    if grep -qx "$f" "$W/contents"; then ok "deb holds $f"; else not_ok "deb lacks $f"; fi
done
glue=$(grep -E 'ezjail|bastille|iocage|pot-poststart|appjail|cbsd' "$W/contents")
if [ -z "$glue" ]; then ok "no FreeBSD manager glue in the deb"; else not_ok "FreeBSD glue in the deb: $glue"; fi
mkdir "$W/x"
dpkg-deb -x "$deb" "$W/x"
man=$(zcat "$W/x/usr/share/man/man8/jaildaemon.8.gz")
for p in /run/jaildaemon.pipe /run/jaildaemon.pid /var/lib/jaildaemon/state.json; do
    case $man in *"Pa $p"*) ok "man page names $p" ;; *) not_ok "man page lacks $p" ;; esac
done
case $man in *%%*) not_ok "man page: a %%WORD%% left" ;; *) ok "man page: no %%WORD%% left" ;; esac
if grep -q "/var/run/\|/var/db/" "$W/x/lib/systemd/system/jaildaemon.service"; then
    not_ok "the unit names a FreeBSD path"
else
    ok "the unit names no FreeBSD path"
fi

unshare --mount --propagation private "$0" --inside "$W" || fails=$((fails + 1))
echo "deb: $(($(date +%s) - start)) s in all"
[ "$fails" = 0 ]
