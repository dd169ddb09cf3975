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
  site x month tables is there, released or marked.

usage: report_dom_check.py DOM.html RELEASE.csv [--indicators a,b] \
           [--expect-text TEXT]...
Prints a summary; exits 1 with the problems found.
"""
import argparse
import csv
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


def charts(nodes, rows, kinds, sites):
    svgs = [n for n in nodes if n.tag == "svg" and "chart" in n.classes()]
    for s in svgs:
        kids = [c.tag for c in s.children if isinstance(c, Node)]
        if s.attrs.get("role") != "img" or "title" not in kids or \
                "desc" not in kids:
            bad("a chart without role=img, <title> or <desc>")
    want = len(kinds - {"campaign", "day"}) + len(sites)
    if len(svgs) != want:
        bad("%d charts, expected %d" % (len(svgs), want))
    return svgs


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
    missing = [(r["site"], r["period_label"], r["indicator"]) for r in rows
               if r["period"] == "month" and r["indicator"] in sel and
               (r["site"], r["period_label"], r["indicator"]) not in shown]
    for m in missing[:5]:
        bad("site x month table lacks %s" % (m,))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dom")
    ap.add_argument("csv")
    ap.add_argument("--indicators")
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

    self_contained(nodes)
    ids = {n.attrs.get("id") for n in nodes if n.tag == "pattern"}
    if not {"tv-hatch-s", "tv-hatch-w"} <= ids:
        bad("the hatch patterns are not defined")
    charts(nodes, rows, kinds, sites)
    n_marks, n_vals = marks_and_values(nodes, vals, cells, recs)
    pts = count_marks(nodes, ("circle", "pt"))
    bars = count_marks(nodes, ("rect", "bar"))
    want_pts = sum(1 for r in rows if r["site"] == "all" and r["indicator"]
                   in sel and r["status"] == "released" and
                   r["period"] not in ("campaign", "day"))
    axis = "week" if "week" in kinds else None
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
          "(%d in charts) checked against release.csv" % (
              len([n for n in nodes if n.tag == "svg" and "chart" in
                   n.classes()]), pts, bars, n_vals, n_marks, svg_marks))
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
