#!/usr/bin/env python3
"""The state file: written atomically and privately, a corrupt or truncated
one moved aside loudly while the daemon still starts, an unsafe one refused;
lock before bind: of two daemons started at the same moment exactly one
wins."""

import glob
import json
import os
import stat
import subprocess
import time

import jdtest

env = jdtest.Env("state")
c = env.checks
jail = env.jail()
J = str(jail.leader)

d = env.daemon(["--cooldown", "0"]).start()
for t in ("ST1", "ST2"):
    d.add(J, t, "true")
# Answered means on disk: the journal holds both adds before the replies.
with open(d.state + ".journal") as f:
    journal = [json.loads(line) for line in f]
c.eq("the journal holds both adds once they are answered", ["ST1", "ST2"],
     [r["probe"]["title"] for r in journal if r.get("op") == "add"])
for path in (d.state, d.state + ".journal"):
    c.eq("%s mode 0600" % os.path.basename(path), 0o600, stat.S_IMODE(os.stat(path).st_mode))
c.eq("state directory mode 0700", 0o700, stat.S_IMODE(os.stat(os.path.dirname(d.state)).st_mode))
d.stop()
c.ok("no temp file left", not os.path.exists(d.state + ".tmp") and
     not os.path.exists(d.state + ".journal.tmp"))
with open(d.state) as f:
    saved = json.load(f)
c.eq("after a stop the snapshot holds both probes", ["ST1", "ST2"],
     [p["title"] for p in saved["probes"]])
c.eq("and the journal is empty (just its header)", [{"journal": saved["generation"]}],
     [json.loads(line) for line in open(d.state + ".journal")])
good = open(d.state).read()
os.unlink(d.state + ".journal")

# --- corrupt, truncated, empty, wrong types: moved aside, daemon starts ---
variants = {
    "garbage": "this is not json",
    "truncated": good[: len(good) // 2],
    "empty": "",
    "wrong version": good.replace('"version":1', '"version":7'),
    "journal garbage": None,
    "unknown key": good.replace('"next_id"', '"extra":1,"next_id"'),
    "bad title": good.replace('"ST1"', '"ST\\n1"'),
    "duplicate id": json.dumps({"version": 1, "next_id": 9, "probes": saved["probes"] +
                                [dict(saved["probes"][0], title="ST9")]}),
}
for name, text in variants.items():
    for f in glob.glob(d.state + ".corrupt-*"):
        os.unlink(f)
    for f in glob.glob(d.state + ".journal*"):
        os.unlink(f)
    if text is None:
        # A good snapshot, a journal with a broken record that is not the
        # last one: not a torn append, the whole state is corrupt.
        text = good
        with open(d.state + ".journal", "w") as f:
            f.write('{"journal":%d}\nnot json\n{"op":"remove","id":1}\n' % saved["generation"])
        os.chmod(d.state + ".journal", 0o600)
    with open(d.state, "w") as f:
        f.write(text)
    d.start()
    aside = glob.glob(d.state + ".corrupt-*")
    c.ok("%s state: daemon starts with no probes" % name, d.probes() == [])
    c.ok("%s state: moved aside" % name, len(aside) >= 1 and open(sorted(aside)[0]).read() == text)
    if name == "journal garbage":
        c.ok("journal garbage: the journal is moved aside too",
             len(glob.glob(d.state + ".journal.corrupt-*")) == 1)
    c.ok("%s state: loud log line" % name, "IS CORRUPT" in d.log_text())
    d.stop()

# --- unsafe state file: refused, nothing started --------------------------
for f in glob.glob(d.state + ".journal*") + glob.glob(d.state + ".corrupt-*"):
    os.unlink(f)
with open(d.state, "w") as f:
    f.write(good)
os.chmod(d.state, 0o666)
r = subprocess.run(d.argv(), capture_output=True, text=True, timeout=30)
c.ok("a world-writable state file is refused",
     r.returncode == 78 and "not writable by others" in r.stderr, r.stderr)
os.chmod(d.state, 0o600)
os.chmod(os.path.dirname(d.state), 0o777)
r = subprocess.run(d.argv(), capture_output=True, text=True, timeout=30)
c.ok("a world-writable state directory is refused",
     r.returncode == 78 and "state directory" in r.stderr, r.stderr)
os.chmod(os.path.dirname(d.state), 0o700)

# --- lock before bind ------------------------------------------------------
def race(argvs):
    procs = [subprocess.Popen(a, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for a in argvs]
    res = []
    for p in procs:
        o, e = p.communicate(timeout=30)
        res.append((p.returncode, e))
    return res


wins = 0
for i in range(10):
    a = d.argv()
    a.remove("-F")
    a += ["--log", d.log]
    res = race([a, a])
    codes = sorted(r[0] for r in res)
    if codes == [0, 69] and "another jaildaemon" in [r for r in res if r[0] == 69][0][1]:
        wins += 1
    else:
        print("# round %d: %r" % (i, res))
    pid = int(open(d.pidfile).read())
    os.kill(pid, 15)
    jdtest.wait_for(lambda: not os.path.exists(d.pidfile), 10)
c.eq("10 rounds of two daemons at once: exactly one wins each time", 10, wins)

# Same socket and state, different pidfiles: the state lock decides.
wins = 0
for i in range(5):
    a = d.argv()
    a.remove("-F")
    a += ["--log", d.log]
    b = list(a)
    b[b.index(d.pidfile)] = d.pidfile + ".other"
    res = race([a, b])
    codes = sorted(r[0] for r in res)
    loser = [r[1] for r in res if r[0] != 0]
    if codes == [0, 69] and "in use by another jaildaemon" in loser[0]:
        wins += 1
    else:
        print("# round %d: %r" % (i, res))
    for pf in (d.pidfile, d.pidfile + ".other"):
        try:
            os.kill(int(open(pf).read()), 15)
        except (OSError, ValueError):
            pass
    jdtest.wait_for(lambda: not os.path.exists(d.sock), 10)
    time.sleep(0.2)
c.eq("5 rounds, different pidfiles: the state lock lets one win", 5, wins)

# The state survived all of that: both probes come back.
d.start()
c.eq("the probes come back after all the races", ["ST1", "ST2"],
     sorted(p["title"] for p in d.probes()))
env.finish()
