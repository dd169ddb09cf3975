#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Try to recover suppressed values of a tallyvan release by differencing.

    difference_attack.py [--truth truth.csv] release.csv [more ...]

Every released value is known; every other value is an unknown.  The
release hierarchy gives exact equations: all sites = sum of the sites;
a month = the sum of its weeks (a week counts in the month holding its
Thursday); a quarter = the sum of its months; the campaign = the sum of its
quarters.  For each indicator, Gaussian elimination over the rationals
finds every unknown that the equations pin to a single value (its row in
reduced echelon form has no free variable).  Prints the recovered values
and exits 1 if there is any; exits 0 when none can be recovered.

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


def load(paths):
    cells = {}      # (site, period, label) -> {indicator: value or None}
    first = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (row["site"], row["period"], row["period_label"])
                first[key] = row["first_day"]
                v = int(row["value"]) if row["status"] == "released" else None
                cells.setdefault(key, {})[row["indicator"]] = v
    return cells, first


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


def main():
    args = sys.argv[1:]
    full = None
    if args[:1] == ["--truth"]:
        full = empty_cells(args[1])
        args = args[2:]
    cells, first = load(args)
    eqs = equations(cells, first)
    indicators = sorted({i for v in cells.values() for i in v})
    total = unknowns = 0
    for ind in indicators:
        found, n = recover(cells, eqs, ind)
        unknowns += n
        found = [(k, v) for k, v in found if full is None or k in full]
        for key, value in found:
            print("recovered %s %s: %s" % ("/".join(key), ind, value))
        total += len(found)
    print("%d equations, %d suppressed values, %d recovered"
          % (len(eqs) * len(indicators), unknowns, total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
