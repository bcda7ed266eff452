#!/usr/bin/env python3
"""--syslog against a real /dev/log: the test owns a datagram socket and
the daemon runs in a mount namespace of its own in which /dev is a private
tmpfs whose log is that socket (the host's /dev is not touched). Checked:
the facility (daemon) and the level of each kind of line (info for a
registration and a command's audit line, warning for a refused request's
audit line, err for a corrupt state file), the ident and pid, and that the
log file gets none of it."""

import os
import re
import signal
import socket
import subprocess
import sys

if len(sys.argv) > 1 and sys.argv[1] == "--inner":
    # In the new mount namespace: /dev becomes a tmpfs with the few devices
    # the daemon opens and log bound to the test's socket; then the daemon.
    old, sock, argv = sys.argv[2], sys.argv[3], sys.argv[4:]

    def mount(*a):
        subprocess.run(["mount"] + list(a), check=True)

    mount("--make-rprivate", "/")
    mount("--bind", "/dev", old)
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/dev")
    for dev in ("null", "zero", "full", "random", "urandom", "log"):
        open("/dev/" + dev, "w").close()
        mount("--bind", sock if dev == "log" else os.path.join(old, dev), "/dev/" + dev)
    os.execv(argv[0], argv)

import jdtest  # noqa: E402

env = jdtest.Env("syslog")
c = env.checks
jail = env.jail()
J = str(jail.leader)
devlog = os.path.join(env.tmp, "devlog")
listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
listener.bind(devlog)
listener.settimeout(0.2)
olddev = os.path.join(env.tmp, "olddev")
os.mkdir(olddev)
out = os.path.join(env.tmp, "out")
T = "SYSLOG%d" % os.getpid()

# A corrupt state file: the daemon moves it aside and says so at level err.
d = env.daemon(["--syslog"])
d.extra += ["--log", d.log]  # the detached daemon's stderr: must stay empty of log lines
os.makedirs(os.path.dirname(d.state), mode=0o700)
with open(d.state, "w") as f:
    f.write("{not json\n")
os.chmod(d.state, 0o600)
r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                    os.path.abspath(__file__), "--inner", olddev, devlog] +
                   [a for a in d.argv() if a != "-F"], stdin=subprocess.DEVNULL,
                   capture_output=True, text=True, timeout=60)
c.eq("the daemon started in its mount namespace (detached)", 0, r.returncode)
if r.returncode:
    print(r.stderr)
pid = int(open(d.pidfile).read().split()[0]) if os.path.exists(d.pidfile) else 0
c.ok("host /dev has no log (not touched)", not os.path.lexists("/dev/log") or
     os.stat("/dev/log").st_ino != os.stat(devlog).st_ino)

c.ok("register a probe", d.add(J, T, "echo x >> " + out, respawn="none").get("ok"))
c.ok("trigger it", jail.trigger(T))
jdtest.wait_for(lambda: os.path.exists(out), 5)
bad = d.raw(b'{"op":"frobnicate"}\n')
c.ok("a bad request is refused", b'"ok":false' in bad, bad.decode(errors="replace"))

msgs = []


def more():
    try:
        while True:
            msgs.append(listener.recv(65536).decode(errors="replace"))
    except socket.timeout:
        pass
    return msgs


def find(pattern):
    more()
    for m in msgs:
        if re.search(pattern, m):
            return m
    return None


LINE = re.compile(r"^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d jaildaemon\[(\d+)\]: (.*)$", re.S)


def level(pattern):
    m = jdtest.wait_for(lambda: find(pattern), 5)
    p = m and LINE.match(m)
    if not p:
        return None, None, m
    pri = int(p.group(1))
    return pri >> 3, pri & 7, int(p.group(2))


LOG_DAEMON = 3
INFO, WARNING, ERR = 6, 4, 3
for what, pattern, lvl in (
        ("start-up line", r"listening on ", INFO),
        ("registration", r"probe \d+ \"%s\" in jail .* registered" % T, INFO),
        ("audit line of the command's run", r"audit: trigger of probe \d+ \"%s\".*exit 0" % T,
         INFO),
        ("audit line of the refused request", r"audit: refused request from uid 0: ", WARNING),
        ("corrupt state file", r"STATE FILE .* IS CORRUPT", ERR)):
    fac, sev, who = level(pattern)
    c.ok("%s: facility daemon, level %d, ident jaildaemon[%d]" % (what, lvl, pid),
         fac == LOG_DAEMON and sev == lvl and who == pid,
         "facility %r level %r pid %r" % (fac, sev, who))
if pid:
    os.kill(pid, signal.SIGTERM)
    c.ok("stop is logged", jdtest.wait_for(lambda: find(r"^<30>.*: stopped$"), 10))
    if not jdtest.wait_for(lambda: not os.path.exists("/proc/%d" % pid), 10):
        os.kill(pid, signal.SIGKILL)
c.ok("the log file (--log) holds none of it (each line goes to one place)",
     os.path.exists(d.log) and "registered" not in d.log_text() and
     "listening on" not in d.log_text())
if c.fails:
    print("\n".join("# syslog: " + m for m in msgs))
env.finish()
