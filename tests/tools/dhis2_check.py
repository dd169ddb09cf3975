#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the DHIS2 dataValueSets files made by `aggregator report
--dhis2` against the rules DHIS2 documents for an import and for its own
aggregation (docs/decisions.md, decision 33), and against release.csv,
independently of the C code:

- structure (Web API "Sending data values"): an object with dataSet and
  dataValues[] of dataElement, period, orgUnit, categoryOptionCombo,
  value (strings), attributeOptionCombo and comment optional;
- every identifier a DHIS2 UID, the ones of the mapping file;
- one data set per file, of one period type: all periods of a file are
  DHIS2 ISO periods of the type of its data set (weekly 2021W44, monthly
  202111, quarterly 2021Q4), real ones;
- no data set in two files, no data element at two period types (DHIS2
  adds a data element up over periods itself), no duplicate key
  (dataElement, period, orgUnit, categoryOptionCombo,
  attributeOptionCombo) across all the files;
- org units are the sites' of the map, or the map's allSites for the
  all-sites values; a data set (so a data element) gets either the
  sites' values or the all-sites ones, never both (DHIS2 adds the sites
  up into their parent itself);
- no indicator distinct per P (the plan in campaign.json) sent at a
  period type longer than P;
- values are non-negative integer strings; exactly the released values
  of mapped (site, indicator) in each data set's period kind are sent,
  each equal to release.csv's (a negative noisy value as 0 with a
  comment; a month or quarter cut by the campaign's start or end says
  how many of its weeks the campaign covers), and nothing that is not
  released.

usage: dhis2_check.py MAP.json RELEASE.csv CAMPAIGN.json DHIS2.json...
Prints a summary; exits 1 with the problems found.
"""
import csv
import datetime
import json
import re
import sys

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
PERIODS = {
    "weekly": re.compile(r"^(\d{4})W([1-9]|[1-4][0-9]|5[0-3])$"),
    "monthly": re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})Q([1-4])$"),
    "yearly": re.compile(r"^(\d{4})$"),
    "daily": re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
}
KIND_TYPE = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}
ORDER = ["week", "month", "quarter", "year", "campaign"]
TOP_KEYS = {"dataSet", "completeDate", "period", "orgUnit",
            "attributeOptionCombo", "dataValues"}
DV_KEYS = {"dataElement", "period", "orgUnit", "categoryOptionCombo",
           "attributeOptionCombo", "value", "comment", "storedBy",
           "followup", "created", "lastUpdated"}
DV_REQUIRED = ("dataElement", "period", "orgUnit", "categoryOptionCombo",
               "value")
problems = []


def bad(msg):
    if len(problems) < 40:
        problems.append(msg)


def period_type(p):
    """The DHIS2 period type of an ISO period string, or None."""
    for name, rx in PERIODS.items():
        m = rx.match(p)
        if not m:
            continue
        try:
            if name == "weekly":
                datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            elif name == "daily":
                datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return name
    return None


def day(s):
    return datetime.date.fromisoformat(s)


def expected_period(row):
    """(DHIS2 period, covers other days than the calendar period)."""
    kind, label = row["period"], row["period_label"]
    if kind == "week":
        y, w = label.split("-W")
        mon = datetime.date.fromisocalendar(int(y), int(w), 1)
        return "%sW%d" % (y, int(w)), (mon, mon + datetime.timedelta(6))
    if kind == "month":
        y, m = map(int, label.split("-"))
        end = datetime.date(y + m // 12, m % 12 + 1, 1)
        return "%04d%02d" % (y, m), (datetime.date(y, m, 1),
                                     end - datetime.timedelta(1))
    y, q = map(int, label.split("-Q"))
    m = 3 * q
    end = datetime.date(y + m // 12, m % 12 + 1, 1)
    return "%04dQ%d" % (y, q), (datetime.date(y, m - 2, 1),
                                end - datetime.timedelta(1))


def dv_check(where, dv, mp):
    if not isinstance(dv, dict) or set(dv) - DV_KEYS:
        bad("%s: unknown field in %s" % (where, dv))
        return False
    for k in DV_REQUIRED:
        if not isinstance(dv.get(k), str):
            bad("%s: no string '%s'" % (where, k))
    for k in ("dataElement", "orgUnit", "categoryOptionCombo",
              "attributeOptionCombo"):
        if k in dv and not UID.match(str(dv[k])):
            bad("%s: %s '%s' is not a UID" % (where, k, dv[k]))
    if not re.match(r"^(0|[1-9][0-9]*)$", str(dv.get("value"))):
        bad("%s: value '%s' is not a non-negative integer" %
            (where, dv.get("value")))
    if dv.get("categoryOptionCombo") != mp.get("categoryOptionCombo") or \
            dv.get("attributeOptionCombo") != mp.get("attributeOptionCombo"):
        bad("%s: combos are not the map's" % where)
    return True


def file_check(path, doc, mp, sets, seen, de_type):
    """The dataValues of one file, with the period kind of its data set."""
    if not isinstance(doc, dict) or set(doc) - TOP_KEYS or \
            not isinstance(doc.get("dataValues"), list):
        bad("%s: not an object of %s with dataValues" % (path,
                                                         sorted(TOP_KEYS)))
        return None, []
    dvs = doc["dataValues"]
    types = sorted({str(period_type(str(dv.get("period"))))
                    for dv in dvs if isinstance(dv, dict)})
    if len(types) > 1:
        bad("%s: one data set with periods of several types (%s)" %
            (path, ", ".join(types)))
    kind = sets.get(doc.get("dataSet"))
    if kind is None:
        bad("%s: dataSet '%s' is not one of the map's" % (path,
                                                          doc.get("dataSet")))
        return None, dvs
    ptype = KIND_TYPE[kind]
    for n, dv in enumerate(dvs):
        where = "%s: dataValues[%d]" % (path, n)
        if not dv_check(where, dv, mp):
            continue
        if period_type(str(dv.get("period"))) != ptype:
            bad("%s: period '%s' is not %s (data set %s)" %
                (where, dv.get("period"), ptype, kind))
        de = dv.get("dataElement")
        if de_type.setdefault(de, ptype) != ptype:
            bad("%s: data element %s sent at %s and %s periods: DHIS2 "
                "would add both up" % (where, de, de_type[de], ptype))
        key = (de, dv.get("period"), dv.get("orgUnit"),
               dv.get("categoryOptionCombo"), dv.get("attributeOptionCombo"))
        if key in seen:
            bad("%s: a second value for %s" % (where, key[:3]))
        seen.add(key)
    return kind, dvs


def plan_take(campaign):
    plan = json.load(open(campaign, encoding="utf-8"))["plan"]
    return {i["id"]: i.get("distinct") for i in plan["indicators"]}, \
        (day(plan["period"]["start"]), day(plan["period"]["end"]))


def cut(row, start, end):
    """r"N.*M" when the campaign's start or end cuts the row's period (N
    of its M weeks in the campaign), else None."""
    f, l = day(row["first_day"]), day(row["last_day"])
    if f >= start and l <= end:
        return None
    s, e = max(f, start), min(l, end)
    return r"\b%d\b.*\b%d\b" % ((e - f).days // 7 - (s - f).days // 7 + 1,
                                ((l - f).days + 1) // 7)


def expected_values(rows, mp, kind, distinct, period):
    """key -> (value, what the comment must say); keys not released."""
    dset = mp["dataSets"][kind]
    exp, hidden = {}, set()
    for row in rows:
        if row["period"] != kind:
            continue
        de = dset["dataElements"].get(row["indicator"])
        if (row["site"] == "all") != (dset.get("level") == "all"):
            continue
        ou = mp.get("allSites") if row["site"] == "all" else \
            mp["orgUnits"].get(row["site"])
        if de is None or ou is None:
            continue
        d = distinct.get(row["indicator"])
        if d and ORDER.index(kind) > ORDER.index(d):
            bad("map: %s (distinct per %s) in the %s data set" %
                (row["indicator"], d, kind))
        p, cal = expected_period(row)
        key = (de, p, ou)
        if row["status"] != "released":
            hidden.add(key)
            continue
        v = int(row["value"])
        need = []
        if cal != (day(row["first_day"]), day(row["last_day"])):
            need += [row["first_day"], row["last_day"]]
        if v < 0:
            need.append(str(v))
        part = cut(row, *period) if kind != "week" else None
        exp[key] = (str(max(v, 0)), tuple(need), part)
    return exp, hidden


def compare(kind, dvs, exp, hidden):
    got = set()
    for dv in dvs:
        if not isinstance(dv, dict):
            continue
        key = (dv.get("dataElement"), dv.get("period"), dv.get("orgUnit"))
        got.add(key)
        if key not in exp:
            bad("%s: sent but not a released value of a mapped cell: %s%s"
                % (kind, key, " (it is suppressed or withheld)"
                   if key in hidden else ""))
            continue
        val, need, part = exp[key]
        if dv.get("value") != val:
            bad("%s: value %s, release.csv says %s" % (key, dv.get("value"),
                                                       val))
        for s in need:
            if s not in dv.get("comment", ""):
                bad("%s: comment does not say '%s'" % (key, s))
        if part and not re.search(part, dv.get("comment", "")):
            bad("%s: comment does not say the period is partial" % (key,))
    for key in exp:
        if key not in got:
            bad("%s: released value not sent: %s" % (kind, key))


def main():
    mp = json.load(open(sys.argv[1], encoding="utf-8"))
    rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
    distinct, period = plan_take(sys.argv[3])
    sets = {s.get("dataSet"): k for k, s in mp.get("dataSets", {}).items()}
    sites = set(mp.get("orgUnits", {}).values())
    if mp.get("allSites") in sites:
        bad("map: allSites is a site's org unit")
    seen, de_type, done, total = set(), {}, {}, 0
    for path in sys.argv[4:]:
        kind, dvs = file_check(path, json.load(open(path, encoding="utf-8")),
                               mp, sets, seen, de_type)
        total += len(dvs)
        level = mp["dataSets"].get(kind, {}).get("level", "site")
        for dv in dvs:
            if isinstance(dv, dict) and level == "site" and \
                    dv.get("orgUnit") == mp.get("allSites"):
                bad("%s: an all-sites value in a data set of the sites'" %
                    path)
            if isinstance(dv, dict) and dv.get("orgUnit") not in sites | \
                    {mp.get("allSites")} - {None}:
                bad("%s: orgUnit %s is not a site's or allSites" %
                    (path, dv.get("orgUnit")))
        if kind is None:
            continue
        if kind in done:
            bad("%s: data set %s also in %s" % (path, kind, done[kind]))
        done[kind] = path
        exp, hidden = expected_values(rows, mp, kind, distinct, period)
        compare(kind, dvs, exp, hidden)
    for kind in mp.get("dataSets", {}):
        if kind not in done:
            bad("no file for the %s data set" % kind)
    print("%d dataValues in %d file(s) (%s) checked against release.csv" %
          (total, len(sys.argv) - 4, ", ".join(sorted(done))))
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
