# SPDX-License-Identifier: MIT
# A store that panics makes `aggregator serve` exit (TESTING.md R4 over
# HTTP).  The k-th write of the store fails once with EIO
# (tests/fault/plshim.c) for k = 1..KMAX while a collector ships 12
# one-record batches.  When the failed write is LMDB's meta page the
# environment is in MDB_PANIC and nothing can be stored in this process
# again: serve must then exit non-zero within 1 s of the failure (it
# used to answer 503 to every batch, and 200 to /v1/health, forever).
# When it survives a failure, it must still store everything.  Each k
# ends with a restart without faults (the supervisor's job), the
# collector's retries, and a reconciliation: 0 lost, 0 duplicated.
. tests/cli/lib.sh
. tests/http/lib.sh

SHIM=$TOP/$B/fault/plshim.so
# Under SAN=1 the shim is preloaded before libasan: let ASan accept it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
KMAX=${KMAX:-10}
NV=12
campaign "$T/k"
campaign_dates
device "$T/A0" "$T/k/campaign.json"
server "$T/srv0" "$T/k/campaign.json" "$T/A0"
visits_csv "$T/v.csv" 0 $NV
"$BIN/collector" import --dir "$T/A0" --passphrase-file "$T/A0.pass" "$T/v.csv" >/dev/null
expected "$T/v.csv.cells" >"$T/want"

ship() {	# RETRIES: one collector ship run; its exit code in SHIP_RC
	SHIP_RC=0
	"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" \
		--url "$URL" --max-records 1 --retries "$1" --backoff 50 \
		--timeout 5 >>"$T/ship.out" 2>>"$T/ship.err" || SHIP_RC=$?
}
gone() {	# PID: exited (a zombie counts: we have not waited yet)
	! [ -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat")" = Z ]
}
# watch PID LOG: until PID exits, note when LOG first says the store
# failed (T/t_fail) and when PID was seen gone (T/t_exit), in ms.
watch() {
	while ! gone "$1"; do
		[ -s "$T/t_fail" ] || ! grep -q 'store failed' "$2" ||
			now_ms >"$T/t_fail"
		msleep 10
	done
	[ -s "$T/t_fail" ] || ! grep -q 'store failed' "$2" || now_ms >"$T/t_fail"
	now_ms >"$T/t_exit"
}

panics=0 survived=0 at_open=0 worst=0 k=0
PORT=$((20000 + $(rand 12000)))
URL=http://127.0.0.1:$PORT
while [ $k -lt "$KMAX" ]; do
	k=$((k + 1))
	rm -rf "$T/srv" "$T/A" "$T/t_fail" "$T/t_exit"
	cp -a "$T/srv0" "$T/srv"
	cp -a "$T/A0" "$T/A"
	cp "$T/A0.pass" "$T/A.pass"
	export PLC_DIR="$T/srv/store" PLC_FAIL_AT=$k PLC_FAIL_KIND=write LD_PRELOAD="$SHIM"
	started=1
	serve_on "$T/srv" "$PORT" --timeout 5 || started=0
	unset PLC_DIR PLC_FAIL_AT PLC_FAIL_KIND LD_PRELOAD
	if [ $started = 0 ]; then
		# The failure hit the open: exit 2 with a message, nothing served.
		grep -q 'cannot open store' "$T/serve.log" ||
			fail "k=$k: serve died at start without saying why: $(tail -3 "$T/serve.log")"
		at_open=$((at_open + 1))
	else
		watch "$SRV_PID" "$SRV_LOG" &
		wpid=$!
		PIDS="$PIDS $wpid"
		ship 2
		if gone "$SRV_PID"; then
			wait $wpid
			forget $wpid
			src=0
			wait "$SRV_PID" || src=$?
			forget "$SRV_PID"
			cat "$SRV_LOG" >>"$T/serve.log"
			[ $src != 0 ] || fail "k=$k: serve exited 0 after a store failure"
			grep -q 'store failed' "$SRV_LOG" ||
				fail "k=$k: serve exited $src without saying why: $(tail -3 "$SRV_LOG")"
			d=$(( $(cat "$T/t_exit") - $(cat "$T/t_fail") ))
			[ $d -le 1000 ] || fail "k=$k: serve took $d ms to exit after the store failed"
			[ $d -le $worst ] || worst=$d
			panics=$((panics + 1))
		else
			# Still running: then it must be healthy and store all.
			code=$(curl -s -o "$T/health" -w '%{http_code}' --max-time 2 "$URL/v1/health" || :)
			[ $SHIP_RC = 0 ] || ship 2
			[ $SHIP_RC = 0 ] ||
				fail "k=$k: serve still running (health $code: $(cat "$T/health")) but cannot store: $(tail -1 "$T/ship.err")"
			[ "$code" = 200 ] || fail "k=$k: health $code after storing everything"
			kill "$wpid" 2>/dev/null || :
			wait "$wpid" 2>/dev/null || :
			forget "$wpid"
			stop_server
			survived=$((survived + 1))
		fi
	fi
	# The supervisor restarts it; the collector retries what was not
	# acknowledged.
	restart "$T/srv" --timeout 5
	ship 6
	[ $SHIP_RC = 0 ] || fail "k=$k: after the restart: $(tail -2 "$T/ship.err")"
	stop_server
	[ "$(dstat "$T/A" acknowledged)" = $NV ] || fail "k=$k: not all acknowledged"
	cells "$T/srv" >"$T/got"
	cmp -s "$T/want" "$T/got" || fail "k=$k: stored counts differ: $(diff "$T/want" "$T/got" | head -5)"
	[ "$(stat_of "$T/srv" records)" = $NV ] || fail "k=$k: records lost or duplicated"
done
grep -m1 -A3 'store failed' "$T/serve.log" | sed 's/^/  serve: /'
echo "store failure during serve, k = 1..$KMAX: $panics panics (serve exited, worst $worst ms after the failure), $survived survived, $at_open at open; after each restart $NV/$NV batches stored: 0 lost, 0 duplicated"
[ $panics -gt 0 ] || fail "no k made the store panic: the test no longer tests it"
