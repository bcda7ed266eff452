#!/usr/bin/env python3
"""Crash at every point: the burst of inject.py, with the daemon killed
(SIGKILL, by strace --inject) at its N-th state call, for every N from 1 to
the number of state calls the burst makes (startup compaction, seven
requests, the compaction at stop). After each kill the daemon starts again
on what is on disk, and: the state loads (nothing moved aside as corrupt);
every request answered "ok" is there, with the seed's ids; the one in flight
is there whole or not at all; no other change; no probe doubled (one
process per title, pgrep -f).

    crash_test.py [EVERY]   EVERY > 1: every EVERY-th point (inject.sample)

Prints: crash points N, acknowledged lost 0, loads failed 0, doubled 0."""

import time

import inject

env, every, b = inject.start("crash", "CRASH")
c = env.checks
t0 = time.monotonic()

dry = b.run()
calls = dry["trace"]
c.eq("dry run: every request answered ok", ["ok"] * len(b.ops()), dry["answers"])
c.eq("dry run: the daemon stopped cleanly", 0, dry["traced"])
loaded, probes, doubled, _, _ = b.restart(dry["run"])
must, _, _ = b.model(dry["answers"])
c.ok("dry run: the state after a clean stop is the burst's", loaded and b.matches(probes, must),
     "%r" % probes)
for call in ("fdatasync", "rename", "fsync", "pwrite64"):
    c.ok("the burst makes %s calls" % call, call in calls)
# Every rename is made durable by an fsync of its directory before the next
# state call (the openat of the directory comes first).
renames = [i for i, n in enumerate(calls) if n == "rename"]
c.ok("every rename is followed by an fsync of the directory (%d renames)" % len(renames),
     renames and all(calls[i + 1:i + 3] == ["openat", "fsync"] for i in renames),
     str(calls))

points = []
seen = {}
for name in calls:
    seen[name] = seen.get(name, 0) + 1
    points.append((name, seen[name]))
chosen = inject.sample(points, every)
lost = failed = double = missed = 0
for name, k in chosen:
    r = b.run(inject="%s:signal=SIGKILL:when=%d" % (name, k))
    hit = r["traced"] == -9 and r["trace"] and r["trace"][-1] == name and \
        r["trace"].count(name) == k
    loaded, probes, doubled, running, log = b.restart(r["run"])
    must, maybe, flight = b.model(r["answers"])
    # Whole: exactly the acknowledged state, with or without the request in
    # flight, each probe listed running.
    good = running and (b.matches(probes, must) or
                        (maybe is not None and b.matches(probes, maybe)))
    acked_kept = all(t in probes and probes[t][1] == v[1]
                     for t, v in must.items() if t != flight)
    if not hit:
        missed += 1
    if not loaded:
        failed += 1
    if not acked_kept:
        lost += 1
    if doubled:
        double += 1
    c.ok("kill at %s #%d: answers %s, state %s" % (
        name, k, [a if a in ("ok", None) else "error" for a in r["answers"]],
        sorted(t[len(b.P):] for t in probes)),
        hit and loaded and good and acked_kept and not doubled,
        "hit %s, loaded %s, running %s, model %s, doubled %d, run %s%s" % (
            hit, loaded, running, sorted(t[len(b.P):] for t in must), doubled, r["run"],
            "" if loaded else "\n" + log[-1500:]))
took = time.monotonic() - t0
print("# %d state calls in the burst, %d tried (%s), %.0f s" % (
    len(points), len(chosen), "all" if every <= 1 else "every %d-th" % every, took))
print("crash points %d, acknowledged lost %d, loads failed %d, doubled %d"
      % (len(chosen), lost, failed, double))
c.eq("every chosen point was hit (the daemon died by SIGKILL at that call)", 0, missed)
env.finish()
