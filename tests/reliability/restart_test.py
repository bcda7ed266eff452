#!/usr/bin/env python3
"""kill -9 of the daemon with 100 probes in 4 namespace jails: the probes
die with it, the restarted daemon brings all 100 back (same ids, fresh
probes) and a trigger works. Then: SIGTERM restart, a jail that went away
while the daemon was down, and a saved identity that no longer matches."""

import json
import os
import signal
import subprocess
import time

import jdtest

env = jdtest.Env("restart")
c = env.checks
out = os.path.join(env.tmp, "out")
jails = [env.jail() for _ in range(4)]
d = env.daemon(["--cooldown", "0"]).start()

# Titles unique to this run: pgrep -f must not count another test's probes.
P = "RST%d_" % os.getpid()
ids = {}
for n in range(100):
    j = jails[n % 4]
    title = P + "%03d" % n
    r = d.add(j.spec, title, "echo %s >> %s" % (title, out), respawn="after")
    if not r.get("ok"):
        c.ok("add %s" % title, False, str(r))
    ids[title] = r.get("id")
c.eq("100 probes registered", 100, len(d.probes()))
old_pids = [p["pid"] for p in d.probes()]

d.kill9()
gone = jdtest.wait_for(lambda: subprocess.run(["pgrep", "-f", "^" + P + "[0-9]+$"],
                                             capture_output=True).returncode == 1, 5)
c.ok("kill -9: no probe outlives the daemon (pgrep -f)", gone)


def dead(pid):
    # Gone, or a zombie left to init (the daemon, its parent, is dead).
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


c.ok("kill -9: every old probe process is dead", all(dead(p) for p in old_pids))

t0 = time.monotonic()
d.start()
took = time.monotonic() - t0
probes = d.probes()
c.eq("restart: all 100 probes are back", 100, len(probes))
c.ok("restart: same ids", sorted(ids.values()) == sorted(p["id"] for p in probes))
c.ok("restart: every probe waits in a fresh process",
     all(p["state"] == "waiting" and p["pid"] not in old_pids and
         os.path.exists("/proc/%d" % p["pid"]) for p in probes))
cnt = subprocess.run(["pgrep", "-c", "-f", "^" + P + "[0-9]+$"], capture_output=True, text=True)
# Under FBSDSIM one probe is two Linux processes with its title: the anchor
# of the simulated jail_attach(2) and its half inside the jail
# (tests/freebsd-sim/README.md).
c.eq("restart: exactly 100 probe processes (none doubled)",
     str(100 * (2 if jdtest.FBSDSIM else 1)), cnt.stdout.strip())
print("# restore of 100 probes took %.2f s" % took)

c.ok("trigger one restored probe from inside its jail", jails[1].trigger(P + "041"))
c.ok("its command ran once", jdtest.wait_for(
    lambda: os.path.exists(out) and open(out).read() == P + "041\n", 5))
c.ok("and it was respawned", jdtest.wait_for(
    lambda: any(p["title"] == P + "041" and p["state"] == "waiting" and p["triggers"] == 1
                for p in d.probes()), 5))
cli = d.cli("-l", "--json")
c.ok("jaildaemon -l --json lists 100", cli.returncode == 0 and len(json.loads(cli.stdout)) == 100)

# A new id after restart is above every restored one.
r = d.add(jails[0].spec, "RSTNEW", "true")
c.ok("a new probe gets a new id", r.get("ok") and r["id"] > max(ids.values()), str(r))

# SIGTERM keeps the state too; a jail stopped meanwhile is dropped, loudly.
d.stop()
jails[3].stop()
d.start()
probes = d.probes()
c.eq("after SIGTERM and a jail gone: 76 probes back", 76, len(probes))
c.ok("the gone jail's drop is logged",
     "dropped: the jail is gone" in d.log_text())

# A saved identity that no longer matches (say, pid reused) is dropped.
d.stop()
with open(d.state) as f:
    st = json.load(f)
victim = [p for p in st["probes"] if p["jail"] == jails[2].spec]
for p in victim:
    # Linux: the leader's start time (its pid reused); FreeBSD (FBSDSIM):
    # the jid (a jail of that name made again).
    if jdtest.FBSDSIM:
        p["identity"] = p["identity"].replace("jid:", "jid:9")
    else:
        p["identity"] = p["identity"].replace("start:", "start:9")
with open(d.state, "w") as f:
    json.dump(st, f)
d.start()
c.eq("probes of a jail whose identity changed are dropped", 76 - len(victim), len(d.probes()))
c.ok("with a log line saying so", "not the same jail any more" in d.log_text())
# kill -9 while a triggered command runs: the command finishes once on its
# own, the probe comes back waiting, and nothing runs the command again.
out2 = os.path.join(env.tmp, "out2")
c.ok("register a probe with a 2 s command",
     d.add(jails[0].spec, "RSTRUN", "sleep 2; echo done >> " + out2).get("ok"))
c.ok("trigger it", jails[0].trigger("RSTRUN"))
c.ok("its command runs", jdtest.wait_for(
    lambda: any(p["title"] == "RSTRUN" and p["state"] == "running" for p in d.probes()), 5))
d.kill9()
d.start()
c.ok("after kill -9 and restart the probe waits again", any(
    p["title"] == "RSTRUN" and p["state"] == "waiting" for p in d.probes()))
time.sleep(3)
c.eq("the command ran exactly once", ["done"], open(out2).read().splitlines()
     if os.path.exists(out2) else [])
c.eq("no zombie children of the daemon", [],
     [z for z in jdtest.zombies() if z[1] == d.pid])

# kill -9 the moment the client returns: what was acknowledged is kept.
# 10 rounds of one registration, then 30 registered one after the other.
kept = 0
for i in range(10):
    r = d.cli("-c", "true", "-j", jails[0].spec, "-t", "RSTNOW%d" % i)
    d.kill9()
    d.start()
    kept += r.returncode == 0 and any(p["title"] == "RSTNOW%d" % i for p in d.probes())
c.eq("kill -9 right after the client returns: 10 of 10 kept", 10, kept)
ok = [d.cli("-c", "true", "-j", jails[1].spec, "-t", "RSTSER%02d" % i).returncode == 0
      for i in range(30)]
d.kill9()
d.start()
titles = {p["title"] for p in d.probes()}
c.eq("30 registered, kill -9 right after: 30 of 30 kept", 30,
     sum(1 for i in range(30) if ok[i] and "RSTSER%02d" % i in titles))
# And a remove: acknowledged, then kill -9: it stays removed.
r = d.cli("-x", "-j", jails[1].spec, "-t", "RSTSER07")
d.kill9()
d.start()
c.ok("a remove acknowledged before kill -9 stays done", r.returncode == 0 and
     not any(p["title"] == "RSTSER07" for p in d.probes()))
env.finish()
