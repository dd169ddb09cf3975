# SPDX-License-Identifier: MIT
# H1 under H2 (issue 14): honest collectors keep uploading while one
# address attacks.  The attacker, 127.0.0.2, holds 16 slowloris
# connections (a header byte every 500 ms, never finished) and 16
# large-body trickles (each declaring an 8 MiB body, the --body-max,
# sixteen of them the whole 128 MiB --buffer-max, then a body byte every
# 500 ms), and opens each one again as soon as the server closes it, for
# the whole run: 32 connections at a time, the per-address cap.  Four
# honest collectors, from 127.0.0.1, .3, .4 and .5, each POST their
# single-record batches over one connection, 100 ms apart, for
# LOAD_SECONDS.  Every honest request counts; the test prints the success
# rate and the p50/p95/p99 latency, and fails if fewer than 99% succeed
# or the p95 is over 1 s, if an attacker's connection outlived the
# timeout + 1 s, or if the store does not hold exactly the records
# acknowledged.  The server runs with its defaults, except the timeout.
#
# make check: LOAD_SECONDS=8 with a 5 s timeout (every attacker is closed
# and comes back at least once).  make soak: LOAD_SECONDS=30 with the
# default 15 s timeout (the figure issue 14 asks for).
. tests/cli/lib.sh
. tests/http/lib.sh

SECONDS_=${LOAD_SECONDS:-8}
TIMEOUT=${LOAD_TIMEOUT:-5}
PACE=100
ATTACKER=127.0.0.2
HONEST=127.0.0.1,127.0.0.3,127.0.0.4,127.0.0.5
BODY_MAX=8388608
campaign "$T/k"
campaign_dates
# Enough single-record batches that no collector runs out (about 8 a
# second each on this machine); if one does, it starts again from its
# first batch, an identical retry (acknowledged again, nothing stored).
per=$((SECONDS_ * 10 + 10))
devs=""
for i in 0 1 2 3; do
	device "$T/c$i" "$T/k/campaign.json"
	visits_csv "$T/v$i.csv" $((i * per)) "$per"
	"$BIN/collector" import --dir "$T/c$i" --passphrase-file "$T/c$i.pass" \
		"$T/v$i.csv" >/dev/null
	"$BIN/collector" export --dir "$T/c$i" --passphrase-file "$T/c$i.pass" \
		--max-records 1 --out "$T/b$i" >/dev/null
	devs="$devs $T/c$i"
done
# shellcheck disable=SC2086
server "$T/srv" "$T/k/campaign.json" $devs
serve "$T/srv" --timeout "$TIMEOUT"

"$HTOOLS/hostile" trickle --port "$PORT" --from $ATTACKER --count 16 \
	--every 500 --length $BODY_MAX --within $((TIMEOUT + 1)) \
	--duration $((SECONDS_ + 1)) >"$T/trickle.out" &
tpid=$!
"$HTOOLS/hostile" loris --port "$PORT" --from $ATTACKER --count 16 \
	--every 500 --within $((TIMEOUT + 1)) \
	--duration $((SECONDS_ + 1)) >"$T/loris.out" &
lpid=$!
PIDS="$PIDS $tpid $lpid"
msleep 500	# every attacking connection in place, its header sent
lrc=0 trc=0 xrc=0
"$HTOOLS/load" --url "$URL" --from $HONEST --duration "$SECONDS_" \
	--pace $PACE --min-success 99 --p95-max 1000 \
	"$T/b0" "$T/b1" "$T/b2" "$T/b3" >"$T/load.out" || lrc=$?
wait $tpid || trc=$?
wait $lpid || xrc=$?
forget $tpid
forget $lpid
rss=$(vmhwm "$SRV_PID")
stop_server
cat "$T/trickle.out" "$T/loris.out" "$T/load.out"
[ $lrc = 0 ] || fail "honest uploads during the attack: $(cat "$T/load.out")"
[ $trc = 0 ] || fail "large-body trickle held too long: $(cat "$T/trickle.out")"
[ $xrc = 0 ] || fail "slowloris held too long: $(cat "$T/loris.out")"

acked=$(sed -n 's/.* \([0-9]*\) records acknowledged.*/\1/p' "$T/load.out")
stored=$(stat_of "$T/srv" records)
[ "$stored" = "$acked" ] ||
	fail "$acked records acknowledged, $stored stored"
sanitizer_clean
line=$(sed -n 's/^honest: [0-9]* collectors ([^)]*), //p' "$T/load.out")
held() {	# FILE: "N connections, the longest held S s"
	sed -n 's/.*, \([0-9]*\) opened in .*the longest held \([0-9.]*\) s.*/\1 connections, the longest held \2 s/p' "$1"
}
mkdir -p "$TOP/$B/figures"
echo "load under attack, ${SECONDS_} s (timeout ${TIMEOUT} s): 4 honest" \
	"collectors from 4 addresses, 16 slowloris + 16 x 8 MiB trickles from" \
	"$ATTACKER (trickle: $(held "$T/trickle.out"); loris: $(held "$T/loris.out")):" \
	"$line; $stored stored; server peak RSS $rss kB" |
	tee "$TOP/$B/figures/http_load.txt"
