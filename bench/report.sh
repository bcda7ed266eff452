#!/bin/bash
# Turn bench/run.sh's results into BENCHMARKS.md (on stdout).
#   bench/report.sh RESULTS_DIR [SKIPPED...]
set -euo pipefail
res=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

summary=$res/summary.txt
kv() { # kv LINE_KEY FIELD: field=value from the summary line starting with LINE_KEY
    awk -v k="$1" -v f="$2" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (($1 == k || k == "") && a[1] == f) { print a[2]; exit } } }' "$summary"
}
# col STATS NAME COLUMN: one value of a stats table
col() {
    awk -F'\t' -v n="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $1 == n { print $(h[c]); exit }' "$1"
}
us2ms() { awk -v v="$1" 'BEGIN { if (v == "" || v == "-") print "-"; else printf "%.2f", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
kib2mib() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }'; }

lat=$res/latency.stats
loaded=$res/latency-loaded.stats
reg=$res/register.stats

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
virt=$(lscpu 2>/dev/null | awk -F': *' '/^Hypervisor vendor/ { print " (" $2 " guest)" }')
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release)
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=""
if git -C "$top" status --porcelain -- core 2>/dev/null | grep -q .; then
    dirty=" + local changes in core/"
fi
webhook_v=$(webhook -version 2>/dev/null | awk '{ print $NF }' || true)
ssh_v=$(ssh -V 2>&1 | awk '{ print $1 }' || true)
gcc_v=$(cc -dumpfullversion 2>/dev/null || true)

cat <<EOF
# Benchmarks

jaildaemon against what an operator would use instead to let a jail or
container trigger a command on its host: an HTTP hook runner
([webhook](https://github.com/adnanh/webhook), Debian package \`webhook\`)
and an ssh forced command (\`command=\` in \`authorized_keys\`, Debian
\`openssh-server\`), with a bare C program as the floor. All figures below
come from one run of \`bench/run.sh\` on $(date -u +%Y-%m-%d); rerun it on
your machine with

    bench/setup.sh      # Debian packages: webhook, openssh, gnuplot, ...
    bench/run.sh        # about 6 minutes; rewrites this file and bench/latency.png

See [bench/README.md](bench/README.md) for what each figure measures and how.

## Machine

| | |
| --- | --- |
| CPU | $cpu$virt, $(nproc) cores |
| memory | $mem |
| kernel | Linux $(uname -r) |
| system | $os |
| load average (1, 5, 15 min) | at the start $(kv "" load_start | tr , ' '), at the end $(kv "" load_end | tr , ' ') |
| software | jaildaemon $rev$dirty (release build, gcc $gcc_v), webhook $webhook_v, $ssh_v |

The machine is shared: other builds and test suites ran during the run (see
the load average). All contenders were measured in the same run, one trial
each per round, in an order that rotates from round to round, so load hits
them alike; absolute numbers on a quiet machine are lower. It is also a
virtual machine: a process that sleeps until the trigger (the floor's
parent, jaildaemon) sometimes waits for a halted virtual CPU to be woken,
which shows as a second step around 2-5 ms in the curves of the floor and of
jaildaemon alike; medians move between runs by a few tenths of a
millisecond for that reason, ratios much less.

## 1. Trigger -> host command started

From the moment the trigger leaves the harness to the moment the host
command (\`stamp\`, a static C program) reads the clock as the first thing
in \`main()\`. CLOCK_MONOTONIC on both sides. Medians and percentiles are
nearest-rank over $(col "$lat" floor n) rounds (after 20 warm-up rounds).

| contender | the trigger | median | p90 | p99 | median / floor | p90 / floor |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
EOF
describe() {
    case $1 in
    floor) echo "bare C: \`kill(child, SIGHUP)\`; the parent sees the exit on a pidfd, reaps, \`posix_spawn\`s the command" ;;
    jaildaemon) echo "\`kill(probe, SIGHUP)\` to a probe inside a namespace jail (pid, mount, uts, ipc, net); command exec'd directly" ;;
    jaildaemon-sh) echo "the same, with a command that needs a shell (\`/bin/sh -c\`)" ;;
    webhook) echo "\`POST /hooks/bench\` on a kept-alive HTTP/1.1 connection to webhook on 127.0.0.1" ;;
    ssh-mux) echo "\`ssh\` client started, over an open ControlMaster connection; sshd runs the forced command via the user's shell" ;;
    ssh) echo "\`ssh\` client started, new connection to sshd on 127.0.0.1 (ed25519 key), forced command" ;;
    floor-10k) echo "floor again, in the 10,000-probe run" ;;
    jaildaemon-10k) echo "jaildaemon with 10,000 probes in 100 jails registered" ;;
    *) echo "" ;;
    esac
}
row() {
    local f=$1 n=$2
    [ -n "$(col "$f" "$n" n)" ] || return 0
    echo "| $n | $(describe "$n") | $(us2ms "$(col "$f" "$n" median_us)") ms | $(us2ms "$(col "$f" "$n" p90_us)") ms | $(us2ms "$(col "$f" "$n" p99_us)") ms | $(col "$f" "$n" median_x_floor) | $(col "$f" "$n" p90_x_floor) |"
}
for n in floor jaildaemon jaildaemon-sh webhook ssh-mux ssh; do row "$lat" "$n"; done

jd_med=$(col "$lat" jaildaemon median_us)
jd_p90=$(col "$lat" jaildaemon p90_us)
wh_med=$(col "$lat" webhook median_us)
wh_p90=$(col "$lat" webhook p90_us)
sm_med=$(col "$lat" ssh-mux median_us)
ss_med=$(col "$lat" ssh median_us)
cat <<EOF

Ratios between contenders (median; p90 in brackets): webhook takes
$(ratio "$wh_med" "$jd_med")x ($(ratio "$wh_p90" "$jd_p90")x) as long as jaildaemon, ssh over a
multiplexed connection $(ratio "$sm_med" "$jd_med")x, ssh with a new connection $(ratio "$ss_med" "$jd_med")x.
A command that needs a shell costs jaildaemon $(ratio "$(col "$lat" jaildaemon-sh median_us)" "$jd_med")x the direct exec.

![Trigger to command start, cumulative distribution per contender](bench/latency.png)

### With 10,000 probes registered

The same measurement for jaildaemon and the floor after 10,000 probes were
registered in 100 jails (section 2), $(col "$loaded" floor-10k n) rounds:

| contender | median | p90 | p99 | median / floor | p90 / floor |
| --- | ---: | ---: | ---: | ---: | ---: |
EOF
for n in floor-10k jaildaemon-10k; do
    echo "| $n | $(us2ms "$(col "$loaded" "$n" median_us)") ms | $(us2ms "$(col "$loaded" "$n" p90_us)") ms | $(us2ms "$(col "$loaded" "$n" p99_us)") ms | $(col "$loaded" "$n" median_x_floor) | $(col "$loaded" "$n" p90_x_floor) |"
done

bulk_secs=$(kv bulk seconds)
bulk_n=$(kv bulk registered)
cat <<EOF

## 2. Registration

Client call to probe running inside the jail. \`register\`: the harness
sends the \`add\` request on the control socket and waits for the reply,
which the daemon sends once the probe has exec'd inside the jail; the
daemon's state file is on tmpfs. \`register-ready\`: from the same start until
the probe is blocked in \`sigwait\` (ready to be triggered). \`register-disk\`:
the same with the state file on the disk (ext4; the daemon writes and
fsyncs it after changes, batched: at most every 0.1 s and before a list). \`register-cli\`: the \`jaildaemon -c ... -j ... -t ...\`
client run as a process, start to exit. \`register-bulk\`: each of the
10,000 registrations below. Each \`register*\` sample but bulk removes its
probe again, so the registry stays small.

| series | n | median | p90 | p99 |
| --- | ---: | ---: | ---: | ---: |
EOF
for n in register register-ready register-disk register-disk-ready register-cli register-bulk; do
    [ -n "$(col "$reg" "$n" n)" ] || continue
    echo "| $n | $(col "$reg" "$n" n) | $(us2ms "$(col "$reg" "$n" median_us)") ms | $(us2ms "$(col "$reg" "$n" p90_us)") ms | $(us2ms "$(col "$reg" "$n" p99_us)") ms |"
done
cat <<EOF

EOF
bulk_tsv=$res/register-bulk.tsv
want=$(kv bulk wanted)
if [ "$(kv bulk out_of_time)" = 1 ]; then
    # Least-squares line through (index, round trip): how the cost grows.
    fit=$(awk -F'\t' '$3 >= 0 { n++; x = $2; y = $3 / 1e6; sx += x; sy += y; sxx += x * x; sxy += x * y }
        END { b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n; N = '"${want:-10000}"';
              printf "%.2f %.4f %.0f", a, b, (N * a + b * N * (N - 1) / 2) / 1000 }' "$bulk_tsv")
    part() { # median ms of the first (head) or last (tail) tenth
        local n
        n=$(wc -l <"$bulk_tsv")
        "$1" -n $((n / 10 > 0 ? n / 10 : 1)) "$bulk_tsv" | cut -f3 | sort -n |
            awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1e6 }'
    }
    cat <<EOF
Registering $want probes across 100 namespace jails, one request at a
time, round robin over the jails (what a burst of jail starts does): in the
run's budget of $(printf '%.0f' "$bulk_secs") s the daemon took **$bulk_n** of them,
$(awk -v s="$bulk_secs" -v n="$bulk_n" 'BEGIN { printf "%.0f", n / s }') a second on average. The cost grows with the registry (each probe is
forked from a larger daemon, and the batched state writes grow): median
$(part head) ms for the first tenth, $(part tail) ms for the last; a
least-squares line gives $(echo "$fit" | cut -d' ' -f1) ms + $(echo "$fit" | cut -d' ' -f2) ms per probe already
registered, so all $want this way would take about **$(awk -v s="$(echo "$fit" | cut -d' ' -f3)" 'BEGIN { printf "%.0f", s / 60 }') minutes**. The
rest was restored by the daemon itself from its (completed) state file
on restart, which took $(kv bulk restore_seconds) s for all of them; sections 3, 4 and the
10,000-probe latency are measured after that.

EOF
else
    cat <<EOF
Registering $bulk_n probes across 100 namespace jails, one request at a
time, round robin over the jails: **${bulk_secs} s** in all,
$(awk -v s="$bulk_secs" -v n="$bulk_n" 'BEGIN { printf "%.0f", n / s }') registrations a second.

EOF
fi
cat <<EOF
## 3. Memory

| what | RSS | PSS |
| --- | ---: | ---: |
| daemon, no probe | $(kv mem_empty rss_kib) KiB | $(kv mem_empty pss_kib) KiB |
| daemon, $(kv mem_full children) probes | $(kv mem_full rss_kib) KiB | $(kv mem_full pss_kib) KiB |
| one probe (static, in its jail) | $(kv mem_full child_rss_kib) KiB | $(kv mem_full child_pss_kib) KiB |
| all $(kv mem_full children) probes together | $(kib2mib "$(kv mem_full children_rss_kib)") MiB | $(kib2mib "$(kv mem_full children_pss_kib)") MiB |
| webhook, idle (for comparison) | $(kv "" webhook_rss_kib) KiB | |
| sshd listener, idle (for comparison) | $(kv "" sshd_rss_kib) KiB | |

Daemon state per probe: $(awk -v a="$(kv mem_full rss_kib)" -v b="$(kv mem_empty rss_kib)" -v n="$(kv mem_full children)" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }') bytes of daemon RSS
((RSS with probes - RSS empty) / probes), and $(awk -v s="$(kv "" state_bytes)" -v n="$(kv mem_full children)" 'BEGIN { printf "%.0f", s / n }') bytes of state file. PSS
shares each page among the processes that map it: the probes' static text
is counted once, split across them. Kernel memory (a task, a pidfd per probe)
is not in these figures.

## 4. Idle

With $(kv idle probes) probes registered and nothing happening, over $(kv idle seconds) s:

| process | wake-ups (context switches) | CPU time |
| --- | ---: | ---: |
| daemon | $(kv idle daemon_wakeups) | $(kv idle daemon_cpu_ticks) ticks |
| all probes together | $(kv idle probe_wakeups) | $(kv idle probe_cpu_ticks) ticks |

## Targets

EOF
# yes_no A OP B: "met" when the numbers compare so
yes_no() { if awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN { a += 0; b += 0; exit !((op == "<" && a < b) || (op == "<=" && a <= b) || (op == "==" && a == b)) }'; then echo "met"; else echo "**not met**"; fi; }
jd_x=$(col "$lat" jaildaemon median_x_floor)
jd_x90=$(col "$lat" jaildaemon p90_x_floor)
reg_med=$(col "$reg" register median_us)
regd_med=$(col "$reg" register-disk median_us)
probe_rss=$(kv mem_full child_rss_kib)
wake=$(kv idle daemon_wakeups)
cat <<EOF
| target | measured | |
| --- | --- | --- |
| trigger -> command start within 1.2x of the floor | median $jd_x x, p90 $jd_x90 x | $(yes_no "$jd_x" "<=" 1.2) |
| faster than webhook, same run | jaildaemon $(us2ms "$jd_med") ms, webhook $(us2ms "$wh_med") ms (median) | $(yes_no "$jd_med" "<" "$wh_med") |
| registration round trip under 2 ms | median $(us2ms "$reg_med") ms (state on tmpfs), $(us2ms "$regd_med") ms (state fsync'd on disk) | $(yes_no "$reg_med" "<" 2000) / $(yes_no "$regd_med" "<" 2000) |
| probe RSS under 1 MiB | $probe_rss KiB | $(yes_no "$probe_rss" "<" 1024) |
| zero idle wake-ups with 10,000 probes | $wake | $(yes_no "$wake" "==" 0) |
EOF
for s in "$@"; do echo; echo "Skipped in this run: $s"; done
# Probe launches and durability (bench/launch.sh, bench/commit.py), written by
# hand from their output: see bench/README.md.
if [ -f "$here/results/launch.md" ]; then
    echo
    cat "$here/results/launch.md"
fi
if [ -f "$here/NOTES.md" ]; then
    echo
    cat "$here/NOTES.md"
fi
