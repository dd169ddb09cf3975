#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make a release.json (and its release.csv) with what a real release may
hold but the fixture lacks, for the report tests: a withheld cell
(not_closed), a negative noisy value, quarter cells (if
it has none) and a site's released quarter, a month whose days are whole ISO weeks (not the
calendar month), campaign cells that are exactly a calendar year, and
labels that try to inject HTML, two released site-weeks, values and
record counts as strings (release.json has had both).  The result
does not verify (trustee verify): it only exercises the renderers.

usage: report_mutate.py IN/release.json OUT_DIR
"""
import copy
import csv
import json
import sys

HOSTILE_SITE = 'Bellevue <script>alert("x")</script> & \'co\''
HOSTILE_IND = 'Visits <img src=x onerror=alert(1)>'


def main():
    rel = json.load(open(sys.argv[1], encoding="utf-8"))
    out = sys.argv[2]
    cells = rel["cells"]
    inds = [i["id"] for i in rel["labels"]["indicators"]]

    # 1. The last all-sites week: withheld, not closed.
    weeks = [c for c in cells if c["site"] == "all" and c["period"] == "week"]
    w = weeks[-1]
    for k in ("records", "ct_sum", "record_ids", "values"):
        w.pop(k, None)
    w["status"], w["reason"] = "withheld", "not_closed"

    # 2. A released site-month value made negative by noise.
    sm = next(c for c in cells if c["site"] != "all" and
              c["period"] == "month" and c["status"] == "released")
    sm["values"][inds[0]] = {"status": "released", "value": -3}

    # 3. Quarter cells, if the release has none: copies of the campaign
    # cells on the calendar quarter 2021-Q4.
    has_q = any(c["period"] == "quarter" for c in cells)
    for c in [c for c in cells if c["period"] == "campaign" and not has_q]:
        q = copy.deepcopy(c)
        q.update(period="quarter", period_label="2021-Q4",
                 first_day="2021-10-01", last_day="2021-12-31")
        cells.append(q)

    # 3b. One site's 2021-Q4 released, with the all-sites quarter's
    # values (the demo's sites' quarters are all held back for
    # differencing: their one-week 2022-Q1 is under the cohort).
    src = next((c for c in cells if c["site"] == "all" and
                c["period"] == "quarter" and c["status"] == "released"), None)
    for c in [c for c in cells if c["site"] != "all" and
              c["period"] == "quarter" and
              c["period_label"] == "2021-Q4"][:1]:
        if src is not None and c["status"] != "released":
            c.pop("reason", None)
            c.update(status="released", records=src["records"],
                     values=copy.deepcopy(src["values"]))

    # 4. Month 2021-11 as whole ISO weeks; 5. campaign = year 2021.
    for c in cells:
        if c["period"] == "month" and c["period_label"] == "2021-11":
            c["first_day"], c["last_day"] = "2021-11-01", "2021-11-28"
        if c["period"] == "campaign":
            c["first_day"], c["last_day"] = "2021-01-01", "2021-12-31"

    # 6. Two weeks of the first site released (bars in the small
    # multiples), with the values of the first all-sites week.
    site0 = rel["labels"]["sites"][0]["id"]
    src = next(c for c in weeks if c["status"] == "released")
    for c in [c for c in cells if c["site"] == site0 and
              c["period"] == "week"][:2]:
        c.pop("reason", None)
        c.update(status="released", records=src["records"],
                 values=copy.deepcopy(src["values"]))

    # 8. Values and record counts as decimal strings in the released
    # month cells (release.json has written numbers and strings).
    for c in cells:
        if c["period"] == "month" and \
                c["status"] == "released":
            c["records"] = str(c["records"])
            for v in c["values"].values():
                if "value" in v:
                    v["value"] = str(v["value"])

    # 7. Labels that try to inject markup.
    rel["labels"]["sites"][0]["label"] = {"en": HOSTILE_SITE,
                                          "fr": HOSTILE_SITE}
    rel["labels"]["indicators"][0]["label"] = {"en": HOSTILE_IND,
                                               "fr": HOSTILE_IND}

    with open(out + "/release.json", "w", encoding="utf-8") as f:
        json.dump(rel, f, ensure_ascii=False, indent=1)
    with open(out + "/release.csv", "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["site", "period", "period_label", "first_day",
                     "last_day", "records", "indicator", "value", "status",
                     "reason"])
        for c in cells:
            for i in inds:
                v = c.get("values", {}).get(i)
                if v is None:
                    st, reason, val = c["status"], c.get("reason", ""), ""
                else:
                    st, reason = v["status"], v.get("reason", "")
                    val = str(v["value"]) if "value" in v else ""
                wr.writerow([c["site"], c["period"], c["period_label"],
                             c["first_day"], c["last_day"],
                             c.get("records", ""), i, val, st, reason])


if __name__ == "__main__":
    main()
