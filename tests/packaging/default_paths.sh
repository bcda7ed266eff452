#!/bin/sh
# The default paths an install carries: the daemon's built-in defaults (its
# -h text), the man page's, and no %%WORD%% left.
#
#   default_paths.sh DESTDIR PREFIX RUNDIR STATEDIR
#
# e.g. the FreeBSD cross build: build-freebsd/destdir /usr/local /var/run
# /var/db/jaildaemon. (tests/packaging/deb.sh checks the Linux package.)
set -u
if [ $# -ne 4 ]; then
    echo "usage: default_paths.sh DESTDIR PREFIX RUNDIR STATEDIR" >&2
    exit 64
fi
root=$1$2
run=$3
state=$4
fail=0
# The two string literals of help_text() (core/cli.cpp).
for s in "Defaults: socket $run/jaildaemon.pipe" ", pidfile $run/jaildaemon.pid, state $state/state.json"; do
    if grep -aqF "$s" "$root/sbin/jaildaemon"; then
        echo "ok - sbin/jaildaemon: $s"
    else
        echo "not ok - sbin/jaildaemon lacks \"$s\""
        fail=1
    fi
done
man=$root/share/man/man8/jaildaemon.8
for p in "$run/jaildaemon.pipe" "$run/jaildaemon.pid" "$state/state.json"; do
    if grep -qx "\.It Pa $p" "$man"; then
        echo "ok - jaildaemon.8 FILES: $p"
    else
        echo "not ok - jaildaemon.8 FILES lacks $p"
        fail=1
    fi
done
hook=$root/share/man/man8/jaildaemon-hook.8
if grep -qx "\.Pa $run/jaildaemon.pipe" "$hook"; then
    echo "ok - jaildaemon-hook.8: $run/jaildaemon.pipe"
else
    echo "not ok - jaildaemon-hook.8 lacks $run/jaildaemon.pipe"
    fail=1
fi
if grep -q '%%' "$man" "$hook"; then
    echo "not ok - a %%WORD%% left in a man page"
    fail=1
fi
exit "$fail"
