#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Try to recover suppressed values of tallyvan releases by differencing.

    difference_attack.py [--truth truth.csv] [--min-cohort N]
                         release.csv [later-release.csv ...]

Every released value is known; every other value is an unknown.  The
release hierarchy gives exact equations: all sites = sum of the sites;
a month = the sum of its weeks (a week counts in the month holding its
Thursday); a quarter = the sum of its months; the campaign = the sum of its
quarters.  For each indicator, and for the record counts, Gaussian
elimination over the rationals finds every unknown that the equations pin
to a single value (its row in reduced echelon form has no free variable).

Several releases are successive snapshots of one campaign, in the order
given: records can arrive late, so a cell's value may grow from one to the
next.  Each release is solved on its own; a cell whose record count is the
same in two releases is taken to hold the same values in both (what one
release shows, the other then shows too), and solving starts again until
nothing more is learnt.  Then, beside every recovered value, a cell whose
values are known in two releases and whose count grew by 1 .. N-1 records
(N = --min-cohort, default 11) gives away the late records' sum: that is a
disclosure too.  Prints what was found and exits 1 if anything was; 0
when nothing can be recovered.

With --truth (the scenario generator's ground truth), values of cells that
hold no record at all are not counted: an empty cell concerns no one (that
a van stop saw nobody is not a disclosure).
"""
import csv
import datetime
import sys
from fractions import Fraction


def parent_label(period, first_day, label):
    """(parent period, parent label) in the time hierarchy, or None."""
    if period == "week":
        thu = datetime.date.fromisoformat(first_day) + datetime.timedelta(days=3)
        return "month", "%04d-%02d" % (thu.year, thu.month)
    if period == "month":
        y, m = label.split("-")
        return "quarter", "%s-Q%d" % (y, (int(m) - 1) // 3 + 1)
    if period == "quarter":
        return "campaign", "campaign"
    return None


RECORDS = "(records)"   # the record counts, solved like an indicator


def load(path, first):
    """(site, period, label) -> {indicator: value or None}, with the record
    count under RECORDS."""
    cells = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["site"], row["period"], row["period_label"])
            first[key] = row["first_day"]
            v = int(row["value"]) if row["status"] == "released" else None
            c = cells.setdefault(key, {})
            c[row["indicator"]] = v
            if row["records"] != "":
                c[RECORDS] = int(row["records"])
            else:
                c.setdefault(RECORDS, None)
    return cells


def equations(cells, first):
    """Each equation: parent key, list of child keys."""
    eqs = []
    sites = sorted({k[0] for k in cells if k[0] != "all"})
    for (site, period, label) in cells:
        if site == "all":
            kids = [(s, period, label) for s in sites if (s, period, label) in cells]
            eqs.append(((site, period, label), kids))
    kids = {}
    for key in cells:
        up = parent_label(key[1], first[key], key[2])
        if up and (key[0],) + up in cells:
            kids.setdefault((key[0],) + up, []).append(key)
    eqs.extend(kids.items())
    return eqs


def recover(cells, eqs, indicator):
    unknown = sorted(k for k in cells if cells[k].get(indicator) is None)
    col = {k: i for i, k in enumerate(unknown)}
    rows = []
    for parent, kids in eqs:
        row = [Fraction(0)] * (len(unknown) + 1)   # last: right-hand side
        for k, sign in [(parent, 1)] + [(c, -1) for c in kids]:
            v = cells[k].get(indicator)
            if v is None:
                row[col[k]] += sign
            else:
                row[-1] -= sign * v
        if any(row[:-1]):
            rows.append(row)
    # reduced row echelon form
    r = 0
    pivots = []
    for c in range(len(unknown)):
        p = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        piv = rows[r][c]
        rows[r] = [x / piv for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        pivots.append((r, c))
        r += 1
    found = []
    for r, c in pivots:
        if all(rows[r][j] == 0 for j in range(len(unknown)) if j != c):
            found.append((unknown[c], rows[r][-1]))
    return found, len(unknown)


def empty_cells(path):
    """Cells with records in the truth file; others are empty."""
    full = set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if int(row["records"]) > 0:
                full.add((row["site"], row["period"], row["period_label"]))
    return full


def solve(keys, eqs, indicators, known):
    """Add to known[(key, ind)] every value the equations pin in one
    release; return how many values were unknown and what was learnt."""
    unknowns = 0
    learnt = []
    for ind in indicators:
        view = {k: {ind: known.get((k, ind))} for k in keys}
        found, n = recover(view, eqs, ind)
        unknowns += n
        for key, value in found:
            known[(key, ind)] = value
            learnt.append((key, ind, value))
    return unknowns, learnt


def main():
    args = sys.argv[1:]
    full = None
    min_cohort = 11
    while args[:1] in (["--truth"], ["--min-cohort"]):
        if args[0] == "--truth":
            full = empty_cells(args[1])
        else:
            min_cohort = int(args[1])
        args = args[2:]
    first = {}
    releases = [load(p, first) for p in args]
    cells = {}
    for rel in releases:
        for key in rel:
            cells.setdefault(key, {})
    eqs = equations(cells, first)
    indicators = sorted({i for rel in releases for v in rel.values() for i in v})
    known = [{(k, i): v for k, vals in rel.items() for i, v in vals.items()
              if v is not None} for rel in releases]
    found = {}
    unknowns = None
    changed = True
    while changed:
        changed = False
        n = 0
        for r in range(len(releases)):
            m, learnt = solve(cells, eqs, indicators, known[r])
            n += m
            for key, ind, value in learnt:
                found[(r, key, ind)] = value
        unknowns = n if unknowns is None else unknowns
        # the same count in two releases: the same records, the same values
        for a in range(len(releases)):
            for b in range(len(releases)):
                for key in cells:
                    na = known[a].get((key, RECORDS))
                    if a == b or na is None or known[b].get((key, RECORDS)) != na:
                        continue
                    for ind in indicators:
                        if (key, ind) in known[a] and (key, ind) not in known[b]:
                            known[b][(key, ind)] = known[a][(key, ind)]
                            found[(b, key, ind)] = known[a][(key, ind)]
                            changed = True
    # what some release published, with its record count, is no secret
    published = {(k, i, vals.get(RECORDS)) for rel in releases
                 for k, vals in rel.items() for i, v in vals.items() if v is not None}
    total = 0
    for (r, key, ind), value in sorted(found.items()):
        if full is not None and key not in full:
            continue
        if (key, ind, known[r].get((key, RECORDS))) in published:
            continue
        print("recovered release %d %s %s: %s" % (r + 1, "/".join(key), ind, value))
        total += 1
    # a known value in two releases, a few records apart: their sum
    for a in range(len(releases)):
        for b in range(a + 1, len(releases)):
            for key in cells:
                na = known[a].get((key, RECORDS))
                nb = known[b].get((key, RECORDS))
                if na is None or nb is None or not 0 < abs(nb - na) < min_cohort:
                    continue
                for ind in indicators:
                    if ind != RECORDS and (key, ind) in known[a] and (key, ind) in known[b]:
                        print("late records: releases %d and %d, %s %s: %d record(s) sum to %s"
                              % (a + 1, b + 1, "/".join(key), ind, abs(nb - na),
                                 known[b][(key, ind)] - known[a][(key, ind)]))
                        total += 1
    print("%d releases, %d equations, %d suppressed values, %d recovered"
          % (len(releases), len(eqs) * len(indicators), unknowns, total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
