# SPDX-License-Identifier: MIT
# Self-test of the power-loss shim (tests/fault/plshim.c): the same harness
# that runs over the real stores must tell a correct LMDB configuration
# from MDB_NOSYNC.  A writer using LMDB directly (tvfault lmdb-write: one
# key per transaction, "ack N" after each commit) loses power at a random
# I/O call in [1, 400], CRASHES (200) times with default flags and
# CRASHES/4 times with MDB_NOSYNC; after each crash the store
# must open, walk, hold keys 1..n with their values, n >= the last ack.
#   default flags: 0 failures allowed;
#   MDB_NOSYNC:    at least one failure required (else the shim is blind).
# Each store starts with 20 commits made durable without the shim; after a
# failure the store starts afresh the same way.
[ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TOOL=$TOP/$B/fault/tvfault
# Under SAN=1 (a sanitized build) the loops are shorter: there the point
# is sanitizer-clean paths, the statistics come from the plain build.
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
CRASHES=${CRASHES:-$([ $san = 1 ] && echo 60 || echo 200)}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"
rng=$seed
rand() {	# rand N: R = 1..N
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	R=$(( rng / 65536 % $1 + 1 ))
}

fresh() {
	rm -rf "$dir"
	"$TOOL" lmdb-write "$dir" 20 >/dev/null
	acked=20
}

# run MODE: prints "crashes failures lost unopenable"
run() {
	dir=$T/db-$1
	fresh
	crashes=0 failures=0 lost=0 unopen=0 i=0
	while [ "$crashes" -lt "$2" ] && [ "$i" -lt $(($2 * 3)) ]; do
		i=$((i + 1))
		rand 400
		at=$R
		rand 1000000
		set +e
		PLC_GUARD=0 PLC_DIR=$dir PLC_CRASH_AT=$at PLC_SEED=$R \
			LD_PRELOAD=$SHIM "$TOOL" lmdb-write "$dir" 100 \
			$([ "$1" = nosync ] && echo nosync) >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ "$rc" -eq 77 ] && crashes=$((crashes + 1))
		[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || { cat "$T/err"; fail "writer exit $rc"; }
		last=$(sed -n 's/^ack //p' "$T/out" | tail -1)
		[ -n "$last" ] && acked=$last
		if ! "$TOOL" lmdb-verify "$dir" "$acked" >"$T/v" 2>&1; then
			[ -n "${DEBUG:-}" ] && cat "$T/v" >&2
			failures=$((failures + 1))
			grep -q '^unopenable\|^unreadable\|^walk\|^corrupt' "$T/v" &&
				unopen=$((unopen + 1))
			l=$(sed -n 's/.* lost \([0-9]*\)$/\1/p' "$T/v")
			lost=$((lost + ${l:-0}))
			fresh
		fi
	done
	echo "$crashes $failures $lost $unopen"
}

set -- $(run default "$CRASHES")
echo "default flags: $1 crashes, $2 failures"
[ "$1" -ge "$CRASHES" ] || fail "only $1 crashes simulated"
[ "$2" -eq 0 ] || fail "default LMDB flags lost acknowledged commits"
d_crashes=$1
set -- $(run nosync $((CRASHES / 4)))
echo "MDB_NOSYNC: $1 crashes, $2 failures ($3 acknowledged commits lost, $4 stores unopenable or corrupt)"
[ "$2" -gt 0 ] || fail "the shim did not catch MDB_NOSYNC: it cannot see unsynced writes"
mkdir -p "$TOP/$B/figures"
echo "power-loss self-test: default $d_crashes crashes 0 failures; MDB_NOSYNC $1 crashes $2 failures, $3 acked commits lost, $4 unopenable/corrupt" |
	tee "$TOP/$B/figures/fault_powerloss_selftest.txt"
