#!/usr/bin/env python3
"""Complete a jaildaemon state file to PER_JAIL probes titled PREFIX0..
in every jail that has at least one such probe.

    fill_state.py STATE PREFIX PER_JAIL

bench/run.sh uses it when registering 10,000 probes one request at a time
does not fit in its time budget: the daemon is stopped, its state file is
completed here, and the daemon restores the rest on start. Copies keep the
jail's identity, command and respawn mode; ids continue after the highest.
"""
import json
import os
import sys


def main():
    path, prefix, per_jail = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        state = json.load(f)
    probes = state["probes"]
    have = {}  # identity -> set of titles
    model = {}  # identity -> one probe of ours to copy
    for p in probes:
        have.setdefault(p["identity"], set()).add(p["title"])
        if p["title"].startswith(prefix):
            model.setdefault(p["identity"], p)
    next_id = max([state["next_id"]] + [p["id"] + 1 for p in probes])
    added = 0
    for identity, p in model.items():
        for i in range(per_jail):
            title = f"{prefix}{i}"
            if title in have[identity]:
                continue
            q = dict(p)
            q["id"] = next_id
            q["title"] = title
            q["triggers"] = 0
            q["last_run_ms"] = 0
            next_id += 1
            probes.append(q)
            added += 1
    state["next_id"] = next_id
    tmp = path + ".fill"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, separators=(",", ":"))
        f.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    print(f"added={added} probes={len(probes)} jails={len(model)}")


if __name__ == "__main__":
    main()
