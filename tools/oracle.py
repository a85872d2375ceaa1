#!/usr/bin/env python3
"""An independent, deliberately plain reading of the scenario format's sync rules.

Used by tools/differential.py to cross-check the Swift projector: it keeps
every activity as its own record (no shortcuts), recomputes membership by
scanning all contacts and the queue by scanning the waiting events. Slow,
simple, written from the format's words (version 2: the queue and its
capacity, the sync filter; the activity export of section 5.6 in its order).
"""


def value_eq(a, b):
    """Values compare as JSON scalars: 1 == 1.0, but True != 1 and "1" != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


class Oracle:
    def __init__(self, rules):
        self.rules = dict(rules)
        self.interval = rules["interval"]
        self.duration = rules["duration"]
        self.start = rules["start"]
        self.dyn = {}          # account -> {"fields": {}, "deleted": bool}
        self.dyn_contacts = {}
        self.pending = []      # (seq, event)
        self.running = None    # cycle started, not landed
        self.companies = {}    # account -> {"fields": {}, "deleted": bool}
        self.contacts = {}     # contact -> account or None (Marketo side)
        self.acts = {}         # contact -> [activity]
        self.named = set()
        self.rejected = []
        self.now = 0
        self.last_start = None

    def next_start(self, t):
        """First cycle start strictly after t."""
        if t < self.start:
            return self.start
        p = self.interval + self.duration
        return self.start + ((t - self.start) // p + 1) * p

    def members(self, account):
        return sorted(c for c, a in self.contacts.items() if a == account)

    @staticmethod
    def record(e):
        """A Dynamics record: an account or a contact (R10)."""
        if e["type"] in ("dynamics.contact.create", "dynamics.contact.move"):
            return ("contact", e["contact"])
        return ("account", e["account"])

    def set_field(self, account, field, new, at, source, limit, cause, logs=True):
        comp = self.companies[account]
        old = comp["fields"].get(field)
        if new is None:
            comp["fields"].pop(field, None)
        else:
            comp["fields"][field] = new
        if old is None and new is None:
            return
        if old is not None and new is not None and value_eq(old, new):
            return
        people = self.members(account)
        if not logs or len(people) > limit:
            return
        for c in people:
            self.acts.setdefault(c, []).append({"field": field, "old": old, "new": new, "at": at, "source": source,
                                                "cause": cause})

    def run_until(self, t):
        while True:
            if self.running and self.running["end"] <= t:
                cycle, self.running = self.running, None
                self.land(cycle)
                continue
            if self.running is None and self.pending:
                oldest = self.pending[0][1]["at"]
                s = self.next_start(max(oldest, self.last_start if self.last_start is not None else oldest))
                if s <= t:
                    self.begin(s)
                    continue
            break
        self.now = max(self.now, t)

    def begin(self, s):
        eligible = [p for p in self.pending if p[1]["at"] < s]
        places = {}
        for seq, e in eligible:
            r = self.record(e)
            oldest, _ = places.get(r, ((e["at"], seq), None))
            places[r] = (oldest, (e["at"], seq))
        key = (lambda r: places[r][1]) if self.rules.get("queueOrder", "modified") == "modified" else (lambda r: places[r][0])
        order = sorted(places, key=key)
        cap = self.rules.get("capacity", "unlimited")
        taken = set(order if cap == "unlimited" else order[:cap])
        carried = [p for p in eligible if self.record(p[1]) in taken]
        self.pending = [p for p in self.pending if not (p[1]["at"] < s and self.record(p[1]) in taken)]
        self.last_start = s
        order = []
        names = {}
        for _, e in carried:
            if e["type"] in ("dynamics.account.create", "dynamics.account.update", "dynamics.account.delete"):
                a = e["account"]
                if a not in names:
                    order.append(a)
                    names[a] = set()
                if e["type"] != "dynamics.account.delete":
                    names[a] |= set(e["fields"].keys())
                    self.named |= set(e["fields"].keys())
        snapshot = [(a, self.dyn[a]["deleted"], dict(self.dyn[a]["fields"]), names[a]) for a in order]
        self.running = {"start": s, "end": s + self.duration, "rules": dict(self.rules),
                        "named": set(self.named), "carried": carried, "accounts": snapshot}

    def land(self, cycle):
        rules = cycle["rules"]
        unreadable = set(rules["unreadable"])
        flt = rules.get("filter", "none")
        for a, deleted, values, names in cycle["accounts"]:
            if deleted:
                if a in self.companies:
                    self.companies[a]["deleted"] = True
                    self.companies[a]["stale"] = False
                continue
            # R11: only an explicit false of the filter field, as of the cycle's start, filters out.
            filtered = flt != "none" and values.get(flt) is False
            whole = False
            if filtered:
                if a in self.companies:
                    self.companies[a]["stale"] = True
                continue
            if a in self.companies and self.companies[a]["stale"]:
                self.companies[a]["stale"] = False
                whole = True
            new = a not in self.companies
            if new:
                self.companies[a] = {"fields": {}, "deleted": False, "stale": False}
                whole = True
            selected = cycle["named"] if rules["fields"] == "all" else set(rules["fields"])
            synced = selected - unreadable
            targets = synced if rules["overwrite"] == "all" or whole else (names & synced)
            for f in sorted(targets):
                # A company's first write logs no activity: its contacts inherit its values.
                k = (cycle["start"] - self.start) // (self.interval + self.duration)
                self.set_field(a, f, values.get(f), cycle["end"], "dynamics", rules["activityLimit"], (0, k), logs=not new)
        for _, e in cycle["carried"]:
            if e["type"] in ("dynamics.contact.create", "dynamics.contact.move"):
                # Linked to the account its event names, company or not (format 5.0).
                self.contacts[e["contact"]] = e.get("account")

    def apply(self, seq, e):
        self.run_until(e["at"])
        t = e["type"]
        if t == "dynamics.account.create":
            self.dyn[e["account"]] = {"fields": {k: v for k, v in e["fields"].items() if v is not None}, "deleted": False}
            self.pending.append((seq, e))
        elif t == "dynamics.account.update":
            for k, v in e["fields"].items():
                if v is None:
                    self.dyn[e["account"]]["fields"].pop(k, None)
                else:
                    self.dyn[e["account"]]["fields"][k] = v
            self.pending.append((seq, e))
        elif t == "dynamics.account.delete":
            self.dyn[e["account"]] = {"fields": {}, "deleted": True}
            self.pending.append((seq, e))
        elif t in ("dynamics.contact.create", "dynamics.contact.move"):
            self.dyn_contacts[e["contact"]] = e.get("account")
            self.pending.append((seq, e))
        elif t == "marketo.account.edit":
            c = e["contact"]
            if c not in self.contacts or self.contacts[c] is None or self.contacts[c] not in self.companies:
                self.rejected.append({"seq": seq, "at": e["at"], "type": t})
                return
            for f in sorted(e["fields"]):
                self.set_field(self.contacts[c], f, e["fields"][f], e["at"], "marketo", self.rules["activityLimit"], (1, seq))
        elif t == "marketo.account.create":
            self.rejected.append({"seq": seq, "at": e["at"], "type": t})
        elif t == "sync.configure":
            for k in ("fields", "unreadable", "activityLimit", "overwrite", "capacity", "queueOrder", "filter"):
                if k in e:
                    self.rules[k] = e[k]

    def projection(self):
        contacts = {}
        for c, a in self.contacts.items():
            contacts[c] = {"account": a,
                           "fields": dict(self.companies[a]["fields"]) if a in self.companies else {},
                           "activities": len(self.acts.get(c, []))}
        accounts = {}
        for a in set(self.companies) | {a for a, d in self.dyn.items() if not d["deleted"]}:
            d = self.dyn.get(a)
            accounts[a] = {"marketo": dict(self.companies[a]["fields"]) if a in self.companies else None,
                           "dynamics": dict(d["fields"]) if d and not d["deleted"] else None,
                           "deletedInDynamics": self.companies.get(a, {}).get("deleted", False),
                           "stale": self.companies.get(a, {}).get("stale", False)}
        queue = {"records": len({self.record(e) for _, e in self.pending}),
                 "oldest": min((e["at"] for _, e in self.pending), default=None)}
        return {"contacts": contacts, "accounts": accounts, "queue": queue,
                "rejected": [r["seq"] for r in self.rejected]}


def project(rules, events, at):
    o = Oracle(rules)
    for i, e in enumerate(events):
        if e["at"] <= at:
            o.apply(i + 1, e)
    o.run_until(at)
    return o.projection()


def activities(rules, events, at):
    """Every activity through `at` in the order of format 5.6: by instant, the landing cycle's
    (cause (0, k)) before each edit's (cause (1, seq)), then by contact id and field name."""
    o = Oracle(rules)
    for i, e in enumerate(events):
        if e["at"] <= at:
            o.apply(i + 1, e)
    o.run_until(at)
    out = [dict(a, contact=c) for c, acts in o.acts.items() for a in acts]
    out.sort(key=lambda a: (a["at"], a["cause"], a["contact"].encode(), a["field"].encode()))
    return out
