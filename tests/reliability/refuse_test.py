#!/usr/bin/env python3
"""Refused with a one-line reason: unknown and dying jails, uids and gids
that do not exist in the jail, empty, long, newline and control-character
titles. And the probe cannot be traced by a process of its own uid."""

import ctypes
import os
import signal
import subprocess
import time

import jdtest

env = jdtest.Env("refuse")
c = env.checks
jail = env.jail()
J = str(jail.leader)
d = env.daemon().start()


def refused(what, args, code, text):
    r = d.cli("-c", "true", *args)
    lines = r.stderr.strip().splitlines()
    good = r.returncode == code and len(lines) >= 1 and text in lines[0]
    c.ok("%s -> %s" % (what, lines[0] if lines else "(nothing)"), good,
         "rc %d: %r" % (r.returncode, r.stderr))


# Titles, checked by the client already (usage error) ...
refused("empty title", ["-j", J, "-t", ""], 64, "title is empty")
refused("129-byte title", ["-j", J, "-t", "T" * 129], 64, "longer than 128")
refused("newline in title", ["-j", J, "-t", "A\nB"], 64, "control")
refused("escape in title", ["-j", J, "-t", "A\x1b]0;x\x07"], 64, "control")
refused("DEL in title", ["-j", J, "-t", "A\x7f"], 64, "control")
# ... jails and ids by the daemon.
refused("unknown jail (no such pid)", ["-j", "4194303", "-t", "R1"], 68, "no such jail")
refused("not a jail (a host process)", ["-j", str(os.getpid()), "-t", "R1"], 68,
        "not in a container")
refused("bad jail spec", ["-j", "web!", "-t", "R1"], 64, "bad jail")
refused("uid not in the jail", ["-j", J, "-t", "R1", "-u", "4000000"], 67,
        "uid 4000000 not in the jail's /etc/passwd")
refused("gid not in the jail", ["-j", J, "-t", "R1", "-g", "4000000"], 67,
        "gid 4000000 not in the jail's /etc/group")
refused("existing uid, gid not in the jail", ["-j", J, "-t", "R1", "-u", "65534", "-g",
                                              "4000000"], 67, "gid 4000000")
refused("uid out of range", ["-j", J, "-t", "R1", "-u", "4294967295"], 64, "-u wants a number")
r = d.cli("-c", "true", "-j", J, "-t", "NOBODY", "-u", "65534")
c.ok("an existing uid is accepted", r.returncode == 0, r.stderr)
c.eq("nothing but that one was registered", ["NOBODY"], [p["title"] for p in d.probes()])

# A dying jail: its leader is a zombie (its parent, unshare, is stopped).
dying = env.jail()
os.kill(dying.unshare.pid, signal.SIGSTOP)
os.kill(dying.leader, signal.SIGKILL)
time.sleep(0.2)
r = d.cli("-c", "true", "-j", str(dying.leader), "-t", "R2")
c.ok("a dying jail (zombie leader) is refused: " + r.stderr.strip(),
     r.returncode != 0 and r.stderr.count("\n") == 1 and str(dying.leader) in r.stderr,
     r.stderr)
os.kill(dying.unshare.pid, signal.SIGCONT)

# A jail that dies with probes in it: they are forgotten, with a log line.
short = env.jail()
for t in ("DIE1", "DIE2"):
    d.add(short.leader, t, "true")
short.stop()
c.ok("probes of a jail that stopped are forgotten",
     jdtest.wait_for(lambda: [p["title"] for p in d.probes()] == ["NOBODY"], 5))
c.ok("with a log line", "ended without trigger" in d.log_text())

# Anti-tracing: the probe (uid 65534) is not dumpable, so a process of the
# same uid cannot ptrace it; a plain process of that uid can be (control).
ppid = [p["pid"] for p in d.probes() if p["title"] == "NOBODY"][0]
c.eq("/proc/PID/mem of the probe belongs to root (not dumpable)", 0,
     os.stat("/proc/%d/mem" % ppid).st_uid)
with open("/proc/%d/status" % ppid) as f:
    uid_line = [l for l in f if l.startswith("Uid:")][0].split()
c.eq("the probe runs as uid 65534", "65534", uid_line[1])


def ptrace_as_nobody(target):
    pid = os.fork()
    if pid == 0:
        os.setgid(65534)
        os.setuid(65534)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        r = libc.ptrace(16, target, None, None)  # PTRACE_ATTACH
        os._exit(0 if r == 0 else 1)
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st) == 0


control = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "sleep", "30"])
time.sleep(0.2)
c.ok("control: a plain uid-65534 process can be traced by uid 65534",
     ptrace_as_nobody(control.pid))
control.kill()
control.wait()
c.ok("the probe cannot be traced by uid 65534", not ptrace_as_nobody(ppid))
mem_ok = True
try:
    pid = os.fork()
    if pid == 0:
        os.setgid(65534)
        os.setuid(65534)
        try:
            open("/proc/%d/environ" % ppid, "rb").read()
            os._exit(1)
        except OSError:
            os._exit(0)
    _, st = os.waitpid(pid, 0)
    mem_ok = os.waitstatus_to_exitcode(st) == 0
except OSError:
    mem_ok = False
c.ok("nor can it read the probe's /proc/PID/environ", mem_ok)
c.ok("the probe still answers to SIGHUP after all that", jail.trigger("NOBODY"))
env.finish()
