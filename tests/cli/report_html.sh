# SPDX-License-Identifier: MIT
# aggregator report --html: one self-contained page that renders in
# headless Chromium.  From the DOM Chromium builds (--dump-dom),
# tests/tools/report_dom_check.py checks against release.csv: no script
# and nothing fetched; a line chart per period kind and a small multiple
# per site, SVG with title and desc; a point or bar for every released
# value drawn, equal to release.csv's; every suppressed or withheld value
# shown is a hatched mark with its status and reason and no number.  In
# French and English, on a real release and on one with a withheld cell,
# a negative noisy value and labels that try to inject markup.  With the
# plan (campaign.json): the plan's title heads the page in its language,
# and the plan's language is the default; a count of people per month
# is never shown over a quarter or the campaign (a dash and a sentence);
# the periods cut by the campaign's start or end are marked partial in
# tables and charts; the empty "by week and site" section is one
# sentence.  Negative cases: a campaign.json of another campaign, an
# edited one, or none is refused, and the checker refuses pages that lack
# each rule.  A
# screenshot is taken.  Fails (does not skip) without Chromium.
. tests/cli/lib.sh
command -v chromium >/dev/null 2>&1 ||
	fail "chromium is missing (tools/deps.d/report.list: run 'make deps')"
. tests/tools/report_fixture.sh

chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$T/chrome" "$@" 2>>"$T/chrome.log"
}
dom_check() {	# HTML CSV CAMPAIGN [checker options]
	h_=$1
	c_=$2
	shift 2
	chrome --dump-dom "file://$h_" >"$h_.dom" || fail "chromium failed on $h_"
	grep -q '<svg' "$h_.dom" || fail "chromium did not render $h_"
	python3 tests/tools/report_dom_check.py "$h_.dom" "$c_" "$@" ||
		fail "DOM check of $h_"
}
for lang in en fr; do
	"$BIN/aggregator" report --lang "$lang" --html "$T/r-$lang.html" \
		"$REL/release.json" 2>/dev/null
	dom_check "$T/r-$lang.html" "$REL/release.csv" "$REL/campaign.json" \
		--lang "$lang"
	grep -q "<html lang=\"$lang\">" "$T/r-$lang.html" || fail "lang $lang"
done
grep -q 'data-empty="per-site"' "$T/r-en.html.dom" ||
	fail "the empty 'by week and site' section has no sentence"
grep -q 'data-partial="partial: 1 of 4 weeks"' "$T/r-en.html.dom" ||
	fail "the first month is not marked partial"
grep -q 'data-partial="partielle : 1 sur 13 semaines"' "$T/r-fr.html.dom" ||
	fail "the last quarter is not marked partial (French)"

# The plan's language is the default: a French plan (the demo's) gives a
# French page, a plan without one an English page.
"$BIN/aggregator" report --html "$T/d-fr.html" "$REL/release.json" 2>/dev/null
dom_check "$T/d-fr.html" "$REL/release.csv" "$REL/campaign.json" --lang fr
# (a real release: the report checks the bundle as every program does,
# so a plan cannot be edited under a release)
grep -v '^  "language":' "$PLAN" >"$T/plan-nolang.json"
! grep -q '"language"' "$T/plan-nolang.json" || fail "cannot drop the language"
mkdir "$T/nl"
small_release "$T/nl" "$T/plan-nolang.json"
"$BIN/aggregator" report --html "$T/d-en.html" "$T/nl/rel/release.json" 2>/dev/null
dom_check "$T/d-en.html" "$T/nl/rel/release.csv" "$T/nl/rel/campaign.json" --lang en
"$BIN/aggregator" report "$REL/release.json" >"$T/fr.txt"
head -1 "$T/fr.txt" | grep -q "^Bus de l'emploi" || fail "text report: no French title"
grep -q 'partielle : 1 sur 4 semaines' "$T/fr.txt" || fail "text report: no partial month"
"$BIN/aggregator" report --lang en "$REL/release.json" >"$T/en.txt"
grep -Eq '^  People received in the month +-$' "$T/en.txt" ||
	fail "text report: a campaign total of a monthly count of people"
grep -Eq '^  People received +126$' "$T/en.txt" || fail "text report: people received"

# Only a monthly count of people: no quarterly chart at all.
"$BIN/aggregator" report --lang en --indicators people_received_month \
	--html "$T/pm.html" "$REL/release.json" 2>/dev/null
dom_check "$T/pm.html" "$REL/release.csv" "$REL/campaign.json" \
	--indicators people_received_month
grep -q 'by quarter' "$T/pm.html.dom" && fail "a quarterly chart of a monthly count of people"

# The checker refuses a page that breaks each rule.
doctor() {	# NAME SED-SCRIPT: the English DOM changed, must be refused
	sed "$2" "$T/r-en.html.dom" >"$T/bad-$1.dom"
	! cmp -s "$T/r-en.html.dom" "$T/bad-$1.dom" || fail "doctor $1: no change"
	python3 tests/tools/report_dom_check.py "$T/bad-$1.dom" "$REL/release.csv" \
		"$REL/campaign.json" >"$T/bad-$1.out" && fail "checker accepted $1"
	true
}
doctor partial 's/ data-partial="[^"]*"//g'
doctor total 's/data-ind="people_received_month" data-na="distinct"/data-ind="people_received_month" data-v="180"/'
doctor empty 's/<p class="empty" data-empty="per-site">/<p>/'
doctor title 's/<h1>[^<]*</<h1>bus-emploi-qpv-2021</'
grep -q 'not marked partial' "$T/bad-partial.out" || fail "checker: partial"
grep -q 'a sum of counts of people' "$T/bad-total.out" || fail "checker: total"

# A release without its plan, or with another campaign's, is refused.
mkdir "$T/alone"
cp "$REL/release.json" "$T/alone/"
must_fail 2 "$BIN/aggregator" report --html "$T/alone.html" \
	"$T/alone/release.json" 2>"$T/alone.err"
grep -q 'no plan for this release' "$T/alone.err" || fail "no plan: no reason given"
must_fail 2 "$BIN/aggregator" report --campaign "$T/nl/rel/campaign.json" \
	--html "$T/other.html" "$REL/release.json" 2>"$T/other.err"
grep -q "not this release's campaign" "$T/other.err" || fail "other campaign: no reason"
# An edited bundle (its plan's language, or its id) is refused: the id is
# recomputed from the plan, keys and trustees.
python3 - "$REL/campaign.json" "$T" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["plan"]["language"] = "en"
json.dump(b, open(sys.argv[2] + "/edited.json", "w"))
b = json.load(open(sys.argv[1]))
b["campaign_id"] = "0" * 64
json.dump(b, open(sys.argv[2] + "/forged.json", "w"))
PY
for f in edited forged; do
	must_fail 2 "$BIN/aggregator" report --campaign "$T/$f.json" \
		--html "$T/$f.html" "$REL/release.json" 2>"$T/$f.err"
	grep -q 'does not match the plan, trustees and keys' "$T/$f.err" ||
		fail "$f bundle: no reason: $(cat "$T/$f.err")"
done
for f in alone other edited forged; do
	[ ! -e "$T/$f.html" ] || fail "a report written without its plan ($f)"
done
grep -q 'People received' "$T/r-en.html" || fail "English labels"
grep -q 'Personnes reçues' "$T/r-fr.html" || fail "French labels"
grep -q 'min_cohort' "$T/r-en.html" || fail "the legend does not explain min_cohort"
grep -Eiq '(src|href)=|https?:|@import' "$T/r-en.html" && fail "the page refers to something outside"

# Withheld, noise, quarters, hostile labels; chosen indicators.
sel=visits,people_received,referrals
"$BIN/aggregator" report --indicators "$sel" --html "$T/m.html" \
	"$MUT/release.json" 2>/dev/null
dom_check "$T/m.html" "$MUT/release.csv" "$MUT/campaign.json" --indicators "$sel" \
	--expect-text 'Bellevue <script>alert("x")</script> & '"'co'" \
	--expect-text 'Visits <img src=x onerror=alert(1)>'
grep -q 'data-v="-3"' "$T/m.html.dom" || fail "a negative noisy value is not shown as is"
grep -q 'data-status="withheld" data-reason="not_closed"' "$T/m.html.dom" ||
	fail "the withheld cell is not marked"

# A screenshot of the page, as evaluators see it (PNG, 1280 x 2400).
chrome --screenshot="$T/report.png" --window-size=1280,2400 "file://$T/r-en.html" ||
	fail "no screenshot"
[ "$(od -An -tx1 -N8 "$T/report.png" | tr -d ' ')" = 89504e470d0a1a0a ] ||
	fail "the screenshot is not a PNG"
[ "$(od -An -tu1 -j16 -N8 "$T/report.png" | tr -s ' ')" = " 0 0 5 0 0 0 9 96" ] ||
	fail "the screenshot is not 1280 x 2400"
[ "$(wc -c <"$T/report.png")" -gt 20000 ] || fail "the screenshot is empty"

# A release whose suppressed cell carries a value is refused, nothing written.
python3 - "$REL/release.json" "$T/bad.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = next(c for c in r["cells"] if c["status"] == "suppressed")
c["values"] = {"visits": {"status": "suppressed", "value": 3}}
json.dump(r, open(sys.argv[2], "w"))
PY
must_fail 2 "$BIN/aggregator" report --html "$T/bad.html" "$T/bad.json" 2>/dev/null
[ ! -e "$T/bad.html" ] || fail "a report was written from a bad release"
must_fail 2 "$BIN/aggregator" report --lang de "$REL/release.json" 2>/dev/null
must_fail 2 "$BIN/aggregator" report --indicators nope "$REL/release.json" 2>/dev/null
"$BIN/aggregator" report "$REL/release.json" | grep -q 'supp\.' || fail "text report"
echo "HTML report renders in Chromium; charts, values and marks match release.csv; title, counts of people, partial periods and empty sections follow the plan"
