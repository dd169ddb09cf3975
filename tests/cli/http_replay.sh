# SPDX-License-Identifier: MIT
# HTTP replay and authentication: the same batch POSTed 1,000 times one
# after the other and 1,000 times 50 at a time is stored once and every
# answer is the same 200 body; the same (device, seq) with other content
# gets 409 and changes nothing; an unknown device, a tampered signature and
# a tampered payload get 401 and store nothing; a batch dated after the
# campaign's end, or past its device's certificate, gets 400 and stores
# nothing.
. tests/cli/lib.sh
. tests/http/lib.sh

post() {	# FILE: the status code; the body in $T/body
	curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/octet-stream' \
		--data-binary "@$1" "$URL/v1/batches"
}
flip() {	# FILE OFFSET: invert the low bit of one byte
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %o $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
unchanged() {	# WHAT
	[ "$(stat_of "$T/srv" batches)" = 1 ] && [ "$(stat_of "$T/srv" records)" = 3 ] ||
		fail "$1 changed the store"
}

campaign "$T/k"
campaign_dates
device "$T/A" "$T/k/campaign.json"
device "$T/U" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
cp -a "$T/A" "$T/A2"
cp "$T/A.pass" "$T/A2.pass"
for i in 0 1 2; do record_visit "$T/A" $i >/dev/null; done
record_visit "$T/A2" 3 >/dev/null	# same device and seq 1, other content
record_visit "$T/U" 4 >/dev/null
for d in A A2 U; do
	"$BIN/collector" export --dir "$T/$d" --passphrase-file "$T/$d.pass" \
		--out "$T/out-$d" >/dev/null
done
a=$(ls "$T"/out-A/*.tvb)
serve "$T/srv" --per-ip 64

# 1,000 one after the other (one kept-alive connection), then 1,000 by 50.
start=$(now_ms)
curl -s -H 'Content-Type: application/octet-stream' --data-binary "@$a" \
	-D "$T/h1" -o "$T/first" "$URL/v1/batches"
mkdir "$T/seq" "$T/par"
curl -s -H 'Content-Type: application/octet-stream' --data-binary "@$a" \
	-w '%{http_code}\n' -o "$T/seq/#1" "$URL/v1/batches?n=[1-999]" >"$T/seq.codes"
t_seq=$(( $(now_ms) - start ))
start=$(now_ms)
curl -s --no-progress-meter -Z --parallel-max 50 --parallel-immediate \
	-H 'Content-Type: application/octet-stream' --data-binary "@$a" \
	-w '%{http_code}\n' -o "$T/par/#1" "$URL/v1/batches?n=[1-1000]" >"$T/par.codes"
t_par=$(( $(now_ms) - start ))

grep -qi '^X-Tallyvan-Duplicate' "$T/h1" && fail "first send marked duplicate"
n200=$(cat "$T/seq.codes" "$T/par.codes" | grep -c '^200$')
[ "$n200" = 1999 ] || fail "$n200 of 1999 replays answered 200"
[ "$(ls "$T/seq" | wc -l)" = 999 ] && [ "$(ls "$T/par" | wc -l)" = 1000 ] ||
	fail "missing answers"
distinct=$(cat "$T/first" "$T"/seq/* "$T"/par/* | sort -u | wc -l)
[ "$distinct" = 1 ] || fail "$distinct different answers to one batch"
for f in "$T"/seq/* "$T"/par/*; do cmp -s "$T/first" "$f" || fail "answer $f differs"; done
hash=$(b2sum -l 256 "$a" | cut -d' ' -f1)
dev=$(tr -d '\n' <"$T/A/device.pub")
grep -q "\"device\":\"$dev\",\"seq\":1,\"hash\":\"$hash\",\"records\":3" "$T/first" ||
	fail "acknowledgement does not name the batch: $(cat "$T/first")"
curl -s -D - -o /dev/null -H 'Content-Type: application/octet-stream' \
	--data-binary "@$a" "$URL/v1/batches" | grep -qi '^X-Tallyvan-Duplicate: 1' ||
	fail "a retry is not marked duplicate"
unchanged "replay"
echo "replay: 1 + 999 sequential in ${t_seq} ms, 1000 by 50 in parallel in ${t_par} ms:" \
	"all 200, 1 distinct body ($(wc -c <"$T/first") bytes), stored once (1 batch, 3 records)"

# Conflict: same key, other content.
code=$(post "$T"/out-A2/*.tvb)
[ "$code" = 409 ] || fail "conflicting batch got $code"
grep -q '"error":"conflict"' "$T/body" || fail "409 body: $(cat "$T/body")"
unchanged "a conflicting batch"
must_fail 1 "$BIN/collector" ship --dir "$T/A2" --passphrase-file "$T/A2.pass" \
	--url "$URL" 2>"$T/ship.err"
grep -q CONFLICT "$T/ship.err" || fail "ship did not report the conflict"
[ "$(dstat "$T/A2" acknowledged)" = 0 ] || fail "a conflicting batch was marked acknowledged"
unchanged "a conflicting ship"

# Authentication: unknown device, signature and payload tampered.
code=$(post "$T"/out-U/*.tvb)
[ "$code" = 401 ] || fail "unknown device got $code"
size=$(wc -c <"$a")
cp "$a" "$T/badsig.tvb"
flip "$T/badsig.tvb" $((size - 1))
cmp -s "$a" "$T/badsig.tvb" && fail "tampering did nothing"
code=$(post "$T/badsig.tvb")
[ "$code" = 401 ] || fail "tampered signature got $code"
cp "$a" "$T/badpay.tvb"
flip "$T/badpay.tvb" $((size / 2))
cmp -s "$a" "$T/badpay.tvb" && fail "tampering did nothing"
code=$(post "$T/badpay.tvb")
[ "$code" = 401 ] || fail "tampered payload got $code"
unchanged "an unauthenticated batch"
# S1, future-dated: (a) a batch of A dated after the campaign's end
# (tvfault mkbatches with its days moved 100 on; no collector records
# such a date), (b) W, certified for the campaign's first week only,
# records a visit of its third week (a date its certificate has not
# reached).  Both 400, "outside", nothing stored.  (S1's "already released
# period" is not refused by design: late records become revisions, see
# tests/cli/revisions.sh.)
TVFAULT_DAY_SHIFT=100 "$TOP/$B/fault/tvfault" mkbatches "$T/A" "$T/A.pass" \
	"$T/future" 50 1 2
code=$(post "$T/future/b-000050.tvb")
[ "$code" = 400 ] && grep -q 'outside the campaign' "$T/body" ||
	fail "a batch dated after the campaign got $code: $(cat "$T/body")"
unchanged "a batch dated after the campaign"
device "$T/W" "$T/k/campaign.json"
certify "$T/k" "$T/W/device.pub" "$T/W.cert" W all \
	"$(sed -n 2p "$T/dates")" "$(sed -n 8p "$T/dates")"
"$BIN/aggregator" enroll --dir "$T/srv" "$T/W.cert" >/dev/null
visit "$T/W" "$(sed -n 1p "$T/sites")" "$(sed -n 16p "$T/dates")"
"$BIN/collector" export --dir "$T/W" --passphrase-file "$T/W.pass" \
	--out "$T/out-W" >/dev/null
code=$(post "$T"/out-W/*.tvb)
[ "$code" = 400 ] && grep -q "outside the device's certificate" "$T/body" ||
	fail "a batch dated past its certificate got $code: $(cat "$T/body")"
unchanged "a batch dated past its certificate"
echo "future-dated: after the campaign's end and past the device's" \
	"certificate: 400, nothing stored"

# Revoked after batch 1: its batch 2 is refused.
record_visit "$T/A" 5 >/dev/null
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" \
	--out "$T/out-A-2" >/dev/null
revocation "$T/k" "$T/A/device.pub" 1 "$T/A.rev"
"$BIN/aggregator" revoke --dir "$T/srv" "$T/A.rev" >/dev/null
code=$(post "$(ls "$T"/out-A-2/*-00000002.tvb)")
[ "$code" = 401 ] || fail "revoked device got $code"
unchanged "a revoked device"
stop_server
grep -q "refused 409" "$T/serve.log" || fail "no log line for the conflict"
echo "conflict: 409, store unchanged, ship exit 1; unknown device, bad signature," \
	"tampered payload, revoked device: 401, nothing stored"
sanitizer_clean
