"""Systematic fault injection into the daemon's state I/O with strace.

One fixed burst against a daemon whose state already holds three probes (a
snapshot and a journal): the daemon starts (load, then a compaction: new
snapshot, new journal), seven requests one after another (adds, a replace,
removes), then SIGTERM (a last compaction). strace traces the daemon alone
(no -f: its probes and commands are not followed) and only the calls that
touch the state directory or its files (-P), so "the N-th call" means the
N-th of those. A dry run lists them; then each one in turn is made to kill
the daemon (crash_test.py) or to fail (ioerror_test.py).

Used by crash_test.py, ioerror_test.py and bench/reliability.sh.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

import jdtest

# Every call that creates, changes, renames or removes state (and the reads
# and opens around them: a crash there is a crash point too).
CRASH_CALLS = ["write", "pwrite64", "fsync", "fdatasync", "rename", "openat", "unlink",
               "ftruncate", "mkdir"]
# What a full or broken disk makes fail: every write and every sync, and the
# renames that publish a file.
FAULT_CALLS = ["write", "pwrite64", "fsync", "fdatasync", "rename"]


def sample(points, every):
    """Every point when every <= 1; else every every-th one, starting at an
    offset that changes each day (so that CI covers them all over days) and
    always the last. Returns the chosen points."""
    if every <= 1:
        return list(points)
    off = int(time.time() // 86400) % every
    return [p for i, p in enumerate(points) if i % every == off or i == len(points) - 1]


def start(name, tag):
    """The start of crash_test.py and ioerror_test.py: the test's Env (ended,
    failed, when strace is missing), EVERY from the command line (1 unless
    given) and a Burst tagged tag in a new jail."""
    env = jdtest.Env(name)
    if not shutil.which("strace"):
        env.checks.ok("strace is installed (scripts/setup.sh)", False)
        env.finish()
    every = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    return env, every, Burst(env, env.jail(), tag)


class Burst:
    def __init__(self, env, jail, tag):
        self.env = env
        self.c = env.checks
        self.jail = str(jail.leader)
        self.P = "%s%d_" % (tag, os.getpid())
        self.root = os.path.join(env.tmp, "runs")
        os.makedirs(self.root, mode=0o700)
        self.seed_dir = os.path.join(env.tmp, "seed")
        self.runs = 0
        self._seed()

    # --- the world --------------------------------------------------------
    def _daemon(self, run):
        """A daemon of its own (socket, log, state) for one run; the Env stops
        it at the end and checks its log for sanitizer reports."""
        d = jdtest.Daemon(run, ["--cooldown", "0"], state=os.path.join(run, "st", "state.json"))
        self.env.daemons.append(d)
        return d

    def _new_run(self):
        self.runs += 1
        run = os.path.join(self.root, "r%d" % self.runs)
        os.mkdir(run, 0o711)
        shutil.copytree(self.seed_dir, os.path.join(run, "st"))
        os.chmod(os.path.join(run, "st"), 0o700)
        return run

    def _seed(self):
        """Three probes S0..S2 in a snapshot plus a journal (kill -9)."""
        run = os.path.join(self.env.tmp, "seedrun")
        os.mkdir(run, 0o711)
        d = self._daemon(run)
        d.start()
        self.seed = {}
        for i in range(3):
            t = self.P + "S%d" % i
            r = d.add(self.jail, t, "echo " + t, respawn="after")
            if not r.get("ok"):
                raise RuntimeError("seed: %r" % r)
            self.seed[t] = (r["id"], "echo " + t)
        d.kill9()
        self.wait_no_probes()
        shutil.copytree(os.path.join(run, "st"), self.seed_dir)

    def ops(self):
        """The burst: (kind, title, command or id)."""
        P = self.P
        s0 = self.seed[P + "S0"][0]
        return [("add", P + "A1", "echo A1"), ("add", P + "A2", "echo A2"),
                ("remove", P + "S0", s0), ("add", P + "A3", "echo A3"),
                ("add", P + "A1", "echo A1-replaced"), ("remove", P + "A2", None),
                ("add", P + "A4", "echo A4")]

    def pgrep(self):
        r = subprocess.run(["pgrep", "-f", "^" + self.P + "[A-Z0-9]+$"], capture_output=True,
                           text=True)
        return r.stdout.split()

    def wait_no_probes(self):
        return jdtest.wait_for(lambda: not self.pgrep(), 10)

    def strace_argv(self, run, inject):
        st = os.path.join(run, "st")
        f = os.path.join(st, "state.json")
        argv = ["strace", "-o", os.path.join(run, "trace"), "-qq"]
        for p in (st, f, f + ".tmp", f + ".journal", f + ".journal.tmp"):
            argv += ["-P", p]
        calls = sorted(set(CRASH_CALLS) | set(FAULT_CALLS))
        argv += ["-e", "trace=" + ",".join(calls)]
        if inject:
            argv += ["-e", "inject=" + inject]
        return argv

    # --- one run ----------------------------------------------------------
    def run(self, inject=None, after=False):
        """Start the daemon under strace (inject: strace's --inject value),
        send the burst, SIGTERM it. Returns a dict: answers (one per op sent:
        "ok", the error text, or None when unanswered), traced (strace's
        return code), served (ping and a last add worked after the burst),
        run (its directory), trace (the calls seen, in order)."""
        run = self._new_run()
        d = self._daemon(run)
        logf = open(d.log, "a")
        # Under the sanitizers (tests/sanitize.sh): no LeakSanitizer in a
        # traced daemon. LSan stops the world with ptrace(2) at exit, which
        # fails under strace, and it aborts (exit -6 on every run).
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(
            o for o in (env.get("ASAN_OPTIONS", ""), "detect_leaks=0") if o)
        tr = subprocess.Popen(self.strace_argv(run, inject) + ["--"] + d.argv(),
                              stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, env=env)
        logf.close()
        d.proc = tr
        out = {"answers": [], "run": run, "served": None, "daemon": d}
        up = jdtest.wait_for(lambda: tr.poll() is not None or d.ping(), 20)
        if up and tr.poll() is None:
            for kind, title, arg in self.ops():
                a = self._send(d, kind, title, arg)
                out["answers"].append(a)
                if a is None:
                    break
            if after and tr.poll() is None:
                a = self._send(d, "add", self.P + "AFTER", "echo AFTER")
                out["served"] = a == "ok" and d.ping()
                out["after"] = a
            if tr.poll() is None:
                pid = self._daemon_pid(tr.pid)
                try:
                    if pid:
                        os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass  # killed at its point meanwhile
        try:
            tr.wait(30)
        except subprocess.TimeoutExpired:
            tr.kill()
            tr.wait()
        out["traced"] = tr.returncode
        out["trace"] = self.calls(os.path.join(run, "trace"))
        self.wait_no_probes()
        return out

    def _daemon_pid(self, strace_pid):
        try:
            with open("/proc/%d/task/%d/children" % (strace_pid, strace_pid)) as f:
                kids = f.read().split()
            return int(kids[0]) if kids else 0
        except OSError:
            return 0

    def _send(self, d, kind, title, arg):
        if kind == "add":
            req = {"op": "add", "jail": self.jail, "title": title, "command": arg,
                   "respawn": "after"}
        elif arg is not None:
            req = {"op": "remove", "id": arg}
        else:
            req = {"op": "remove", "jail": self.jail, "title": title}
        try:
            r = d.request(req, timeout=20)
        except (OSError, ValueError):
            return None
        return "ok" if r.get("ok") is True else str(r.get("error", r))

    @staticmethod
    def calls(path):
        """The traced calls, in order (names only)."""
        out = []
        try:
            with open(path) as f:
                for line in f:
                    if line[:1].isalpha() and "(" in line:
                        out.append(line[:line.index("(")])
        except OSError:
            pass
        return out

    # --- checks -----------------------------------------------------------
    def model(self, answers):
        """What the state must hold: the seed, then every op answered ok.
        Returns (must, maybe, title): maybe is must plus the one op in
        flight when the daemon died (unanswered: it may or may not have been
        made), title the probe it is about."""
        must = dict(self.seed)
        maybe = flight = None
        for (kind, title, arg), a in zip(self.ops(), answers):
            if a == "ok":
                self._apply(must, kind, title, arg)
            elif a is None:
                maybe = dict(must)
                self._apply(maybe, kind, title, arg)
                flight = title
        return must, maybe, flight

    @staticmethod
    def _apply(m, kind, title, arg):
        if kind == "add":
            m[title] = (None, arg)
        else:
            m.pop(title, None)

    def restart(self, run):
        """The daemon again, without strace, on what the run left.
        Returns (loaded, probes {title: (id, command)}, doubled, all probes
        running, log)."""
        d = self._daemon(run)
        try:
            d.start()
        except RuntimeError:
            d.stop()
            return False, {}, 0, False, d.log_text()
        lst = d.probes()
        probes = {p["title"]: (p["id"], p["command"]) for p in lst}
        up = jdtest.wait_for(lambda: all(p["state"] == "waiting" for p in d.probes()), 10)
        pids = self.pgrep()
        doubled = (len(lst) - len(probes)) + max(0, len(pids) - len(probes))
        d.kill9()
        self.wait_no_probes()
        log = d.log_text()
        loaded = "IS CORRUPT" not in log and not any(
            ".corrupt-" in n for n in os.listdir(os.path.join(run, "st")))
        return loaded, probes, doubled, bool(up), log

    @staticmethod
    def matches(probes, m):
        """probes equals the model m: same titles and commands, and the
        seed's ids."""
        if set(probes) != set(m):
            return False
        for t, (mid, cmd) in m.items():
            pid_, pcmd = probes[t]
            if pcmd != cmd or (mid is not None and mid != pid_):
                return False
        return True
