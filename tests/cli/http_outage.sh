# SPDX-License-Identifier: MIT
# Outage: a collector ships in the background (ship --watch) while the
# aggregator is stopped with SIGTERM in the middle of an upload and stays
# down for a while.  Visits keep being recorded and imported meanwhile;
# when the aggregator returns, everything drains with no operator action,
# exactly once.  The aggregator's clean stop and the watcher's (SIGTERM,
# exit 0) are checked too.
. tests/cli/lib.sh
. tests/http/lib.sh

DOWN_MS=${DOWN_MS:-3000}
campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
visits_csv "$T/v1.csv" 0 300
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v1.csv" >/dev/null
cp "$T/v1.csv.cells" "$T/cells.all"
serve "$T/srv"

"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" --url "$URL" \
	--watch 1 --max-records 1 --retries 2 --backoff 100 --timeout 5 \
	>"$T/watch.out" 2>"$T/watch.err" &
wpid=$!
PIDS="$PIDS $wpid"
# Stop the aggregator cleanly while batches are in flight.
i=0
until [ "$(dstat "$T/A" acknowledged)" -ge 30 ]; do
	i=$((i + 1))
	[ $i -lt 500 ] || fail "the watcher ships nothing"
	msleep 10
done
kill -TERM "$SRV_PID"
rc=0
wait "$SRV_PID" || rc=$?
forget "$SRV_PID"
cat "$SRV_LOG" >>"$T/serve.log"
[ $rc = 0 ] || fail "aggregator exited $rc on SIGTERM"
grep -q '^aggregator: stopped:' "$T/serve.log" || fail "no clean stop"
down=$(now_ms)
before=$(dstat "$T/A" acknowledged)
stored=$(stat_of "$T/srv" batches)
[ "$stored" -ge "$before" ] || fail "acknowledged $before batches, stored $stored"

# Down: the counsellors go on working.
v=300
while [ $v -lt 305 ]; do
	record_visit "$T/A" $v | grep -qx recorded || fail "visit not recorded during the outage"
	cell_of $v >>"$T/cells.all"
	v=$((v + 1))
done
visits_csv "$T/v2.csv" 305 50
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v2.csv" >/dev/null
cat "$T/v2.csv.cells" >>"$T/cells.all"
total=355
rest=$((DOWN_MS - ($(now_ms) - down)))
[ $rest -le 0 ] || msleep $rest
[ "$(dstat "$T/A" captured)" = $total ] || fail "visits lost during the outage"
kill -0 "$wpid" || fail "the watcher died during the outage"
t_down=$(( $(now_ms) - down ))

# Back: the same address, no one touches the collector.
restart "$T/srv"
back=$(now_ms)
i=0
until [ "$(stat_of "$T/srv" records)" = $total ] && [ "$(dstat "$T/A" sealed)" = 0 ] &&
    [ "$(dstat "$T/A" pending)" = 0 ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "not drained 60 s after the aggregator came back"
	msleep 100
done
t_drain=$(( $(now_ms) - back ))
kill -TERM "$wpid"
rc=0
wait "$wpid" || rc=$?
forget "$wpid"
[ $rc = 0 ] || fail "ship --watch exited $rc on SIGTERM"
stop_server

expected "$T/cells.all" >"$T/want"
cells "$T/srv" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the aggregator's counts differ from the visits captured"
nb=$(dstat "$T/A" acknowledged)
[ "$(stat_of "$T/srv" batches)" = "$nb" ] || fail "batches stored and acknowledged differ"
echo "SIGTERM with uploads in flight: clean stop, $before batches acknowledged," \
	"$stored stored; down ${t_down} ms while 5 visits were recorded and 50" \
	"imported; back: $total records ($nb batches) drained in ${t_drain} ms with" \
	"no operator action, stored once; ship --watch stopped cleanly"
sanitizer_clean
