#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a DHIS2 dataValueSets file made by `aggregator report --dhis2`
against the structure the DHIS2 Web API documents for an import
(dataSet, dataValues[] of dataElement, period, orgUnit,
categoryOptionCombo, attributeOptionCombo?, value, comment?) and against
release.csv, independently of the C code:

- every identifier is a DHIS2 UID, the ones of the mapping file;
- every period is a DHIS2 ISO period (weekly 2021W44, monthly 202111,
  quarterly 2021Q4, yearly 2021, daily 20211102), a real one;
- values are non-negative integer strings;
- one value per (dataElement, period, orgUnit, combos);
- exactly the released values of mapped (site, indicator) with a DHIS2
  period are sent, each equal to release.csv's (a negative noisy value as
  0 with a comment), and nothing that is not released.

usage: dhis2_check.py DHIS2.json RELEASE.csv MAP.json
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


def calendar_period(first, last):
    """DHIS2 period of a day range that is exactly a year, quarter or
    month, else None (rule for campaign cells)."""
    f, l = day(first), day(last)
    if f.month == 1 and f.day == 1 and (l.month, l.day) == (12, 31) and \
            f.year == l.year:
        return "%04d" % f.year
    nxt = lambda y, m: datetime.date(y + m // 12, m % 12 + 1, 1)
    if f.day == 1 and f.month % 3 == 1 and \
            l == nxt(f.year, f.month + 2) - datetime.timedelta(days=1):
        return "%04dQ%d" % (f.year, (f.month - 1) // 3 + 1)
    if f.day == 1 and l == nxt(f.year, f.month) - datetime.timedelta(days=1):
        return "%04d%02d" % (f.year, f.month)
    return None


def expected_period(row, kinds):
    """(DHIS2 period, covers other days than the calendar period)."""
    kind, label = row["period"], row["period_label"]
    if kinds is not None and kind not in kinds:
        return None, False
    if kind == "week":
        y, w = label.split("-W")
        mon = datetime.date.fromisocalendar(int(y), int(w), 1)
        cal = (mon, mon + datetime.timedelta(days=6))
        p = "%sW%d" % (y, int(w))
    elif kind == "month":
        y, m = map(int, label.split("-"))
        p = "%04d%02d" % (y, m)
        cal = (datetime.date(y, m, 1), datetime.date(y + m // 12, m % 12 + 1,
                                                     1) - datetime.timedelta(1))
    elif kind == "quarter":
        y, q = label.split("-Q")
        y, q = int(y), int(q)
        p = "%04dQ%d" % (y, q)
        m = 3 * q
        cal = (datetime.date(y, m - 2, 1), datetime.date(y + m // 12,
               m % 12 + 1, 1) - datetime.timedelta(1))
    elif kind == "year":
        p = label
        cal = (datetime.date(int(label), 1, 1), datetime.date(int(label), 12,
                                                              31))
    elif kind == "day":
        d = day(label)
        p, cal = d.strftime("%Y%m%d"), (d, d)
    else:
        return calendar_period(row["first_day"], row["last_day"]), False
    return p, cal != (day(row["first_day"]), day(row["last_day"]))


def check_structure(doc, mp):
    if not isinstance(doc, dict) or set(doc) - TOP_KEYS:
        bad("top level: not an object of %s" % sorted(TOP_KEYS))
        return []
    if not UID.match(doc.get("dataSet", "")) or doc["dataSet"] != mp["dataSet"]:
        bad("dataSet is not the map's UID")
    dvs = doc.get("dataValues")
    if not isinstance(dvs, list) or not dvs:
        bad("no dataValues list")
        return []
    seen = set()
    for n, dv in enumerate(dvs):
        where = "dataValues[%d]" % n
        if not isinstance(dv, dict) or set(dv) - DV_KEYS:
            bad("%s: unknown field in %s" % (where, dv))
            continue
        for k in DV_REQUIRED:
            if not isinstance(dv.get(k), str):
                bad("%s: no string '%s'" % (where, k))
        for k in ("dataElement", "orgUnit", "categoryOptionCombo",
                  "attributeOptionCombo"):
            if k in dv and not UID.match(str(dv[k])):
                bad("%s: %s '%s' is not a UID" % (where, k, dv[k]))
        if period_type(str(dv.get("period"))) is None:
            bad("%s: period '%s' is not a DHIS2 period" % (where,
                                                           dv.get("period")))
        if not re.match(r"^(0|[1-9][0-9]*)$", str(dv.get("value"))):
            bad("%s: value '%s' is not a non-negative integer" %
                (where, dv.get("value")))
        if dv.get("categoryOptionCombo") != mp["categoryOptionCombo"] or \
                dv.get("attributeOptionCombo") != \
                mp.get("attributeOptionCombo"):
            bad("%s: combos are not the map's" % where)
        key = (dv.get("dataElement"), dv.get("period"), dv.get("orgUnit"),
               dv.get("categoryOptionCombo"), dv.get("attributeOptionCombo"))
        if key in seen:
            bad("%s: a second value for %s" % (where, key[:3]))
        seen.add(key)
    return dvs


def expected_values(rows, mp):
    """key -> (value string, comment must hold) and the keys of values
    not released."""
    exp, hidden = {}, set()
    kinds = set(mp["periods"]) if "periods" in mp else None
    for row in rows:
        de = mp["dataElements"].get(row["indicator"])
        ou = mp["orgUnits"].get(row["site"])
        if de is None or ou is None:
            continue
        p, partial = expected_period(row, kinds)
        if p is None:
            continue
        key = (de, p, ou)
        if row["status"] != "released":
            hidden.add(key)
            continue
        v = int(row["value"])
        need = []
        if partial:
            need += [row["first_day"], row["last_day"]]
        if v < 0:
            need.append(str(v))
        val = (str(max(v, 0)), tuple(need))
        if key in exp and exp[key] != val:
            bad("fixture: two released cells on %s" % (key,))
        exp.setdefault(key, val)
    return exp, hidden


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
    mp = json.load(open(sys.argv[3], encoding="utf-8"))
    dvs = check_structure(doc, mp)
    exp, hidden = expected_values(rows, mp)
    got = {}
    for dv in dvs:
        key = (dv.get("dataElement"), dv.get("period"), dv.get("orgUnit"))
        got[key] = dv
        if key not in exp:
            bad("sent but not a released value: %s%s" % (
                key, " (it is suppressed or withheld)" if key in hidden
                else ""))
            continue
        val, need = exp[key]
        if dv.get("value") != val:
            bad("%s: value %s, release.csv says %s" % (key, dv.get("value"),
                                                       val))
        for s in need:
            if s not in dv.get("comment", ""):
                bad("%s: comment does not say '%s'" % (key, s))
    for key in exp:
        if key not in got:
            bad("released value not sent: %s" % (key,))
    types = sorted({period_type(dv["period"]) for dv in dvs
                    if isinstance(dv, dict) and "period" in dv} - {None})
    print("%d dataValues (%s) checked against %d released values; %d not "
          "released left out" % (len(dvs), ", ".join(types), len(exp),
                                  len(hidden - set(exp))))
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
