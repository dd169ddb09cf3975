# SPDX-License-Identifier: MIT
# Noise instead of secondary suppression (issue 6): each quorum trustee
# draws discrete Gaussian noise, encrypts and signs it; every trustee adds
# all of it under encryption before decrypting.  Released values are then
# ground truth + noise, within the published bound; the release verifies;
# each trustee's privacy-budget ledger charges every release exactly and
# refuses the one that would pass the plan's budget.
. tests/cli/lib.sh

field
# variance 100 per trustee; a release costs rho = 8 x 16 / (2 x 100) = 16/25
sed 's|"policy": { "min_cohort": 11,|"policy": { "noise": { "mechanism": "gaussian", "variance": "100/1", "budget": "13/10" }, "min_cohort": 11,|' \
	"$PLAN" >"$T/plan.json"
grep -q '"variance"' "$T/plan.json" || fail "could not make the noisy plan"
campaign "$T/k" "$T/plan.json" 2 3
for v in A B; do
	van "$T/van-$v" "$T/k/campaign.json" "$T/field/visits-$v.csv" "$T/usb"
done
server "$T/srv" "$T/k/campaign.json" "$T/van-A" "$T/van-B"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >/dev/null

noisy_release() {	# N: request, noise and partials of trustees 1 and 2, publish
	"$BIN/aggregator" release-request --dir "$T/srv" --out "$T/r$1.tvr" --as-of 2022-01-10 >/dev/null
	for i in 1 2; do
		"$BIN/trustee" noise --campaign "$T/k/campaign.json" --request "$T/r$1.tvr" \
			--key "$T/k/t$i.key" --passphrase-file "$T/k/pass" --out "$T/r$1.n$i.json" >/dev/null
	done
	for i in 1 2; do
		# shellcheck disable=SC2046
		"$BIN/trustee" release --campaign "$T/k/campaign.json" --share "$T/k/t$i.share" \
			--key "$T/k/t$i.key" $(first_release "$T/k/ledger-t$i") --request "$T/r$1.tvr" --ledger "$T/k/ledger-t$i" --passphrase-file "$T/k/pass" \
			--noise "$T/r$1.n1.json" --noise "$T/r$1.n2.json" --out "$T/r$1.p$i.json" || return $?
	done
	"$BIN/aggregator" publish --dir "$T/srv" --request "$T/r$1.tvr" \
		--partial "$T/r$1.p1.json" --partial "$T/r$1.p2.json" \
		--noise "$T/r$1.n1.json" --noise "$T/r$1.n2.json" --out "$T/rel$1" --table "$TABLE"
}

noisy_release 1
"$BIN/trustee" verify "$T/rel1"
bound=$(sed -n 's/.*"bound": \([0-9]*\).*/\1/p' "$T/rel1/release.json")
[ "$bound" -gt 0 ] || fail "no noise bound published"
awk -F, -v B="$bound" '
	FNR == NR { if (FNR > 1) v[$1","$2","$3","$4] = $5; next }
	FNR == 1 { next }
	$9 == "released" {
		n++; d = $8 - v[$1","$2","$3","$7]; if (d != 0) moved++
		if (d > B || d < -B) { bad++; print "outside the bound: " $0 " truth " v[$1","$2","$3","$7] }
		s2 += d * d
	}
	END {
		printf "%d noisy values within +-%d of the truth, %d moved, empirical variance %.1f (expected 200)\n", n, B, moved, s2 / n
		exit (bad > 0 || n == 0 || moved < n / 2)
	}' "$T/field/truth.csv" "$T/rel1/release.csv" || fail "noisy values"
grep -q ',suppressed,differencing\|,suppressed,secondary' "$T/rel1/release.csv" &&
	fail "secondary suppression applied although the plan asks for noise"
grep -q '"eta"\|"noise_value"' "$T"/r1.n*.json && fail "a noise value was written"

noisy_release 2 >/dev/null 2>&1 || fail "second release refused"
"$BIN/trustee" budget --ledger "$T/k/ledger-t1" >"$T/budget"
cat "$T/budget"
grep -q '"charged":"16/25","cumulative":"16/25"' "$T/budget" || fail "first charge"
grep -q '"charged":"16/25","cumulative":"32/25"' "$T/budget" || fail "second charge"
grep -q "^2 release(s) charged, total 32/25 (rho under zCDP if the plan's noise is Gaussian" \
	"$T/budget" || fail "ledger total without its unit"
# With the campaign, the figures are named: rho (zCDP), of the plan's budget.
"$BIN/trustee" budget --ledger "$T/k/ledger-t1" --campaign "$T/k/campaign.json" |
	grep -q '^2 release(s) charged, total 32/25 rho under zCDP (Gaussian noise), of a budget of 13/10$' ||
	fail "ledger total: $("$BIN/trustee" budget --ledger "$T/k/ledger-t1" --campaign "$T/k/campaign.json" | tail -1)"
if noisy_release 3 2>"$T/err"; then fail "a release past the budget was made"; fi
grep -q 'privacy budget' "$T/err" || fail "budget refusal not explained"
"$BIN/trustee" budget --ledger "$T/k/ledger-t1" | grep -q '^2 release(s)' || fail "the refused release was charged"
echo "budget: 2 releases charged 16/25 each (32/25 of 13/10), the third refused"
