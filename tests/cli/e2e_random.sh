# SPDX-License-Identifier: MIT
# End to end on a random scenario (a new seed each run, printed), with a
# 2-of-3 trustee campaign and device proofs: every released value must equal
# the ground truth the scenario generator computed from person numbers,
# every cell of 11+ records must be released or suppressed for differencing,
# every smaller one suppressed; the release record verifies; and no identity
# or answer typed may appear in any file the collectors or the aggregator
# wrote.
. tests/cli/lib.sh

seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"
mkdir "$T/field"
"$BIN/scenario" --seed "$seed" --out "$T/field"
campaign "$T/k" "$PLAN" 2 3
for v in A B; do
	device "$T/van-$v" "$T/k/campaign.json"
	"$BIN/collector" import --dir "$T/van-$v" --passphrase-file "$T/van-$v.pass" \
		"$T/field/visits-$v.csv" >>"$T/log" 2>&1
	"$BIN/collector" export --dir "$T/van-$v" --passphrase-file "$T/van-$v.pass" \
		--out "$T/usb" >>"$T/log" 2>&1
done
server "$T/srv" "$T/k/campaign.json" "$T/van-A" "$T/van-B"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >>"$T/log" 2>&1
release "$T/srv" "$T/k" "$T/rel" 2022-01-10 1 3 >>"$T/log" 2>&1
"$BIN/trustee" verify "$T/rel"

# Compare with the ground truth, cell by cell.
truth_compare "$T/field/truth.csv" "$T/rel/release.csv" || fail "release differs from ground truth"

# The totals line of the generator and of the release agree.
want=$(grep -c . "$T/field/visits-A.csv" "$T/field/visits-B.csv" | awk -F: '{ n += $2 - 1 } END { print n }')
got=$(value "$T/rel/release.csv" all campaign campaign visits)
[ "$want" = "$got" ] || fail "visits: $got released, $want typed"

# Nothing typed survives in what tallyvan wrote: names (as typed, in any
# variant), and answers (choice ids) in stores and batches.
cut -d, -f3,4 "$T/field/visits-A.csv" "$T/field/visits-B.csv" | tr ',' '\n' |
	tr -d '"' | sed 's/^ *//; s/ *$//' | grep -v -e '^first_name$' -e '^last_name$' |
	sort -u >"$T/names"
# Pseudonyms, computed with each device's own key, appear nowhere either.
for v in A B; do
	# shellcheck disable=SC2046
	"$TOOLS/pseudonym_scan" "$T/van-$v" "$T/van-$v.pass" "$T/field/visits-$v.csv" \
		$(find "$T/van-A" "$T/van-B" "$T/srv" "$T/usb" "$T/rel" "$T/rel.tvr" -type f) ||
		fail "a pseudonym was found on disk"
done
rm -f "$T/field/visits-A.csv" "$T/field/visits-B.csv"
# Text outputs: any case, as a word.  Binary files (stores, batches, the
# request) hold random-looking ciphertext in which a short string turns up by
# chance, so there the typed forms are searched exactly, 5 bytes or more.
texts="$T/rel/release.csv $T/rel/release.json $T/van-A/campaign.json $T/log"
bins=$(find "$T/van-A" "$T/van-B" "$T/srv" "$T/usb" "$T/rel.tvr" -type f)
n=0
while IFS= read -r name; do
	[ ${#name} -ge 3 ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086
	if grep -a -l -i -w -F -- "$name" $texts; then fail "identity '$name' found"; fi
	[ "$(printf %s "$name" | wc -c)" -ge 5 ] || continue
	# shellcheck disable=SC2086
	if grep -a -l -F -- "$name" $bins; then fail "identity '$name' found"; fi
done <"$T/names"
files="$texts $bins"
stores=$(find "$T/van-A/store" "$T/van-B/store" "$T/srv/store" "$T/usb" "$T/rel.tvr" -type f)
for answer in immediate_advice second_meeting employment housing childcare 18-25; do
	# shellcheck disable=SC2086
	if grep -a -l -F -- "$answer" $stores; then fail "answer '$answer' found on disk"; fi
done
echo "$n distinct names and 6 answers searched in $(echo "$files" | wc -l) files: none found"
