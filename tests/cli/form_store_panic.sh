# SPDX-License-Identifier: MIT
# A store that panics makes `collector serve` (the tablets' visit form)
# exit, as it does `aggregator serve` (issue 14).  The k-th write of the
# collector's store fails once with EIO (tests/fault/plshim.c), k =
# 1..KMAX, while a signed-in tablet sends NV visits.  When LMDB panics
# (a failed meta-page write) nothing can be recorded in this process
# again: serve must exit 2 with a message within 1 s of the failed
# visit (it used to answer "Visit not recorded" to every visit for as
# long as it ran).  When it survives the failure (an EIO on a data
# page) it may refuse that one visit, with a message, and must record the
# counsellor's retry and every later visit.  Either way no visit the form confirmed ("Visit recorded.") is
# missing from the store, and none is recorded twice.
. tests/cli/lib.sh
. tests/browser/lib.sh

SHIM=$TOP/$B/fault/plshim.so
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
KMAX=${KMAX:-8}
NV=6
campaign "$T/k"
device "$T/A0" "$T/k/campaign.json"
J=$T/jar
VISIT="site=a-gare&date=2021-11-02&first_name=Ana&last_name=Test&birth_date=1987-06-05&gender=f&age_band=26-44&topics=employment&outcomes=referral&first_contact=yes"
field() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$T/b" | head -1; }
get() { curl -s -o "$T/b" -w '%{http_code}' -b "$J" -c "$J" --max-time 5 "$@" || :; }
gone() { ! [ -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat")" = Z ]; }
now_ms() { date +%s%3N; }

# start: collector serve on the copy, the shim failing write k; 1 if it
# died at start.
start() {
	: >"$T/serve.out"
	: >"$T/serve.err"
	PLC_DIR="$T/A/store" PLC_FAIL_AT=$k PLC_FAIL_KIND=write LD_PRELOAD="$SHIM" \
		"$BIN/collector" serve --dir "$T/A" --passphrase-file "$T/A.pass" \
		--listen 127.0.0.1:0 --site a-gare --date 2021-11-02 \
		>"$T/serve.out" 2>"$T/serve.err" </dev/null &
	SERVE_PID=$!
	until grep -q '^sign-in code: [0-9]*$' "$T/serve.out"; do
		gone "$SERVE_PID" && return 1
		sleep 0.05
	done
	URL=http://127.0.0.1:$(sed -n 's|.* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$T/serve.err")
}

trap 'serve_kill; rm -rf "$T"' EXIT	# a failed check leaves no server
panics=0 survived=0 refused=0 at_start=0 worst=0 k=0
while [ $k -lt "$KMAX" ]; do
	k=$((k + 1))
	rm -rf "$T/A" "$J"
	cp -a "$T/A0" "$T/A"
	cp "$T/A0.pass" "$T/A.pass"
	if ! start; then
		rc=0
		wait "$SERVE_PID" || rc=$?
		[ $rc = 2 ] && grep -q 'store' "$T/serve.err" ||
			fail "k=$k: serve died at start ($rc) without saying why: $(cat "$T/serve.err")"
		at_start=$((at_start + 1))
		continue
	fi
	get "$URL/signin" >/dev/null
	[ "$(get "$URL/signin" --data "csrf=$(field csrf)&code=$(sed -n 's/^sign-in code: //p' "$T/serve.out" | tail -1)&lang=en")" = 303 ] ||
		fail "k=$k: cannot sign in"
	confirmed=0 sent=0 t_fail=""
	while [ $sent -lt $NV ] && ! gone "$SERVE_PID"; do
		[ "$(get "$URL/")" = 200 ] || break
		csrf=$(field csrf)
		once=$(field once)
		sent=$((sent + 1))
		get "$URL/visit" --data "csrf=$csrf&once=$once&$VISIT" >/dev/null
		t_post=$(now_ms)
		code=$(get "$URL/")
		if [ "$code" = 200 ] && grep -q 'Visit recorded' "$T/b"; then
			confirmed=$((confirmed + 1))
		elif [ -z "$t_fail" ]; then
			t_fail=$t_post
		fi
	done
	if [ -n "$t_fail" ]; then
		# A visit was refused: if the store died, serve must go.
		i=0
		while ! gone "$SERVE_PID" && [ $i -lt 300 ]; do sleep 0.01; i=$((i + 1)); done
	fi
	if gone "$SERVE_PID"; then
		d=$(( $(now_ms) - ${t_fail:-$(now_ms)} ))
		rc=0
		wait "$SERVE_PID" || rc=$?
		[ $rc = 2 ] || fail "k=$k: serve exited $rc after a store failure: $(tail -3 "$T/serve.err")"
		grep -q 'the store failed' "$T/serve.err" ||
			fail "k=$k: serve exited without saying why: $(tail -3 "$T/serve.err")"
		[ $d -le 1000 ] || fail "k=$k: serve took $d ms to exit after the failed visit"
		[ $d -le $worst ] || worst=$d
		SERVE_PID=""
		panics=$((panics + 1))
	else
		# Alive: a failure that was not a panic refused one visit,
		# cleanly; the store works and the counsellor's retry goes in.
		[ $confirmed -ge $((sent - 1)) ] ||
			fail "k=$k: serve still running but $confirmed of $sent visits recorded: $(tail -3 "$T/serve.err")"
		if [ $confirmed -lt $sent ]; then
			[ "$(get "$URL/")" = 200 ] || fail "k=$k: no form after a refused visit"
			get "$URL/visit" --data "csrf=$(field csrf)&once=$(field once)&$VISIT" >/dev/null
			sent=$((sent + 1))
			[ "$(get "$URL/")" = 200 ] && grep -q 'Visit recorded' "$T/b" ||
				fail "k=$k: serve still running but cannot record: $(tail -3 "$T/serve.err")"
			confirmed=$((confirmed + 1))
			refused=$((refused + 1))
		fi
		kill -TERM "$SERVE_PID"
		rc=0
		wait "$SERVE_PID" || rc=$?
		[ $rc = 0 ] || fail "k=$k: serve exited $rc on SIGTERM"
		SERVE_PID=""
		survived=$((survived + 1))
	fi
	# Restarted (without faults): every confirmed visit is there, none
	# twice, none that was never sent.
	n=$(captured "$T/A")
	[ "$n" -ge $confirmed ] && [ "$n" -le $sent ] ||
		fail "k=$k: $n visits in the store, $confirmed confirmed, $sent sent"
done
[ $panics -gt 0 ] || fail "no k made the store panic: the test saw nothing"
echo "collector serve, the k-th store write failing (k = 1..$KMAX): $panics" \
	"panics, each exit 2 within $worst ms of the refused visit; $survived" \
	"survived ($refused refused one visit and recorded its retry);" \
	"$at_start failed at start (exit 2); no confirmed visit lost"
