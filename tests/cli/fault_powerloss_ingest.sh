# SPDX-License-Identifier: MIT
# Power loss during ingest (TESTING.md R2), on the real `aggregator ingest`
# under the power-loss shim (tests/fault/plshim.c): each run sends the next
# batches not yet acknowledged plus one already acknowledged (a client's
# retry), and loses power at a random I/O call of the store; then the store
# is verified from outside (tvfault check-agg: opens, every sub-database
# walks, every stored envelope verifies and decodes to its record count,
# records, R index and cell counts agree -- no duplicate, no partial batch
# -- and every batch ever acknowledged, "stored" or "already stored", is
# there).  Until CRASHES (500) power losses; a store whose batches are all
# in starts afresh.  Default LMDB flags, as in production.  On tmpfs when
# there is one: the shim, not the disk, decides what survives.
[ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TOOL=$TOP/$B/fault/tvfault
# Under SAN=1 (a sanitized build) the loops are shorter: there the point
# is sanitizer-clean paths, the statistics come from the plain build.
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
CRASHES=${CRASHES:-$([ $san = 1 ] && echo 150 || echo 500)}
NB=60		# batches per store
RECS=2		# records per batch
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"
rng=$seed
rand() {	# rand N: R = 1..N
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	R=$(( rng / 65536 % $1 + 1 ))
}

campaign "$T/c" "$TOP/tests/fault/plan.json"
device "$T/A" "$T/c/campaign.json"
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/b" 1 $NB $RECS
seq 1 $NB >"$T/all"
fresh() {
	rm -rf "$T/S"
	server "$T/S" "$T/c/campaign.json" "$T/A"
	: >"$T/acked"
	stores=$((stores + 1))
}

crashes=0 runs=0 stores=0 checks=0 batches_verified=0 records_verified=0
fresh
while [ "$crashes" -lt "$CRASHES" ]; do
	runs=$((runs + 1))
	[ "$runs" -le $((CRASHES * 4)) ] || fail "too few crashes: $crashes in $runs runs"
	files=$(grep -vxFf "$T/acked" "$T/all" | head -6 |
		while read -r s; do printf '%s/b/b-%06d.tvb\n' "$T" "$s"; done)
	if [ -z "$files" ]; then
		# Every batch is in: the store must hold exactly them.
		"$TOOL" check-agg "$T/S" "$T/A/device.pub" "$T/all" >"$T/chk" ||
			{ cat "$T/chk"; fail "final check"; }
		grep -q "^batches $NB records $((NB * RECS)) " "$T/chk" ||
			fail "final counts: $(cat "$T/chk")"
		fresh
		continue
	fi
	if [ -s "$T/acked" ]; then
		rand "$(wc -l <"$T/acked")"
		files="$files $(printf '%s/b/b-%06d.tvb' "$T" "$(sed -n "${R}p" "$T/acked")")"
	fi
	rand 60
	at=$R
	rand 1000000
	set +e
	# shellcheck disable=SC2086
	PLC_DIR=$T/S/store PLC_CRASH_AT=$at PLC_SEED=$R LD_PRELOAD=$SHIM \
		"$BIN/aggregator" ingest --dir "$T/S" $files >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	case $rc in
	77) crashes=$((crashes + 1)) ;;
	0) ;;
	*) cat "$T/out" "$T/err"; fail "ingest exit $rc (crash point $at)" ;;
	esac
	sed -n 's|.* batch [0-9a-f]*/\([0-9]*\) .*|\1|p' "$T/out" >>"$T/acked"
	sort -n -u -o "$T/acked" "$T/acked"
	"$TOOL" check-agg "$T/S" "$T/A/device.pub" "$T/acked" >"$T/chk" 2>&1 ||
		{ cat "$T/chk" "$T/err"; fail "store check after run $runs (crash point $at)"; }
	checks=$((checks + 1))
	set -- $(cat "$T/chk")
	batches_verified=$((batches_verified + ${10}))
	records_verified=$((records_verified + $4))
done
mkdir -p "$TOP/$B/figures"
echo "power loss during ingest: $crashes crashes in $runs runs over $stores stores; $checks store checks verified $batches_verified acknowledged batches and $records_verified stored records in all (summed over checks), 0 lost, 0 duplicated" |
	tee "$TOP/$B/figures/fault_powerloss_ingest.txt"
