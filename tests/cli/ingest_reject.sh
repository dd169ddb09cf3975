# SPDX-License-Identifier: MIT
# The aggregator refuses a tampered, truncated, oversized, unknown-device,
# revoked-device, other-campaign or conflicting batch and stores nothing of
# it; a replayed batch is accepted once and changes nothing.
. tests/cli/lib.sh

records() { "$BIN/aggregator" status --dir "$T/srv" | awk '$1 == "records" { print $2 }'; }

campaign "$T/k"
campaign "$T/k2"
for d in A B C; do device "$T/$d" "$T/k/campaign.json"; done
device "$T/X" "$T/k2/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A" "$T/C" "$T/X"
revocation "$T/k" "$T/C/device.pub" 0 "$T/C.rev"
"$BIN/aggregator" revoke --dir "$T/srv" "$T/C.rev"
must_fail 1 "$BIN/aggregator" enroll --dir "$T/srv" "$T/C.cert"
for d in A B C X; do visit "$T/$d" a-gare 2021-11-02; visit "$T/$d" a-gare 2021-11-03; done
cp -a "$T/A" "$T/A2"
cp "$T/A.pass" "$T/A2.pass"
visit "$T/A2" c-rives 2021-12-01	# same device and seq 1, other content
for d in A A2 B C X; do export_to "$T/$d" "$T/out-$d"; done
a=$(ls "$T"/out-A/*.tvb)

cp "$a" "$T/tampered.tvb"
size=$(wc -c <"$a")
printf '\377' | dd of="$T/tampered.tvb" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
head -c $((size - 7)) "$a" >"$T/truncated.tvb"
head -c $((9 * 1024 * 1024)) /dev/zero >"$T/huge.tvb"
for f in "$T/tampered.tvb" "$T/truncated.tvb" "$T/huge.tvb" "$T"/out-B/*.tvb \
    "$T"/out-C/*.tvb "$T"/out-X/*.tvb; do
	must_fail 1 "$BIN/aggregator" ingest --dir "$T/srv" "$f"
done
[ "$(records)" = 0 ] || fail "a refused batch stored records"

"$BIN/aggregator" ingest --dir "$T/srv" "$a"
[ "$(records)" = 2 ] || fail "the valid batch was not stored"
for i in 1 2 3; do "$BIN/aggregator" ingest --dir "$T/srv" "$a" | grep -q 'already stored'; done
[ "$(records)" = 2 ] || fail "a replay changed the store"
must_fail 1 "$BIN/aggregator" ingest --dir "$T/srv" "$T"/out-A2/*.tvb 2>"$T/err"
grep -q 'other content' "$T/err" || fail "conflict not explained"
[ "$(records)" = 2 ] || fail "a conflicting batch changed the store"
"$BIN/aggregator" status --dir "$T/srv" | grep -q '^batches 1$' || fail "batch count"
echo "tampered, truncated, oversized, unknown, revoked, other-campaign, conflicting: refused; replay: stored once"
