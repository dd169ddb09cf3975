# SPDX-License-Identifier: MIT
# Decompression bombs (TESTING.md F4), each correctly signed by an enrolled
# device so that only the bounded decompression stands in their way, sent
# to the real `aggregator ingest`:
#   declared    1 GiB of zeros, the size written in the frame header
#   streamed    1 GiB of zeros, no size in the header
#   long-window a 2^30 window (zstd --long=30)
#   multi-frame a valid batch frame followed by a second frame
#   trailing    a valid batch frame followed by junk bytes
# Each must be refused (exit 1, "input too large" or "malformed input"),
# store nothing, and keep the process's peak memory (VmHWM, /usr/bin/time)
# within 64 MB of an ordinary ingest (192 MB under SAN=1: ASan keeps freed
# buffers in quarantine), REPEAT times.  Prints the figures.
. tests/cli/lib.sh

TOOL=$TOP/$B/fault/tvfault
# Under SAN=1 (a sanitized build) the loops are shorter: there the point
# is sanitizer-clean paths, the statistics come from the plain build.
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
REPEAT=${REPEAT:-$([ $san = 1 ] && echo 2 || echo 5)}
# ASan's quarantine keeps the buffers a growing decode gave back.
LIMIT_KB=$(( ($([ $san = 1 ] && echo 192 || echo 64)) * 1024 ))
command -v zstd >/dev/null || fail "zstd missing"
[ -x /usr/bin/time ] || fail "/usr/bin/time missing (Debian package time)"

campaign "$T/c" "$TOP/tests/fault/plan.json"
device "$T/A" "$T/c/campaign.json"
server "$T/S" "$T/c/campaign.json" "$T/A"
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/b" 1 6 3
records() { "$BIN/aggregator" status --dir "$T/S" | awk '$1 == "records" { print $2 }'; }

gib=1073741824
head -c $gib /dev/zero | zstd -q -1 --stream-size=$gib -c >"$T/declared.z"
head -c $gib /dev/zero | zstd -q -1 -c >"$T/streamed.z"
head -c $((64 << 20)) /dev/zero | zstd -q -1 --long=30 -c >"$T/long.z"
"$TOOL" payload "$T/b/b-000004.tvb" "$T/p4.z"
"$TOOL" payload "$T/b/b-000005.tvb" "$T/p5.z"
cat "$T/p4.z" "$T/p4.z" >"$T/multi.z"
cat "$T/p5.z" >"$T/trailing.z"
printf 'not part of any frame' >>"$T/trailing.z"
"$TOOL" wrap "$T/A" "$T/A.pass" 1 "$T/declared.z" "$T/declared.tvb"
"$TOOL" wrap "$T/A" "$T/A.pass" 2 "$T/streamed.z" "$T/streamed.tvb"
"$TOOL" wrap "$T/A" "$T/A.pass" 3 "$T/long.z" "$T/long-window.tvb"
"$TOOL" wrap "$T/A" "$T/A.pass" 4 "$T/multi.z" "$T/multi-frame.tvb"
"$TOOL" wrap "$T/A" "$T/A.pass" 5 "$T/trailing.z" "$T/trailing.tvb"

# peak CMD...: run it, leave its peak RSS (KB) in $kb, its exit in $rc,
# its wall time (ms) in $ms.
peak() {
	t0=$(date +%s%N)
	set +e
	/usr/bin/time -f '%M' -o "$T/rss" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kb=$(tail -1 "$T/rss")
}

# The baseline: an ordinary batch of 3 records (seq 6), stored.
peak "$BIN/aggregator" ingest --dir "$T/S" "$T/b/b-000006.tvb"
[ "$rc" -eq 0 ] || { cat "$T/err"; fail "the ordinary batch was refused"; }
base=$kb
echo "ordinary batch: peak RSS $((base / 1024)) MB, ${ms} ms"
summary="ordinary ingest $((base / 1024)) MB"
for bomb in declared streamed long-window multi-frame trailing; do
	worst=0 slow=0 i=0
	while [ $i -lt "$REPEAT" ]; do
		i=$((i + 1))
		peak "$BIN/aggregator" ingest --dir "$T/S" "$T/$bomb.tvb"
		[ "$rc" -eq 1 ] || { cat "$T/err"; fail "$bomb: exit $rc, want 1"; }
		grep -q 'refused: \(input too large\|malformed input\)' "$T/err" ||
			fail "$bomb: $(cat "$T/err")"
		[ "$kb" -gt "$worst" ] && worst=$kb
		[ "$ms" -gt "$slow" ] && slow=$ms
	done
	why=$(sed 's/.*refused: //' "$T/err")
	echo "$bomb: $(wc -c <"$T/$bomb.tvb") bytes, refused ($why) $REPEAT times; peak RSS $((worst / 1024)) MB (+$(((worst - base) / 1024)) MB), slowest ${slow} ms"
	[ $((worst - base)) -lt $LIMIT_KB ] || fail "$bomb: peak memory grew by $(((worst - base) / 1024)) MB"
	summary="$summary; $bomb +$(((worst - base) / 1024)) MB ${slow} ms"
done
[ "$(records)" = 3 ] || fail "a bomb stored records: $(records)"
mkdir -p "$TOP/$B/figures"
echo "decompression bombs, each refused $REPEAT times, peak RSS over an ordinary ingest: $summary" |
	tee "$TOP/$B/figures/fault_bombs.txt"
