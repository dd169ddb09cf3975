#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Ground truth for history conditions (docs/formats.md Part I §1.9b),
written from the specification alone: people are numbers here, not
pseudonyms, and the history is the list of a person's visits captured
before, on the same collector.

  history_truth.py gen --seed S --out DIR
      DIR/plan.json            a plan with every kind of history condition
      DIR/A-1.csv ... B-3.csv  each collector's visits in three imports
                               (some entered late: dated before visits
                               already captured; a file is not in date
                               order, which import must put right)
      DIR/erase-A-1-K.txt ...  identities to erase after import 1 or 2
      DIR/steps                the order: "import A 1", "erase A 1 K", ...
      DIR/records.csv          site,day,bit0,bit1,... of every visit
      DIR/naive.csv            the same if every visit were typed in date
                               order and nobody erased (a negative case)
      DIR/fileorder.csv        the same if import captured in file order

  history_truth.py check DIR/records.csv release.csv DIR/plan.json
      every released value equals the sum of the bits of the records in its
      cell (site, first_day..last_day); prints how many were compared.
"""
import csv
import datetime
import json
import os
import random
import sys

START = datetime.date(2021, 10, 25)
END = datetime.date(2022, 1, 9)
SITES = ["s1", "s2", "s3"]
EPOCH = datetime.date(1970, 1, 1)

# (id, when, distinct, scope) -- the conditions the test exercises.
INDICATORS = [
    ("visits", True, None, None),
    ("seen_any", {"seen_before": True}, None, None),
    ("seen_14", {"seen_before": {"days": 14}}, None, None),
    ("seen_month", {"seen_before": {"period": "month"}}, None, None),
    ("back_invite_30", {"earlier": {"when": {"field": "invited", "is": True},
                                    "within": {"days": 30}}}, None, None),
    ("people_back_invite", {"earlier": {"when": {"field": "invited", "is": True},
                                        "within": {"days": 30}}}, "campaign", None),
    ("first_visit", {"visit_number": {"max": 1}}, None, None),
    ("second_visit", {"visit_number": {"min": 2, "max": 2}}, None, None),
    ("third_plus", {"visit_number": {"min": 3}}, None, None),
    ("since_1_7", {"days_since_first": {"min": 1, "max": 7}}, None, None),
    ("since_8_plus", {"days_since_first": {"min": 8}}, None, None),
    ("site_seen", {"seen_before": True}, None, "site"),
    ("site_second_month", {"visit_number": {"min": 2}}, "month", "site"),
    ("new_30_topic_a", {"all": [{"not": {"seen_before": {"days": 30}}},
                                {"field": "topic", "eq": "a"}]}, None, None),
    ("earlier_b_quarter", {"earlier": {"when": {"field": "topic", "eq": "b"},
                                       "within": {"period": "quarter"}}}, None, None),
    ("site_earlier_b_week", {"earlier": {"when": {"field": "topic", "eq": "b"},
                                         "within": {"period": "week"}}}, None, "site"),
]


def whole(when):
    """Does a condition look over the whole history (no horizon then)?"""
    if isinstance(when, dict):
        if when.get("seen_before") is True or "visit_number" in when or \
                "days_since_first" in when:
            return True
        if "earlier" in when and when["earlier"].get("within", True) in (
                True, {"period": "campaign"}):
            return True
        return any(whole(w) for k, v in when.items()
                   for w in (v if isinstance(v, list) else [v]))
    return False


def plan(indicators):
    inds = []
    for iid, when, distinct, scope in indicators:
        o = {"id": iid, "label": {"fr": iid, "en": iid}, "when": when}
        if distinct:
            o["distinct"] = distinct
        if scope:
            o["scope"] = scope
        inds.append(o)
    return {
        "format": "tallyvan-plan/1", "campaign": "history-test",
        "title": {"fr": "Historique", "en": "History"}, "language": "en",
        "period": {"start": START.isoformat(), "end": END.isoformat()},
        "sites": [{"id": s, "town": "T", "label": {"fr": s, "en": s}} for s in SITES],
        "identity": [
            {"id": "first_name", "label": {"fr": "Prénom", "en": "First name"}},
            {"id": "last_name", "label": {"fr": "Nom", "en": "Last name"}},
            {"id": "birth_date", "kind": "date",
             "label": {"fr": "Naissance", "en": "Birth date"}}],
        "fields": [
            {"id": "invited", "type": "bool", "required": False,
             "label": {"fr": "Invité", "en": "Invited"}},
            {"id": "topic", "type": "enum", "label": {"fr": "Sujet", "en": "Topic"},
             "choices": [{"id": c, "label": {"fr": c, "en": c}} for c in "abc"]}],
        "indicators": inds,
        "policy": {"min_cohort": 1},
    }


def dayno(d):
    return (d - EPOCH).days


def thursday(day):
    """The Thursday of the ISO week of day (day 0, 1970-01-01, was one)."""
    return day - (day + 3) % 7 + 3


def period_id(kind, day):
    """The release hierarchy's periods: ISO weeks; months, quarters by the
    Thursday of their week; the campaign is one period."""
    t = EPOCH + datetime.timedelta(days=thursday(day))
    if kind == "week":
        return thursday(day)
    if kind == "month":
        return (t.year, t.month)
    if kind == "quarter":
        return (t.year, (t.month - 1) // 3)
    return 0


def in_window(w, e, d):
    if e > d:
        return False
    if w is True:
        return True
    if "days" in w:
        return d - e <= w["days"]
    return period_id(w["period"], e) == period_id(w["period"], d)


def holds(when, visit, past):
    """past: [(day, visit)] captured before, any day; the history is the
    part dated on or before the visit's day."""
    d = visit["day"]
    hist = [(e, v) for e, v in past if e <= d]
    if when is True:
        return True
    if "all" in when:
        return all(holds(w, visit, past) for w in when["all"])
    if "not" in when:
        return not holds(when["not"], visit, past)
    if "field" in when:
        if "is" in when:
            return visit[when["field"]] == when["is"]
        return visit[when["field"]] == when["eq"]
    if "seen_before" in when:
        return any(in_window(when["seen_before"], e, d) for e, _ in hist)
    if "earlier" in when:
        w = when["earlier"].get("within", True)
        return any(in_window(w, e, d) and holds(when["earlier"]["when"], v, [])
                   for e, v in hist)
    if "visit_number" in when:
        k = 1 + len(hist)
        b = when["visit_number"]
        return b.get("min", 1) <= k <= b.get("max", 10**9)
    if "days_since_first" in when:
        k = d - min(e for e, _ in hist) if hist else 0
        b = when["days_since_first"]
        return b.get("min", 0) <= k <= b.get("max", 10**9)
    raise ValueError(when)


def gen(seed, out):
    rnd = random.Random(seed)
    # Half the seeds: only windowed conditions (a plan with a horizon).
    indicators = INDICATORS if rnd.random() < 0.5 else \
        [i for i in INDICATORS if not whole(i[1])]
    ndays = (END - START).days + 1
    people = []
    for i in range(rnd.randint(40, 70)):
        people.append({"first": "Person%d" % i, "last": "Hist",
                       "birth": "19%02d-0%d-1%d" % (40 + i % 60, 1 + i % 9, i % 10),
                       "home": rnd.choice(SITES), "dev": rnd.choice("AB")})
    visits = []
    for p, per in enumerate(people):
        n = rnd.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
        days = sorted(rnd.randrange(ndays) for _ in range(n))
        for d in days:
            dev = per["dev"] if rnd.random() < 0.9 else "AB"[per["dev"] == "A"]
            site = per["home"] if rnd.random() < 0.75 else rnd.choice(SITES)
            visits.append({"person": p, "dev": dev, "site": site,
                           "day": dayno(START) + d,
                           "invited": rnd.random() < 0.3,
                           "topic": rnd.choice("abc")})
    steps, records, naive, fileorder = [], [], [], []
    for dev in "AB":
        vs = sorted((v for v in visits if v["dev"] == dev), key=lambda v: v["day"])
        # What a naive reading would give: every visit in date order,
        # nobody erased (the negative case: it must differ).  And what
        # file-order capture would give (the negative case of import's
        # date order).
        nstate, nseen = {}, set()
        for v in vs:
            naive.append((v["site"], v["day"], bits(v, nstate, nseen, indicators)))
        # Entered late: about one visit in six is typed after later ones.
        order = list(vs)
        for v in vs:
            if rnd.random() < 0.17:
                i = order.index(v)
                order.pop(i)
                order.insert(rnd.randrange(i, len(order) + 1), v)
        thirds = [order[:len(order) // 3], order[len(order) // 3:2 * len(order) // 3],
                  order[2 * len(order) // 3:]]
        state = {}  # (person, scope) -> [(day, visit)]; scope None or site
        seen = set()  # distinct: (person, indicator, period, site)
        fstate, fseen = {}, set()  # the same, captured in file order
        for k, chunk in enumerate(thirds, 1):
            with open(os.path.join(out, "%s-%d.csv" % (dev, k)), "w") as f:
                f.write("date,site,first_name,last_name,birth_date,invited,topic\n")
                for v in chunk:
                    per = people[v["person"]]
                    day = EPOCH + datetime.timedelta(days=v["day"])
                    f.write("%s,%s,%s,%s,%s,%s,%s\n" % (
                        day.isoformat(), v["site"], per["first"], per["last"],
                        per["birth"], "yes" if v["invited"] else "no", v["topic"]))
            # One import captures its file day by day, in file order within
            # a day (collector import); a visit is late only across imports.
            for v in sorted(chunk, key=lambda v: v["day"]):
                records.append((v["site"], v["day"], bits(v, state, seen, indicators)))
            for v in chunk:
                fileorder.append((v["site"], v["day"], bits(v, fstate, fseen, indicators)))
            steps.append("import %s %d" % (dev, k))
            if k == 3:
                continue
            # Erase a few people this collector holds a history of.
            met = sorted({key[0] for key in state})  # not erased since
            for j, p in enumerate(rnd.sample(met, min(3, len(met)))):
                per = people[p]
                with open(os.path.join(out, "erase-%s-%d-%d.txt" % (dev, k, j)), "w") as f:
                    f.write("first_name=%s\nlast_name=%s\nbirth_date=%s\n" % (
                        per["first"], per["last"], per["birth"]))
                steps.append("erase %s %d %d" % (dev, k, j))
                for st, se in ((state, seen), (fstate, fseen)):
                    for key in [key for key in st if key[0] == p]:
                        del st[key]
                    for key in [key for key in se if key[0] == p]:
                        se.discard(key)
    with open(os.path.join(out, "plan.json"), "w") as f:
        json.dump(plan(indicators), f, indent=1)
    with open(os.path.join(out, "steps"), "w") as f:
        f.write("\n".join(steps) + "\n")
    for name, rs in (("records.csv", records), ("naive.csv", naive),
                     ("fileorder.csv", fileorder)):
        with open(os.path.join(out, name), "w") as f:
            for site, day, b in rs:
                f.write("%s,%d,%s\n" % (site, day, ",".join(map(str, b))))
    print("%d people, %d visits, %d steps, %d indicators (%s)" % (
        len(people), len(records), len(steps), len(indicators),
        "all" if indicators is INDICATORS else "windows only"))


def bits(v, state, seen, indicators):
    out = []
    p = v["person"]
    for iid, when, distinct, scope in indicators:
        past = state.get((p, v["site"] if scope else None), [])
        b = holds(when, v, past)
        if b and distinct:
            key = (p, iid, period_id(distinct, v["day"]), v["site"] if scope else None)
            b = key not in seen
            seen.add(key)
        out.append(int(b))
    for scope in (None, v["site"]):
        state.setdefault((p, scope), []).append((v["day"], v))
    return out


def check(records_path, release_path, plan_path):
    recs = []
    with open(records_path) as f:
        for row in csv.reader(f):
            recs.append((row[0], int(row[1]), list(map(int, row[2:]))))
    with open(plan_path) as f:
        ids = [i["id"] for i in json.load(f)["indicators"]]
    compared = bad = 0
    with open(release_path) as f:
        for row in csv.DictReader(f):
            if row["status"] != "released":
                continue
            lo = dayno(datetime.date.fromisoformat(row["first_day"]))
            hi = dayno(datetime.date.fromisoformat(row["last_day"]))
            inc = [r for r in recs if lo <= r[1] <= hi and
                   (row["site"] == "all" or row["site"] == r[0])]
            want = sum(r[2][ids.index(row["indicator"])] for r in inc)
            compared += 1
            if int(row["value"]) != want or int(row["records"]) != len(inc):
                bad += 1
                print("differs: %s (truth %d of %d records)" % (
                    ",".join(row.values()), want, len(inc)))
    print("%d released values compared with the ground truth, %d differ" % (compared, bad))
    return 1 if bad or compared == 0 else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[3]), sys.argv[5])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
