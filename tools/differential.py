#!/usr/bin/env python3
"""Cross-checks `syncsim` against tools/oracle.py on seeded random JSON Lines streams.

For each seed it writes a stream, imports it with `syncsim import`, and compares
`syncsim show --at T --json` with the oracle, contact by contact, at several T, and
`syncsim activities` with the oracle's list of activities once the run has settled.
Usage: tools/differential.py [--seeds N] [--events N] [--bin PATH]
Prints the first difference with its seed and exits 1, or a summary and exits 0.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import activities, project, value_eq  # noqa: E402

FIELDS = ["name", "industry", "tier", "city"]
FILTER = "new_synctomkto"
VALUES = ["A", "B", "", 1, 1.0, 2.5, True, False, None, "1", 0]


def stream(seed, n):
    rnd = random.Random(seed)
    rules = {"type": "sync.configure",
             "interval": rnd.choice([60, 300, 7, 301]), "duration": rnd.choice([0, 0, 20, 90]),
             "start": rnd.choice([0, 0, 30]), "overwrite": rnd.choice(["all", "changed"]),
             "activityLimit": rnd.choice([5000, 1, 2, 3]),
             "fields": rnd.choice(["all", "all", sorted(rnd.sample(FIELDS, 2))]),
             "unreadable": rnd.choice([[], [], [rnd.choice(FIELDS)]])}
    # Version 2 on two seeds of three: a capacity, either queue order, the sync filter.
    v2 = seed % 3 != 0
    if v2:
        rules["capacity"] = rnd.choice(["unlimited", 1, 2, 3, 5])
        rules["queueOrder"] = rnd.choice(["modified", "first"])
        rules["filter"] = rnd.choice(["none", FILTER, FILTER])
    events, live, dead, contacts = [], [], set(), []
    now = 0
    na = nc = 0
    while len(events) < n:
        if rnd.random() < 0.4:
            now += rnd.randint(0, 240)
        r = rnd.random()
        def fields(k):
            f = {rnd.choice(FIELDS): rnd.choice(VALUES) for _ in range(k)}
            if v2 and rnd.random() < 0.3:
                f[FILTER] = rnd.choice([False, False, True, None, "No"])
            return f
        if r < 0.10 or not live:
            a = "a%d" % na
            na += 1
            live.append(a)
            events.append({"at": now, "type": "dynamics.account.create", "account": a, "fields": fields(rnd.randint(0, 3))})
        elif r < 0.28:
            c = "c%d" % nc
            nc += 1
            contacts.append(c)
            e = {"at": now, "type": "dynamics.contact.create", "contact": c}
            if rnd.random() < 0.9:
                e["account"] = rnd.choice(live)
            events.append(e)
        elif r < 0.52:
            events.append({"at": now, "type": "dynamics.account.update", "account": rnd.choice(live), "fields": fields(rnd.randint(0, 2))})
        elif r < 0.74 and contacts:
            events.append({"at": now, "type": "marketo.account.edit", "contact": rnd.choice(contacts), "fields": fields(rnd.randint(1, 2))})
        elif r < 0.82 and contacts:
            events.append({"at": now, "type": "dynamics.contact.move", "contact": rnd.choice(contacts), "account": rnd.choice(live)})
        elif r < 0.86 and len(live) > 1:
            a = rnd.choice(live)
            live.remove(a)
            dead.add(a)
            events.append({"at": now, "type": "dynamics.account.delete", "account": a})
        elif r < 0.89:
            events.append({"at": now, "type": "marketo.account.create", "account": rnd.choice(live + ["zz"])})
        elif r < 0.93:
            keys = ["overwrite", "activityLimit", "fields", "unreadable"] + (["capacity", "queueOrder", "filter"] if v2 else [])
            key = rnd.choice(keys)
            val = {"overwrite": rnd.choice(["all", "changed"]), "activityLimit": rnd.choice([1, 2, 5000]),
                   "fields": rnd.choice(["all", sorted(set(rnd.sample(FIELDS, 2)))]),
                   "unreadable": rnd.choice([[], [rnd.choice(FIELDS)]]),
                   "capacity": rnd.choice(["unlimited", 1, 2, 4]), "queueOrder": rnd.choice(["modified", "first"]),
                   "filter": rnd.choice(["none", FILTER])}[key]
            events.append({"at": now, "type": "sync.configure", key: val})
    return rules, events


def same_fields(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a.keys() == b.keys() and all(value_eq(a[k], b[k]) for k in a)


def compare(ours, theirs):
    """Returns the first difference, or None."""
    if set(ours["contacts"]) != set(theirs["contacts"]):
        return "contacts in Marketo: syncsim %s, oracle %s" % (sorted(ours["contacts"]), sorted(theirs["contacts"]))
    for c in sorted(ours["contacts"]):
        o, t = ours["contacts"][c], theirs["contacts"][c]
        if o["account"] != t["account"] or o["activities"] != t["activities"] or not same_fields(o["fields"], t["fields"]):
            return "contact %s: syncsim %s, oracle %s" % (c, o, t)
    if set(ours["accounts"]) != set(theirs["accounts"]):
        return "accounts: syncsim %s, oracle %s" % (sorted(ours["accounts"]), sorted(theirs["accounts"]))
    for a in sorted(ours["accounts"]):
        o, t = ours["accounts"][a], theirs["accounts"][a]
        if not same_fields(o["marketo"], t["marketo"]) or not same_fields(o["dynamics"], t["dynamics"]) \
                or o["deletedInDynamics"] != t["deletedInDynamics"] or o["stale"] != t["stale"]:
            return "account %s: syncsim %s, oracle %s" % (a, o, t)
    if ours["queue"] != theirs["queue"]:
        return "queue: syncsim %s, oracle %s" % (ours["queue"], theirs["queue"])
    if [r["seq"] for r in ours["rejected"]] != theirs["rejected"]:
        return "rejected: syncsim %s, oracle %s" % ([r["seq"] for r in ours["rejected"]], theirs["rejected"])
    return None


def compare_activities(lines, theirs):
    """Returns the first difference between `syncsim activities` lines and the oracle's list."""
    if len(lines) != len(theirs):
        return "activities: syncsim %d, oracle %d" % (len(lines), len(theirs))
    for i, (line, t) in enumerate(zip(lines, theirs)):
        o = json.loads(line)
        f = o["fields"][0]
        attrs = {a["name"]: a["value"] for a in o["attributes"]}
        reason = ("sync cycle %d" if t["cause"][0] == 0 else "Marketo edit #%d") % t["cause"][1]
        at = t["at"]
        date = "1970-01-%02dT%02d:%02d:%02dZ" % (1 + at // 86400, at // 3600 % 24, at // 60 % 60, at % 60)
        same = (o["id"] == i + 1 and o["marketoGUID"] == str(i + 1) and o["leadId"] == t["contact"]
                and o["activityTypeId"] == 13 and o["activityDate"] == date and f["name"] == t["field"]
                and value_eq(f.get("oldValue"), t["old"]) and value_eq(f.get("newValue"), t["new"])
                and attrs == {"Source": t["source"], "Reason": reason})
        if not same:
            return "activity %d: syncsim %s, oracle %s" % (i + 1, line, t)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=25)
    ap.add_argument("--events", type=int, default=1500)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "debug", "syncsim"))
    args = ap.parse_args()
    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            rules, events = stream(seed, args.events)
            path = os.path.join(tmp, "s%d.jsonl" % seed)
            with open(path, "w") as f:
                f.write(json.dumps(rules) + "\n")
                for e in events:
                    f.write(json.dumps(e) + "\n")
            db = os.path.join(tmp, "s%d.db" % seed)
            subprocess.run([args.bin, "import", path, "--db", db], check=True, stdout=subprocess.DEVNULL)
            base = {k: rules[k] for k in ("interval", "duration", "start", "overwrite", "activityLimit", "fields", "unreadable",
                                          "capacity", "queueOrder", "filter") if k in rules}
            last = events[-1]["at"]
            rnd = random.Random(seed * 7)
            for at in sorted({0, last, last + 1000} | {rnd.randint(0, last + 600) for _ in range(4)}):
                out = subprocess.run([args.bin, "show", db, "--at", str(at), "--json"], check=True,
                                     capture_output=True, text=True).stdout
                diff = compare(json.loads(out), project(base, events, at))
                checks += 1
                if diff:
                    print("seed %d, at %d: %s" % (seed, at, diff))
                    print("differential: %d passed, 1 failed" % (checks - 1))
                    return 1
            # The activity export (format 5.6), in its order, once the run has settled.
            at = last + 1000
            out = subprocess.run([args.bin, "activities", db, "--at", str(at)], check=True,
                                 capture_output=True, text=True).stdout
            diff = compare_activities(out.splitlines(), activities(base, events, at))
            checks += 1
            if diff:
                print("seed %d, activities: %s" % (seed, diff))
                print("differential: %d passed, 1 failed" % (checks - 1))
                return 1
    print("%d seeds x %d events: every projection agrees with the oracle" % (args.seeds, args.events))
    print("differential: %d passed, 0 failed" % checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
