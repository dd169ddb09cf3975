#!/bin/sh
# SPDX-License-Identifier: MIT
# Run libFuzzer targets for FUZZ_SECONDS each, FUZZ_JOBS at a time, and
# print one line of figures per target: executions, rate, edges covered
# (against tests/fuzz/baseline), peak memory.  Fails on any crash, leak,
# OOM, timeout or oracle failure (the reproducer is left in
# $FZ/artifacts/), or on coverage under the committed baseline.
# The corpus grown by the run goes to $FZ/corpus/<target>; the committed
# seeds in tests/fuzz/corpus/<target> are only read.
# Usage: FZ=build/libfuzzer sh tests/fuzz/run.sh TARGET...
set -u
FZ=${FZ:?set FZ to the fuzz build directory}
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
top=$PWD
export UBSAN_OPTIONS="suppressions=$top/tests/fuzz/ubsan.supp:halt_on_error=1:print_stacktrace=1:report_error_type=1"
export ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=64"
mkdir -p "$FZ/logs" "$FZ/artifacts"
# The targets' private directories (stores, key files): on tmpfs when
# there is one, and removed even after a crash.
TMPDIR=$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/tallyvan-fuzz.$$
export TMPDIR
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

one() {	# target
	mkdir -p "$FZ/corpus/$1"
	rm -f "$FZ/artifacts/$1-"*
	"$FZ/fuzz_$1" -max_total_time="$secs" -max_len=65536 \
		-rss_limit_mb=512 -timeout=5 -print_final_stats=1 \
		-dict="$top/tests/fuzz/tallyvan.dict" \
		-artifact_prefix="$FZ/artifacts/$1-" \
		"$FZ/corpus/$1" "$top/tests/fuzz/corpus/$1" \
		>"$FZ/logs/$1.log" 2>&1
	echo $? >"$FZ/logs/$1.rc"
}

n=0
for t in "$@"; do
	one "$t" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait

bad=0
for t in "$@"; do
	log=$FZ/logs/$t.log
	rc=$(cat "$FZ/logs/$t.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	base=$(awk -v t="$t" '$1 == t { print $2 }' "$top/tests/fuzz/baseline" 2>/dev/null)
	: "${execs:=0}" "${cov:=0}" "${base:=0}" "${rss:=?}"
	status=ok
	if [ "$rc" -ne 0 ] || ls "$FZ/artifacts/$t-"* >/dev/null 2>&1; then
		status="FAILED (exit $rc)"
	elif [ "$cov" -lt "$base" ]; then
		status="FAILED (coverage under the baseline)"
	fi
	printf 'fuzz_%-8s %9s execs in %ss (%s/s), %s edges (baseline %s), peak RSS %s MB: %s\n' \
		"$t" "$execs" "$secs" "$((execs / secs))" "$cov" "$base" "$rss" "$status"
	if [ "$status" != ok ]; then
		bad=1
		grep -v '^#' "$log" | grep -v '^INFO' | tail -40 | sed 's/^/    /'
		ls "$FZ/artifacts/$t-"* 2>/dev/null | sed 's/^/    reproducer: /'
	fi
done
exit $bad
