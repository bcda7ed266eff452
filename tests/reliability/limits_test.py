#!/usr/bin/env python3
"""Limits a jail cannot get around: per-probe cooldown, the cap on commands
running at once, the command timeout (whole process group), -R flooding,
and one audit line per trigger."""

import os
import re
import subprocess
import time

import jdtest

env = jdtest.Env("limits")
c = env.checks
jail = env.jail()
J = str(jail.leader)
out = os.path.join(env.tmp, "out")


def lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError:
        return []


def probe(d, title):
    return next((p for p in d.probes() if p["title"] == title), None)


def waiting(d, title):
    p = probe(d, title)
    return p and p["state"] == "waiting" and p


# --- cooldown -------------------------------------------------------------
d = env.daemon(["--cooldown", "3", "--command-timeout", "2"], name="cool").start()
c.ok("register a -R probe", d.add(J, "COOL", "echo run >> " + out, respawn="now").get("ok"))
c.ok("first trigger", jail.trigger("COOL"))
c.ok("its command runs", jdtest.wait_for(lambda: len(lines(out)) == 1, 5))
c.ok("-R: the probe is back at once", jdtest.wait_for(lambda: waiting(d, "COOL"), 3))
c.ok("second trigger inside the cooldown", jail.trigger("COOL"))
time.sleep(0.5)
c.eq("the command did not run again", 1, len(lines(out)))
c.ok("the refusal is logged as audit", "refused: cooldown of 3 s" in d.log_text())
c.ok("the probe is back after the cooldown", jdtest.wait_for(lambda: waiting(d, "COOL"), 5))
c.ok("a trigger after the cooldown runs", jail.trigger("COOL") and
     jdtest.wait_for(lambda: len(lines(out)) == 2, 5))

# -R cannot flood: hammer for 3 s, at most one command per cooldown.
os.unlink(out)
end = time.monotonic() + 5
sent = 0
while time.monotonic() < end:
    sent += jail.trigger("COOL")
    time.sleep(0.01)
time.sleep(0.3)
ran = len(lines(out))
print("# -R flood: %d triggers delivered in 5 s, %d commands ran" % (sent, ran))
c.ok("-R flood: 1 or 2 commands in 5 s with a 3 s cooldown", 1 <= ran <= 2, str(ran))

# --- timeout: the whole process group goes ---------------------------------
marker = os.path.join(env.tmp, "tmo")
cmd = ("sh -c 'sleep 300' & echo $! > %s.child; sleep 300; echo survived >> %s"
       % (marker, marker))
c.ok("register a command that outlives its timeout", d.add(J, "TMO", cmd, respawn="after")
     .get("ok"))
c.ok("trigger it", jail.trigger("TMO"))
c.ok("it is killed and logged", jdtest.wait_for(
    lambda: "outlived its timeout of 2 s: killing process group" in d.log_text(), 6))
c.ok("its audit line says so", jdtest.wait_for(
    lambda: re.search(r'audit: trigger of probe \d+ "TMO".*signal 15 \(killed: timeout of 2 s\)',
                      d.log_text()), 5))
child = int(open(marker + ".child").read())
c.ok("the background child of the command died too",
     jdtest.wait_for(lambda: not os.path.exists("/proc/%d" % child) or
                     open("/proc/%d/stat" % child).read().rsplit(")", 1)[1].split()[0] == "Z", 5))
c.ok("the command never got past its sleep", not os.path.exists(marker))
c.ok("-r: respawned after the killed command", jdtest.wait_for(lambda: waiting(d, "TMO"), 5))
d.stop()

# --- cap on commands running at once --------------------------------------
d = env.daemon(["--cooldown", "0", "--max-commands", "2"], name="cap").start()
for i in range(4):
    d.add(J, "CAP%d" % i, "sleep 2; echo CAP%d >> %s.cap" % (i, out), respawn="after")
for i in range(4):
    jail.trigger("CAP%d" % i)
time.sleep(0.5)
running = [p for p in d.probes() if p["state"] == "running"]
c.eq("only 2 commands run at once", 2, len(running))
c.ok("the others are refused with an audit line",
     d.log_text().count("commands already running (--max-commands)") == 2)
c.ok("refused probes come back (not used up)", jdtest.wait_for(
    lambda: len([p for p in d.probes() if p["state"] == "waiting"]) >= 2, 3))
c.ok("after the first commands end all four probes wait again", jdtest.wait_for(
    lambda: all(p["state"] == "waiting" for p in d.probes()), 8))
c.eq("exactly 2 commands ran", 2, len(lines(out + ".cap")))

# --- audit: one line per trigger ------------------------------------------
log = d.log_text()
audits = re.findall(r"audit: trigger of probe \d+ \"CAP\d\"(.*)", log)
c.eq("one audit line per trigger (2 ran, 2 refused)", 4, len(audits))
ran_lines = [a for a in audits if "exit 0 after" in a]
c.ok("audit lines of commands name jail, title, command, status, duration",
     len(ran_lines) == 2 and all("in jail pid:" + J in l or "in jail " + J in l
                                  for l in re.findall(r"audit: trigger of .*exit 0 after \d+ ms",
                                                      log)))
env.finish()
