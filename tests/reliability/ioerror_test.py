#!/usr/bin/env python3
"""Every I/O call fails in turn: the burst of inject.py with EIO, ENOSPC and
EROFS injected (strace --inject, one call only) into each write, pwrite,
fsync, fdatasync and rename of the state in turn. Then: each request whose
change could not be written gets a one-line error naming the cause and
changes nothing; the daemon keeps serving (one more add after the burst,
the fault gone, succeeds; a ping answers); after its stop, a restart loads
exactly what was acknowledged.

    ioerror_test.py [EVERY]   EVERY > 1: every EVERY-th point (inject.sample)

Prints: faults N, acknowledged wrongly 0, daemon down 0."""

import time

import inject

env, every, b = inject.start("ioerror", "IOERR")
c = env.checks
t0 = time.monotonic()
ERRORS = {"EIO": "Input/output error", "ENOSPC": "No space left on device",
          "EROFS": "Read-only file system"}

dry = b.run()
c.eq("dry run: every request answered ok", ["ok"] * len(b.ops()), dry["answers"])
points = []
seen = {}
for name in dry["trace"]:
    seen[name] = seen.get(name, 0) + 1
    if name in inject.FAULT_CALLS:
        points.append((name, seen[name]))
faults = [(e, n, k) for e in ERRORS for n, k in points]
chosen = inject.sample(faults, every)
# The journal's appends (one per request) are its only pwrite and fdatasync
# calls: a fault there refuses exactly that request. The others are the
# compactions at start and stop: a fault there refuses nothing.
JOURNAL = ("pwrite64", "fdatasync")
wrong = down = refusals = 0
for e, name, k in chosen:
    r = b.run(inject="%s:error=%s:when=%d" % (name, e, k), after=True)
    answers = r["answers"]
    # Each refusal: one line that says what failed and why; or, for a
    # remove of a probe whose add was refused, that there is no such probe.
    refused, said, m = [], True, dict(b.seed)
    for (kind, title, arg), a in zip(b.ops(), answers):
        if a == "ok":
            said = said and not (kind == "remove" and title not in m)
            b._apply(m, kind, title, arg)
        elif a is not None and "\n" not in a and a.startswith("state not saved: " + ERRORS[e]):
            refused.append(a)
        elif not (kind == "remove" and title not in m and a and a.startswith("no probe")):
            said = False
    served = r["served"] and len(answers) == len(b.ops()) and r["traced"] == 0
    loaded, probes, doubled, running, log = b.restart(r["run"])
    must, _, _ = b.model(answers)
    if r.get("after") == "ok":
        must[b.P + "AFTER"] = (None, "echo AFTER")
    right = loaded and running and not doubled and b.matches(probes, must)
    # Acknowledged wrongly: the state after a restart is not what was
    # answered, or a request whose write or sync failed was answered ok.
    if not right or (name in JOURNAL and not refused):
        wrong += 1
    if not served:
        down += 1
    refusals += len(refused)
    c.ok("%s at %s #%d: %s" % (e, name, k, ["ok" if a == "ok" else "refused" for a in answers]),
         said and served and right and len(refused) == (1 if name in JOURNAL else 0),
         "answers %r, served %s (after %r, strace %r), loaded %s, running %s, doubled %d, "
         "state %s, model %s, run %s" % (
             answers, r["served"], r.get("after"), r["traced"], loaded, running, doubled,
             sorted(t[len(b.P):] for t in probes), sorted(t[len(b.P):] for t in must), r["run"]))
took = time.monotonic() - t0
print("# %d writes, syncs and renames in the burst, x %d errors: %d faults, %d tried (%s), %.0f s"
      % (len(points), len(ERRORS), len(faults), len(chosen),
         "all" if every <= 1 else "every %d-th" % every, took))
print("faults %d, acknowledged wrongly %d, daemon down %d" % (len(chosen), wrong, down))
c.ok("the faults reached requests: %d refused, as many as pwrite/fdatasync points tried"
     % refusals, refusals == sum(1 for _, n, _ in chosen if n in JOURNAL) and refusals > 0)
env.finish()
