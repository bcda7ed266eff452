#!/bin/bash
# A command's output in the log (issue 21): every line carries the time and
# the probe (id and title), so that two commands running at once stay
# apart; -l -v shows the last lines (at most 10).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
start_daemon
fat_jail

jd -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "one line $i"; sleep 0.1; done' \
    -j "$LEADER" -t ONE -r
jd -c 'for i in 1 2 3 4 5 6; do echo "two err $i" >&2; sleep 0.1; done' -j "$LEADER" -t TWO -r
in_jail "$LEADER" pkill -HUP -f '^ONE$'
in_jail "$LEADER" pkill -HUP -f '^TWO$'
wait_for 10 probe_up ONE && wait_for 10 probe_up TWO
sleep 0.3
check_eq "every line of ONE is in the log with its probe" 12 \
    "$(grep -cE '^[0-9T:-]{19} jaildaemon\[[0-9]+\] info: probe 1 "ONE": one line [0-9]+$' "$LOG")"
check_eq "stderr of TWO too" 6 \
    "$(grep -cE '^[0-9T:-]{19} jaildaemon\[[0-9]+\] info: probe 2 "TWO": two err [0-9]+$' "$LOG")"
check_eq "no output line without its probe" 0 "$(grep -cE '^(one line|two err)' "$LOG")"
V=$(jd -l -v)
check_eq "-l -v: the last 10 lines of ONE" "one line 3 one line 12" \
    "$(awk '/probe 1 "ONE"/ {p=1} /probe 2 "TWO"/ {p=0} p && /^    one line/ {print $1, $2, $3}' <<<"$V" | sed -n '1p;$p' | xargs)"
check_eq "  no more than 10" 10 "$(grep -c '^    one line' <<<"$V")"
check_eq "-l -v: the lines of TWO" 6 "$(grep -c '^    two err' <<<"$V")"
finish
