#!/bin/sh
# The FreeBSD backend's coverage under the FreeBSD simulation: builds
# -Dfreebsd_sim=true -Db_coverage=true in BUILDDIR (default
# build-fbsdsim-cov in the source tree), runs the freebsd-sim suite, and
# prints one line "core/freebsd line coverage: NN%", then every line of
# core/freebsd/ that did not run, each with the reason the simulation
# cannot reach it (uncovered.txt here; "NO REASON" when none is given).
# Fails below 90 % or when the suite fails. Root (namespaces).
#
#   tests/freebsd-sim/coverage.sh [BUILDDIR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build-fbsdsim-cov}
reasons=$top/tests/freebsd-sim/uncovered.txt
min=90
command -v gcovr >/dev/null || { echo "coverage: gcovr is missing (apt-get install gcovr)"; exit 1; }

if [ -d "$build" ]; then
    meson setup --reconfigure "$build" "$top" -Dfreebsd_sim=true -Db_coverage=true >/dev/null
else
    meson setup "$build" "$top" -Dfreebsd_sim=true -Db_coverage=true >/dev/null
fi || exit 1
meson compile -C "$build" >/dev/null || { echo "coverage: build failed"; exit 1; }
find "$build" -name '*.gcda' -delete
# A probe run with -u 65534 writes its counters as that uid at its exit,
# into files it cannot create: the probe's counter files are made here,
# empty (libgcov writes an empty one afresh) and writable by all; nothing
# else in the build directory is.
for o in "$build"/core/jaildaemon-probe.p/*.o; do
    : >"${o%.o}.gcda" && chmod 0666 "${o%.o}.gcda"
done
suite=0
meson test -C "$build" --no-rebuild --suite freebsd-sim --print-errorlogs || suite=1

gcovr -r "$top" --object-directory "$build" --filter "$top/core/freebsd/" \
    --txt "$build/fbsd-coverage.txt" --json "$build/fbsd-coverage.json" >/dev/null 2>&1 ||
    { echo "coverage: gcovr failed"; exit 1; }
python3 - "$top" "$build/fbsd-coverage.json" "$reasons" "$min" "$suite" <<'PY'
import json, sys
top, data, reasons_path, minimum, suite = sys.argv[1:]
reasons = []  # (file, text in the line, reason)
for line in open(reasons_path):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    f, text, why = line.split("|", 2)
    reasons.append((f.strip(), text.strip(), why.strip()))
total = covered = 0
missing = []
for f in json.load(open(data))["files"]:
    name = f["file"]
    src = open(f"{top}/{name}").read().split("\n")
    for l in f["lines"]:
        if l.get("gcovr/noncode"):
            continue
        total += 1
        if l["count"] > 0:
            covered += 1
            continue
        text = src[l["line_number"] - 1].strip()
        why = next((w for (rf, t, w) in reasons if name.endswith(rf) and t in text), "NO REASON")
        missing.append(f"{name}:{l['line_number']}: {text}  -- {why}")
pct = 100.0 * covered / total if total else 0.0
print(f"core/freebsd line coverage: {int(pct)}%  ({covered} of {total} lines)")
print("lines not covered, and why the simulation cannot reach them:")
for m in missing:
    print("  " + m)
unexplained = sum(1 for m in missing if m.endswith("NO REASON"))
if unexplained:
    print(f"{unexplained} uncovered line(s) without a reason in tests/freebsd-sim/uncovered.txt")
sys.exit(1 if pct < float(minimum) or suite != "0" or unexplained else 0)
PY
