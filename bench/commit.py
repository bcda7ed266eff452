#!/usr/bin/env python3
"""Registration round trip with group commit, state on disk.

    bench/commit.py [--smoke] [--bin DIR] [--dir DIR] [--count N] [--rounds N]

Starts `jaildaemon -D -F` (DIR/jaildaemon, DIR/jaildaemon-probe; default
build/core) with its state file on a real disk (default /var/tmp, not a
tmpfs: the fsync must cost what it costs), one namespace jail (unshare), and
measures, over the control socket:

1. the round trip of one registration at a time (connect, add, the reply
   that comes only after the journal's fdatasync): median, p90, p99;
2. the burst: 100 registrations sent at once from 100 connections, wall time
   until the last is answered, and how many journal writes they took;
3. for scale, one bare 200-byte append + fdatasync on the same disk.

--smoke: a few samples, a few seconds (CI). Needs root (namespaces).
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--smoke", action="store_true")
ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "core"))
ap.add_argument("--dir", default="/var/tmp")
ap.add_argument("--count", type=int, default=0, help="one-at-a-time registrations")
ap.add_argument("--rounds", type=int, default=0, help="bursts of 100")
a = ap.parse_args()
count = a.count or (30 if a.smoke else 1000)
rounds = a.rounds or (1 if a.smoke else 10)
jd = os.path.abspath(os.path.join(a.bin, "jaildaemon"))
probe = os.path.abspath(os.path.join(a.bin, "jaildaemon-probe"))
if os.geteuid() != 0:
    print("bench/commit.py: needs root (namespace jail)")
    sys.exit(77)
for f in (jd, probe):
    if not os.access(f, os.X_OK):
        print("bench/commit.py: %s is missing (meson compile -C build)" % f)
        sys.exit(1)

work = tempfile.mkdtemp(prefix="jdbench-commit.", dir=a.dir)
os.chmod(work, 0o711)
fstype = subprocess.run(["stat", "-f", "-c", "%T", work], capture_output=True,
                        text=True).stdout.strip()
jail = subprocess.Popen(["unshare", "--kill-child", "--pid", "--mount", "--uts", "--ipc", "--net", "--fork",
                         "--mount-proc", "sleep", "100000"], stdin=subprocess.DEVNULL)
daemons = []


def leader():
    for _ in range(250):
        try:
            with open("/proc/%d/task/%d/children" % (jail.pid, jail.pid)) as f:
                kids = f.read().split()
            if kids:
                return kids[0]
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("no jail")


J = leader()


class Daemon:
    def __init__(self, name):
        self.sock = os.path.join(work, name + ".sock")
        self.log = os.path.join(work, name + ".log")
        self.argv = [jd, "-D", "-F", "-p", os.path.join(work, name + ".pid"), "-f", self.sock,
                     "--probe", probe, "--state", os.path.join(work, name, "state.json"),
                     "--cooldown", "0"]
        with open(self.log, "a") as lf:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=lf,
                                         stderr=lf)
        daemons.append(self)
        for _ in range(500):
            try:
                if self.request({"op": "ping"}).get("ok"):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("daemon did not start")

    def request(self, req):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)
        s.connect(self.sock)
        s.sendall((json.dumps(req) + "\n").encode())
        out = b""
        while not out.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        return json.loads(out)

    def add(self, title):
        return self.request({"op": "add", "jail": J, "title": title, "command": "true",
                             "respawn": "after"})

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        m = re.findall(r"state: (\d+) journal writes", open(self.log).read())
        return int(m[-1]) if m else -1


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


try:
    # 3. the disk's own append + fdatasync
    path = os.path.join(work, "raw")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    raw = []
    for i in range(20 if a.smoke else 200):
        t0 = time.perf_counter()
        os.write(fd, b"x" * 199 + b"\n")
        os.fdatasync(fd)
        raw.append((time.perf_counter() - t0) * 1000)
    os.close(fd)

    # 1. one at a time
    d = Daemon("serial")
    rt = []
    for i in range(count):
        t0 = time.perf_counter()
        r = d.add("S%05d" % i)
        rt.append((time.perf_counter() - t0) * 1000)
        if not r.get("ok"):
            raise RuntimeError("add failed: %r" % r)
    serial_writes = d.stop()

    # 2. bursts of 100, a fresh daemon each
    walls, writes = [], []
    for rnd in range(rounds):
        d = Daemon("burst%d" % rnd)
        go = threading.Barrier(101)
        oks = []

        def one(i):
            go.wait()
            oks.append(d.add("B%03d" % i).get("ok"))

        ts = [threading.Thread(target=one, args=(i,)) for i in range(100)]
        for t in ts:
            t.start()
        go.wait()
        t0 = time.perf_counter()
        for t in ts:
            t.join()
        walls.append((time.perf_counter() - t0) * 1000)
        if sum(1 for o in oks if o) != 100:
            raise RuntimeError("burst: %d of 100 answered ok" % sum(1 for o in oks if o))
        writes.append(d.stop())

    print("state on %s (%s), %d one-at-a-time registrations, %d bursts of 100"
          % (a.dir, fstype, count, rounds))
    print("| measure | median | p90 | p99 |")
    print("| --- | --- | --- | --- |")
    print("| registration round trip (ms) | %.2f | %.2f | %.2f |"
          % (statistics.median(rt), pct(rt, 90), pct(rt, 99)))
    print("| bare 200-byte append + fdatasync (ms) | %.2f | %.2f | %.2f |"
          % (statistics.median(raw), pct(raw, 90), pct(raw, 99)))
    print("| burst of 100 in parallel, wall (ms) | %.1f | %.1f | %.1f |"
          % (statistics.median(walls), pct(walls, 90), pct(walls, 99)))
    print("| journal writes per burst of 100 | %d | %d | %d |"
          % (statistics.median(writes), pct(writes, 90), pct(writes, 99)))
    print("one at a time: %d registrations took %d journal writes (one each: nothing to share)"
          % (count, serial_writes))
finally:
    for d in daemons:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
    jail.kill()
    jail.wait()
    subprocess.run(["pkill", "-KILL", "-f", "^(S[0-9]{5}|B[0-9]{3})$"], capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
