# SPDX-License-Identifier: MIT
# Late records (issue 6): a cell released once gets a revision when late
# records arrive, only if they are a cohort on their own.  Van A's batches
# are ingested and released; then van B's arrive (its own sites, and late
# records for every all-sites cell) and a second release is made.  The
# second release must equal the ground truth; each revised cell must have
# grown by at least min_cohort records since its first release, and one
# that grew by fewer must not be shown; van A's cells are released again
# unchanged; and the solver, given both releases, recovers nothing -- not
# a suppressed value, not the sum of a few late records.  Control: the
# solver catches a revision of 3 records.  (A cell that lost records since
# its release is withheld: tests/cli/trustees.sh.)
. tests/cli/lib.sh

field
campaign "$T/k"
for v in A B; do
	van "$T/van-$v" "$T/k/campaign.json" "$T/field/visits-$v.csv" "$T/usb-$v"
done
server "$T/srv" "$T/k/campaign.json" "$T/van-A" "$T/van-B"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb-A/*.tvb >/dev/null
release "$T/srv" "$T/k" "$T/rel1" 2>/dev/null
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb-B/*.tvb >/dev/null
PREVIOUS=$T/rel1
release "$T/srv" "$T/k" "$T/rel2" 2>/dev/null
PREVIOUS=
"$BIN/trustee" verify "$T/rel1" "$T/rel2" || fail "the two releases do not verify as a chain"

# Van A's sites in the first release, everything in the second: the truth.
grep -v '^all,\|^b-tilleuls,\|^c-' "$T/rel1/release.csv" >"$T/rel1-A.csv"
truth_compare "$T/field/truth.csv" "$T/rel1-A.csv" >/dev/null ||
	fail "first release: van A's sites differ from the truth"
truth_compare "$T/field/truth.csv" "$T/rel2/release.csv" ||
	fail "second release differs from the truth"

# Per cell (first indicator): records and status in each release.
ind=$(sed -n '2s/^\([^,]*,\)\{6\}\([^,]*\),.*/\2/p' "$T/rel2/release.csv")
awk -F, -v ind="$ind" '
	FNR == 1 { f++; next }
	$7 != ind { next }
	{ c = $1 "/" $2 "/" $3; n[f, c] = $6; st[f, c] = $9 "," $10; cells[c] = 1 }
	END {
		for (c in cells) {
			a = st[1, c]; b = st[2, c]
			if (a == "released," && b == "released,revision") {
				rev++
				if (n[2, c] - n[1, c] < 11) { bad++; print "revised with " n[2, c] - n[1, c] " late records: " c }
			} else if (b == "released,revision") {
				bad++; print "a revision of a cell not released before: " c
			} else if (a == "released," && b == "released,") {
				again++
				if (n[2, c] != n[1, c]) { bad++; print "released again with other records: " c }
			} else if (a == "released," && b ~ /^suppressed,(differencing|secondary)$/) {
				held++
			} else if (a == "released,") {
				bad++; print "released, then " b ": " c
			}
		}
		printf "%d revisions (each of 11+ late records), %d released again unchanged, %d revisions held back\n", rev, again, held
		exit (bad > 0 || rev == 0 || again == 0)
	}' "$T/rel1/release.csv" "$T/rel2/release.csv" || fail "revisions"
grep -q ',released,revision$' "$T/rel2/release.csv" || fail "no revision in release.csv"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
n = sum(1 for c in r["cells"] if c.get("reason") == "revision")
sys.exit(0 if n > 0 and all(c["status"] == "released" for c in r["cells"] if c.get("reason") == "revision") else 1)' \
	"$T/rel2/release.json" || fail "release.json does not mark the revisions"
python3 "$TOP/tests/tools/difference_attack.py" --truth "$T/field/truth.csv" \
	"$T/rel1/release.csv" "$T/rel2/release.csv" ||
	fail "something can be recovered from the two releases"

# Control: a revision of 3 late records gives their sum away.
cat >"$T/r1.csv" <<'CSV'
site,period,period_label,first_day,last_day,records,indicator,value,status,reason
all,campaign,campaign,2021-10-25,2022-01-09,20,visits,20,released,
CSV
cat >"$T/r2.csv" <<'CSV'
site,period,period_label,first_day,last_day,records,indicator,value,status,reason
all,campaign,campaign,2021-10-25,2022-01-09,23,visits,23,released,revision
CSV
if python3 "$TOP/tests/tools/difference_attack.py" "$T/r1.csv" "$T/r2.csv" >"$T/out"; then
	fail "the solver missed 3 late records"
fi
grep -q 'late records: releases 1 and 2, all/campaign/campaign visits: 3 record(s) sum to 3' \
	"$T/out" || fail "the solver's answer"
echo "control: the solver catches a revision of 3 late records"
