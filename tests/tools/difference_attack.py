#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Try to recover suppressed values of tallyvan releases by differencing.

    difference_attack.py [--truth truth.csv] [--min-cohort N]
                         release.csv [later-release.csv ...]

The judge reasons over what each cell CONTAINS, never over its label: a
forged or mislabelled cell is read for the days it covers.

Content.  A row's cell holds the records of a set of (site, day) units: its
site (for `all`, every site named anywhere in the files given; if none is,
the single site `all`) times the days first_day .. last_day.  Within one
release the units are partitioned into atoms: maximal sets of units covered
by exactly the same set of that release's cells (units no cell covers are
left out).  Every cell is exactly the sum of its atoms, whatever its label.
No record lies outside the campaign, whose days an attacker knows: units
outside the span of the cells with period `campaign` (when there are any)
form atoms of their own, known to hold 0 (the honest hierarchy's months and
quarters run past the campaign's first and last weeks).

Equations.  For each indicator, and for the record counts (the `(records)`
pseudo-indicator, from the `records` column of released cells), every
published value is an exact equation: the sum of its cell's atoms equals
the value.  Gauss-Jordan elimination over the rationals (fractions.Fraction)
gives the row space of the published cells' atom vectors.  A set of atoms
is pinned iff its vector reduces to zero against it; its value is then the
same combination of the published values.  This is exact: every value
reported is implied by the published numbers and the cells' day ranges
(whatever the labels say); a set tested and not reported is not pinned by
them, or is pinned to 0 or N+ records, or was published as it is.

Recoveries (disclosures) reported, release by release:
  a. every cell not released (suppressed or withheld) in an indicator whose
     vector is pinned: `recovered release R site/period/label IND: V`;
     this is tried for the cells of every release given, expressed in the
     atoms of release R when they are a union of them;
  b. every atom pinned in an indicator whose record count is pinned to
     1 .. N-1 (N = --min-cohort, default 11): a small group isolated, even
     if no cell is labelled for it:
     `recovered release R atom SITE:FIRST..LAST[+...] IND: V (n records)`;
  c. likewise every run of consecutive atoms (days first .. last between
     two atom boundaries) at one site, or at every site together, that is
     neither an atom nor a cell:
     `recovered release R atoms SITE:FIRST..LAST[+...] IND: V (n records)`.
A value that some release published for the same content with the same
record count is no secret and not reported; content whose record count is
pinned to 0 concerns no one and is not reported either.

Several releases are successive snapshots of one campaign, in the order
given: records can arrive late, so a cell's value may grow.  Content is
matched across releases by its units (a cell's site, first_day and
last_day; an atom's or a run's unit set): content whose record count is
pinned to the same number in two releases is taken to hold the same values
in both, so what one release pins becomes an equation of the other, and
solving starts again until nothing more is learnt.  Then content (a cell, an atom or a
run of any release) whose values are pinned in two releases and whose
count grew by 1 .. N-1 records gives away the late records' sum: that is a
disclosure too (`late records: releases A and B, ...`).

Exit 1 if anything is recovered, 0 otherwise; the last line is
`N releases, N equations, N suppressed values, N recovered`.

What this does NOT prove.  It does not search for every small group the
equations might pin: it tests atoms, runs of days (c), the cells of the
releases given and all of these across releases, not arbitrary unions of
atoms (say a site-week plus another site's week, pinned together at 6
records with neither pinned alone and no cell for them, goes unreported),
nor inequalities (values are counts >= 0, which can narrow an unknown to a
small range without pinning it), nor noise, nor anything outside the files
given (other publications, background knowledge beyond the campaign's
days).  Same-count propagation assumes that no record was removed
between two releases.  With --truth (the scenario generator's ground
truth), a cell whose label holds no record in the truth is not counted
under (a) (that a van stop saw nobody is not a disclosure); this trusts the
labels, so it is meant for honest releases; atoms and runs are judged on
their pinned record counts only.
"""
import csv
import datetime
import sys
from fractions import Fraction

RECORDS = "(records)"   # the record counts, solved like an indicator


def day(s):
    return datetime.date.fromisoformat(s).toordinal()


def iso(n):
    return datetime.date.fromordinal(n).isoformat()


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Release:
    """One release: its cells, their atoms, and the values it publishes."""

    def __init__(self, rows, sites, window):
        self.cells = []         # [label (site, period, label), unit frozenset]
        self.values = []        # per cell: {indicator: int or None}
        index = {}
        for row in rows:
            label = (row["site"], row["period"], row["period_label"])
            key = label + (row["first_day"], row["last_day"])
            if key not in index:
                index[key] = len(self.cells)
                ss = sites if row["site"] == "all" else [row["site"]]
                days = range(day(row["first_day"]), day(row["last_day"]) + 1)
                self.cells.append((label, frozenset((s, d) for s in ss for d in days)))
                self.values.append({})
            vals = self.values[index[key]]
            vals[row["indicator"]] = int(row["value"]) if row["status"] == "released" else None
            if row["records"] != "":
                vals[RECORDS] = int(row["records"])
            else:
                vals.setdefault(RECORDS, None)
        # atoms: units grouped by the tuple of cells covering them
        # (days outside the campaign window form atoms of their own)
        sig = {}
        for i, (_, units) in enumerate(self.cells):
            for u in units:
                sig.setdefault(u, [window is None or window[0] <= u[1] <= window[1]]).append(i)
        groups = {}
        for u, cs in sig.items():
            groups.setdefault(tuple(cs), set()).add(u)
        self.atoms = [frozenset(g) for _, g in sorted(groups.items())]
        self.atom_of = {}
        for a, units in enumerate(self.atoms):
            for u in units:
                self.atom_of[u] = a
        # knowns[indicator][atom vector] = value: the equations
        self.knowns = {}
        for i, vals in enumerate(self.values):
            vec = self.vector(self.cells[i][1])
            for ind, v in vals.items():
                if v is not None:
                    self.knowns.setdefault(ind, {})[vec] = Fraction(v)
        # no record lies outside the campaign: those atoms hold 0
        self.zero = [frozenset([a]) for a, (cs, _) in enumerate(sorted(groups.items()))
                     if not cs[0]]

    def runs(self, sites, window):
        """Runs of days between atom boundaries, for each site and for all
        sites together: the unions of atoms a small group most naturally
        hides in (a span of days at one place, or everywhere)."""
        days = [d for (_, d) in self.atom_of]
        if not days:
            return set()
        lo, hi = window if window else (min(days), max(days))
        out = set()
        for group in [[s] for s in sites] + ([sites] if len(sites) > 1 else []):
            cuts = [d for d in range(lo, hi + 2)
                    if d in (lo, hi + 1) or any(self.atom_of.get((s, d)) != self.atom_of.get((s, d - 1))
                                                for s in group)]
            for i, a in enumerate(cuts):
                for b in cuts[i + 1:]:
                    t = frozenset((s, d) for s in group for d in range(a, b))
                    if self.vector(t) is not None:
                        out.add(t)
        return out

    def vector(self, units):
        """The atoms making up a unit set, or None if it is not a union
        of this release's atoms."""
        count = {}
        for u in units:
            a = self.atom_of.get(u)
            if a is None:
                return None
            count[a] = count.get(a, 0) + 1
        if any(len(self.atoms[a]) != n for a, n in count.items()):
            return None
        return frozenset(count)

    def solve(self, indicators, targets):
        """{unit set: {indicator: value}} for every target (unit sets
        expressible in this release's atoms) that the equations pin."""
        vecs = {}
        for t in targets:
            v = self.vector(t)
            if v is not None:
                vecs[t] = v
        groups = {}     # indicators with the same equations solve together
        for ind in indicators:
            eqs = self.knowns.setdefault(ind, {})
            for z in self.zero:
                eqs.setdefault(z, Fraction(0))
            groups.setdefault(frozenset(eqs), []).append(ind)
        pinned = {}
        for eqset, inds in groups.items():
            pivots = rref([(vec, {ind: self.knowns[ind][vec] for ind in inds})
                           for vec in sorted(eqset, key=sorted)])
            for t, vec in vecs.items():
                got = reduce_target(pivots, vec)
                if got is not None:
                    d = pinned.setdefault(t, {})
                    for ind in inds:
                        d[ind] = got.get(ind, Fraction(0))
        return pinned


def rref(rows):
    """Gauss-Jordan over sparse rows (atom vector, {indicator: rhs});
    returns {pivot column: (row {col: Fraction}, rhs)}, each row with 1 on
    its pivot and 0 on every other pivot column."""
    pivots = {}
    for vec, rhs in rows:
        row = {c: Fraction(1) for c in vec}
        rhs = dict(rhs)
        for c in [c for c in row if c in pivots]:
            f = row.get(c)
            if not f:
                continue
            prow, prhs = pivots[c]
            for k, x in prow.items():
                y = row.get(k, 0) - f * x
                if y:
                    row[k] = y
                else:
                    row.pop(k, None)
            for k, x in prhs.items():
                rhs[k] = rhs.get(k, 0) - f * x
        if not row:
            continue
        c = min(row)
        piv = row[c]
        row = {k: x / piv for k, x in row.items()}
        rhs = {k: x / piv for k, x in rhs.items()}
        for pc, (prow, prhs) in pivots.items():
            f = prow.get(c)
            if not f:
                continue
            for k, x in row.items():
                y = prow.get(k, 0) - f * x
                if y:
                    prow[k] = y
                else:
                    prow.pop(k, None)
            for k, x in rhs.items():
                prhs[k] = prhs.get(k, 0) - f * x
        pivots[c] = (row, rhs)
    return pivots


def reduce_target(pivots, vec):
    """The target's value per indicator if its vector is in the row space,
    else None."""
    rest = {c: Fraction(1) for c in vec}
    value = {}
    for c in vec:
        if c not in pivots:
            continue
        row, rhs = pivots[c]
        for k, x in row.items():
            y = rest.get(k, 0) - x
            if y:
                rest[k] = y
            else:
                rest.pop(k, None)
        for k, x in rhs.items():
            value[k] = value.get(k, 0) + x
    return None if rest else value


def atom_name(units):
    """site:first..last runs, joined with +."""
    by_site = {}
    for s, d in units:
        by_site.setdefault(s, []).append(d)
    parts = []
    for s in sorted(by_site):
        ds = sorted(by_site[s])
        start = prev = ds[0]
        for d in ds[1:] + [None]:
            if d is not None and d == prev + 1:
                prev = d
                continue
            parts.append("%s:%s..%s" % (s, iso(start), iso(prev)))
            if d is not None:
                start = prev = d
    return "+".join(parts)


def full_cells(path):
    """Cells with records in the truth file; others are empty."""
    full = set()
    for row in read_rows(path):
        if int(row["records"]) > 0:
            full.add((row["site"], row["period"], row["period_label"]))
    return full


def main():
    args = sys.argv[1:]
    full = None
    min_cohort = 11
    while args[:1] in (["--truth"], ["--min-cohort"]):
        if args[0] == "--truth":
            full = full_cells(args[1])
        else:
            min_cohort = int(args[1])
        args = args[2:]
    if not args:
        sys.exit("usage: difference_attack.py [--truth truth.csv] [--min-cohort N] "
                 "release.csv [later-release.csv ...]")
    files = [read_rows(p) for p in args]
    sites = sorted({r["site"] for rows in files for r in rows if r["site"] != "all"}) or ["all"]
    camp = [(day(r["first_day"]), day(r["last_day"])) for rows in files for r in rows
            if r["period"] == "campaign"]
    window = (min(a for a, _ in camp), max(b for _, b in camp)) if camp else None
    releases = [Release(rows, sites, window) for rows in files]
    indicators = sorted({i for rel in releases for v in rel.values for i in v})

    # targets: every cell's content (named by its label) and every atom
    label_of = [{} for _ in releases]       # per release: unit set -> label
    cell_targets = {}                       # unit set -> first label seen
    for r, rel in enumerate(releases):
        for label, units in rel.cells:
            label_of[r].setdefault(units, label)
            cell_targets.setdefault(units, label)
    atom_targets = {a for rel in releases for a in rel.atoms}
    run_targets = {t for rel in releases for t in rel.runs(sites, window)}
    run_targets -= atom_targets | set(cell_targets)
    targets = set(cell_targets) | atom_targets | run_targets

    # what some release published, with its record count, is no secret
    published = set()
    for rel in releases:
        for (label, units), vals in zip(rel.cells, rel.values):
            for ind, v in vals.items():
                if v is not None:
                    published.add((units, ind, vals.get(RECORDS)))
    equations = sum(len(k) for rel in releases for k in rel.knowns.values())
    suppressed = sum(1 for rel in releases for vals in rel.values
                     for v in vals.values() if v is None)

    pinned = [{} for _ in releases]
    changed = True
    while changed:
        changed = False
        pinned = [rel.solve(indicators, targets) for rel in releases]
        # the same count in two releases: the same records, the same values
        for a in range(len(releases)):
            for b in range(len(releases)):
                if a == b:
                    continue
                for t, va in pinned[a].items():
                    vb = pinned[b].get(t)
                    if vb is None or RECORDS not in va or va[RECORDS] != vb.get(RECORDS):
                        continue
                    vec = releases[b].vector(t)
                    for ind, v in va.items():
                        if ind not in vb and vec not in releases[b].knowns.setdefault(ind, {}):
                            releases[b].knowns[ind][vec] = v
                            changed = True

    def fmt(v):
        return str(v)

    total = 0
    seen = set()
    for r, rel in enumerate(releases):
        released_here = {}
        for (label, units), vals in zip(rel.cells, rel.values):
            for ind, v in vals.items():
                if v is not None:
                    released_here.setdefault(units, set()).add(ind)
        # a. cells (of any release) not released here, pinned here
        for units in sorted(cell_targets, key=lambda u: cell_targets[u]):
            got = pinned[r].get(units)
            if not got:
                continue
            label = label_of[r].get(units, cell_targets[units])
            if full is not None and label not in full:
                continue
            n = got.get(RECORDS)
            if n == 0:
                continue
            for ind in sorted(got):
                if ind in released_here.get(units, ()):
                    continue
                if (units, ind, n) in published:
                    continue
                print("recovered release %d %s %s: %s" % (r + 1, "/".join(label), ind, fmt(got[ind])))
                seen.add((r, units, ind))
                total += 1
        # b. atoms, then runs of atoms, pinned with a small record count
        small = [("atom", u) for u in sorted(rel.atoms, key=atom_name)]
        small += [("atoms", u) for u in sorted(run_targets, key=atom_name)
                  if u not in rel.atoms]
        for what, units in small:
            got = pinned[r].get(units, {})
            n = got.get(RECORDS)
            if n is None or not 0 < n < min_cohort:
                continue
            for ind in sorted(got):
                if (r, units, ind) in seen or (units, ind, n) in published:
                    continue
                print("recovered release %d %s %s %s: %s (%s records)"
                      % (r + 1, what, atom_name(units), ind, fmt(got[ind]), n))
                seen.add((r, units, ind))
                total += 1
    # a known value in two releases, a few records apart: their sum
    names = {t: "atoms " + atom_name(t) for t in run_targets}
    names.update({t: "atom " + atom_name(t) for t in atom_targets})
    names.update({t: "/".join(l) for t, l in cell_targets.items()})
    for a in range(len(releases)):
        for b in range(a + 1, len(releases)):
            for t in sorted(targets, key=lambda t: names[t]):
                va = pinned[a].get(t, {})
                vb = pinned[b].get(t, {})
                na = va.get(RECORDS)
                nb = vb.get(RECORDS)
                if na is None or nb is None or not 0 < abs(nb - na) < min_cohort:
                    continue
                for ind in indicators:
                    if ind != RECORDS and ind in va and ind in vb:
                        print("late records: releases %d and %d, %s %s: %d record(s) sum to %s"
                              % (a + 1, b + 1, names[t], ind, abs(nb - na), fmt(vb[ind] - va[ind])))
                        total += 1
    print("%d releases, %d equations, %d suppressed values, %d recovered"
          % (len(releases), equations, suppressed, total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
