# SPDX-License-Identifier: MIT
# The aggregator learns nothing (issue 13), played by an attacker who holds
# the aggregator's store, keys and programs: crafted release requests whose
# counts and sums are exactly what the signed batches give for the cells it
# chose (tests/tools/forge_request), so only the trustees' own rules stand
# in the way.  Every crafted request must be refused by the trustee, and a
# release record carrying one must fail 'trustee verify'.  The ledger
# attacks (deleted, rolled back, crash between partial and ledger) are in
# tests/cli/ledger_attacks.sh; device certificates in tests/cli/certs.sh.
. tests/cli/lib.sh

field
campaign "$T/k" "$PLAN" 2 3
for v in A B; do
	van "$T/van-$v" "$T/k/campaign.json" "$T/field/visits-$v.csv" "$T/usb"
done
server "$T/srv" "$T/k/campaign.json" "$T/van-A" "$T/van-B"
"$BIN/aggregator" ingest --dir "$T/srv" "$T/usb"/*.tvb >/dev/null
release "$T/srv" "$T/k" "$T/honest" 2>/dev/null
"$TOOLS/forge_request" "$T/k/campaign.json" "$T/honest.tvr" --list >"$T/cells"

# A target: a day inside the campaign with visits (site a-gare's busiest
# day after the first week), the kind of day the primary rule hides.
target=$(awk -F, 'NR > 1 && $1 > "2021-11-01" && $1 < "2022-01-02" { n[$1]++ }
	END { for (d in n) if (n[d] > best) { best = n[d]; day = d }; print day }' \
	"$T/field/visits-A.csv" "$T/field/visits-B.csv")
before=$(date -u -d "$target -1 day" +%F)
after=$(date -u -d "$target +1 day" +%F)
echo "target day $target"

tried=0 refused=0
# attack NAME CELLS...: one crafted request (lines of the CELLS file) and a
# fresh trustee 1 ledger (so the ledger's memory does not help); the
# trustee must refuse it, and 'trustee verify' must refuse a release record
# that carries it.
attack() {
	name=$1
	shift
	printf '%s\n' "$@" >"$T/$name.cells"
	"$TOOLS/forge_request" "$T/k/campaign.json" "$T/honest.tvr" "$T/$name.tvr" \
		"$T/$name.cells"
	tried=$((tried + 1))
	rm -rf "$T/k/ledger-t1"
	if partial "$T/k" "$T/$name.tvr" 1 "$T/$name.p1.json" 2>"$T/$name.err"; then
		fail "$name: trustee 1 accepted the crafted request"
	fi
	[ ! -e "$T/$name.p1.json" ] || fail "$name: a partial was written"
	grep -q 'refused' "$T/$name.err" || fail "$name: no refusal said: $(cat "$T/$name.err")"
	rm -rf "$T/$name.rel"
	cp -r "$T/honest" "$T/$name.rel"
	cp "$T/$name.tvr" "$T/$name.rel/request.tvr"
	if "$BIN/trustee" verify "$T/$name.rel" >/dev/null 2>&1; then
		fail "$name: trustee verify accepted a release of the crafted request"
	fi
	refused=$((refused + 1))
	echo "$name: refused by the trustee and by trustee verify"
}

# 1. The issue's attack: the whole campaign, its start to the day before
# the target (labelled as a week that does not exist), the day after the
# target to the end.  Campaign minus the two gives the target day.
attack mismatched "0 campaign 0 2021-10-25 2022-01-09" \
	"0 week 99999 2021-10-25 $before" "0 week 99998 $after 2022-01-09"
# 2. Ids outside the campaign, with their true day ranges.
attack outside "0 week 19000 2022-01-10 2022-01-16" \
	"0 month $((2023 * 12)) 2023-01-02 2023-01-29" "0 campaign 0 2021-10-25 2022-01-09"
# 3. Plausible labels over shifted days: the honest cell list with every
# month's range shifted so that the months leave the target day out (the
# month ends the day before it, or starts the day after it when the target
# is the month's first day: months are whole weeks, so a Monday target can
# open one, and an empty range would be refused as malformed, not crafted).
awk -v b="$before" -v t="$target" -v a="$after" '
	$2 == "month" && $4 < t && $5 >= t { $5 = b }
	$2 == "month" && $4 == t { $4 = a }
	{ print }' "$T/cells" >"$T/shifted"
cmp -s "$T/cells" "$T/shifted" && fail "the shift changed nothing"
# shellcheck disable=SC2046
IFS='
'
attack shifted $(cat "$T/shifted")
# 4. A duplicate: the honest list with its campaign cell twice.
attack duplicate $(cat "$T/cells") "$(grep ' campaign ' "$T/cells" | head -1)"
# 5. A missing part: the honest list without one site's week of the target
# (month = its weeks would no longer be a complete relation).
attack missing $(awk -v t="$target" '!($1 == 1 && $2 == "week" && $4 <= t && $5 >= t)' "$T/cells")
unset IFS
# 6. Overlapping cells over successive requests, against one ledger: the
# three cells of (1) one request each.
rm -rf "$T/k/ledger-t1"
n6=0
for c in "0 campaign 0 2021-10-25 2022-01-09" "0 week 99999 2021-10-25 $before" \
	"0 week 99998 $after 2022-01-09"; do
	printf '%s\n' "$c" >"$T/succ.cells"
	"$TOOLS/forge_request" "$T/k/campaign.json" "$T/honest.tvr" "$T/succ.tvr" "$T/succ.cells"
	tried=$((tried + 1))
	if partial "$T/k" "$T/succ.tvr" 1 "$T/succ.p1.json" 2>/dev/null; then
		fail "successive request '$c' was accepted"
	fi
	n6=$((n6 + 1))
done
refused=$((refused + n6))
echo "successive: $n6 one-cell requests refused"

# The honest request still goes through, and the exact attack over every
# release this test published recovers nothing.
"$BIN/trustee" verify "$T/honest" >/dev/null || fail "the honest release does not verify"
python3 "$TOP/tests/tools/difference_attack.py" --truth "$T/field/truth.csv" \
	"$T/honest/release.csv" || fail "the attack recovers a suppressed value"
echo "$tried crafted requests, $refused refused by the trustees and by trustee verify"
[ "$tried" -eq "$refused" ] || fail "some crafted request was not refused"
