# SPDX-License-Identifier: MIT
# I/O errors during ingest (TESTING.md R4), on the real `aggregator ingest`:
#  1. libfiu: fiu-run with posix/io/rw/* and posix/io/sync/* failing at
#     random with probability p = 0.001, 0.01, 0.05, RUNS (50) runs each;
#  2. deterministic: the k-th write, or the k-th sync, of the store fails
#     with EIO (tests/fault/plshim.c PLC_FAIL_AT), once or from then on,
#     for every k up to the last I/O call of a run (as SQLite does).
# Every run must end cleanly: exit 0, 1 or 2 with a message for each
# refusal, never a signal or a sanitizer report.  After every run, without
# faults, the store is verified (tvfault check-agg) and every batch ever
# acknowledged is there; at the end a clean run stores everything and the
# counts are exact.
[ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
TOOL=$TOP/$B/fault/tvfault
# Under SAN=1 (a sanitized build) the loops are shorter: there the point
# is sanitizer-clean paths, the statistics come from the plain build.
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
RUNS=${RUNS:-$([ $san = 1 ] && echo 15 || echo 50)}
NB=${NB:-100}
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
command -v fiu-run >/dev/null || fail "fiu-run missing (apt-get install fiu-utils; tools/deps.sh does it)"
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"
rng=$seed
rand() {	# rand N: R = 1..N
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	R=$(( rng / 65536 % $1 + 1 ))
}

campaign "$T/c" "$TOP/tests/fault/plan.json"
device "$T/A" "$T/c/campaign.json"
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/b" 1 $NB 2
seq 1 $NB >"$T/all"
runs=0 failed_runs=0 checks=0 acked_total=0 stores=0

# fresh: a new aggregator store; nothing acknowledged yet.
fresh() {
	rm -rf "$T/S"
	server "$T/S" "$T/c/campaign.json" "$T/A"
	: >"$T/acked"
}

# drain: store every batch cleanly; all must be there exactly once.
drain() {
	"$BIN/aggregator" ingest --dir "$T/S" "$T"/b/b-*.tvb >"$T/out" 2>"$T/err" ||
		{ cat "$T/err"; fail "clean ingest after the faults"; }
	"$TOOL" check-agg "$T/S" "$T/A/device.pub" "$T/all" >"$T/chk" ||
		{ cat "$T/chk"; fail "final check"; }
	grep -q "^batches $NB records $((NB * 2)) " "$T/chk" ||
		fail "final counts: $(cat "$T/chk")"
	acked_total=$((acked_total + $(wc -l <"$T/acked")))
	stores=$((stores + 1))
}

# next N: the next N batch files not acknowledged, and one that was.
next() {
	grep -vxFf "$T/acked" "$T/all" | head -"$1" |
		while read -r s; do printf '%s/b/b-%06d.tvb\n' "$T" "$s"; done
	if [ -s "$T/acked" ]; then
		rand "$(wc -l <"$T/acked")"
		printf '%s/b/b-%06d.tvb\n' "$T" "$(sed -n "${R}p" "$T/acked")"
	fi
}

# after WHAT RC: judge one run's exit and output, then verify the store.
after() {
	runs=$((runs + 1))
	if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error' "$T/err"; then
		cat "$T/err"
		fail "$1: sanitizer report"
	fi
	case $2 in
	0) ;;
	1|2)	failed_runs=$((failed_runs + 1))
		[ -s "$T/err" ] || fail "$1: exit $2 without a message"
		refusals=$((refusals + $(grep -c 'refused\|cannot\|error' "$T/err" || true)))
		;;
	*)	cat "$T/err"; fail "$1: exit $2 (a signal or a crash)" ;;
	esac
	sed -n 's|.* batch [0-9a-f]*/\([0-9]*\) .*|\1|p' "$T/out" >>"$T/acked"
	sort -n -u -o "$T/acked" "$T/acked"
	"$TOOL" check-agg "$T/S" "$T/A/device.pub" "$T/acked" >"$T/chk" 2>&1 ||
		{ cat "$T/chk" "$T/err"; fail "$1: store check"; }
	checks=$((checks + 1))
}

# A sanitized build: libasan must come before libfiu's preloads (fiu-run
# replaces LD_PRELOAD, so a shell in between puts it back first), and
# libfiu's own leak is suppressed.
asan=$(ldd "$BIN/aggregator" | sed -n 's/.*libasan[^ ]* => \([^ ]*\) .*/\1/p')
[ -n "$asan" ] && LSAN_OPTIONS="suppressions=$TOP/tests/fault/lsan.supp" &&
	export LSAN_OPTIONS
fiu() {	# fiu P CMD...: CMD with posix/io/rw/* and posix/io/sync/* at P
	p_=$1
	shift
	if [ -n "$asan" ]; then
		set -- sh -c 'LD_PRELOAD="$0 $LD_PRELOAD" exec "$@"' "$asan" "$@"
	fi
	fiu-run -x -c "enable_random name=posix/io/rw/*,probability=$p_" \
		-c "enable_random name=posix/io/sync/*,probability=$p_" "$@"
}

# 1. libfiu, random: one store per probability.
for p in 0.001 0.01 0.05; do
	fresh
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		set +e
		# shellcheck disable=SC2046
		fiu "$p" "$BIN/aggregator" ingest --dir "$T/S" $(next 2) \
			>"$T/out" 2>"$T/err"
		rc=$?
		set -e
		after "libfiu p=$p run $i" $rc
	done
	drain
done
fiu_runs=$runs fiu_failed=$failed_runs

# 2. The k-th write or sync of the store fails, once or for good, for
# every k up to KMAX (more than a run of three batches makes); one store
# per mode.
KMAX=${KMAX:-14}
for kind in write sync; do
	for persist in 0 1; do
		fresh
		k=0
		while [ $k -lt "$KMAX" ]; do
			k=$((k + 1))
			set +e
			# shellcheck disable=SC2046
			PLC_DIR=$T/S/store PLC_FAIL_AT=$k PLC_FAIL_KIND=$kind \
				PLC_FAIL_PERSIST=$persist LD_PRELOAD=$SHIM \
				"$BIN/aggregator" ingest --dir "$T/S" $(next 3) \
				>"$T/out" 2>"$T/err"
			rc=$?
			set -e
			after "fail the $k-th $kind (persist $persist)" $rc
		done
		drain
	done
done
det_runs=$((runs - fiu_runs)) det_failed=$((failed_runs - fiu_failed))

mkdir -p "$TOP/$B/figures"
echo "I/O errors during ingest: libfiu $fiu_runs runs (p = 0.001, 0.01, 0.05), $fiu_failed ended in a clean error; fail-the-k-th write/sync (k = 1..$KMAX, once and persistent): $det_runs runs, $det_failed clean errors; $checks store checks; $acked_total acknowledged batches all present; $stores stores drained to exactly $NB batches, $((NB * 2)) records" |
	tee "$TOP/$B/figures/fault_iofail.txt"
