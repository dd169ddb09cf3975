# SPDX-License-Identifier: MIT
# Disclosure control (issue 6): from every released file of a random
# scenario, a brute-force solver (tests/tools/difference_attack.py: exact
# linear algebra over the hierarchy's equations) tries to recover each
# suppressed value from the released totals and subtotals; it must recover
# none.  The same solver, on a release without secondary suppression,
# recovers the hidden value: the test can fail.
. tests/cli/lib.sh

# season NAME PLAN: the field's two vans under PLAN (campaign $T/NAME-k,
# server $T/NAME-srv), ingested and released in $T/NAME
season() {
	campaign "$T/$1-k" "$2"
	for v in A B; do
		van "$T/$1-van-$v" "$T/$1-k/campaign.json" \
			"$T/field/visits-$v.csv" "$T/$1-usb"
	done
	server "$T/$1-srv" "$T/$1-k/campaign.json" "$T/$1-van-A" "$T/$1-van-B"
	"$BIN/aggregator" ingest --dir "$T/$1-srv" "$T/$1-usb"/*.tvb >/dev/null
	release "$T/$1-srv" "$T/$1-k" "$T/$1" 2>/dev/null
}

field
season rel "$PLAN"
truth_compare "$T/field/truth.csv" "$T/rel/release.csv" | sed 's/,.*//' || true
echo "secondary suppressions: $(grep -c ',suppressed,secondary$' "$T/rel/release.csv" || true) values"
python3 "$TOP/tests/tools/difference_attack.py" --truth "$T/field/truth.csv" "$T/rel/release.csv" ||
	fail "a suppressed value can be recovered from the release"

# Control: all sites and one site released, the other site suppressed.
cat >"$T/naive.csv" <<'CSV'
site,period,period_label,first_day,last_day,records,indicator,value,status,reason
all,campaign,campaign,2021-10-25,2022-01-09,20,visits,20,released,
a,campaign,campaign,2021-10-25,2022-01-09,17,visits,17,released,
b,campaign,campaign,2021-10-25,2022-01-09,,visits,,suppressed,min_cohort
CSV
if python3 "$TOP/tests/tools/difference_attack.py" "$T/naive.csv" >"$T/out"; then
	fail "the solver missed b = 20 - 17"
fi
grep -q 'recovered release 1 b/campaign/campaign visits: 3' "$T/out" || fail "the solver's answer"
echo "control: the solver recovers a value hidden by primary suppression alone"

# With the plan's min_cell, single values are hidden inside released cells;
# the publisher must keep them from being recomputed too.
sed 's/"min_cell": 0/"min_cell": 5/' "$PLAN" >"$T/plan5.json"
grep -q '"min_cell": 5' "$T/plan5.json" || fail "plan with min_cell"
season rel5 "$T/plan5.json"
"$BIN/trustee" verify "$T/rel5" >/dev/null || fail "the min_cell release does not verify"
small=$(grep -c ',suppressed,min_cell$' "$T/rel5/release.csv" || true)
held=$(awk -F, '$6 != "" && $9 == "suppressed" && $10 == "secondary"' "$T/rel5/release.csv" | wc -l)
echo "min_cell 5: $small values under it, $held more hidden so that none can be recomputed"
[ "$small" -gt 0 ] || fail "no value under min_cell: the test shows nothing"
awk -F, 'NR > 1 && $9 == "released" && $8 < 5 { print; bad++ } END { exit bad > 0 }' \
	"$T/rel5/release.csv" || fail "a value under min_cell is shown"
python3 "$TOP/tests/tools/difference_attack.py" --truth "$T/field/truth.csv" "$T/rel5/release.csv" ||
	fail "a value hidden by min_cell can be recovered"
