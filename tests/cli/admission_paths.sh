# SPDX-License-Identifier: MIT
# One rule admits a batch (proto/admit.h): the aggregator at ingest and the
# trustees' recount must reach the same verdict on every envelope, since a
# trustee refuses a request whose sums differ from its own by one record.
# A corpus of honest, forged and malformed envelopes goes through both
# paths one envelope at a time: `aggregator ingest` into a fresh copy of
# one server, and the recount (tests/tools/recount) over that server's
# release request holding the envelope alone.  Both must admit it with the
# same records counted and set aside, or both refuse it for the same
# reason.
. tests/cli/lib.sh


campaign "$T/k" "$PLAN" 2 3
for d in A M R S W; do device "$T/$d" "$T/k/campaign.json"; done
mkdir "$T/F"
"$TOOLS/forge_batch" "$T/k/campaign.json" "$T/F"
server "$T/srv" "$T/k/campaign.json" "$T/A" "$T/R"
certify "$T/k" "$T/S/device.pub" "$T/S.cert" van-S a-gare
certify "$T/k" "$T/W/device.pub" "$T/W.cert" van-W a-gare 2021-11-01 2021-11-07
certify "$T/k" "$T/F/device.pub" "$T/F.cert" van-F
for d in S W F; do "$BIN/aggregator" enroll --dir "$T/srv" "$T/$d.cert" >/dev/null; done
revocation "$T/k" "$T/R/device.pub" 1 "$T/R.rev"
"$BIN/aggregator" revoke --dir "$T/srv" "$T/R.rev" >/dev/null
"$BIN/aggregator" release-request --dir "$T/srv" --out "$T/req.tvr" \
	--as-of 2022-01-10 >/dev/null

# The corpus.
mkdir "$T/corpus"
for day in 02 03 04; do visit "$T/A" a-gare 2021-11-$day; done
export_to "$T/A" "$T/out-A"
for day in 05 08; do visit "$T/A" b-moulins 2021-11-$day; done
export_to "$T/A" "$T/out-A"
for day in 02 03; do visit "$T/M" a-gare 2021-11-$day; done
export_to "$T/M" "$T/out-M"
visit "$T/R" a-gare 2021-11-02
export_to "$T/R" "$T/out-R"
visit "$T/R" a-gare 2021-11-03
export_to "$T/R" "$T/out-R"
visit "$T/S" c-rives 2021-11-02
export_to "$T/S" "$T/out-S"
visit "$T/W" a-gare 2021-11-20
export_to "$T/W" "$T/out-W"
i=0
for f in "$T"/out-A/*.tvb; do i=$((i + 1)); cp "$f" "$T/corpus/honest-$i.tvb"; done
cp "$T"/out-R/*-00000001.tvb "$T/corpus/revoked-before.tvb"
cp "$T"/out-R/*-00000002.tvb "$T/corpus/revoked-after.tvb"
cp "$T"/out-M/*.tvb "$T/corpus/uncertified.tvb"
cp "$T"/out-S/*.tvb "$T/corpus/outside-sites.tvb"
cp "$T"/out-W/*.tvb "$T/corpus/outside-days.tvb"
cp "$T/F/forged.tvb" "$T/corpus/bad-proofs.tvb"
h=$T/corpus/honest-1.tvb
size=$(wc -c <"$h")
# The signature's last byte flipped; the payload's middle byte flipped;
# cut short; empty; not an envelope.
python3 - "$h" "$T/corpus" <<'PY'
import sys
h, out = sys.argv[1], sys.argv[2]
b = bytearray(open(h, 'rb').read())
def put(name, data):
    open(out + '/' + name + '.tvb', 'wb').write(bytes(data))
s = bytearray(b); s[-1] ^= 1; put('bad-signature', s)
m = bytearray(b); m[len(m) // 2] ^= 0x40; put('bad-payload', m)
put('truncated', b[:len(b) * 2 // 3])
put('empty', b'')
put('garbage', b'\x0a\x20' + bytes(range(200)))
PY
[ "$size" -gt 100 ] || fail "the honest batch is too small to mutate"

# verdict_ingest FILE...: the files ingested in order into a fresh copy of
# the server: "admitted COUNTED QUARANTINED" (over all), or "refused: WHY"
# (the first refusal).
verdict_ingest() {
	rm -rf "$T/s1"
	cp -a "$T/srv" "$T/s1"
	if "$BIN/aggregator" ingest --dir "$T/s1" "$@" >"$T/out" 2>"$T/err"; then
		sed -n 's/.*(\([0-9]*\) records\(, \([0-9]*\) quarantined.*\)\{0,1\}).*/\1 \3/p' \
			"$T/out" | { all=0 q=0
			while read -r a_ q_; do all=$((all + a_)) q=$((q + ${q_:-0})); done
			echo "admitted $((all - q)) $q"; }
	else
		echo "refused: $(sed -n 's/.*: refused: //p' "$T/err" | head -1)"
	fi
}
# verdict_recount FILE...: the recount of a request holding the files.
verdict_recount() {
	if "$TOOLS/recount" "$T/k/campaign.json" "$T/req.tvr" "$@" >"$T/out" 2>"$T/err"; then
		cat "$T/out"
	else
		[ $? -eq 1 ] || fail "recount tool failed: $(cat "$T/err")"
		echo "refused: $(sed -n 's/^[a-z]*: \(envelope [0-9]*: \)\{0,1\}//p' "$T/err")"
	fi
}

admitted=0 refused=0 quarantined=0
for f in "$T"/corpus/*.tvb; do
	name=$(basename "$f" .tvb)
	a=$(verdict_ingest "$f")
	b=$(verdict_recount "$f")
	# An unknown device is the one verdict worded by each side (the
	# store's enrolment, the request's certificates): compare the verdict.
	if [ "$name" = uncertified ]; then
		case "$a|$b" in
		"refused: device not enrolled|refused: signed by a device without"*) ;;
		*) fail "$name: ingest '$a', recount '$b'" ;;
		esac
	fi
	[ "$name" = uncertified ] || [ "$a" = "$b" ] ||
		fail "$name: ingest says '$a', the recount '$b'"
	case $a in
	admitted*) admitted=$((admitted + 1))
		quarantined=$((quarantined + $(echo "$a" | cut -d' ' -f3))) ;;
	*) refused=$((refused + 1)) ;;
	esac
	printf '%-16s %s\n' "$name" "$a"
done
# The corpus is what it claims: honest and forged batches admitted, the
# others refused, the forged proofs set aside.
[ "$admitted" -eq 4 ] || fail "expected 4 envelopes admitted, got $admitted"
[ "$quarantined" -eq 4 ] || fail "expected 4 records set aside, got $quarantined"
echo "$((admitted + refused)) envelopes: $admitted admitted ($quarantined records set aside), $refused refused, the same verdict on both paths"

# Across envelopes: a record set aside whose R repeats a counted record's
# (forge_batch's reuse.tvb after forged.tvb).  It is never summed, so it
# binds nothing: the store keeps it in quarantine, and the recount must
# not refuse the request for it either.
a=$(verdict_ingest "$T/F/forged.tvb" "$T/F/reuse.tvb")
b=$(verdict_recount "$T/F/forged.tvb" "$T/F/reuse.tvb")
[ "$a" = "admitted 3 5" ] || fail "ingest of forged then reuse: '$a'"
[ "$a" = "$b" ] || fail "R of a record set aside: ingest says '$a', the recount '$b'"
echo "a record set aside reusing a counted R: $a on both paths"
