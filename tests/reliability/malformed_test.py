#!/usr/bin/env python3
"""Malformed, oversized, truncated, slow and out-of-range requests sent
straight to a live daemon's socket. Each must get a clear one-line error or
a timeout-close; afterwards the daemon answers a valid request and still
holds every probe, in the same processes."""

import json
import os
import socket
import threading
import time

import jdtest

env = jdtest.Env("malformed")
c = env.checks
jail = env.jail()
d = env.daemon().start()
J = str(jail.leader)
marker = os.path.join(env.tmp, "mal3")
for t in ("MAL1", "MAL2"):
    c.ok("register " + t, d.add(J, t, "true").get("ok"))
c.ok("register MAL3", d.add(J, "MAL3", "touch " + marker, respawn="none").get("ok"))
before = sorted((p["id"], p["pid"]) for p in d.probes())


def req(**kw):
    return (json.dumps(kw) + "\n").encode()


def add(**kw):
    base = {"op": "add", "jail": J, "title": "MALX", "command": "true"}
    base.update(kw)
    for k in [k for k, v in base.items() if v is None]:
        del base[k]
    return (json.dumps(base) + "\n").encode()


# (name, bytes, what the error must mention or None for any clear error)
CASES = [
    ("empty line", b"\n", "malformed JSON"),
    ("blanks", b"   \t \n", "malformed JSON"),
    ("not JSON", b"hello daemon\n", "malformed JSON"),
    ("open brace", b"{\n", "malformed JSON"),
    ("truncated object, EOF", b'{"op":"ping"', "not terminated"),
    ("truncated add, EOF", b'{"op":"add","jail":"' + J.encode(), "not terminated"),
    ("control bytes", b"\x00\x01\x02\x03\n", "malformed JSON"),
    ("binary junk", bytes(range(256)) * 4 + b"\n", None),
    ("invalid UTF-8 in a string", b'{"op":"ping","x":"\xff\xfe"}\n', None),
    ("array", b"[]\n", "JSON object"),
    ("string", b'"ping"\n', "JSON object"),
    ("null", b"null\n", "JSON object"),
    ("number", b"42\n", "JSON object"),
    ("no op", b"{}\n", "missing \"op\""),
    ("op not a string", b'{"op":42}\n', "must be a string"),
    ("op in capitals", b'{"op":"PING"}\n', "unknown op"),
    ("unknown op", b'{"op":"reboot"}\n', "unknown op"),
    ("unknown key", b'{"op":"ping","extra":1}\n', "unknown key"),
    ("100 levels deep", b'{"op":"ping","a":' + b"[" * 100 + b"]" * 100 + b"}\n", None),
    ("two objects on one line", b'{"op":"ping"}{"op":"ping"}\n', "malformed JSON"),
    ("NUL in op", b'{"op":"ping\\u0000"}\n', "unknown op"),
    ("lone surrogate", add(title="\ud800").replace(b"\\ud800", b"\\ud800"), None),
    ("10 KB key", b'{"op":"ping","' + b"k" * 10000 + b'":1}\n', "unknown key"),
    ("1000 keys", ("{" + ",".join('"k%d":%d' % (i, i) for i in range(1000)) +
                   ',"op":"ping"}\n').encode(), "unknown key"),
    ("20 KB line", b'{"op":"ping","x":"' + b"a" * 20000 + b'"}\n', "longer than"),
    ("20 KB, no newline", b"a" * 20000, "longer than"),
    ("1 MB of junk", b"x" * (1 << 20), "longer than"),
    ("add: no command", add(command=None), "missing \"command\""),
    ("add: no jail", add(jail=None), "missing \"jail\""),
    ("add: no title", add(title=None), "missing \"title\""),
    ("add: empty command", add(command=""), "command"),
    ("add: blank command", add(command="  \t "), "blank"),
    ("add: control char in command", add(command="true\u0001"), "control"),
    ("add: 5000-byte command", add(command="x" * 5000), "longer than"),
    ("add: empty title", add(title=""), "title is empty"),
    ("add: 200-byte title", add(title="T" * 200), "longer than"),
    ("add: newline in title", add(title="A\nB"), "control"),
    ("add: tab in title", add(title="A\tB"), "control"),
    ("add: escape in title", add(title="A\u001b[2JB"), "control"),
    ("add: title with leading space", add(title=" MAL"), "space"),
    ("add: non-ASCII title", add(title="MAL\u00e9"), "non-ASCII"),
    ("add: empty jail", add(jail=""), "jail"),
    ("add: jail with a space", add(jail="1 2"), "jail"),
    ("add: pid out of range", add(jail="99999999"), "bad jail"),
    ("add: no such pid", add(jail="4194303"), "no such jail"),
    ("add: a host process", add(jail=str(os.getpid())), "not in a container"),
    ("add: host pseudo-jail refused", add(jail="host"), "--allow-host"),
    ("add: pid:abc", add(jail="pid:abc"), "bad jail"),
    ("add: negative pid", add(jail="-5"), "bad jail"),
    ("add: unresolved docker:", add(jail="docker:web"), "bad jail"),
    ("add: bad respawn", add(respawn="sometimes"), "respawn"),
    ("add: respawn a number", add(respawn=1), "must be a string"),
    ("add: uid -1", add(uid=-1), "non-negative"),
    ("add: uid 2^32-1", add(uid=4294967295), "out of range"),
    ("add: uid 2^64", b'{"op":"add","jail":"1","title":"X","command":"true",'
                      b'"uid":18446744073709551616}\n', None),
    ("add: uid a float", add(uid=1.5), "non-negative integer"),
    ("add: uid a string of digits", add(uid="0"), "must be a number or a user/group name"),
    ("add: uid not in the jail", add(uid=4000000), "not in the jail's /etc/passwd"),
    ("add: gid not in the jail", add(gid=4000000), "not in the jail's /etc/group"),
    ("add: uid 1e400", b'{"op":"add","jail":"1","title":"X","command":"true","uid":1e400}\n',
     None),
    ("remove: nothing named", req(op="remove"), "needs an id or a jail"),
    ("remove: id and jail", req(op="remove", id=1, jail=J), "not both"),
    ("remove: id -1", req(op="remove", id=-1), "non-negative"),
    ("remove: id 2^53", req(op="remove", id=1 << 53), "out of range"),
    ("remove: id a string", req(op="remove", id="1"), "non-negative integer"),
    ("remove: no such id", req(op="remove", id=999999), "no probe with id"),
    ("remove: no such jail", req(op="remove", jail="4194303"), "no probe matches"),
    ("list: with an id", req(op="list", id=1), "only an optional jail"),
    ("list: with a title", req(op="list", title="MAL1"), "only an optional jail"),
]


def send(data, shut=True, timeout=15):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(d.sock)
    try:
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the daemon may close early on an oversized request
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def clear_error(name, raw, must):
    try:
        r = json.loads(raw)
    except ValueError:
        return c.ok(name, False, "no JSON answer: %r" % raw[:200])
    one_line = raw.endswith(b"\n") and raw.count(b"\n") == 1
    good = (r.get("ok") is False and isinstance(r.get("error"), str) and r["error"] and
            one_line and isinstance(r.get("code"), int) and
            (must is None or must in r["error"]))
    return c.ok(name + " -> " + (r.get("error") or "")[:70], good, repr(r)[:300])


for name, data, must in CASES:
    clear_error(name, send(data), must)
    if not d.ping():
        c.ok("daemon alive after " + name, False)
        break

# Slow clients, all at once: byte-at-a-time never finishing, silent, and a
# valid request too slow to finish in time. Each is closed after 5 s.
results = {}


def slow(name, chunks, gap):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(d.sock)
    t0 = time.monotonic()
    out = b""
    try:
        for ch in chunks:
            s.sendall(ch)
            time.sleep(gap)
    except OSError:
        pass  # closed by the daemon: its answer is still there to read
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    results[name] = (out, time.monotonic() - t0)
    s.close()


slow_cases = [
    ("slow: byte at a time, never finishing",
     [bytes([b]) for b in b'{"op":"list","jail":"' + b"1" * 60], 0.1),
    ("slow: connect and say nothing", [], 0),
    ("slow: valid request at 2 bytes a second",
     [bytes([b]) for b in b'{"op":"ping"}\n'], 0.5),
]
threads = [threading.Thread(target=slow, args=sc) for sc in slow_cases]
t0 = time.monotonic()
for t in threads:
    t.start()
c.ok("a valid request is answered while slow clients hang", d.ping())
for t in threads:
    t.join(30)
for name, _, _ in slow_cases:
    out, took = results.get(name, (b"", 99))
    closed = 4.5 < took < 9
    err = out and b"within 5 s" in out
    c.ok("%s -> closed after %.1f s" % (name, took), closed and err, repr(out)[:200])

# A flood of 100 silent connections: past 64 open sessions the daemon stops
# accepting (logged) and the rest wait in the listen queue; all are closed
# after 5 s each, and a jail's trigger is served meanwhile (triggers need no
# session).
flood = []
for i in range(100):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(d.sock)
    flood.append(s)
c.ok("a trigger is served during a connection flood", jail.trigger("MAL3") and
     jdtest.wait_for(lambda: os.path.exists(marker), 5))
c.ok("connections past 64 wait, with an audit line",
     jdtest.wait_for(lambda: "64 sessions open; further connections wait" in d.log_text(), 5))
c.ok("after the flood times out, a valid request is answered",
     jdtest.wait_for(d.ping, 10))
for s in flood:
    s.close()
before = [b for b in before if b[0] != 3]

# Half-closed without a byte, and a connection dropped at once.
clear_error("EOF without a byte", send(b""), "not terminated")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(d.sock)
s.close()
c.ok("a connection dropped at once does no harm", d.ping())

# Only root may connect at all: the socket is 0600.
pid = os.fork()
if pid == 0:
    try:
        os.setgid(65534)
        os.setuid(65534)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(d.sock)
        os._exit(1)
    except PermissionError:
        os._exit(0)
    except BaseException:
        os._exit(2)
_, st = os.waitpid(pid, 0)
c.eq("uid 65534 cannot connect (socket mode 0600)", 0, os.waitstatus_to_exitcode(st))

n_cases = len(CASES) + len(slow_cases) + 1
print("# %d malformed requests sent" % n_cases)
c.ok("at least 50 malformed requests", n_cases >= 50)

# Afterwards: valid requests work and nothing was lost.
c.ok("ping answers", d.ping())
after = sorted((p["id"], p["pid"]) for p in d.probes())
c.eq("every probe still held, same processes", before, after)
c.ok("a valid add works", d.add(J, "MALOK", "true").get("ok"))
log = d.log_text()
refused = log.count("audit: refused request from uid 0:")
c.ok("one audit line per refused request (%d)" % refused, refused >= n_cases - 1)
c.ok("log lines are single lines (no raw newline from a title)",
     "\nB" not in log and "\x1b" not in log)
env.finish()
