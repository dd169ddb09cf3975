# SPDX-License-Identifier: MIT
# The visit form in a real browser (headless Chromium through Playwright,
# tests/browser/form.test.mjs): sign in, 22 visits typed on a tablet, a
# phone, in landscape, in English and with the keyboard alone, 5 of them
# first refused with a message next to the field; an abandoned form, a
# cross-site post and a browser without a session record nothing.  Then
# the visits are exported, ingested and released, and the released totals
# must equal the plan's indicators computed over what was typed.  Nothing
# typed may appear in the collector's files, its log, the batch files or
# the browser's own profile.  The screenshots of docs/counsellor-guide.md
# are this run's (copied to $B/form-shots; UPDATE_SHOTS=1 also writes
# docs/img/).
#
# Chromium, Node.js and playwright-core come from tools/deps.sh: if they
# are missing this test fails, it does not skip.
. tests/cli/lib.sh
. tests/browser/lib.sh

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "no Chromium at $CHROMIUM: run tools/deps.sh (Debian package chromium)"
command -v node >/dev/null || fail "no Node.js: run tools/deps.sh (Debian package nodejs)"
[ -f tests/browser/node_modules/playwright-core/package.json ] ||
	fail "no playwright-core in tests/browser/node_modules: run tools/deps.sh"
export CHROMIUM

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
serve_start "$T/A" --site a-gare --date 2021-11-02 --log-requests
OUT=$T/browser
mkdir -p "$OUT"
node tests/browser/form.test.mjs "$URL" "$SERVE_OUT" "$PLAN" "$OUT" ||
	fail "the browser test failed (server log: $SERVE_ERR)"
serve_stop
n=$(cat "$OUT/count")
[ "$(captured "$T/A")" = "$n" ] || fail "$(captured "$T/A") visits recorded, $n typed"

# Server time per recorded visit, from the server's own log.
grep '^collector: POST /visit 303 ' "$SERVE_ERR" | awk '{ print $5 }' | sort -n >"$T/ms"
[ "$(wc -l <"$T/ms")" -ge "$n" ] || fail "fewer logged captures than visits"
echo "server time per visit (ms): p50 $(awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' "$T/ms")," \
	"p95 $(awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); print a[i] }' "$T/ms"), over $(wc -l <"$T/ms") visits"

# What was typed is nowhere: device files, log, terminal, the browser.
no_trace "$OUT/typed.txt" "$T/A" "$SERVE_ERR" "$SERVE_OUT" "$OUT/profile"
# Nor the answers (choice ids), in the store or the log.
printf 'immediate_advice\nsecond_meeting\nonline_procedure\nemployment\nhousing\nchildcare\n26-44\n18-25\n' >"$T/answers"
no_trace "$T/answers" "$T/A/store" "$SERVE_ERR" "$SERVE_OUT"

# Export, ingest, release; every campaign cell equals what was typed.
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/usb" >/dev/null
no_trace "$OUT/typed.txt" "$T/usb"
server "$T/srv" "$T/k/campaign.json" "$T/A"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >/dev/null
release "$T/srv" "$T/k" "$T/rel" >/dev/null
csv=$T/rel/release.csv
checked=0
while IFS=, read -r site ind want; do
	got=$(value "$csv" "$site" campaign campaign "$ind")
	[ "$got" = "$want" ] || fail "released $site $ind: '$got', typed $want"
	checked=$((checked + 1))
done <"$OUT/expected.csv"
[ "$checked" -ge 30 ] || fail "only $checked released values compared"
echo "$n visits typed in the browser; $checked released campaign values equal the typed ones"

# The guide's screenshots are this run's.
mkdir -p "$B/form-shots"
cp "$OUT"/shots/*.png "$B/form-shots/"
imgs=$(grep -o 'img/form-[a-z-]*\.png' docs/counsellor-guide.md | sort -u)
[ -n "$imgs" ] || fail "docs/counsellor-guide.md shows no screenshot"
for img in $imgs; do
	[ -f "$OUT/shots/${img#img/}" ] || fail "docs/counsellor-guide.md shows $img, not made by this test"
	[ "${UPDATE_SHOTS:-0}" != 1 ] || install -m 0644 "$OUT/shots/${img#img/}" "docs/$img"
done
echo "$(echo "$imgs" | wc -w) screenshots of the guide made (in $B/form-shots; UPDATE_SHOTS=1 copies them to docs/img)"
