#!/bin/sh
# House rules checked on the whole tree: clang-format for C++, shellcheck
# for every shell script, mandoc -Tlint for every man page.
#   lint.sh format|shell|man SOURCE_ROOT
set -u
what=$1
top=$2
cd "$top" || exit 1
files() { git ls-files "$@" 2>/dev/null || find . -path ./build\* -prune -o -name "$1" -print; }
need() {
    command -v "$1" >/dev/null && return 0
    echo "$1 is not installed (scripts/setup.sh installs it)"
    exit 1
}
bad=0
case $what in
format)
    need clang-format
    for f in $(files '*.cpp' '*.hpp'); do
        clang-format --dry-run -Werror "$f" || bad=$((bad + 1))
    done
    ;;
shell)
    need shellcheck
    for f in $(files '*.sh' 'rc.d/*' '.ci/run' 'ezjail-hooks/*' 'bastille-template/*'); do
        [ -f "$f" ] || continue
        head -1 "$f" | grep -q '^#!.*sh' || case $f in *.sh) ;; *) continue ;; esac
        shellcheck -x "$f" || bad=$((bad + 1))
    done
    ;;
man)
    need mandoc
    for f in $(files 'man/*.[1-9]'); do
        mandoc -Tlint -W warning "$f" || bad=$((bad + 1))
    done
    ;;
*)
    echo "usage: lint.sh format|shell|man SOURCE_ROOT"
    exit 64
    ;;
esac
echo "$bad file(s) with findings"
[ "$bad" = 0 ]
