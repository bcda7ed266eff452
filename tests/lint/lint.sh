#!/bin/sh
# House rules on the whole tree: clang-format for every C++ file and
# ShellCheck for every shell script. (Man pages and the installed glue,
# after substitution, are linted by tests/integration/lint.sh.)
#   lint.sh format|shell SOURCE_ROOT
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
    for f in $(files '*.sh' 'rc.d/*' '.ci/run' 'ezjail-hooks/*' 'bastille-template/*' 'docker-hooks/*.in'); do
        [ -f "$f" ] || continue
        if head -1 "$f" | grep -q '^#!.*sh'; then
            shellcheck -x "$f" || bad=$((bad + 1))
        else
            case $f in
            *.sh) shellcheck -s sh -x "$f" || bad=$((bad + 1)) ;; # a sourced library
            esac
        fi
    done
    ;;
*)
    echo "usage: lint.sh format|shell SOURCE_ROOT"
    exit 64
    ;;
esac
echo "$bad file(s) with findings"
[ "$bad" = 0 ]
