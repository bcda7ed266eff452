#!/usr/bin/env python3
"""Soak: CYCLES trigger -> command -> respawn cycles against a live daemon,
alternating a -r and a -R probe in a namespace jail. Afterwards: every
command ran exactly once per trigger, no zombies, and the daemon's open
descriptors and RSS are flat. Usage: soak.py [CYCLES] (default 300)."""

import os
import signal
import sys
import time

import jdtest

cycles = int(sys.argv[1]) if len(sys.argv) > 1 else 300
env = jdtest.Env("soak")
c = env.checks
jail = env.jail()
J = str(jail.leader)
d = env.daemon(["--cooldown", "0"]).start()
count = os.path.join(env.tmp, "count")
c.ok("register SOAKR (-r)", d.add(J, "SOAKR", "echo r >> " + count, respawn="after").get("ok"))
c.ok("register SOAKN (-R)", d.add(J, "SOAKN", "echo n >> " + count, respawn="now").get("ok"))


def waiting_pid(title, not_pid):
    for p in d.probes():
        if p["title"] == title and p["state"] == "waiting" and p["pid"] and p["pid"] != not_pid:
            return p["pid"]
    return 0


last = {"SOAKR": 0, "SOAKN": 0}
done = 0


def run(n):
    global done
    for i in range(n):
        title = ("SOAKR", "SOAKN")[i % 2]
        pid = jdtest.wait_for(lambda: waiting_pid(title, last[title]), 10, 0.001)
        if not pid:
            return False
        last[title] = pid
        os.kill(pid, signal.SIGHUP)
        done += 1
    return True


def lines():
    try:
        with open(count) as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def settle():
    # Every command written and reaped, every probe back.
    jdtest.wait_for(lambda: lines() == done, 30)
    jdtest.wait_for(lambda: all(p["state"] == "waiting" for p in d.probes()), 10)
    time.sleep(0.5)


warm = min(100, cycles // 10)
c.ok("warm-up of %d cycles" % warm, run(warm))
settle()
fd0, rss0 = d.fds(), d.rss_kb()
z0 = len(jdtest.zombies())
t0 = time.monotonic()
c.ok("%d cycles" % (cycles - warm), run(cycles - warm))
took = time.monotonic() - t0
settle()
c.ok("every command ran exactly once", lines() == done,
     "%d lines for %d triggers" % (lines(), done))
fd1, rss1 = d.fds(), d.rss_kb()
daemon_zombies = [z for z in jdtest.zombies() if z[1] == d.pid]
z1 = len(jdtest.zombies())
print("# soak: %d cycles in %.1f s (%.1f ms each)" % (done, took, 1000 * took / max(1, done)))
print("# daemon fds before/after: %d/%d, RSS before/after: %d/%d kB, zombies on the machine "
      "before/after: %d/%d"
      % (fd0, fd1, rss0, rss1, z0, z1))
c.eq("no zombie children of the daemon", [], daemon_zombies)
# Machine-wide counts are only reported: other work on the machine may leave
# zombies too. Ours would be children of the daemon or probes.
c.eq("no zombie probe anywhere", [],
     [z for z in jdtest.zombies() if z[2] in ("SOAKR", "SOAKN")])
c.eq("daemon fds flat", fd0, fd1)
with open("/proc/%d/maps" % d.pid) as f:
    sanitized = "libasan" in f.read()
if sanitized:
    # ASan keeps freed memory in quarantine: RSS grows by design there.
    print("# RSS not judged: the daemon runs under AddressSanitizer")
else:
    c.ok("daemon RSS flat (grew %d kB)" % (rss1 - rss0), rss1 - rss0 <= 1024)
c.eq("triggers counted", done, sum(p["triggers"] for p in d.probes()))
env.finish()
