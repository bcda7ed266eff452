"""Shared helpers of the reliability tests: a private daemon per test, real
namespace jails, raw socket requests, TAP-like output.

Environment (set by meson): JAILDAEMON (the binary), JAILDAEMON_PROBE;
FBSDSIM=1 in the freebsd-sim suite: the binaries run the FreeBSD backend over
the simulation of tests/freebsd-sim/ (its README.md), and every jail made
here is also registered as a simulated FreeBSD jail (as tests/e2e/lib.sh
does, with tests/freebsd-sim/jail.sh): Jail.spec, what -j takes, is then its
name instead of the leader's pid.
Tests need root (namespaces): they skip (77) when not root, and fail when
CI=true.
"""

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

JD = os.environ.get("JAILDAEMON", "")
PROBE = os.environ.get("JAILDAEMON_PROBE", "")
FBSDSIM = bool(os.environ.get("FBSDSIM"))
SIM_JAIL_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "freebsd-sim",
                           "jail.sh")

# Anything a sanitizer says in a daemon log is a failure.
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")


def need_root():
    if not JD or not PROBE:
        print("FAIL: JAILDAEMON and JAILDAEMON_PROBE must be set")
        sys.exit(1)
    if os.geteuid() != 0:
        print("SKIP: needs root (namespaces, setns)")
        if os.environ.get("CI") == "true":
            print("FAIL: CI=true: root-only tests must run")
            sys.exit(1)
        sys.exit(77)
    for tool in ("unshare", "nsenter", "pkill", "pgrep"):
        if not shutil.which(tool):
            print("FAIL: %s is missing" % tool)
            sys.exit(1)


class Checks:
    def __init__(self):
        self.fails = 0
        self.count = 0

    def ok(self, what, cond, detail=""):
        self.count += 1
        if cond:
            print("ok %d - %s" % (self.count, what))
        else:
            self.fails += 1
            print("not ok %d - %s%s" % (self.count, what, (": " + detail) if detail else ""))
        sys.stdout.flush()
        return cond

    def eq(self, what, expected, actual):
        return self.ok(what, expected == actual, "expected %r, got %r" % (expected, actual))


def wait_for(pred, seconds=5.0, step=0.02):
    end = time.monotonic() + seconds
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            return v
        time.sleep(step)


class Jail:
    """A namespace jail: unshare's child is the leader, `-j LEADER`; under
    FBSDSIM also a simulated FreeBSD jail, `-j NAME` (spec), with a jid."""

    count = 0

    def __init__(self):
        self.unshare = subprocess.Popen(
            ["unshare", "--pid", "--mount", "--uts", "--ipc", "--net", "--fork",
             "--mount-proc", "sleep", "1000"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.leader = wait_for(self._leader, 5)
        if not self.leader:
            raise RuntimeError("unshare did not start a jail")
        self.spec = str(self.leader)
        self.jid = 0
        if FBSDSIM:
            Jail.count += 1
            name = "rel%d_%d" % (os.getpid(), Jail.count)
            r = subprocess.run(
                ["bash", "-c", '. "$0" && sim_register "$1" "$2" && echo "$SIM_JID"',
                 SIM_JAIL_SH, str(self.leader), name], capture_output=True, text=True)
            if r.returncode != 0 or not r.stdout.strip().isdigit():
                raise RuntimeError("sim_register failed: %s" % r.stderr)
            self.jid = int(r.stdout)
            self.spec = name

    def _leader(self):
        try:
            with open("/proc/%d/task/%d/children" % (self.unshare.pid, self.unshare.pid)) as f:
                kids = f.read().split()
            return int(kids[0]) if kids else 0
        except OSError:
            return 0

    def run(self, *argv, **kw):
        """Run argv inside the jail (pid and mount namespaces)."""
        return subprocess.run(["nsenter", "-t", str(self.leader), "-p", "-m", "--"] + list(argv),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, **kw)

    def trigger(self, title):
        return self.run("pkill", "-HUP", "-f", "^" + re.escape(title) + "$").returncode == 0

    def stop(self):
        if self.jid:
            # The simulated jail is removed: its leader killed, its entry gone.
            subprocess.run(["bash", "-c", '. "$0" && sim_remove "$1" "$2"', SIM_JAIL_SH,
                            str(self.jid), str(self.leader)], capture_output=True)
            self.jid = 0
        # The leader first: SIGKILL to a pid namespace's init ends it all.
        if self.leader and self.unshare.poll() is None:
            try:
                os.kill(self.leader, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.leader = 0
        if self.unshare.poll() is None:
            self.unshare.kill()
        self.unshare.wait()


class Daemon:
    """A daemon in the foreground (-F) with its own socket, pidfile, state."""

    def __init__(self, tmp, extra=(), state=None, name="d"):
        self.tmp = tmp
        self.sock = os.path.join(tmp, name + ".sock")
        self.pidfile = os.path.join(tmp, name + ".pid")
        self.state = state or os.path.join(tmp, "state", "state.json")
        self.log = os.path.join(tmp, name + ".log")
        self.extra = list(extra)
        self.proc = None

    def argv(self):
        return [JD, "-D", "-F", "-p", self.pidfile, "-f", self.sock, "--probe", PROBE,
                "--state", self.state] + self.extra

    def start(self, expect_ready=True):
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=logf,
                                     stderr=logf)
        logf.close()
        if expect_ready and not wait_for(lambda: self.ping() or self.proc.poll() is not None, 20):
            raise RuntimeError("daemon did not answer within 20 s")
        if expect_ready and self.proc.poll() is not None:
            raise RuntimeError("daemon exited: %s" % self.log_text()[-2000:])
        return self

    @property
    def pid(self):
        return self.proc.pid

    def ping(self):
        try:
            r = self.request(b'{"op":"ping"}\n', timeout=2)
            return r.get("ok") is True
        except (OSError, ValueError):
            return False

    def raw(self, data, timeout=10.0, shut=True):
        """Send bytes, return the raw answer (until EOF)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.sock)
        try:
            if data:
                s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out
                out += chunk
        finally:
            s.close()

    def request(self, data, timeout=10.0):
        if isinstance(data, dict):
            data = (json.dumps(data) + "\n").encode()
        return json.loads(self.raw(data, timeout))

    def probes(self):
        r = self.request({"op": "list"})
        return r.get("probes", [])

    def add(self, jail, title, command, respawn="after", **kw):
        req = {"op": "add", "jail": str(jail), "title": title, "command": command,
               "respawn": respawn}
        req.update(kw)
        return self.request(req)

    def cli(self, *args):
        return subprocess.run([JD, "-f", self.sock] + list(args), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def sockets(self):
        """The daemon's socket descriptors, as their "socket:[INODE]" names."""
        d = "/proc/%d/fd" % self.pid
        out = set()
        for fd in os.listdir(d):
            try:
                target = os.readlink(os.path.join(d, fd))
            except OSError:
                continue  # closed meanwhile
            if target.startswith("socket:"):
                out.add(target)
        return out

    def rss_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def zombies():
    """Zombie processes on the machine, as (pid, ppid, comm)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        rest = st[st.rfind(")") + 2:].split()
        if rest[0] == "Z":
            out.append((int(d), int(rest[1]), st[st.find("(") + 1:st.rfind(")")]))
    return out


class Env:
    """One test's world: temp dir, daemons, jails; cleaned up on exit."""

    def __init__(self, name):
        need_root()
        self.tmp = tempfile.mkdtemp(prefix="jaildaemon-%s." % name)
        os.chmod(self.tmp, 0o711)
        self.checks = Checks()
        self.daemons = []
        self.jails = []
        # Also after an uncaught exception: no daemon or jail may outlive the
        # test (a jail holding meson's stdout would stall the whole run).
        atexit.register(self.cleanup)

    def cleanup(self):
        for d in self.daemons:
            d.stop()
        for j in self.jails:
            j.stop()

    def daemon(self, extra=(), **kw):
        d = Daemon(self.tmp, extra, **kw)
        self.daemons.append(d)
        return d

    def jail(self):
        j = Jail()
        self.jails.append(j)
        return j

    def finish(self):
        for d in self.daemons:
            d.stop()
        for d in self.daemons:
            self.checks.ok("no sanitizer report in %s" % os.path.basename(d.log),
                           not SANITIZER.search(d.log_text()))
        for j in self.jails:
            j.stop()
        if self.checks.fails or os.environ.get("KEEP"):
            for d in self.daemons:
                print("--- %s" % d.log)
                print(d.log_text()[-6000:])
        if not os.environ.get("KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)
        print("# %d checks, %d failed" % (self.checks.count, self.checks.fails))
        sys.exit(1 if self.checks.fails else 0)
