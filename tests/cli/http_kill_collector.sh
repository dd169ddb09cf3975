# SPDX-License-Identifier: MIT
# kill -9 the collector while it records a visit and while it ships (both
# at once, each at a random moment) until 50 kills hit a running process,
# at least 20 of each kind, then let it drain.  Every visit has its own
# (site, day) cell, so the aggregator's per-cell counts show which visits
# arrived: every visit acknowledged to the user ("recorded") must be there
# exactly once, nothing else but a visit committed just before its kill,
# and the aggregator must hold exactly what the device captured.  Batch sequence numbers are 1..n, each
# stored once, never refused as a conflict.
. tests/cli/lib.sh
. tests/http/lib.sh

KILLS=${KILLS:-50}
campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
serve "$T/srv"
# Not a function: "kill -9 $!" must hit the collector itself.
SHIP="$BIN/collector ship --dir $T/A --passphrase-file $T/A.pass"
SHIP="$SHIP --max-records 1 --retries 3 --backoff 20"
status_ok() {	# PID: exit status 0, or killed; never a refusal
	rc=0
	wait "$1" || rc=$?
	[ $rc = 0 ] || [ $rc -gt 128 ] || fail "$2 exited $rc: $(tail -2 "$T/ship.err")"
	[ $rc = 0 ]
}

# round V A B: record visit V and ship at once; kill -9 the recorder after
# A ms and the shipper after B ms.
round() {
	visit_prep "$1"
	# shellcheck disable=SC2086
	"$BIN/collector" record --dir "$T/A" --passphrase-file "$T/A.pass" \
		--site "$VSITE" --date "$VDATE" $VFIELDS <"$T/in.$1" >"$T/rec.$1" 2>&1 &
	rpid=$!
	$SHIP --url "$URL" >>"$T/ship.out" 2>>"$T/ship.err" &
	spid=$!
	PIDS="$PIDS $rpid $spid"
	if [ "$2" -lt "$3" ]; then
		msleep "$2"; kill -9 $rpid 2>/dev/null || :
		msleep $(($3 - $2)); kill -9 $spid 2>/dev/null || :
	else
		msleep "$3"; kill -9 $spid 2>/dev/null || :
		msleep $(($2 - $3)); kill -9 $rpid 2>/dev/null || :
	fi
	status_ok $rpid record || killed_rec=$((killed_rec + 1))
	status_ok $spid ship || killed_ship=$((killed_ship + 1))
	forget $rpid
	forget $spid
	acked_of "$1"
}
acked_of() {	# V
	grep -qx recorded "$T/rec.$1" && { cell_of "$1" >>"$T/acked"; acked=$((acked + 1)); }
	cell_of "$1" >>"$T/tried"
}

t0=$(now_ms)
killed_rec=0 killed_ship=0 acked=0 v=0 lr=0 ls=0
: >"$T/acked"
# Calibration: how long each takes here (key unlock included), so that the
# kills land anywhere from a third of the way to twice the time.
while [ $v -lt 3 ]; do
	s=$(now_ms)
	record_visit "$T/A" $v >"$T/rec.$v" 2>&1
	lr=$((lr + ($(now_ms) - s) / 3))
	s=$(now_ms)
	$SHIP --url "$URL" >>"$T/ship.out" 2>>"$T/ship.err"
	ls=$((ls + ($(now_ms) - s) / 3))
	acked_of $v
	v=$((v + 1))
done
while [ $((killed_rec + killed_ship)) -lt "$KILLS" ] || [ $killed_rec -lt $((KILLS * 2 / 5)) ] ||
    [ $killed_ship -lt $((KILLS * 2 / 5)) ]; do
	[ $v -lt 200 ] || fail "only $killed_rec + $killed_ship kills hit in 200 rounds"
	round $v $((lr / 3 + $(rand $((lr * 5 / 3 + 1))))) \
		$((ls / 3 + $(rand $((ls * 5 / 3 + 1)))))
	v=$((v + 1))
done
n=0
until $SHIP --url "$URL" >>"$T/ship.out" 2>>"$T/ship.err"; do
	n=$((n + 1))
	[ $n -lt 20 ] || fail "the collector did not drain"
done
t=$(( $(now_ms) - t0 ))
stop_server

cells "$T/srv" >"$T/got"
awk '$3 != 1 { bad = 1; print "cell " $1 "," $2 ": " $3 " records" } END { exit bad }' "$T/got" ||
	fail "a visit was stored more than once"
cut -d' ' -f1,2 "$T/got" | sort >"$T/stored"
sort "$T/acked" >"$T/acked.s"
sort "$T/tried" >"$T/tried.s"
missing=$(comm -23 "$T/acked.s" "$T/stored" | wc -l)
foreign=$(comm -23 "$T/stored" "$T/tried.s" | wc -l)
extra=$(comm -13 "$T/acked.s" "$T/stored" | wc -l)
[ "$missing" = 0 ] || fail "$missing acknowledged visits missing at the aggregator"
[ "$foreign" = 0 ] || fail "$foreign stored visits were never recorded"
captured=$(dstat "$T/A" captured)
records=$(stat_of "$T/srv" records)
[ "$records" = "$captured" ] || fail "aggregator holds $records records, the device captured $captured"
[ "$(dstat "$T/A" pending)" = 0 ] && [ "$(dstat "$T/A" sealed)" = 0 ] ||
	fail "batches left unacknowledged"
nb=$(dstat "$T/A" acknowledged)
mdb_dump -s batches "$T/srv/store" | awk '
	/^HEADER=END/ { d = 1; next } /^DATA=END/ { d = 0 }
	d && /^ / && ++k % 2 == 1 { print substr($1, 65, 16) }' >"$T/seqs"
i=1
while read -r hexseq; do
	[ "$((0x$hexseq))" = $i ] || fail "batch sequence numbers at the aggregator are not 1..n"
	i=$((i + 1))
done <"$T/seqs"
[ $((i - 1)) = "$nb" ] && [ "$(stat_of "$T/srv" batches)" = "$nb" ] ||
	fail "$((i - 1)) batches at the aggregator, $nb acknowledged"
grep -q CONFLICT "$T/ship.err" && fail "a sequence number was reused"
echo "$v rounds (record ~$lr ms, ship ~$ls ms unkilled) in $t ms:" \
	"killed record $killed_rec times and ship $killed_ship times;" \
	"$acked visits acknowledged to the user, all stored once, $extra more stored" \
	"(committed just before a kill); $records records = $captured captured;" \
	"batches 1..$nb each stored once, 0 conflicts"
sanitizer_clean
