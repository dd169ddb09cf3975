# SPDX-License-Identifier: MIT
# Hostile clients from 127.0.0.2 while a legitimate collector uploads from
# 127.0.0.1: 200 connections that send half a header and then nothing
# (per-address limit 16, idle timeout 2 s), then 200 requests declaring
# 2 MiB bodies (cap 1 MiB) and 5 chunked 4 MiB bodies.  The collector's
# uploads must all succeed, the slow connections be closed within the
# timeout + 1 s, every declared oversize be answered 413 before a byte of
# its body is sent, and the server's peak memory stay bounded.  Then, at
# once, a slowloris (8 connections sending their header a byte every
# 500 ms) and a large-body trickle (8 requests declaring 1 MiB, the whole
# --buffer-max being 4 MiB, sending a byte every 500 ms): uploads must go
# on (memory is reserved as bytes arrive) and every attacker be closed
# within the timeout + 1 s although it never goes idle (header deadline,
# minimum body rate).  Junk (a garbage request line, an unsupported
# Transfer-Encoding, a huge request line) is answered or closed within
# 1 s.  Every line of the server's log is whole (one write per line).
. tests/cli/lib.sh
. tests/http/lib.sh

TIMEOUT=2
RSS_MAX_KB=${RSS_MAX_KB:-102400}
campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
visits_csv "$T/v1.csv" 0 120
visits_csv "$T/v2.csv" 120 120
visits_csv "$T/v3.csv" 240 120
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v1.csv" >/dev/null
serve "$T/srv" --timeout $TIMEOUT --per-ip 16 --max-connections 256 \
	--body-max 1048576 --buffer-max 4194304
ship() {	# the legitimate collector, from 127.0.0.1; prints its time
	s=$(now_ms)
	"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" \
		--url "$URL" --max-records 2 --retries 3 --backoff 100 \
		--timeout 10 >>"$T/ship.out" 2>>"$T/ship.err" ||
		fail "legitimate upload failed during the attack: $(tail -2 "$T/ship.err")"
	echo $(( $(now_ms) - s ))
}

"$HTOOLS/hostile" slow --port "$PORT" --count 200 --within $((TIMEOUT + 1)) \
	>"$T/slow.out" &
hpid=$!
PIDS="$PIDS $hpid"
msleep 300
t_health=$(curl -s -o /dev/null -w '%{time_total}' --max-time 2 "$URL/v1/health") ||
	fail "health check failed during the attack"
t1=$(ship)
wait $hpid || fail "slow connections: $(cat "$T/slow.out")"
forget $hpid

"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v2.csv" >/dev/null
"$HTOOLS/hostile" big --port "$PORT" --count 200 --length 2097152 >"$T/big.out" &
bpid=$!
"$HTOOLS/hostile" chunked --port "$PORT" --count 5 --length 4194304 >"$T/chunked.out" &
cpid=$!
PIDS="$PIDS $bpid $cpid"
t2=$(ship)
wait $bpid || fail "oversized bodies: $(cat "$T/big.out")"
wait $cpid || fail "chunked bodies: $(cat "$T/chunked.out")"
forget $bpid
forget $cpid

"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v3.csv" >/dev/null
"$HTOOLS/hostile" loris --port "$PORT" --count 8 --every 500 \
	--within $((TIMEOUT + 1)) >"$T/loris.out" &
lpid=$!
"$HTOOLS/hostile" trickle --port "$PORT" --count 8 --every 500 \
	--length 1048576 --within $((TIMEOUT + 1)) >"$T/trickle.out" &
tpid=$!
PIDS="$PIDS $lpid $tpid"
msleep 300
t3=$(ship)
wait $lpid || fail "slowloris: $(cat "$T/loris.out")"
wait $tpid || fail "large-body trickle: $(cat "$T/trickle.out")"
forget $lpid
forget $tpid
"$HTOOLS/hostile" junk --port "$PORT" >"$T/junk.out" ||
	fail "junk left waiting: $(cat "$T/junk.out")"
rss=$(vmhwm "$SRV_PID")
stop_server

expected "$T/v1.csv.cells" "$T/v2.csv.cells" "$T/v3.csv.cells" >"$T/want"
cells "$T/srv" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the legitimate records differ from what was captured"
[ "$(stat_of "$T/srv" records)" = 360 ] || fail "records lost or duplicated"
[ "$(dstat "$T/A" acknowledged)" = 180 ] || fail "not every batch acknowledged"
if grep -v '^aggregator: ' "$T/serve.log" >"$T/torn"; then
	fail "log lines run together: $(head -3 "$T/torn")"
fi
[ "$rss" -lt "$RSS_MAX_KB" ] || fail "server peak memory $rss kB"
n413=$(grep -c '(413, nothing read)' "$T/serve.log" || :)
[ "$n413" = 200 ] || fail "$n413 oversized bodies logged as refused unread"
cat "$T/slow.out" "$T/big.out" "$T/chunked.out" "$T/loris.out" \
	"$T/trickle.out" "$T/junk.out"
echo "legitimate collector (127.0.0.1): 60 batches in $t1 ms during the slow" \
	"connections (health answered in ${t_health} s), 60 in $t2 ms during the" \
	"oversized bodies, 60 in $t3 ms during the slowloris and trickle, all" \
	"acknowledged and stored once; server peak RSS (VmHWM) $rss kB"
sanitizer_clean
