# SPDX-License-Identifier: MIT
# History conditions end to end (docs/formats.md Part I §1.9b), on a
# random scenario (seed printed): a plan with every kind of condition
# (seen_before over days, a period and the whole history; earlier with
# each window; visit_number; days_since_first; site scope; with not/all
# and distinct; on half the seeds only the windowed ones, whose states
# expire by the plan's horizon), two collectors, each importing its visits in three parts
# with about one visit in six entered late (after later-dated ones: in a
# later file, or later in the same file, which import captures in date
# order), and three people erased after each of the first two parts.  Every released
# value of every indicator, at every cell, must equal the ground truth
# that tests/tools/history_truth.py computes from the specification.
# Then: the erasure lists and deletes a history, and purge lets histories
# go after their expiry.  (Sealing: tests/unit/t_history.c.)
. tests/cli/lib.sh

seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"
mkdir "$T/g"
python3 "$TOP/tests/tools/history_truth.py" gen --seed "$seed" --out "$T/g"
campaign "$T/k" "$T/g/plan.json"
device "$T/A" "$T/k/campaign.json"
device "$T/B" "$T/k/campaign.json"
while read -r what dev k j; do
	case $what in
	import)
		"$BIN/collector" import --dir "$T/$dev" --passphrase-file "$T/$dev.pass" \
			"$T/g/$dev-$k.csv" >>"$T/log" 2>&1 || fail "import $dev-$k: $(tail -3 "$T/log")"
		;;
	erase)
		"$BIN/collector" erase --dir "$T/$dev" --passphrase-file "$T/$dev.pass" \
			<"$T/g/erase-$dev-$k-$j.txt" >"$T/erase.out" 2>&1 ||
			fail "erase $dev $k $j: $(cat "$T/erase.out")"
		grep -q "^removed [1-9][0-9]* visit histories$" "$T/erase.out" ||
			fail "erase $dev $k $j removed nothing: $(cat "$T/erase.out")"
		;;
	esac
done <"$T/g/steps"
for v in A B; do export_to "$T/$v" "$T/usb"; done
server "$T/S" "$T/k/campaign.json" "$T/A" "$T/B"
"$BIN/aggregator" ingest --dir "$T/S" "$T"/usb/*.tvb >>"$T/log" 2>&1
release "$T/S" "$T/k" "$T/rel" 2022-01-10 >>"$T/log" 2>&1 || fail "release: $(tail -3 "$T/log")"
"$BIN/trustee" verify "$T/rel" >/dev/null || fail "verify"
python3 "$TOP/tests/tools/history_truth.py" check "$T/g/records.csv" "$T/rel/release.csv" "$T/g/plan.json" ||
	fail "history indicators differ from the ground truth"

# The negative case: a truth that ignores the late entries and the
# erasures (every visit in date order, nobody erased) must differ, or the
# comparison above could not fail.
if python3 "$TOP/tests/tools/history_truth.py" check "$T/g/naive.csv" "$T/rel/release.csv" "$T/g/plan.json" >"$T/naive"; then
	fail "the naive truth matches too: late entries and erasures changed nothing"
fi
echo "naive truth (date order, no erasure): $(tail -1 "$T/naive")"
# And one where each import captures in file order (what import did
# before it captured by date): it differs on most seeds; on some, the
# reordered visits change no released figure, which is then said.
if python3 "$TOP/tests/tools/history_truth.py" check "$T/g/fileorder.csv" "$T/rel/release.csv" "$T/g/plan.json" >"$T/fo"; then
	echo "file-order truth: the same released figures on this seed"
else
	echo "file-order truth: $(tail -1 "$T/fo")"
fi

# Access and erasure: a person of the last import, listed then erased.
line=$(sed -n 2p "$T/g/A-3.csv")
who=$(echo "$line" | awk -F, '{ printf "first_name=%s\nlast_name=%s\nbirth_date=%s\n", $3, $4, $5 }')
echo "$who" | "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" --list >"$T/list"
grep -q '^held: visit history on this collector: [1-9][0-9]* visits remembered, 0 let go, first contact 20' "$T/list" ||
	fail "erase --list shows no history: $(cat "$T/list")"
grep -q '^held: visit history at site s[123]: ' "$T/list" || fail "no site history listed"
echo "$who" | "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" >/dev/null
echo "$who" | "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" --list >"$T/list2"
grep -q '^0 visit histories held for this person$' "$T/list2" || fail "history left after erase: $(cat "$T/list2")"

# Retention: histories expire at the campaign's end + retention_days (365).
"$BIN/collector" purge --dir "$T/B" --today 2023-01-09 >"$T/p1"
grep -q '^visit histories: removed 0 expired, kept [1-9]' "$T/p1" || fail "purge before expiry: $(cat "$T/p1")"
"$BIN/collector" purge --dir "$T/B" --today 2023-01-10 >"$T/p2"
grep -q '^visit histories: removed [1-9][0-9]* expired, kept 0$' "$T/p2" || fail "purge after expiry: $(cat "$T/p2")"
echo "history: every released value equals the ground truth; erase and purge remove histories"
