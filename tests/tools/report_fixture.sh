# SPDX-License-Identifier: MIT
# Sourced by tests/cli/report_*.sh after lib.sh: a real release of the
# demo plan (the seeded synthetic season of the demo, one trustee,
# min_cell 2) holding released values and suppressed ones for min_cohort,
# differencing and min_cell.  Then tests/tools/report_mutate.py adds what
# it lacks (withheld, noise, quarters, hostile labels) in $MUT.
# Sets REL (release directory), MUT (mutated release.json + release.csv).
REL=$T/rel
MUT=$T/mut
sed 's/"min_cell": 0/"min_cell": 2/' "$PLAN" >"$T/plan.json"
grep -q '"min_cell": 2' "$T/plan.json" || fail "fixture: cannot set min_cell"
mkdir "$T/field" "$MUT"
"$BIN/scenario" --demo --out "$T/field" >/dev/null
campaign "$T/k" "$T/plan.json"
device "$T/van" "$T/k/campaign.json"
for v in A B; do
	"$BIN/collector" import --dir "$T/van" --passphrase-file "$T/van.pass" \
		"$T/field/visits-$v.csv" >/dev/null
done
"$BIN/collector" export --dir "$T/van" --passphrase-file "$T/van.pass" \
	--out "$T/usb" >/dev/null
server "$T/srv" "$T/k/campaign.json" "$T/van"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >/dev/null
release "$T/srv" "$T/k" "$REL" 2022-01-10 >/dev/null
for s in released, suppressed,min_cohort suppressed,min_cell; do
	grep -q ",$s\$" "$REL/release.csv" || fail "fixture: no '$s' value"
done
python3 tests/tools/report_mutate.py "$REL/release.json" "$MUT"
cp "$REL/campaign.json" "$MUT/campaign.json"
