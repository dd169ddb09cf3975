# SPDX-License-Identifier: MIT
# Readers that die leave their slot in LMDB's reader table, and the slot
# pins the snapshot it read: the writer cannot reuse any page freed after
# it, so the store grows with every commit (TESTING.md R7).  While `serve`
# runs, 20 read-only processes (tests/tools/hold_reader) open the store,
# begin a read transaction and are killed with -9; then a collector ships
# NB one-record batches.  The growth of data.mdb must stay near what the
# same batches cost without the dead readers (serve clears stale slots
# every 32 commits or 5 s; it used to do it only at open and when the
# table was full: 16.7 MB instead of 0.67 MB for 200 batches).
. tests/cli/lib.sh
. tests/http/lib.sh

NB=${NB:-200}
READERS=20
campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
visits_csv "$T/v0.csv" 0 20
visits_csv "$T/v.csv" 20 "$NB"
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v0.csv" >/dev/null
serve "$T/srv" --timeout 5
ship() {
	"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" \
		--url "$URL" --max-records 1 --retries 3 --backoff 50 \
		--timeout 10 >>"$T/ship.out" 2>>"$T/ship.err" ||
		fail "ship: $(tail -2 "$T/ship.err")"
}
ship	# the store has its trees before the readers come
i=0
while [ $i -lt $READERS ]; do
	i=$((i + 1))
	"$TOOLS/hold_reader" "$T/srv/store" >"$T/r.$i" 2>&1 &
	eval "R_$i=$!"
	PIDS="$PIDS $!"
done
i=0
while [ $i -lt $READERS ]; do
	i=$((i + 1))
	eval "p=\$R_$i"
	n=0
	until grep -q ready "$T/r.$i"; do
		n=$((n + 1))
		[ $n -lt 500 ] || fail "reader $i: $(cat "$T/r.$i")"
		msleep 10
	done
	kill -9 "$p"
	wait "$p" 2>/dev/null || :
	forget "$p"
done
before=$(stat -c %s "$T/srv/store/data.mdb")
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" >/dev/null
ship
after=$(stat -c %s "$T/srv/store/data.mdb")
health=$(curl -fsS --max-time 2 "$URL/v1/health") || fail "health"
stop_server
[ "$(stat_of "$T/srv" records)" = $((20 + NB)) ] || fail "records lost or duplicated"
grow=$((after - before))
echo "$READERS readers killed with -9, then $NB batches: data.mdb grew $grow bytes ($before -> $after); health: $health"
# Without dead readers the same batches grow the file by about 0.7 MB.
[ $grow -le $((2 * 1024 * 1024)) ] || fail "data.mdb grew $grow bytes: stale readers pinned old pages"
