# SPDX-License-Identifier: MIT
# The CI fuzzing smoke: builds the eleven libFuzzer targets (clang, ASan +
# UBSan, protobuf-c built from Debian's source package) and runs each for
# FUZZ_SECONDS (default 60), two at a time, from the committed seeds and
# dictionary: no crash, leak, OOM (512 MB), timeout (5 s) or oracle
# failure, and edge coverage at least tests/fuzz/baseline.  Skipped under
# SAN=1 (the fuzzers are sanitizer builds already; the corpora are replayed
# by fuzz_replay there).
. tests/cli/lib.sh

if ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan; then
	echo "skipped: a SAN=1 build (the fuzzers run in the plain make check)"
	exit 0
fi
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s --no-print-directory B="$B" fuzz-build >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "cannot build the fuzzers"; }
FZ=$TOP/$B/libfuzzer
rm -rf "$FZ/corpus"
FZ=$FZ FUZZ_SECONDS=${FUZZ_SECONDS:-60} FUZZ_JOBS=${FUZZ_JOBS:-2} \
	sh tests/fuzz/run.sh envelope batch zstd ingest plan csv keyfile cert request statement history release |
	tee "$T/figures" || true
mkdir -p "$TOP/$B/figures"
cp "$T/figures" "$TOP/$B/figures/fuzz_smoke.txt"
grep -q ': ok$' "$T/figures" || fail "no fuzz target ran"
! grep -v ': ok$' "$T/figures" | grep -q '^fuzz_' || fail "a fuzz target failed"
