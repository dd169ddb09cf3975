# SPDX-License-Identifier: MIT
# kill -9 the aggregator 50 times at random moments (30-250 ms after it
# starts listening) while two collectors ship one-record batches with
# retries; restart it each time.  Whenever the collectors have shipped
# everything, more visits are imported, so that every kill lands during an
# upload.  Then: 0 acknowledged batches lost, 0 duplicate records, and the
# aggregator's per-(site, day) counts exactly equal the visits imported.
. tests/cli/lib.sh
. tests/http/lib.sh

KILLS=${KILLS:-50}
campaign "$T/k"
campaign_dates
for d in A B; do device "$T/$d" "$T/k/campaign.json"; done
server "$T/srv" "$T/k/campaign.json" "$T/A" "$T/B"
: >"$T/cells.all"
next=0
refill() {	# DEV COUNT: import COUNT more visits
	visits_csv "$T/v.csv" $next "$2"
	cat "$T/v.csv.cells" >>"$T/cells.all"
	rm -f "$T/v.csv.cells"
	"$BIN/collector" import --dir "$1" --passphrase-file "$1.pass" "$T/v.csv" >/dev/null
	next=$((next + $2))
}
# client DEV: ship until everything is acknowledged; a refusal (exit 1)
# is a failure, unreachable (exit 2) is retried, 100 runs at most.
client() {
	runs=0
	while :; do
		rc=0
		"$BIN/collector" ship --dir "$1" --passphrase-file "$1.pass" \
			--url "$URL" --max-records 1 --retries 6 --backoff 20 \
			--timeout 10 >>"$1.ship.out" 2>>"$1.ship.err" || rc=$?
		echo "$rc" >>"$1.runs"
		[ "$rc" = 0 ] && return 0
		[ "$rc" = 2 ] || return 1
		runs=$((runs + 1))
		[ $runs -lt 100 ] || return 1
	done
}
start_clients() {
	for d in A B; do
		rm -f "$T/$d.done"
		( rc=0; client "$T/$d" || rc=$?; echo $rc >"$T/$d.done" ) &
		eval "CPID_$d=$!"
		PIDS="$PIDS $!"
	done
}
running() { [ ! -f "$T/A.done" ] || [ ! -f "$T/B.done" ]; }
wait_clients() {
	for d in A B; do
		eval "p=\$CPID_$d"
		wait "$p" || :
		forget "$p"
		[ "$(cat "$T/$d.done")" = 0 ] ||
			fail "collector $d was refused or gave up: $(tail -3 "$T/$d.ship.err")"
	done
}

t0=$(now_ms)
for d in A B; do refill "$T/$d" 150; done
serve "$T/srv" --timeout 5
start_clients
kills=0 refills=0
while [ $kills -lt "$KILLS" ]; do
	if ! running; then
		wait_clients
		for d in A B; do refill "$T/$d" 100; done
		refills=$((refills + 1))
		start_clients
	fi
	msleep $((30 + $(rand 220)))
	stop_server KILL
	kills=$((kills + 1))
	restart "$T/srv" --timeout 5
done
wait_clients
stop_server
t=$(( $(now_ms) - t0 ))

# Ground truth: every visit imported, once.
expected "$T/cells.all" >"$T/want"
cells "$T/srv" >"$T/got"
cmp -s "$T/want" "$T/got" || { diff "$T/want" "$T/got" | head; fail "cell counts differ from the visits imported"; }
records=$(stat_of "$T/srv" records)
batches=$(stat_of "$T/srv" batches)
[ "$records" = "$next" ] || fail "$records records stored, $next imported"
acked=0
for d in A B; do
	[ "$(dstat "$T/$d" pending)" = 0 ] && [ "$(dstat "$T/$d" sealed)" = 0 ] ||
		fail "$d: batches left unacknowledged"
	acked=$((acked + $(dstat "$T/$d" acknowledged)))
done
[ "$batches" = "$acked" ] || fail "$batches batches stored, $acked acknowledged"
dups=$(grep -c ': duplicate,' "$T/serve.log" || :)
retried=$(cat "$T/A.ship.err" "$T/B.ship.err" | grep -c 'retrying' || :)
runs=$(cat "$T/A.runs" "$T/B.runs" | wc -l)
echo "killed the aggregator $kills times during uploads ($refills refills) in $t ms:" \
	"$next visits, $batches batches, all acknowledged and stored exactly once;" \
	"$dups duplicate sends answered with the same ack, $retried batches retried," \
	"$runs ship runs"
sanitizer_clean
