#!/bin/sh
# SPDX-License-Identifier: MIT
# The seed article's first milestone, end to end through real encryption:
# a campaign and its keys, two collectors capturing 9 weeks of visits in
# 7 neighbourhoods, batch files carried to the aggregator, a release
# request, the key holder's own recount and decryption, the report.
set -eu
B=${B:-build}
BIN=$B/bin
OUT=${DEMO_OUT:-demo-out}
PLAN=docs/examples/demo-plan.json

step() { printf '\n== %s\n' "$*"; }

rm -rf "$OUT"
mkdir -p "$OUT/field" "$OUT/keyholder" "$OUT/usb"
chmod 700 "$OUT" "$OUT/keyholder"
# Real use types passphrases at the terminal; the demo makes throwaway
# ones in files of mode 0600 so that it can run unattended.
umask 077
for who in keyholder/pass van-A.pass van-B.pass; do
	head -c 24 /dev/urandom | base64 >"$OUT/$who"
done

step "Synthetic field data for the demo plan (seeded; stands for what counsellors type)"
"$BIN/scenario" --demo --out "$OUT/field"

step "Key holder: campaign keys from the evaluation plan"
"$BIN/trustee" create-campaign --plan "$PLAN" --bundle "$OUT/campaign.json" \
	--key "$OUT/keyholder/holder.key" --passphrase-file "$OUT/keyholder/pass"

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

step "Aggregator: enrol both devices, ingest the batch files (twice: the copy changes nothing)"
"$BIN/aggregator" init --dir "$OUT/server" --campaign "$OUT/campaign.json"
"$BIN/aggregator" enroll --dir "$OUT/server" --name van-A "$OUT/van-A/device.pub"
"$BIN/aggregator" enroll --dir "$OUT/server" --name van-B "$OUT/van-B/device.pub"
"$BIN/aggregator" ingest --dir "$OUT/server" "$OUT"/usb/*.tvb
"$BIN/aggregator" ingest --dir "$OUT/server" "$OUT"/usb/*.tvb

step "Aggregator: release request for the closed cells"
"$BIN/aggregator" release-request --dir "$OUT/server" --as-of 2022-01-10 \
	--out "$OUT/request.tvr"

step "Key holder: verify, rebuild every sum, decrypt only what the policy allows"
"$BIN/trustee" release --campaign "$OUT/campaign.json" --key "$OUT/keyholder/holder.key" \
	--passphrase-file "$OUT/keyholder/pass" --request "$OUT/request.tvr" \
	--out "$OUT/release" --table "$B/bsgs-16.tbl"

step "Report for the evaluators ($OUT/release/release.csv, release.json)"
"$BIN/aggregator" report --indicators visits,people_received,people_received_month,people_immediate_advice,people_second_meeting \
	"$OUT/release/release.json"

step "Check against the seed article"
total() {
	awk -F, -v ind="$1" '$1 == "all" && $2 == "campaign" && $7 == ind && $9 == "released" { print $8 }' \
		"$OUT/release/release.csv"
}
people=$(total people_received)
advice=$(total people_immediate_advice)
second=$(total people_second_meeting)
supp=$(grep -c ',suppressed,' "$OUT/release/release.csv" || true)
echo "people received $people (article: 126), immediate advice $advice (60), second meeting $second (18)"
echo "$supp suppressed values (cells under the minimum cohort of 11 records, never decrypted)"
if [ "$people" = 126 ] && [ "$advice" = 60 ] && [ "$second" = 18 ] && [ "$supp" -gt 0 ]; then
	echo "OK: the decrypted sums give the article's 126 / 60 / 18."
else
	echo "MISMATCH with the article's figures" >&2
	exit 1
fi
