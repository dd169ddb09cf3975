#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the fuzzers' fixed campaign and seed corpora (`make
# fuzz-seeds`): tests/fuzz/data/campaign.json from tests/fuzz/data/plan.json
# through the real key ceremony (tests/cli/lib.sh), then the binary seeds
# ($B/fuzz/mkseeds), the plan seeds and the CSV seeds.  Run it when the
# campaign or wire format changes; commit the result.
set -eu
B=${B:-build}
BIN=$PWD/$B/bin
export B BIN
. tests/cli/lib.sh
out=tests/fuzz/corpus
campaign "$T/c" tests/fuzz/data/plan.json
cp "$T/c/campaign.json" tests/fuzz/data/campaign.json
rm -rf tests/fuzz/bombs && mkdir tests/fuzz/bombs
for t in envelope batch zstd ingest keyfile plan csv cert; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
done
"$B/fuzz/mkseeds" "$out"

# Plans: ours, the demo, every golden bad plan.
cp tests/fuzz/data/plan.json "$out/plan/fuzz-plan.json"
cp docs/examples/demo-plan.json "$out/plan/demo-plan.json"
for f in tests/golden/plan-bad/*.json; do
	cp "$f" "$out/plan/bad-$(basename "$f")"
done
printf '{}' >"$out/plan/empty-object.json"
printf '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' >"$out/plan/deep.json"

# CSV of visits for the fuzz plan.
hdr='date,site,name,gender,topics,first'
{
	echo "$hdr"
	i=1
	while [ $i -le 20 ]; do
		printf '2021-11-%02d,s%d,"Person %d",%s,%s,%s\n' $((i % 28 + 1)) \
			$((i % 3 + 1)) $((i % 7)) "$( [ $((i % 2)) = 0 ] && echo f || echo m)" \
			"$( [ $((i % 3)) = 0 ] && echo 'jobs|housing' || echo jobs)" \
			"$( [ $((i % 4)) = 0 ] && echo no || echo yes)"
		i=$((i + 1))
	done
} >"$out/csv/valid-20.csv"
printf '%s\r\n2021-11-02,s1,"Élodie ""Lo"" Dupont",f,,oui\r\n' "$hdr" >"$out/csv/crlf-quotes.csv"
printf '\357\273\277%s\n2021-11-02,s1,A,f,jobs,yes\n' "$hdr" >"$out/csv/bom.csv"
printf '%s\n2021-11-02,s9,A,f,jobs,yes\n2021-13-02,s1,A,q,mess,perhaps\n' "$hdr" >"$out/csv/bad-values.csv"
printf '%s,shoe_size\n2021-11-02,s1,A,f,jobs,yes,42\n' "$hdr" >"$out/csv/unknown-column.csv"
printf '%s\n2021-11-02,s1,A,f,jobs,yes,extra\n2021-11-02,s1\n' "$hdr" >"$out/csv/ragged.csv"
printf '%s\n2021-11-02,s1,"unterminated,f,jobs,yes\n' "$hdr" >"$out/csv/unterminated.csv"
awk 'BEGIN { for (i = 0; i < 130; i++) printf "c%d,", i; print "" }' >"$out/csv/130-columns.csv"
printf '%s\n2021-11-02,s1,"multi\nline",f,jobs,yes\n' "$hdr" >"$out/csv/newline-in-field.csv"
# The request and statement seeds (corpus/request, corpus/statement) are
# made by hand and kept: they do not depend on the campaign's keys.

# Device certificates and revocations (signatures are random: the format,
# not the trustees, is what the reader sees).
cid=$(sed -n 's/.*"campaign_id": *"\([0-9a-f]*\)".*/\1/p' tests/fuzz/data/campaign.json)
hex() { od -An -tx1 -N "$1" /dev/urandom | tr -d ' \n'; }
sig() { printf '{"trustee":%s,"sig":"%s"}' "$1" "$(hex 64)"; }
printf '{"format":"tallyvan-device-cert/1","campaign_id":"%s","device":"%s","name":"van-A","sites":["s1","s3"],"valid_from":"2021-10-04","valid_until":"2021-12-26","signatures":[%s,%s]}\n' \
	"$cid" "$(hex 32)" "$(sig 1)" "$(sig 2)" >"$out/cert/cert.cert"
printf '{"format":"tallyvan-device-cert/1","campaign_id":"%s","device":"%s","name":"Fourgon é","sites":["s2"],"valid_from":"2021-12-01","valid_until":"2021-11-01","signatures":[]}\n' \
	"$cid" "$(hex 32)" >"$out/cert/from-after-until.cert"
printf '{"format":"tallyvan-device-revocation/1","campaign_id":"%s","device":"%s","last_seq":7,"signatures":[%s,%s]}\n' \
	"$cid" "$(hex 32)" "$(sig 2)" "$(sig 2)" >"$out/cert/rev.rev"
printf '{"format":"tallyvan-device-cert/2","campaign_id":"%s"}\n' "$cid" >"$out/cert/unknown-format.cert"
n=$(find "$out" -type f | wc -l)
echo "seeds: $n files in $out; campaign $(sed -n 's/.*"campaign_id": *"\([0-9a-f]*\)".*/\1/p' tests/fuzz/data/campaign.json)"
