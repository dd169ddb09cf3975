#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the DOM of an HTML report, as a browser built it (chromium
--dump-dom), against release.csv:

- self-contained: no script, no event handler, no external reference;
- charts: one line chart per period kind (campaign and day aside) and one
  small multiple per site, each an <svg role=img> with <title> and
  <desc>; a point (circle.pt) for every released all-sites value of the
  selected indicators and a bar (rect.bar) for every released site value
  of the first, each carrying the value of release.csv;
- suppressed and withheld values: marked (hatched, a letter) wherever the
  report shows the cell, with release.csv's status and reason, and never
  as a number: no digit in what a mark shows (its tooltip aside);
- every value shown (data-v) equals release.csv's; every value of the
  site x month tables is there, released or marked;
- with the plan (campaign.json): the plan's title, in the page's
  language, heads it; an indicator distinct per P (counts people once
  per P) has no value shown at a longer period, and a dash (data-na)
  with a sentence where a table would have it; every period cut by the
  campaign's start or end (first_day/last_day against the plan's
  start/end) is marked partial with its count of weeks (days) in its
  table headers and its chart, and no other period is; a chart section
  where nothing of what it would draw is released is one sentence
  (p.empty) instead of charts.

usage: report_dom_check.py DOM.html RELEASE.csv CAMPAIGN.json \
           [--indicators a,b] [--lang fr|en] [--expect-text TEXT]...
Prints a summary; exits 1 with the problems found.
"""
import argparse
import csv
import datetime
import json
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
problems = []


def bad(msg):
    if len(problems) < 40:
        problems.append(msg)


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self, skip_title=True):
        out = []
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif not (skip_title and c.tag == "title"):
                out.append(c.text(skip_title))
        return "".join(out)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def classes(self):
        return self.attrs.get("class", "").split()


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def day(s):
    return datetime.date.fromisoformat(s)


def self_contained(nodes):
    for n in nodes:
        if n.tag in ("script", "iframe", "object", "embed", "img", "link",
                     "image", "use", "foreignobject"):
            bad("a <%s> element" % n.tag)
        for k, v in n.attrs.items():
            v = v or ""
            if k.startswith("on"):
                bad("an event handler %s on <%s>" % (k, n.tag))
            if k in ("src", "href", "xlink:href", "action") and v:
                bad("an external reference %s=%s" % (k, v))
            if re.search(r"url\(\s*['\"]?(?!#)", v):
                bad("a url() to something else than the page: %s" % v)
        if n.tag == "style":
            css = n.text(False)
            if "@import" in css or re.search(r"url\(\s*['\"]?(?!#)", css):
                bad("the style sheet fetches something")


ORDER = ["day", "week", "month", "quarter", "year", "campaign"]


def shown(distinct, ind, kind):
    d = distinct.get(ind)
    return not d or ORDER.index(kind) <= ORDER.index(d)


def charts(nodes, n_lines, n_mults):
    svgs = [n for n in nodes if n.tag == "svg" and "chart" in n.classes()]
    for s in svgs:
        kids = [c.tag for c in s.children if isinstance(c, Node)]
        if s.attrs.get("role") != "img" or "title" not in kids or \
                "desc" not in kids:
            bad("a chart without role=img, <title> or <desc>")
    if len(svgs) != n_lines + n_mults:
        bad("%d charts, expected %d" % (len(svgs), n_lines + n_mults))
    return svgs


def empties(nodes, rows, sel, distinct, kinds, sites):
    """Kinds drawn as line charts, and whether the small multiples are:
    a chart where nothing is released is a sentence (p.empty)."""
    notes = {n.attrs.get("data-empty") for n in nodes if n.tag == "p" and
             "empty" in n.classes()}
    lines = 0
    for k in kinds - {"campaign", "day"}:
        if not any(shown(distinct, i, k) for i in sel):
            continue
        rel = any(r["site"] == "all" and r["period"] == k and
                  r["indicator"] in sel and shown(distinct, r["indicator"], k)
                  and r["status"] == "released" for r in rows)
        lines += rel
        if rel == (k in notes):
            bad("by %s: %s" % (k, "a sentence but values released" if rel
                               else "nothing released but no sentence"))
    mults = "week" in kinds and any(
        r["site"] != "all" and r["period"] == "week" and r["indicator"] ==
        sel[0] and r["status"] == "released" for r in rows)
    if mults == ("per-site" in notes) and sites:
        bad("per site: %s" % ("a sentence but values released" if mults
                              else "nothing released but no sentence"))
    return lines, len(sites) if mults else 0, notes


def distinct_rules(nodes, rows, distinct):
    kind_of = {r["period_label"]: r["period"] for r in rows}
    n_na = 0
    for n in nodes:
        ind, per = n.attrs.get("data-ind"), n.attrs.get("data-period")
        kind = kind_of.get(per)
        if ind is None or kind is None:
            continue
        if "data-v" in n.attrs and not shown(distinct, ind, kind):
            bad("%s (distinct per %s) shown at %s %s: a sum of counts of "
                "people" % (ind, distinct[ind], kind, per))
        if "data-na" in n.attrs:
            n_na += 1
            if shown(distinct, ind, kind):
                bad("%s %s: a dash for a value that may be shown" % (ind,
                                                                    per))
            if re.search(r"\d", n.text()) or "data-v" in n.attrs:
                bad("%s %s: a dash carries a number" % (ind, per))
    return n_na


def partial_rules(nodes, rows, start, end, lines):
    """{label: (in, of)} of the periods cut by the campaign."""
    want = {}
    for r in rows:
        f, l = day(r["first_day"]), day(r["last_day"])
        if r["period"] == "campaign" or (f >= start and l <= end):
            continue
        s, e = max(f, start), min(l, end)
        n = (l - f).days + 1
        if n % 7 or n == 7:
            want[r["period_label"]] = (r["period"], (e - s).days + 1, n)
        else:
            want[r["period_label"]] = (r["period"], (e - f).days // 7 -
                                       (s - f).days // 7 + 1, n // 7)
    ths = [(n.attrs["data-period"], n.attrs.get("data-partial"))
           for n in nodes if n.tag == "th" and "data-period" in n.attrs]
    gs = [(n.attrs.get("data-period"), n.attrs.get("data-partial"))
          for n in nodes if n.tag == "g" and "partial" in n.classes()]
    for label, (kind, i, of) in want.items():
        for what, got in (("table", ths), ("chart", gs)):
            txts = [t for lab, t in got if lab == label]
            if not txts and what == "chart" and kind in lines:
                txts = [None]
            if not txts and what == "table" and kind in lines:
                txts = [None]
            for txt in txts:
                if txt is None or not re.search(
                        r"\b%d\b.*\b%d\b" % (i, of), txt):
                    bad("%s %s: not marked partial (%d of %d): %s" % (
                        what, label, i, of, txt))
    for label, txt in ths + gs:
        if txt is not None and label not in want:
            bad("%s marked partial but whole in the campaign" % label)
    return len(want)


def marks_and_values(nodes, vals, cells, recs):
    n_marks = n_vals = 0
    for n in nodes:
        if "data-records" in n.attrs and recs.get((n.attrs.get(
                "data-site"), n.attrs.get("data-period"))) != \
                n.attrs["data-records"]:
            bad("records %s %s = %s, release.csv: %s" % (
                n.attrs.get("data-site"), n.attrs.get("data-period"),
                n.attrs["data-records"], recs.get((n.attrs.get(
                    "data-site"), n.attrs.get("data-period")))))
        st = n.attrs.get("data-status")
        site, per = n.attrs.get("data-site"), n.attrs.get("data-period")
        ind = n.attrs.get("data-ind")
        if st is not None:
            n_marks += 1
            shown = n.text().strip()
            if re.search(r"\d", shown) or shown not in ("s", "w", ""):
                bad("mark %s %s %s shows '%s'" % (site, per, ind, shown))
            if "data-v" in n.attrs or "data-records" in n.attrs:
                bad("mark %s %s %s carries a value" % (site, per, ind))
            want = vals.get((site, per, ind)) if ind else cells.get((site,
                                                                    per))
            if want is None or want[0] != st or want[1] != \
                    n.attrs.get("data-reason"):
                bad("mark %s %s %s is %s/%s, release.csv: %s" % (
                    site, per, ind, st, n.attrs.get("data-reason"), want))
            if not any(c in n.classes() for c in ("mark-s", "mark-w")):
                bad("mark %s %s %s not visibly marked" % (site, per, ind))
            if n.tag == "g" and not any(
                    isinstance(c, Node) and c.tag == "rect" and
                    c.attrs.get("fill", "").startswith("url(#tv-hatch-")
                    for c in n.children):
                bad("chart mark %s %s %s not hatched" % (site, per, ind))
        if "data-v" in n.attrs:
            n_vals += 1
            want = vals.get((site, per, ind))
            if want is None or want[0] != "released" or \
                    want[2] != n.attrs["data-v"]:
                bad("value %s %s %s = %s, release.csv: %s" % (
                    site, per, ind, n.attrs["data-v"], want))
            shown = n.text().strip()
            if shown and shown != n.attrs["data-v"]:
                bad("value %s %s %s shows '%s'" % (site, per, ind, shown))
    return n_marks, n_vals


def count_marks(nodes, cls):
    return sum(1 for n in nodes if n.tag == cls[0] and cls[1] in n.classes())


def site_month_complete(nodes, rows, sel):
    shown = {(n.attrs.get("data-site"), n.attrs.get("data-period"),
              n.attrs.get("data-ind")) for n in nodes if n.tag == "td"}
    full = {r["indicator"] for r in rows if r["period"] == "month" and
            r["status"] == "released"}
    missing = [(r["site"], r["period_label"], r["indicator"]) for r in rows
               if r["period"] == "month" and r["indicator"] in sel and
               r["indicator"] in full and
               (r["site"], r["period_label"], r["indicator"]) not in shown]
    for m in missing[:5]:
        bad("site x month table lacks %s" % (m,))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dom")
    ap.add_argument("csv")
    ap.add_argument("campaign")
    ap.add_argument("--indicators")
    ap.add_argument("--lang")
    ap.add_argument("--expect-text", action="append", default=[])
    a = ap.parse_args()
    t = Tree()
    t.feed(open(a.dom, encoding="utf-8").read())
    nodes = list(t.root.walk())
    rows = list(csv.DictReader(open(a.csv, encoding="utf-8")))
    inds = list(dict.fromkeys(r["indicator"] for r in rows))
    sel = a.indicators.split(",") if a.indicators else inds[:5]
    vals = {(r["site"], r["period_label"], r["indicator"]):
            (r["status"], r["reason"], r["value"]) for r in rows}
    cells = {}
    recs = {(r["site"], r["period_label"]): r["records"] for r in rows}
    for r in rows:
        if r["status"] != "released" and r["records"] == "":
            cells[(r["site"], r["period_label"])] = (r["status"], r["reason"])
    kinds = {r["period"] for r in rows}
    sites = list(dict.fromkeys(r["site"] for r in rows if r["site"] != "all"))
    plan = json.load(open(a.campaign, encoding="utf-8"))["plan"]
    distinct = {i["id"]: i.get("distinct") for i in plan["indicators"]}
    start, end = day(plan["period"]["start"]), day(plan["period"]["end"])

    self_contained(nodes)
    lang = next((n.attrs.get("lang") for n in nodes if n.tag == "html"),
                None)
    if a.lang and lang != a.lang:
        bad("the page is in '%s', expected '%s'" % (lang, a.lang))
    h1 = [n.text().strip() for n in nodes if n.tag == "h1"]
    if h1 != [plan["title"].get(lang or "en")]:
        bad("heading %s, expected the plan's title %r" % (
            h1, plan["title"].get(lang or "en")))
    ids = {n.attrs.get("id") for n in nodes if n.tag == "pattern"}
    if not {"tv-hatch-s", "tv-hatch-w"} <= ids:
        bad("the hatch patterns are not defined")
    n_lines, n_mults, notes = empties(nodes, rows, sel, distinct, kinds,
                                      sites)
    lines = {k for k in kinds - {"campaign", "day"} if k not in notes and
             any(shown(distinct, i, k) for i in sel)}
    charts(nodes, n_lines, n_mults)
    n_marks, n_vals = marks_and_values(nodes, vals, cells, recs)
    n_na = distinct_rules(nodes, rows, distinct)
    n_partial = partial_rules(nodes, rows, start, end, lines)
    if any(d and d != "campaign" for d in distinct.values()) and \
            "campaign" in kinds and n_na == 0:
        bad("no dash for a count of people over the campaign")
    pts = count_marks(nodes, ("circle", "pt"))
    bars = count_marks(nodes, ("rect", "bar"))
    want_pts = sum(1 for r in rows if r["site"] == "all" and r["indicator"]
                   in sel and r["status"] == "released" and
                   r["period"] not in ("campaign", "day") and
                   shown(distinct, r["indicator"], r["period"]))
    axis = "week" if n_mults else None
    want_bars = sum(1 for r in rows if r["site"] != "all" and r["indicator"]
                    == sel[0] and r["status"] == "released" and
                    r["period"] == axis)
    if pts != want_pts:
        bad("%d points in the line charts, expected %d" % (pts, want_pts))
    if bars != want_bars:
        bad("%d bars in the small multiples, expected %d" % (bars, want_bars))
    svg_marks = sum(1 for n in nodes if n.tag == "g" and "mark" in
                    n.classes())
    if any(r["status"] != "released" for r in rows) and (
            svg_marks == 0 or count_marks(nodes, ("td", "mark")) == 0):
        bad("values not released but no mark in the charts or tables")
    site_month_complete(nodes, rows, sel)
    body = t.root.text(False)
    for s in a.expect_text:
        if s not in body:
            bad("text not shown as text: %r" % s)
    print("%d charts, %d points, %d bars, %d values and %d marks "
          "(%d in charts), %d dashes, %d partial periods, %d sentences for "
          "empty sections checked against release.csv and the plan" % (
              len([n for n in nodes if n.tag == "svg" and "chart" in
                   n.classes()]), pts, bars, n_vals, n_marks, svg_marks,
              n_na, n_partial, len(notes)))
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
