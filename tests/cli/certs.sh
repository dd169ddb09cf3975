# SPDX-License-Identifier: MIT
# Devices are authorised by the trustees, not the aggregator.  A hostile
# aggregator writes its own store (tests/tools/enrol_raw: a device with any
# certificate, no revocation) so that ingest takes the batches and its
# release request claims sums that include them; it then rewrites the
# request's certificates (tests/tools/request_edit).  Whether it counts a
# key it made (alone, or listed in the request's device list), carries a
# certificate signed by t-1 trustees or by an outsider, two certificates
# for one device, a revoked device's batch after its last_seq, or a record
# outside the device's certificate (site or day), the trustee refuses the
# whole request (nothing decrypted), and so does `trustee verify`; the
# honest aggregator's enroll, revoke and ingest refuse the same.
. tests/cli/lib.sh

attacks=0
refused=0
# refuses ERRFILE CMD...: CMD must exit 1; its stderr in ERRFILE (and in
# the failure message: must_fail's would go to ERRFILE too).
refuses() {
	ef_=$1
	shift
	set +e
	"$@" 2>"$ef_"
	got_=$?
	set -e
	[ "$got_" -eq 1 ] || fail "expected exit 1, got $got_: $*: $(cat "$ef_")"
}
# refused_by_trustee NAME REQUEST PATTERN [ARG...]: trustee 2 (a ledger
# of its own, more arguments for it) refuses the request with a reason
# matching PATTERN and writes no partial decryption.
refused_by_trustee() {
	rn_=$1 rq_=$2 rp_=$3
	shift 3
	attacks=$((attacks + 1))
	refuses "$T/err-$rn_" "$BIN/trustee" release --campaign "$T/k/campaign.json" \
		--key "$T/k/t2.key" --share "$T/k/t2.share" --passphrase-file "$T/k/pass" \
		--request "$rq_" --ledger "$T/ledger-$rn_" --out "$T/p-$rn_.json" \
		--first-release "$@"
	grep -q "$rp_" "$T/err-$rn_" || fail "$rn_: not refused for '$rp_': $(cat "$T/err-$rn_")"
	[ ! -e "$T/p-$rn_.json" ] || fail "$rn_: partial decryptions written"
	refused=$((refused + 1))
	echo "$rn_: refused ($(grep -m1 "$rp_" "$T/err-$rn_" | sed 's/^[a-z]*: //'))"
}

campaign "$T/k" "$PLAN" 2 3
for d in A M R S W; do device "$T/$d" "$T/k/campaign.json"; done
server "$T/srv" "$T/k/campaign.json" "$T/A" "$T/R"
certify "$T/k" "$T/S/device.pub" "$T/S.cert" van-S a-gare
certify "$T/k" "$T/W/device.pub" "$T/W.cert" van-W a-gare 2021-11-01 2021-11-07
for d in S W; do "$BIN/aggregator" enroll --dir "$T/srv" "$T/$d.cert" >/dev/null; done
for d in A M; do
	for day in 02 03 04 05 08 09 10 11 12 15; do visit "$T/$d" a-gare 2021-11-$day; done
	export_to "$T/$d" "$T/out-$d"
done
visit "$T/R" a-gare 2021-11-02
export_to "$T/R" "$T/out-R1"
visit "$T/R" a-gare 2021-11-03
export_to "$T/R" "$T/out-R2"
r2=$(ls "$T"/out-R2/*-00000002.tvb)
visit "$T/S" c-rives 2021-11-02
export_to "$T/S" "$T/out-S"
visit "$T/W" a-gare 2021-11-20
export_to "$T/W" "$T/out-W"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/out-A/*.tvb "$T"/out-R1/*.tvb >/dev/null
must_fail 1 "$BIN/aggregator" ingest --dir "$T/srv" "$T"/out-M/*.tvb 2>/dev/null
"$BIN/aggregator" release-request --dir "$T/srv" --out "$T/req.tvr" --as-of 2022-01-10 >/dev/null
"$BIN/trustee" release --campaign "$T/k/campaign.json" --share "$T/k/t2.share" \
	--key "$T/k/t2.key" --first-release \
	--passphrase-file "$T/k/pass" --request "$T/req.tvr" --ledger "$T/ledger-honest" \
	--out "$T/p-honest.json" 2>/dev/null || fail "the honest request was refused"
edit() { "$TOOLS/request_edit" "$T/k/campaign.json" "$@"; }
# evil NAME CERT [--widen]: a copy of the honest server in $T/NAME
# where the aggregator put the device of CERT itself (no check, no
# revocation).
evil() {
	rm -rf "${T:?}/$1"
	cp -a "$T/srv" "$T/$1"
	"$TOOLS/enrol_raw" "$T/$1" "$2" ${3:+"$3"}
}
request() { "$BIN/aggregator" release-request --dir "$T/$1" --out "$T/$1.tvr" --as-of 2022-01-10 >/dev/null; }

# Certificates the aggregator may try: t-1 trustees, then an outsider's
# signature claiming to be trustee 2.  The honest enroll refuses both, and
# a bare key.
"$BIN/trustee" certify --campaign "$T/k/campaign.json" --key "$T/k/t1.key" \
	--passphrase-file "$T/k/pass" --cert "$T/M1.cert" --device "$T/M/device.pub" \
	--name van-M --sites all >/dev/null 2>&1
edit "$T/M1.cert" "$T/M2.cert" --outsider 2
for c in M1 M2; do
	attacks=$((attacks + 1))
	refuses "$T/err" "$BIN/aggregator" enroll --dir "$T/srv" "$T/$c.cert"
	grep -q "certificate refused" "$T/err" || fail "enroll $c: $(cat "$T/err")"
	refused=$((refused + 1))
done
"$BIN/aggregator" devices --dir "$T/srv" | grep -q "$(cut -c1-16 "$T/M/device.pub")" &&
	fail "an uncertified device was enrolled"
refuses "$T/err" "$BIN/aggregator" enroll --dir "$T/srv" "$T/M/device.pub"
grep -q "certificate signed by t trustees" "$T/err" || fail "bare key: $(cat "$T/err")"
echo "enroll: t-1 and outsider certificates refused, a bare key refused"

# The aggregator's own device M, its batch stored and summed in the claims.
evil evil-m "$T/M1.cert"
"$BIN/aggregator" ingest --dir "$T/evil-m" "$T"/out-M/*.tvb >/dev/null
request evil-m
# (c) as stored: a certificate signed by t-1 trustees.
refused_by_trustee t-minus-1 "$T/evil-m.tvr" "fewer valid signatures than the threshold"
# (a) no certificate for M at all.
edit "$T/evil-m.tvr" "$T/a.tvr" --drop-cert "$T/M/device.pub"
refused_by_trustee uncertified "$T/a.tvr" "without a trustee certificate"
# (b) M only in the request's device list.
edit "$T/evil-m.tvr" "$T/b.tvr" --drop-cert "$T/M/device.pub" --add-device "$T/M/device.pub"
refused_by_trustee listed-only "$T/b.tvr" "without a trustee certificate"
# (c) an outsider's signature as trustee 2.
edit "$T/evil-m.tvr" "$T/c.tvr" --drop-cert "$T/M/device.pub" --add-cert "$T/M2.cert"
refused_by_trustee outsider "$T/c.tvr" "a signature does not verify"
# Two certificates for one device.
edit "$T/req.tvr" "$T/c3.tvr" --add-cert "$T/R.cert"
refused_by_trustee two-certs "$T/c3.tvr" "two certificates for device"

# (d) R revoked after batch 1: the honest server refuses a revocation
# under a stored batch and ingest refuses batch 2; a server that forgot
# the revocation stores batch 2, and its request, carrying the
# revocation, is refused by the trustee and by `trustee verify`.
revocation "$T/k" "$T/R/device.pub" 1 "$T/R.rev"
revocation "$T/k" "$T/R/device.pub" 0 "$T/R0.rev"
refuses "$T/err" "$BIN/aggregator" revoke --dir "$T/srv" "$T/R0.rev"
grep -q "batch 1 is already stored" "$T/err" || fail "revocation under a stored batch: $(cat "$T/err")"
"$BIN/aggregator" revoke --dir "$T/srv" "$T/R.rev" >/dev/null
"$BIN/aggregator" devices --dir "$T/srv" | grep -q "revoked after batch 1" ||
	fail "devices does not show the revocation"
attacks=$((attacks + 1))
refuses "$T/err" "$BIN/aggregator" ingest --dir "$T/srv" "$r2"
grep -q "revoked after batch 1" "$T/err" || fail "ingest after revocation: $(cat "$T/err")"
refused=$((refused + 1))
evil evil-r "$T/R.cert"
"$BIN/aggregator" ingest --dir "$T/evil-r" "$r2" >/dev/null
request evil-r
edit "$T/evil-r.tvr" "$T/d.tvr" --add-rev "$T/R.rev"
refused_by_trustee revoked "$T/d.tvr" "revoked after batch 1"
release "$T/srv" "$T/k" "$T/rel" >/dev/null 2>&1 || fail "the honest release failed"
"$BIN/trustee" verify "$T/rel" >/dev/null || fail "the honest release does not verify"
cp -a "$T/rel" "$T/rel-forged"
cp "$T/d.tvr" "$T/rel-forged/request.tvr"
attacks=$((attacks + 1))
refuses "$T/err" "$BIN/trustee" verify "$T/rel-forged" >/dev/null
grep -q "revoked after batch 1" "$T/err" || fail "verify of a forged release: $(cat "$T/err")"
refused=$((refused + 1))
echo "revoked: trustee verify refuses the forged release"
# The same server leaves the revocation out of its request.  Trustee 2
# learnt it from the honest request it released (its ledger remembers),
# and a trustee who was handed the file with --revocation knows it too.
attacks=$((attacks + 1))
refuses "$T/err" "$BIN/trustee" release --campaign "$T/k/campaign.json" --key "$T/k/t2.key" \
	--share "$T/k/t2.share" --passphrase-file "$T/k/pass" --request "$T/evil-r.tvr" \
	--ledger "$T/k/ledger-t2" --out "$T/p-norev.json"
grep -q "leaves out the revocation" "$T/err" || fail "omitted revocation: $(cat "$T/err")"
[ ! -e "$T/p-norev.json" ] || fail "omitted revocation: partial decryptions written"
refused_by_trustee omitted-rev "$T/evil-r.tvr" "leaves out the revocation" --revocation "$T/R.rev"
refused=$((refused + 1))
echo "revocation left out of the request: refused by a trustee that has seen it"

# (e) S is certified for a-gare only; its record at c-rives.  The honest
# ingest refuses it; a server that widened S's certificate stores it, and
# its request, carrying S's real certificate, is refused.
attacks=$((attacks + 1))
refuses "$T/err" "$BIN/aggregator" ingest --dir "$T/srv" "$T"/out-S/*.tvb
grep -q "outside the device's certificate" "$T/err" || fail "ingest outside the certificate: $(cat "$T/err")"
refused=$((refused + 1))
evil evil-s "$T/S.cert" --widen
"$BIN/aggregator" ingest --dir "$T/evil-s" "$T"/out-S/*.tvb >/dev/null
request evil-s
refused_by_trustee widened "$T/evil-s.tvr" "a signature does not verify"
edit "$T/evil-s.tvr" "$T/e.tvr" --drop-cert "$T/S/device.pub" --add-cert "$T/S.cert"
refused_by_trustee outside-sites "$T/e.tvr" "outside the device's certificate"

# (e') W is certified for a-gare from 2021-11-01 to 2021-11-07; its
# record of 2021-11-20, the same way.
attacks=$((attacks + 1))
refuses "$T/err" "$BIN/aggregator" ingest --dir "$T/srv" "$T"/out-W/*.tvb
grep -q "outside the device's certificate" "$T/err" || fail "ingest outside the window: $(cat "$T/err")"
refused=$((refused + 1))
evil evil-w "$T/W.cert" --widen
"$BIN/aggregator" ingest --dir "$T/evil-w" "$T"/out-W/*.tvb >/dev/null
request evil-w
edit "$T/evil-w.tvr" "$T/e2.tvr" --drop-cert "$T/W/device.pub" --add-cert "$T/W.cert"
refused_by_trustee outside-days "$T/e2.tvr" "outside the device's certificate"

# A share file whose sealed payload is too short to hold the index and K
# it is read for (issue 16: the loader read bytes 32..39 before checking
# the length; under ASan that read is an overflow): refused, exit 1 (the
# file opens but fails the check, docs/operations.md "Exit status").
"$TOOLS/seal_keyfile" share 10 "$T/k/pass" "$T/short.share"
must_fail 1 "$BIN/trustee" release --campaign "$T/k/campaign.json" --key "$T/k/t2.key" \
	--share "$T/short.share" --passphrase-file "$T/k/pass" --request "$T/req.tvr" \
	--ledger "$T/ledger-short" --out "$T/p-short.json" --first-release 2>"$T/err"
grep -q "share file" "$T/err" || fail "short share: $(cat "$T/err")"
[ ! -e "$T/p-short.json" ] || fail "short share: partial decryptions written"
echo "a share file of 10 bytes: refused before any read ($(sed 's/^[a-z]*: //' "$T/err"))"

echo "$attacks attacks, $refused refused"
[ "$attacks" = "$refused" ] || fail "an attack was not refused"
