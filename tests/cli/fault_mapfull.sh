# SPDX-License-Identifier: MIT
# Map full (TESTING.md R6) on the real `aggregator ingest`: the store's map
# starts at 1 MiB.  (1) Batches far beyond it, one process per batch, and
# one batch of 4,000 records (about 2 MiB) in a single transaction: the
# map grows (MDB_MAP_FULL: abort, grow, retry) with no failed batch.
# (2) With --map-cap 1 (MiB), ingest until the cap: a clean refusal
# ("storage full", exit 2), the store verifies with every acknowledged
# batch; raising the cap, ingest resumes and stores everything exactly once.
# The fault plan without proofs: volume is what matters here, and proofs
# would only make the records bigger and slower to make and check.
. tests/cli/lib.sh

TOOL=$TOP/$B/fault/tvfault
sed 's/"proofs": true/"proofs": false/' "$TOP/tests/fault/plan.json" >"$T/plan.json"
campaign "$T/c" "$T/plan.json"
device "$T/A" "$T/c/campaign.json"
NB=100
RECS=40
BIG=4000
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/b" 1 $NB $RECS
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/big" $((NB + 1)) 1 $BIG
mapsize() { du -k "$1/store/data.mdb" | cut -f1; }

# (1) Growth: no failure.
server "$T/S" "$T/c/campaign.json" "$T/A"
start=$(mapsize "$T/S")
"$BIN/aggregator" ingest --dir "$T/S" "$T/big"/*.tvb >"$T/out" ||
	fail "the $BIG-record batch did not fit a growing map"
for f in "$T"/b/b-*.tvb; do
	"$BIN/aggregator" ingest --dir "$T/S" "$f" >>"$T/out" || fail "$f refused"
done
seq 1 $((NB + 1)) >"$T/all"
"$TOOL" check-agg "$T/S" "$T/A/device.pub" "$T/all" >"$T/chk" || { cat "$T/chk"; fail "check"; }
grep -q "^batches $((NB + 1)) records $((NB * RECS + BIG)) " "$T/chk" || fail "counts: $(cat "$T/chk")"
grown=$(mapsize "$T/S")
echo "growth: data file $start KiB -> $grown KiB, $((NB + 1)) batches, 0 failed"
[ "$grown" -gt 2048 ] || fail "the store did not outgrow its first map"

# (2) The cap.
server "$T/S2" "$T/c/campaign.json" "$T/A"
: >"$T/acked"
capped=0
for f in "$T"/b/b-*.tvb; do
	set +e
	"$BIN/aggregator" ingest --dir "$T/S2" --map-cap 1 "$f" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	sed -n 's|.* batch [0-9a-f]*/\([0-9]*\) .*|\1|p' "$T/out" >>"$T/acked"
	[ $rc -eq 0 ] && continue
	[ $rc -eq 2 ] && grep -q 'storage full' "$T/err" ||
		{ cat "$T/err"; fail "over the cap: exit $rc"; }
	capped=$(basename "$f")
	break
done
[ "$capped" != 0 ] || fail "the 1 MiB cap was never reached"
echo "cap 1 MiB reached at $capped: $(cat "$T/err")"
"$TOOL" check-agg "$T/S2" "$T/A/device.pub" "$T/acked" >"$T/chk" ||
	{ cat "$T/chk"; fail "check at the cap"; }
[ "$(mapsize "$T/S2")" -le 1024 ] || fail "the data file outgrew the cap"
"$BIN/aggregator" ingest --dir "$T/S2" --map-cap 64 "$T"/b/b-*.tvb >"$T/out" ||
	fail "ingest with a higher cap"
seq 1 $NB >"$T/all"
"$TOOL" check-agg "$T/S2" "$T/A/device.pub" "$T/all" >"$T/chk" || { cat "$T/chk"; fail "check"; }
grep -q "^batches $NB records $((NB * RECS)) " "$T/chk" || fail "counts: $(cat "$T/chk")"
mkdir -p "$TOP/$B/figures"
echo "map full: 1 MiB map grew to $grown KiB over $((NB + 1)) batches (one of $BIG records in one transaction), 0 failed; cap 1 MiB refused cleanly after $(wc -l <"$T/acked") batches, all intact; resumed with a higher cap: $NB batches, $((NB * RECS)) records" |
	tee "$TOP/$B/figures/fault_mapfull.txt"
