# SPDX-License-Identifier: MIT
# Generated malformed batches over HTTP (TESTING.md F3): MALFORMED_N
# mutants (10,000 in make check, 100,000 in make soak) of eight valid
# batches of an enrolled device (truncations, bit flips, overwritten
# runs, junk appended, bytes inserted, a rewritten length field, empty
# bodies, two valid batches concatenated: tests/http/malformed --kinds
# all) POSTed to
# a running `aggregator serve`.  Every answer must be 400, 401 or 413 (no
# 200, no 5xx, no reset), nothing may be stored, and the server's memory
# must not grow by more than 20 MB (VmRSS before and after; 300 MB under
# SAN=1, see below).  Then the
# eight valid batches must still be accepted: the server was not thrown
# off by what came before.  SEED= replays the same mutations (of freshly
# made batches: the keys are new each run); KEEP_UNEXPECTED=DIR keeps the
# first unexpected mutant and the valid batches there.
. tests/cli/lib.sh
. tests/http/lib.sh

N=${MALFORMED_N:-10000}
# Under SAN=1 ASan's quarantine (256 MiB) keeps what the server freed, so
# the memory bound there only catches a runaway, not a leak (LSan does).
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
GROW_MAX_KB=$([ $san = 1 ] && echo 307200 || echo 20480)
SEED=${SEED:-$(rand 1000000)}
echo "seed $SEED"
campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
visits_csv "$T/v.csv" 0 24
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" >/dev/null
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" \
	--max-records 3 --out "$T/b" >/dev/null
serve "$T/srv"
rss0=$(awk '/^VmRSS/ { print $2 }' "/proc/$SRV_PID/status")
s=$(now_ms)
"$HTOOLS/malformed" --url "$URL" --count "$N" --seed "$SEED" --kinds all \
	--save "$T/unexpected.tvb" "$T"/b/*.tvb >"$T/malformed.out" || {
	[ -z "${KEEP_UNEXPECTED:-}" ] || cp "$T/unexpected.tvb" "$T"/b/*.tvb "$KEEP_UNEXPECTED"/
	fail "$(cat "$T/malformed.out")"
}
ms=$(( $(now_ms) - s ))
rss1=$(awk '/^VmRSS/ { print $2 }' "/proc/$SRV_PID/status")
stored=$(stat_of "$T/srv" records)
[ "$stored" = 0 ] || fail "$stored records stored from malformed batches"
ok=0
for f in "$T"/b/*.tvb; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$f" \
		-H 'Content-Type: application/octet-stream' "$URL/v1/batches")
	[ "$code" = 200 ] || fail "valid batch $(basename "$f") after the mutants: $code"
	ok=$((ok + 1))
done
stop_server
[ "$(stat_of "$T/srv" records)" = 24 ] || fail "the valid batches were not all stored"
grow=$((rss1 - rss0))
[ $grow -lt "$GROW_MAX_KB" ] || fail "server memory grew by $grow kB"
cat "$T/malformed.out"
sanitizer_clean
mkdir -p "$TOP/$B/figures"
echo "malformed batches over HTTP (seed $SEED): $N in $ms ms, all 400/401/413," \
	"0 stored, server RSS $((rss0 / 1024)) -> $((rss1 / 1024)) MB; the $ok" \
	"valid batches then accepted" | tee "$TOP/$B/figures/http_malformed.txt"
