#!/usr/bin/env python3
"""Acknowledged means durable, and a state that cannot be written is said so:
a burst of registrations is group-committed (fewer writes than requests);
with the state's filesystem full (a tiny tmpfs) every add and
remove is refused with "state not saved: ... (DIR): probe not registered",
changes nothing (no probe left running, the replaced one kept), the daemon
keeps serving, and works again once there is room; a kill -9 afterwards
keeps exactly what was acknowledged."""

import os
import re
import subprocess
import threading

import jdtest

env = jdtest.Env("durability")
c = env.checks
jail = env.jail()
J = str(jail.leader)
P = "DUR%d_" % os.getpid()


def pgrep_count(pattern):
    r = subprocess.run(["pgrep", "-c", "-f", pattern], capture_output=True, text=True)
    return int(r.stdout.strip() or "0")


# --- group commit: 100 registrations at once share the writes ---------------
d = env.daemon(["--cooldown", "0"], name="burst").start()
results = []


def reg(i):
    results.append(d.add(J, P + "B%03d" % i, "true", respawn="after"))


threads = [threading.Thread(target=reg, args=(i,)) for i in range(100)]
for t in threads:
    t.start()
for t in threads:
    t.join()
c.eq("100 registrations at once: all answered ok", 100, sum(1 for r in results if r.get("ok")))
d.stop()
m = re.findall(r"state: (\d+) journal writes", d.log_text())
writes = int(m[0]) if m else -1
print("# 100 parallel registrations took %d journal writes" % writes)
c.ok("group commit: fewer journal writes than registrations (%d)" % writes, 0 < writes < 100)
d.start()
c.eq("and all 100 are back after a restart", 100,
     len([p for p in d.probes() if p["title"].startswith(P + "B")]))
d.stop()

# --- a full disk ---------------------------------------------------------------
mnt = os.path.join(env.tmp, "tiny")
os.mkdir(mnt, 0o700)
r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mnt],
                   capture_output=True, text=True)
if not c.ok("mount a 256 KiB tmpfs for the state", r.returncode == 0, r.stderr):
    env.finish()


def umount():
    subprocess.run(["umount", "-l", mnt], capture_output=True)


env_cleanup = env.cleanup


def cleanup():
    env_cleanup()
    umount()


env.cleanup = cleanup
import atexit  # noqa: E402
atexit.register(umount)

state_dir = os.path.join(mnt, "db")
d = env.daemon(["--cooldown", "0"], state=os.path.join(state_dir, "state.json"),
               name="full").start()
c.ok("register KEEP while there is room", d.add(J, P + "KEEP", "true").get("ok"))
keep_pid = [p["pid"] for p in d.probes() if p["title"] == P + "KEEP"][0]

# tmpfs (like any filesystem) fails a write only when it needs a new page:
# pad the journal to a page boundary first, so that the next append needs
# one. Then fill the filesystem.
journal = os.path.join(state_dir, "state.json.journal")
size = lambda: os.path.getsize(journal)  # noqa: E731
s1 = size()
c.ok("pad 0", d.add(J, P + "PAD0", "true #").get("ok"))
rec0 = size() - s1
n = 1
while size() % 4096:
    need = (-size()) % 4096
    k = min(need - rec0, 3000) if need >= rec0 else 3000
    r = d.add(J, P + "PAD%d" % n, "true #" + "x" * k)
    if not r.get("ok"):
        c.ok("pad %d" % n, False, str(r))
        break
    n += 1
    if n > 20:
        break
c.eq("the journal ends on a page boundary", 0, size() % 4096)
npads = n
filler = os.path.join(mnt, "filler")
subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4096"], capture_output=True)
c.ok("the state's filesystem is full", os.statvfs(mnt).f_bavail == 0)

want = "state not saved: No space left on device (%s): probe not registered" % state_dir
answers = [d.cli("-c", "true", "-j", J, "-t", P + "F%02d" % i) for i in range(20)]
c.eq("full disk: 20 of 20 registrations refused", 20,
     sum(1 for a in answers if a.returncode == 73))
c.ok("with the clear reason", all(a.stderr.strip() == "jaildaemon: " + want for a in answers),
     answers[0].stderr)
c.ok("none of them is registered", not any(p["title"].startswith(P + "F") for p in d.probes()))
c.ok("and none of their probes is left running", jdtest.wait_for(
    lambda: pgrep_count("^" + P + "F") == 0, 3))
r = d.add(J, P + "KEEP", "echo replaced")
c.ok("a replace is refused too", not r.get("ok") and "probe not registered" in r.get("error", ""),
     str(r))
p = [p for p in d.probes() if p["title"] == P + "KEEP"]
c.ok("and the probe it would replace stays, in the same process",
     len(p) == 1 and p[0]["pid"] == keep_pid and p[0]["command"] == "true", str(p))
r = d.cli("-x", "-j", J, "-t", P + "KEEP")
c.ok("a remove is refused", r.returncode == 73 and "state not saved: No space left on device"
     in r.stderr and "probe not removed" in r.stderr, r.stderr)
c.ok("and the probe stays", any(p["title"] == P + "KEEP" and p["pid"] == keep_pid
                                for p in d.probes()))
c.ok("the daemon keeps serving (ping)", d.ping())
c.ok("each refusal has its audit line",
     d.log_text().count("refused request from uid 0: state not saved") == 22)

os.unlink(filler)
r = d.cli("-c", "true", "-j", J, "-t", P + "AFTER")
c.ok("room again: a registration works at once", r.returncode == 0, r.stderr)

d.kill9()
d.start()
titles = sorted(p["title"] for p in d.probes())
c.eq("kill -9 and restart: exactly what was acknowledged", sorted(
    [P + "KEEP", P + "AFTER"] + [P + "PAD%d" % i for i in range(npads)]), titles)
d.stop()
env.finish()
