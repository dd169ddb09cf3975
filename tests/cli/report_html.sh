# SPDX-License-Identifier: MIT
# aggregator report --html: one self-contained page that renders in
# headless Chromium.  From the DOM Chromium builds (--dump-dom),
# tests/tools/report_dom_check.py checks against release.csv: no script
# and nothing fetched; a line chart per period kind and a small multiple
# per site, SVG with title and desc; a point or bar for every released
# value drawn, equal to release.csv's; every suppressed or withheld value
# shown is a hatched mark with its status and reason and no number.  In
# French and English, on a real release and on one with a withheld cell,
# a negative noisy value and labels that try to inject markup.  A
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
dom_check() {	# HTML CSV [checker options]
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
	dom_check "$T/r-$lang.html" "$REL/release.csv"
	grep -q "<html lang=\"$lang\">" "$T/r-$lang.html" || fail "lang $lang"
done
grep -q 'People received' "$T/r-en.html" || fail "English labels"
grep -q 'Personnes reçues' "$T/r-fr.html" || fail "French labels"
grep -q 'min_cohort' "$T/r-en.html" || fail "the legend does not explain min_cohort"
grep -Eiq '(src|href)=|https?:|@import' "$T/r-en.html" && fail "the page refers to something outside"

# Withheld, noise, quarters, hostile labels; chosen indicators.
sel=visits,people_received,referrals
"$BIN/aggregator" report --indicators "$sel" --html "$T/m.html" \
	"$MUT/release.json" 2>/dev/null
dom_check "$T/m.html" "$MUT/release.csv" --indicators "$sel" \
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
echo "HTML report renders in Chromium; charts, values and marks match release.csv"
