#!/bin/sh
# SPDX-License-Identifier: MIT
# The seed article's first milestone, end to end through real encryption:
# a 2-of-3 trustee key ceremony, two collectors capturing 9 weeks of visits
# in 7 neighbourhoods with device proofs, the vans' certificates co-signed
# by two trustees, batch files carried to the
# aggregator, a release request, two trustees' own recounts and partial
# decryptions, their combination, an independent verification, the report.
set -eu
B=${B:-build}
BIN=$B/bin
OUT=${DEMO_OUT:-demo-out}
PLAN=docs/examples/demo-plan.json

step() { printf '\n== %s\n' "$*"; }

rm -rf "$OUT"
mkdir -p "$OUT/field" "$OUT/usb"
chmod 700 "$OUT"
# Real use types passphrases at the terminal; the demo makes throwaway
# ones in files of mode 0600 so that it can run unattended (random, with
# a '-' between characters: see newpass in tests/cli/lib.sh).
umask 077
TRUSTEES="dpo university operator"
for who in $TRUSTEES; do
	mkdir -p "$OUT/trustee-$who"
	head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-$//' >"$OUT/trustee-$who/pass"
done
for van in A B; do head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-$//' >"$OUT/van-$van.pass"; done

step "Synthetic field data for the demo plan (seeded; stands for what counsellors type)"
"$BIN/scenario" --demo --out "$OUT/field" | tee "$OUT/field/scenario.out"

step "Key ceremony: three trustees (DPO, university, operator), any 2 of 3 can release"
pubs=""
for who in $TRUSTEES; do
	"$BIN/trustee" keygen --name "$who" --key "$OUT/trustee-$who/me.key" \
		--pub "$OUT/trustee-$who/me.pub" --passphrase-file "$OUT/trustee-$who/pass"
	pubs="$pubs --trustee $OUT/trustee-$who/me.pub"
done
# The dealer runs offline; it keeps nothing.
# shellcheck disable=SC2086
"$BIN/trustee" deal --plan "$PLAN" --threshold 2 $pubs \
	--bundle "$OUT/campaign-unsigned.json" --shares "$OUT/dealer-out"
sigs=""
i=1
for who in $TRUSTEES; do
	"$BIN/trustee" accept --bundle "$OUT/campaign-unsigned.json" \
		--share "$OUT/dealer-out/share-$i-$who.box" --key "$OUT/trustee-$who/me.key" \
		--out "$OUT/trustee-$who/me.share" --sig "$OUT/trustee-$who/me.sig" \
		--passphrase-file "$OUT/trustee-$who/pass"
	sigs="$sigs --sig $OUT/trustee-$who/me.sig"
	i=$((i + 1))
done
rm -rf "$OUT/dealer-out"
# shellcheck disable=SC2086
"$BIN/trustee" finalize --bundle "$OUT/campaign-unsigned.json" $sigs --out "$OUT/campaign.json"

for van in A B; do
	step "Collector van-$van: device keys, encrypted keystore, capture"
	"$BIN/collector" init --dir "$OUT/van-$van" --campaign "$OUT/campaign.json" \
		--passphrase-file "$OUT/van-$van.pass"
	"$BIN/collector" import --dir "$OUT/van-$van" \
		--passphrase-file "$OUT/van-$van.pass" "$OUT/field/visits-$van.csv"
	# The CSV stood for typing; nothing readable stays behind.
	rm -f "$OUT/field/visits-$van.csv"
	"$BIN/collector" export --dir "$OUT/van-$van" --out "$OUT/usb" \
		--passphrase-file "$OUT/van-$van.pass"
	"$BIN/collector" status --dir "$OUT/van-$van"
done

step "Trustees DPO and university: certify each van (which devices count is theirs to say)"
for van in A B; do
	"$BIN/trustee" certify --campaign "$OUT/campaign.json" \
		--key "$OUT/trustee-dpo/me.key" --passphrase-file "$OUT/trustee-dpo/pass" \
		--cert "$OUT/van-$van.cert" --device "$OUT/van-$van/device.pub" \
		--name "van-$van" --sites all
	"$BIN/trustee" certify --campaign "$OUT/campaign.json" \
		--key "$OUT/trustee-university/me.key" \
		--passphrase-file "$OUT/trustee-university/pass" --cert "$OUT/van-$van.cert"
done

step "Aggregator: enrol both certified devices, ingest the batch files (twice: the copy changes nothing)"
"$BIN/aggregator" init --dir "$OUT/server" --campaign "$OUT/campaign.json"
"$BIN/aggregator" enroll --dir "$OUT/server" "$OUT/van-A.cert"
"$BIN/aggregator" enroll --dir "$OUT/server" "$OUT/van-B.cert"
"$BIN/aggregator" ingest --dir "$OUT/server" "$OUT"/usb/*.tvb
"$BIN/aggregator" ingest --dir "$OUT/server" "$OUT"/usb/*.tvb

step "Aggregator: release request for the closed cells"
"$BIN/aggregator" release-request --dir "$OUT/server" --as-of 2022-01-10 \
	--out "$OUT/request.tvr"

step "Trustees DPO and operator: each verifies, rebuilds every sum, applies the policy"
for who in dpo operator; do
	"$BIN/trustee" release --campaign "$OUT/campaign.json" \
		--key "$OUT/trustee-$who/me.key" --share "$OUT/trustee-$who/me.share" \
		--passphrase-file "$OUT/trustee-$who/pass" --first-release \
		--request "$OUT/request.tvr" --ledger "$OUT/trustee-$who/ledger" \
		--out "$OUT/partial-$who.json"
done

step "Aggregator: combine 2 of 3 partial decryptions (proofs checked), publish"
"$BIN/aggregator" publish --dir "$OUT/server" --request "$OUT/request.tvr" \
	--partial "$OUT/partial-dpo.json" --partial "$OUT/partial-operator.json" \
	--out "$OUT/release" --table "$B/bsgs-16.tbl"

step "Anyone: verify the published release against the signed batches"
"$BIN/trustee" verify "$OUT/release"

step "Report for the evaluators ($OUT/release/release.csv, release.json)"
"$BIN/aggregator" report --indicators visits,people_received,people_received_month,people_immediate_advice,people_second_meeting,people_came_back_30,people_seen_twice,return_visits_30 \
	"$OUT/release/release.json"

step "Report for the evaluators as a web page (charts; suppressed cells marked)"
"$BIN/aggregator" report --indicators visits,people_received,people_immediate_advice,people_second_meeting,people_came_back_30,people_seen_twice,return_visits_30 \
	--html "$OUT/report.html" "$OUT/release/release.json"
echo "HTML report: $OUT/report.html (open it in a browser; no network needed)"

step "Check against the seed article"
total() {
	awk -F, -v ind="$1" '$1 == "all" && $2 == "campaign" && $7 == ind && $9 == "released" { print $8 }' \
		"$OUT/release/release.csv"
}
people=$(total people_received)
advice=$(total people_immediate_advice)
second=$(total people_second_meeting)
supp=$(grep -c ',suppressed,min_cohort' "$OUT/release/release.csv" || true)
echo "people received $people (article: 126), immediate advice $advice (60), second meeting $second (18)"
echo "$supp suppressed values (cells under the minimum cohort of 11 records, never decrypted)"
if [ "$people" = 126 ] && [ "$advice" = 60 ] && [ "$second" = 18 ] && [ "$supp" -gt 0 ]; then
	echo "OK: the decrypted sums give the article's 126 / 60 / 18."
else
	echo "MISMATCH with the article's figures" >&2
	exit 1
fi

step "What happened next: follow-up from each person's history, computed on the vans"
# The generator's ground truth (people, not pseudonyms): its second line.
truth() { sed -n "s/.*[:,] \([0-9]*\) $1.*/\1/p" "$OUT/field/scenario.out"; }
back=$(total people_came_back_30)
twice=$(total people_seen_twice)
returns=$(total return_visits_30)
never=$((people - twice))
echo "of the $second invited to a second meeting, $back came back within 30 days (ground truth $(truth 'came back'))"
echo "$twice people seen twice or more (ground truth $(truth 'seen twice'))," \
	"so $never first-time visitors never seen again in the campaign ($people - $twice; ground truth $(truth 'never seen'))"
echo "$returns return visits within 30 days of the first contact (ground truth $(truth 'return visits'))"
if [ "$back" = "$(truth 'came back')" ] && [ "$twice" = "$(truth 'seen twice')" ] &&
	[ "$never" = "$(truth 'never seen')" ] && [ "$returns" = "$(truth 'return visits')" ]; then
	echo "OK: the follow-up figures equal the generator's ground truth."
else
	echo "MISMATCH between the follow-up figures and the ground truth" >&2
	exit 1
fi
