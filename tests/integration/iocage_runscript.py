#!/usr/bin/env python3
"""Run an exec_poststart property the way iocage runs it.

    iocage_runscript.py RELEASE UUID JID PROPERTY

A stand-in written from what freebsd/iocage does (read in its sources, not
copied): ioc_start.IOCStart runs the property after the jail started with
ioc_common.runscript, which shlex.splits it and, for more than one word,
runs ['/bin/sh', '-c', ' '.join(words)], for one word execs it if it is
executable and otherwise fails with "Script is not executable!". The
process gets ioc_exec.IOCExec's environment: the one given (RELEASE 1.12
and later: iocage's own plus JID and JNAME=ioc-UUID, UUID with "." as "_";
1.11: the property prefixed with "export JID=ioc-UUID JNAME=UUID;"; 1.10
and earlier: nothing given), plus PATH, PWD, HOME, TERM, LANG and LC_ALL
where unset. A non-zero exit makes iocage stop the jail: printed here as
"iocage: exec_poststart failed" with exit 1.
"""
import os
import shlex
import subprocess
import sys


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    release, uuid, jid, prop = sys.argv[1:]
    uuid = uuid.replace(".", "_")  # IOCStart.__init__
    major, minor = (int(x) for x in release.split(".")[:2])
    env = None
    if (major, minor) >= (1, 12):
        env = {**os.environ, "JID": jid, "JNAME": f"ioc-{uuid}"}
    elif (major, minor) == (1, 11):
        prop = f"export JID=ioc-{uuid} JNAME={uuid};" + prop
    words = shlex.split(prop)
    if len(words) > 1:
        argv = ["/bin/sh", "-c", " ".join(words)]
    elif os.access(words[0], os.X_OK):
        argv = words[0]
    else:
        print("iocage: exec_poststart failed: Script is not executable!", file=sys.stderr)
        return 1
    env = env or {}
    path = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:/root/bin"
    lang = os.environ.get("LANG", "en_US.UTF-8")
    for k, v in (("PATH", path), ("PWD", "/"), ("HOME", "/"), ("TERM", "xterm-256color"),
                 ("LANG", lang), ("LC_ALL", lang)):
        env.setdefault(k, v)
    r = subprocess.run(argv, env=env, close_fds=True, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    sys.stdout.buffer.write(r.stdout)
    sys.stderr.buffer.write(r.stderr)
    if r.returncode != 0:
        print(f"iocage: exec_poststart failed ({r.returncode})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
