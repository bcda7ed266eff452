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


# --- cooldown: deferred and coalesced, never dropped -----------------------
d = env.daemon(["--cooldown", "3", "--command-timeout", "2"], name="cool").start()
c.ok("register a -R probe", d.add(J, "COOL", "echo run >> " + out, respawn="now").get("ok"))
c.ok("first trigger", jail.trigger("COOL"))
c.ok("its command runs", jdtest.wait_for(lambda: len(lines(out)) == 1, 5))
c.ok("-R: the probe is back at once", jdtest.wait_for(lambda: waiting(d, "COOL"), 3))
t_second = time.monotonic()
c.ok("second trigger inside the cooldown", jail.trigger("COOL"))
time.sleep(0.5)
c.eq("the command did not run again yet", 1, len(lines(out)))
c.ok("the deferral is logged as audit",
     "deferred: cooldown of 3 s" in d.log_text() and "runs then" in d.log_text())
p = jdtest.wait_for(lambda: waiting(d, "COOL"), 3)
c.ok("-l shows the pending run, the -R probe waits meanwhile", p and p["pending"] is True, str(p))
c.ok("a third trigger in the cooldown", jail.trigger("COOL"))
c.ok("joins the pending run", jdtest.wait_for(lambda: "joins its pending run" in d.log_text(), 3))
c.ok("the deferred run happens when the cooldown ends", jdtest.wait_for(
    lambda: len(lines(out)) == 2, 5))
took = time.monotonic() - t_second
c.ok("about 3 s after the first run (%.1f s after the second trigger)" % took, 1.5 < took < 4.5)
time.sleep(0.5)
c.eq("two triggers in the cooldown: one run", 2, len(lines(out)))
p = probe(d, "COOL")
c.ok("-l: triggers 3, nothing pending, last run exit 0 with its duration",
     p["triggers"] == 3 and p["pending"] is False and p["last_exit"] == 0 and
     p["last_ms"] is not None and p["last_run_ms"] > 0, str(p))

# -r with its own cooldown: no probe until the deferred run, then back.
out_r = out + ".r"
r = d.cli("-c", "echo r >> " + out_r, "-j", J, "-t", "COOLR", "-r", "--cooldown", "2")
c.ok("register a -r probe with --cooldown 2", r.returncode == 0, r.stderr)
c.ok("-l shows its own cooldown", probe(d, "COOLR")["cooldown"] == 2 and
     probe(d, "COOLR")["cooldown_set"] is True and probe(d, "COOL")["cooldown"] == 3)
c.ok("trigger it", jail.trigger("COOLR"))
c.ok("it runs and comes back", jdtest.wait_for(lambda: len(lines(out_r)) == 1 and
                                               waiting(d, "COOLR"), 5))
c.ok("trigger it again at once", jail.trigger("COOLR"))
p = jdtest.wait_for(lambda: (probe(d, "COOLR") or {}).get("state") == "deferred" and
                    probe(d, "COOLR"), 2)
c.ok("-r: deferred, pending, no probe process meanwhile",
     p and p["pending"] is True and p["pid"] == 0, str(p))
c.ok("its deferred run happens and the probe is back", jdtest.wait_for(
    lambda: len(lines(out_r)) == 2 and waiting(d, "COOLR"), 5))

# -R cannot flood, and no trigger is lost: every one is counted, and a run
# starts after the last of them.
os.unlink(out)
before = probe(d, "COOL")["triggers"]
end = time.monotonic() + 5
sent = 0
while time.monotonic() < end:
    sent += jail.trigger("COOL")
    time.sleep(0.01)
t_last = time.time()
c.ok("after the flood the pending run happens", jdtest.wait_for(
    lambda: not probe(d, "COOL")["pending"] and probe(d, "COOL")["state"] == "waiting", 6))
ran = len(lines(out))
print("# -R flood: %d triggers delivered in 5 s, %d commands ran" % (sent, ran))
c.ok("-R flood: 2 or 3 commands in 5 s with a 3 s cooldown", 2 <= ran <= 3, str(ran))
p = probe(d, "COOL")
c.eq("every delivered trigger is counted", before + sent, p["triggers"])
c.ok("the last run started after the last trigger", p["last_run_ms"] / 1000.0 > t_last - 0.05,
     "%r vs %r" % (p["last_run_ms"] / 1000.0, t_last))

# --- timeout: the whole process group goes ---------------------------------
marker = os.path.join(env.tmp, "tmo")
cmd = ("sh -c 'sleep 300' & echo $! > %s.child; sleep 300; echo survived >> %s"
       % (marker, marker))
c.ok("register a command that outlives its timeout", d.add(J, "TMO", cmd, respawn="after")
     .get("ok"))
c.ok("trigger it", jail.trigger("TMO"))
c.ok("it is killed and logged", jdtest.wait_for(
    lambda: "outlived its timeout of 2 s: killing it and everything it started"
    in d.log_text(), 6))
c.ok("its audit line says so", jdtest.wait_for(
    lambda: re.search(r'audit: trigger of probe \d+ "TMO".*signal 9 \(killed: timeout of 2 s\)',
                      d.log_text()), 6))
child = int(open(marker + ".child").read())
c.ok("the background child of the command died too",
     jdtest.wait_for(lambda: not os.path.exists("/proc/%d" % child) or
                     open("/proc/%d/stat" % child).read().rsplit(")", 1)[1].split()[0] == "Z", 5))
c.ok("the command never got past its sleep", not os.path.exists(marker))
c.ok("-r: respawned after the killed command", jdtest.wait_for(lambda: waiting(d, "TMO"), 5))
d.stop()

# --- cap on commands running at once: the others wait their turn ----------
d = env.daemon(["--cooldown", "0", "--max-commands", "2"], name="cap").start()
for i in range(4):
    d.add(J, "CAP%d" % i, "sleep 2; echo CAP%d >> %s.cap" % (i, out), respawn="after")
for i in range(4):
    jail.trigger("CAP%d" % i)
time.sleep(0.5)
running = [p for p in d.probes() if p["state"] == "running"]
c.eq("only 2 commands run at once", 2, len(running))
c.ok("the others are deferred with an audit line",
     d.log_text().count("commands already running (--max-commands)") == 2)
c.eq("-l shows two pending runs", 2, len([p for p in d.probes() if p["pending"]]))
c.ok("they run when the first ones end, then all four probes wait again", jdtest.wait_for(
    lambda: len(lines(out + ".cap")) == 4 and all(p["state"] == "waiting" for p in d.probes()),
    10))
c.eq("all 4 commands ran, once each", ["CAP0", "CAP1", "CAP2", "CAP3"],
     sorted(lines(out + ".cap")))

# --- audit: every trigger leaves a line --------------------------------------
log = d.log_text()
audits = re.findall(r"audit: trigger of probe \d+ \"CAP\d\"(.*)", log)
c.eq("audit lines: 4 commands ran, 2 of them deferred first", 6, len(audits))
ran_lines = [a for a in audits if "exit 0 after" in a]
c.ok("audit lines of commands name jail, title, command, status, duration",
     len(ran_lines) == 4 and all("in jail pid:" + J in l or "in jail " + J in l
                                  for l in re.findall(r"audit: trigger of .*exit 0 after \d+ ms",
                                                      log)))
env.finish()
