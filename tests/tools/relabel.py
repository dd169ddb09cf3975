#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""relabel.py IN_DIR OUT_DIR MODE: a hostile publisher's change to a
release's statuses, made consistently in release.json and release.csv
(so that only the trustees' recorded decisions can tell):
  withhold   the first released cell shown as withheld/not_closed
  revision   the first released cell shown as a revision
  reason     the first suppressed/min_cohort cell shown as
             suppressed/secondary
  value      one value of the first released cell shown as a revision
Prints the cell changed."""
import csv
import io
import json
import shutil
import sys

src, dst, mode = sys.argv[1:4]
shutil.rmtree(dst, ignore_errors=True)
shutil.copytree(src, dst)
doc = json.load(open(f"{src}/release.json"))


def pick(status, reason):
    for c in doc["cells"]:
        if c["status"] == status and c.get("reason") == reason:
            return c
    sys.exit(f"relabel: no {status}/{reason} cell")


if mode == "withhold":
    cell = pick("released", None)
    for k in ("records", "ct_sum", "record_ids", "values"):
        cell.pop(k, None)
    cell["status"], cell["reason"] = "withheld", "not_closed"
elif mode == "revision":
    cell = pick("released", None)
    cell["reason"] = "revision"
    for v in cell["values"].values():
        if v["status"] == "released" and "reason" not in v:
            v["reason"] = "revision"
elif mode == "value":
    cell = pick("released", None)
    first = next(iter(cell["values"]))
    cell["values"][first]["reason"] = "revision"
elif mode == "reason":
    cell = pick("suppressed", "min_cohort")
    cell["reason"] = "secondary"
else:
    sys.exit("relabel: unknown mode")
# Keep the key order of a cell as publish writes it.
text = json.dumps(doc, indent=1, ensure_ascii=True)
open(f"{dst}/release.json", "w").write(text)

key = (cell["site"], cell["period"], cell["period_label"])
rows = list(csv.reader(open(f"{src}/release.csv", newline="")))
for r in rows[1:]:
    if (r[0], r[1], r[2]) != key:
        continue
    if mode == "withhold":
        r[5], r[7], r[8], r[9] = "", "", "withheld", "not_closed"
    elif mode == "revision":
        if r[8] == "released" and r[9] == "":
            r[9] = "revision"
    elif mode == "value":
        if r[6] == first:
            r[9] = "revision"
    else:
        r[9] = "secondary"
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
open(f"{dst}/release.csv", "w").write(out.getvalue())
print(cell["cell"])
