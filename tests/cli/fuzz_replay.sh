# SPDX-License-Identifier: MIT
# Every committed fuzz input (tests/fuzz/corpus/<target>/, and the
# decompression bombs of tests/fuzz/bombs/ through the zstd target) replayed
# through the fuzz targets built with the project's compiler
# ($B/fuzz/replay_<target>, tests/fuzz/replay.c): no crash, no sanitizer
# report (with SAN=1), no oracle failure, peak memory under 512 MB.
. tests/cli/lib.sh

total=0
for t in envelope batch zstd ingest plan csv keyfile cert request statement history release; do
	extra=""
	[ "$t" = zstd ] && extra=$TOP/tests/fuzz/bombs
	# shellcheck disable=SC2086
	out=$(TMPDIR=$T "$TOP/$B/fuzz/replay_$t" "$TOP/tests/fuzz/corpus/$t" $extra) ||
		fail "replay_$t failed: $out"
	echo "$out"
	n=$(echo "$out" | sed -n 's/.*replayed \([0-9]*\) inputs.*/\1/p')
	[ "${n:-0}" -gt 0 ] || fail "replay_$t ran no input"
	total=$((total + n))
done
mkdir -p "$TOP/$B/figures"
echo "fuzz corpora replayed with the project's compiler: $total inputs (with the 3 bombs) through 12 targets, 0 failures" |
	tee "$TOP/$B/figures/fuzz_replay.txt"
