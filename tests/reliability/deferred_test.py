#!/usr/bin/env python3
"""A run deferred by the cooldown or by the command cap survives kill -9 of
the daemon: it is journaled, -l shows it pending before and after the
restart, and it runs once after the restart. One whose jail went away while
the daemon was down is dropped with a log line that names the run."""

import os
import subprocess

import jdtest

env = jdtest.Env("deferred")
c = env.checks
jail = env.jail()
J = jail.spec
jail2 = env.jail()
out = os.path.join(env.tmp, "out")
T = "DEF%d_" % os.getpid()
# A command that holds the only command slot; its own text, to end it after.
SLOW = "sleep 40.%d" % (os.getpid() % 1000)


def runs(tag):
    try:
        with open(out) as f:
            return f.read().split().count(tag)
    except OSError:
        return 0


def probe(d, title):
    return next((p for p in d.probes() if p["title"] == T + title), None)


def cli_pending(d, title):
    """What `jaildaemon -l -v` says of the probe's pending run: "yes" or "no"."""
    r = d.cli("-l", "-v")
    block = None
    for line in r.stdout.splitlines():
        if line.startswith("probe "):
            block = '"%s"' % (T + title) in line.split(" in jail ")[0]
        elif block and line.strip().startswith("pending "):
            return line.split()[1].rstrip(":")
    return None


d = env.daemon(["--cooldown", "10", "--max-commands", "1"]).start()


def add(jl, title, respawn):
    r = d.add(jl, T + title, "echo %s >> %s" % (title, out), respawn=respawn)
    c.ok("register %s (%s)" % (title, respawn), r.get("ok"), str(r))


add(J, "CR", "after")
add(J, "CN", "now")
add(jail2.spec, "GONE", "after")
# First runs: nothing ran before, so each runs at once.
for t in ("CR", "CN", "GONE"):
    (jail if t != "GONE" else jail2).trigger(T + t)
    c.ok("%s: first trigger runs" % t, jdtest.wait_for(lambda: runs(t) == 1, 5))
    c.ok("%s: its probe is back" % t, jdtest.wait_for(
        lambda: (probe(d, t) or {}).get("state") == "waiting", 5))
# Second triggers: inside the cooldown, deferred.
for t in ("CR", "CN", "GONE"):
    (jail if t != "GONE" else jail2).trigger(T + t)
    c.ok("%s: second trigger deferred (-l: pending)" % t, jdtest.wait_for(
        lambda: (probe(d, t) or {}).get("pending") is True, 5), str(probe(d, t)))
# The command cap: SLOW holds the one slot, CAP waits for it.
r = d.add(J, T + "SLOW", SLOW, respawn="none")
c.ok("register SLOW", r.get("ok"), str(r))
add(J, "CAP", "none")
jail.trigger(T + "SLOW")
c.ok("SLOW runs", jdtest.wait_for(
    lambda: (probe(d, "SLOW") or {}).get("state") == "running", 5), str(probe(d, "SLOW")))
jail.trigger(T + "CAP")
c.ok("CAP deferred by the command cap (-l: pending)", jdtest.wait_for(
    lambda: (probe(d, "CAP") or {}).get("pending") is True, 5), str(probe(d, "CAP")))
c.ok("the command cap is the reason logged", "deferred: " in d.log_text())
for t in ("CR", "CN", "CAP"):
    c.eq("%s: -l says PENDING yes before the kill" % t, "yes", cli_pending(d, t))
c.eq("no deferred command ran before the kill", (1, 1, 0),
     (runs("CR"), runs("CN"), runs("CAP")))

d.kill9()
subprocess.run(["pkill", "-KILL", "-xf", SLOW], capture_output=True)
jail2.stop()
d.start()

c.ok("GONE: dropped with its pending run, logged", jdtest.wait_for(
    lambda: "dropped with its pending run of" in d.log_text() and
    T + "GONE" in d.log_text(), 5))
for t in ("CR", "CN"):
    p = probe(d, t)
    c.ok("%s: restart inside the cooldown: -l shows it pending" % t,
         p is not None and p["pending"] is True, str(p))
    c.eq("%s: -l says PENDING yes after the restart" % t, "yes", cli_pending(d, t))
c.ok("the restart logs the pending runs", "still pending from before the restart"
     in d.log_text())
c.ok("CAP: runs after the restart (the slot is free now)",
     jdtest.wait_for(lambda: runs("CAP") == 1, 5))
c.ok("CR and CN: run once when the cooldown ends", jdtest.wait_for(
    lambda: runs("CR") == 2 and runs("CN") == 2, 15))
c.ok("-r CR is back afterwards, nothing pending", jdtest.wait_for(
    lambda: (probe(d, "CR") or {}).get("state") == "waiting" and
    probe(d, "CR")["pending"] is False, 5), str(probe(d, "CR")))
p = probe(d, "CN")
c.ok("-R CN waits, nothing pending", p and p["state"] == "waiting" and p["pending"] is False,
     str(p))
c.ok("CAP (no respawn) is gone after its run", probe(d, "CAP") is None)
c.eq("GONE's deferred run never ran", 1, runs("GONE"))
c.eq("each deferred run ran exactly once", (2, 2, 1), (runs("CR"), runs("CN"), runs("CAP")))

# The deferral was written, not only kept: a second kill -9 now finds
# nothing pending and runs nothing again.
d.kill9()
d.start()
jdtest.wait_for(lambda: False, 1.5)
c.eq("after a second restart nothing runs again", (2, 2, 1),
     (runs("CR"), runs("CN"), runs("CAP")))
env.finish()
