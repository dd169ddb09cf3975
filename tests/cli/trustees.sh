# SPDX-License-Identifier: MIT
# Threshold trustees and verifiable releases (issue 5):
# - 2-of-3 and 3-of-5: every quorum decrypts to the ground truth; one
#   trustee alone (or t-1) releases nothing;
# - a partial decryption with a wrong share is refused, and named;
# - records with bad proofs (mauled, replayed under another device,
#   encrypting 2, group adding up to 2) are quarantined, never summed, and
#   the trustees' recount agrees;
# - a trustee refuses a request made of a subset of a cell it released;
# - 'trustee verify' accepts the genuine record and rejects a changed
#   value, a dropped record, an added record, swapped partial decryptions.
. tests/cli/lib.sh

field

setup() {	# CAMPAIGNDIR T N SERVER
	campaign "$1" "$PLAN" "$2" "$3"
	for v in A B; do
		van "$1/van-$v" "$1/campaign.json" "$T/field/visits-$v.csv" "$1/usb"
	done
	server "$4" "$1/campaign.json" "$1/van-A" "$1/van-B"
	"$BIN/aggregator" ingest --dir "$4" "$1"/usb/*.tvb >/dev/null
	"$BIN/aggregator" release-request --dir "$4" --out "$1/req.tvr" --as-of 2022-01-10 >/dev/null
	i=1
	while [ "$i" -le "$3" ]; do
		partial "$1" "$1/req.tvr" "$i" "$1/p$i.json" 2>/dev/null
		i=$((i + 1))
	done
}
publish() {	# CAMPAIGNDIR SERVER OUT TRUSTEE...
	pd=$1 ps=$2 po=$3
	shift 3
	args=""
	for i in "$@"; do args="$args --partial $pd/p$i.json"; done
	# shellcheck disable=SC2086
	"$BIN/aggregator" publish --dir "$ps" --request "$pd/req.tvr" $args \
		--out "$po" --table "$TABLE" 2>/dev/null
}

# 2-of-3: every pair; one alone releases nothing.
setup "$T/k3" 2 3 "$T/srv3"
for q in "1 2" "1 3" "2 3"; do
	# shellcheck disable=SC2086
	publish "$T/k3" "$T/srv3" "$T/rel3-$(echo $q | tr ' ' -)" $q
	truth_compare "$T/field/truth.csv" "$T/rel3-$(echo $q | tr ' ' -)/release.csv" >/dev/null ||
		fail "2-of-3 quorum {$q} differs from ground truth"
done
cmp -s "$T/rel3-1-2/release.csv" "$T/rel3-2-3/release.csv" || fail "quorums disagree"
for one in 1 2 3; do
	publish "$T/k3" "$T/srv3" "$T/rel3-only$one" "$one"
	grep -q ',released,' "$T/rel3-only$one/release.csv" && fail "trustee $one alone released"
	grep -q 'withheld,no_quorum' "$T/rel3-only$one/release.csv" || fail "no_quorum not said"
done
echo "2-of-3: quorums {1,2} {1,3} {2,3} equal ground truth; no single trustee releases"

# 3-of-5: all ten quorums; two trustees release nothing.
setup "$T/k5" 3 5 "$T/srv5"
n=0
for q in "1 2 3" "1 2 4" "1 2 5" "1 3 4" "1 3 5" "1 4 5" "2 3 4" "2 3 5" "2 4 5" "3 4 5"; do
	out="$T/rel5-$(echo $q | tr ' ' -)"
	# shellcheck disable=SC2086
	publish "$T/k5" "$T/srv5" "$out" $q
	cmp -s "$out/release.csv" "$T/rel3-1-2/release.csv" || fail "3-of-5 quorum {$q} differs"
	n=$((n + 1))
done
publish "$T/k5" "$T/srv5" "$T/rel5-two" 2 4
grep -q ',released,' "$T/rel5-two/release.csv" && fail "two of 3-of-5 released"
echo "3-of-5: $n quorums equal ground truth; two trustees release nothing"

# A wrong share: trustee 1's D for the first released cell is replaced.
awk 'BEGIN { n = 0 } /"d": "/ && n < 2 { d[n++] = $0 } { print }' "$T/k3/p1.json" >/dev/null
d1=$(grep -m1 '"d": "' "$T/k3/p2.json")
d0=$(grep -m1 '"d": "' "$T/k3/p1.json")
sed "0,\\|$d0|s||$d1|" "$T/k3/p1.json" >"$T/k3/p1bad.json"
cmp -s "$T/k3/p1.json" "$T/k3/p1bad.json" && fail "tampering did nothing"
must_fail 1 "$BIN/aggregator" publish --dir "$T/srv3" --request "$T/k3/req.tvr" \
	--partial "$T/k3/p1bad.json" --partial "$T/k3/p2.json" --partial "$T/k3/p3.json" \
	--out "$T/rel-wrong" --table "$TABLE" 2>"$T/err"
grep -q 'trustee 1, cell .*does not verify' "$T/err" || fail "the wrong share was not named"
cmp -s "$T/rel-wrong/release.csv" "$T/rel3-1-2/release.csv" || fail "trustees 2 and 3 did not stand in"
echo "a wrong partial decryption is refused and named; the others stand in"

# A partial's cell statuses are its ledger's decision: a partial whose
# statuses or decision were changed on the way is refused.
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cells"] if c.get("reason") == "min_cohort"][0]
c["reason"] = "secondary"
json.dump(d, open(sys.argv[2], "w"), indent=1)
d = json.load(open(sys.argv[1]))
d["decision"] = d["decision"].replace("\"kind\":\"release\"", "\"kind\":\"release\" ")
json.dump(d, open(sys.argv[3], "w"), indent=1)' "$T/k3/p1.json" "$T/k3/p1st.json" "$T/k3/p1dec.json"
for bad in p1st p1dec; do
	must_fail 2 "$BIN/aggregator" publish --dir "$T/srv3" --request "$T/k3/req.tvr" \
		--partial "$T/k3/$bad.json" --partial "$T/k3/p2.json" \
		--out "$T/rel-$bad" --table "$TABLE" 2>"$T/err"
	grep -q "recorded" "$T/err" || fail "$bad: not refused for its decision: $(cat "$T/err")"
done
echo "a partial whose statuses are not its ledger's decision, or whose decision was changed, is refused"

# Forged records: quarantined with their reason, never summed.
mkdir "$T/forge"
"$TOOLS/forge_batch" "$T/k3/campaign.json" "$T/forge"
certify "$T/k3" "$T/forge/device.pub" "$T/forge.cert"
"$BIN/aggregator" enroll --dir "$T/srv3" --name forger "$T/forge.cert" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv3" "$T/forge/forged.tvb" | grep -q '4 quarantined' ||
	fail "forged records not quarantined"
must_fail 1 "$BIN/aggregator" quarantine --dir "$T/srv3" >"$T/q"
cat "$T/q"
[ "$(grep -c "indicator 'visits': the 0/1 proof does not verify" "$T/q")" = 3 ] ||
	fail "mauled / replayed / encrypting-2 records not refused by their proofs"
grep -q "group 'gender': the proof that it adds up to 1 does not verify" "$T/q" ||
	fail "group adding up to 2 not refused"
"$BIN/aggregator" release-request --dir "$T/srv3" --out "$T/k3/req2.tvr" --as-of 2022-01-10 >/dev/null
partial "$T/k3" "$T/k3/req2.tvr" 1 "$T/k3/q1.json" 2>"$T/err" || fail "the recount refused a request with quarantined records"
grep -q '4 set aside' "$T/err" || fail "the trustee did not set the forged records aside"
# The forged device's first honest record again under a new id, proofs
# and all, added to a request by a hostile aggregator: only the
# recount's R check keeps it from counting twice.
"$TOOLS/request_edit" "$T/k3/campaign.json" "$T/k3/req2.tvr" "$T/k3/req-again.tvr" \
	--add-envelope "$T/forge/again.tvb"
partial "$T/k3" "$T/k3/req-again.tvr" 3 "$T/k3/again3.json" 2>"$T/err" &&
	fail "a replayed record (same R, new id) was counted"
grep -q "reuses another record's R" "$T/err" || fail "the replayed R was not named: $(cat "$T/err")"

# A subset of a released cell: the aggregator drops van B's batch.
server "$T/srv3b" "$T/k3/campaign.json" "$T/k3/van-A" "$T/k3/van-B"
"$BIN/aggregator" ingest --dir "$T/srv3b" "$T"/k3/usb/$(cd "$T/k3/usb" && ls | head -1) >/dev/null
"$BIN/aggregator" release-request --dir "$T/srv3b" --out "$T/k3/sub.tvr" --as-of 2022-01-10 >/dev/null
partial "$T/k3" "$T/k3/sub.tvr" 2 "$T/k3/sub2.json" 2>/dev/null
grep -A2 '"cell": "0/6/0"' "$T/k3/sub2.json" | grep -q '"released_before"' ||
	fail "the campaign total was released again from a subset"
echo "a subset of a released cell is refused (released_before)"

# Verify the record, then tamper with copies of it.
rel=$T/rel3-1-3   # published above

"$BIN/trustee" verify "$rel"
tamper() {	# NAME: copy the release into $T/tv-NAME
	rm -rf "$T/tv-$1"
	cp -a "$rel" "$T/tv-$1"
	echo "$T/tv-$1"
}
t=$(tamper value)
v=$(grep -m1 '"value": ' "$t/release.json")
sed -i "0,\\|$v|s||$(echo "$v" | sed 's/\([0-9][0-9]*\)/\1 + 1/' | awk '{ sub(/[0-9]+ \+ 1/, $2 + 1) } 1')|" "$t/release.json"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper csv)
awk -F, 'BEGIN { OFS = "," } $9 == "released" && !done { $8 = $8 + 1; done = 1 } { print }' \
	"$rel/release.csv" >"$t/release.csv"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
# release.csv is what evaluators read: every column must say what the
# proven release says (label, days, record count, status), no row more.
for col in 3 4 6 9; do
	t=$(tamper "csv$col")
	awk -F, -v c="$col" 'BEGIN { OFS = "," }
		NR > 1 && $9 == "released" && !done {
			if (c == 3) $3 = "2021-W01"; else if (c == 4) $4 = "2021-01-01"
			else if (c == 6) $6 = $6 + 1; else $9 = "withheld"
			done = 1 } { print }' "$rel/release.csv" >"$t/release.csv"
	cmp -s "$rel/release.csv" "$t/release.csv" && fail "csv column $col: nothing changed"
	must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
done
t=$(tamper jsonlabel)
sed -i '0,/"period_label": "[^"]*"/s//"period_label": "2021-W01"/' "$t/release.json"
cmp -s "$rel/release.json" "$t/release.json" && fail "json label: nothing changed"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper csvextra)
tail -n 1 "$rel/release.csv" >>"$t/release.csv"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper dropped)
cp "$T/k3/sub.tvr" "$t/request.tvr"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper added)
cp "$T/k3/req2.tvr" "$t/request.tvr"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper swapped)
awk '/"trustee": 1,/ { t1 = NR } /"trustee": 3,/ && !s3 { s3 = NR } { l[NR] = $0 }
	END { for (i = 1; i <= NR; i++) {
		if (i == t1 + 1) print l[s3 + 1]; else if (i == s3 + 1) print l[t1 + 1]; else print l[i] } }' \
	"$rel/release.json" >"$t/release.json"
cmp -s "$rel/release.json" "$t/release.json" && fail "the swap did nothing"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
# release.json is read a cell at a time (release/reader.h): any JSON
# layout and member order is the same release; a cells array a plain JSON
# reader would not see, a statement left out, a cell more, are not.
t=$(tamper relayout)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d = dict([("ledgers", d.pop("ledgers"))] + list(d.items()))
json.dump(d, open(sys.argv[2], "w"), separators=(",", ":"))' "$rel/release.json" "$t/release.json"
"$BIN/trustee" verify "$t" >/dev/null || fail "release.json laid out and ordered otherwise: refused"
t=$(tamper hidden)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d = dict([("x", {"cells": d.pop("cells")}), ("cells", [])] + list(d.items()))
json.dump(d, open(sys.argv[2], "w"), indent=1)' "$rel/release.json" "$t/release.json"
must_fail 1 "$BIN/trustee" verify "$t" 2>/dev/null
t=$(tamper nostatement)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["ledgers"] = [s for s in d["ledgers"] if s["trustee"] != 3]
json.dump(d, open(sys.argv[2], "w"), indent=1)' "$rel/release.json" "$t/release.json"
must_fail 1 "$BIN/trustee" verify "$t" 2>"$T/err"
grep -q "from a trustee without a ledger statement" "$T/err" ||
	fail "a partial without its trustee's statement was not named"
t=$(tamper extracell)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["cells"].append(d["cells"][-1])
json.dump(d, open(sys.argv[2], "w"), indent=1)' "$rel/release.json" "$t/release.json"
must_fail 1 "$BIN/trustee" verify "$t" 2>"$T/err"
grep -q "more cells than requested" "$T/err" || fail "the extra cell was not named"
# Statuses and reasons are the trustees' decisions (each statement
# vouches for its ledger's entry): a publisher that relabels cells in
# release.json and release.csv alike is caught, by that check alone.
for m in withhold revision reason value; do
	python3 "$TOP/tests/tools/relabel.py" "$rel" "$T/tv-$m" "$m" >/dev/null
	must_fail 1 "$BIN/trustee" verify "$T/tv-$m" 2>"$T/err"
	grep -q "not what the trustees decided\|not its cell's" "$T/err" ||
		fail "relabelled ($m): not named"
	[ "$(grep -c ': cell ' "$T/err")" = 1 ] ||
		fail "relabelled ($m): found otherwise: $(cat "$T/err")"
done
t=$(tamper decision)
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["ledgers"][1]["decision"] = d["ledgers"][0]["decision"]
json.dump(d, open(sys.argv[2], "w"), indent=1)' "$rel/release.json" "$t/release.json"
must_fail 1 "$BIN/trustee" verify "$t" 2>"$T/err"
grep -q "decision is not the one its ledger statement recorded" "$T/err" ||
	fail "another trustee's decision was not named"
echo "verify: genuine accepted; changed value (json, csv), csv label, days, record count, status, extra row, json label, dropped record, added record, swapped partials rejected; other JSON layout accepted, hidden cells, missing statement, extra cell rejected; relabelled cells (withheld, revision, reason) and another trustee's decision rejected"

# Records the aggregator forged into a request (one envelope's signature
# no longer verifies): every trustee refuses the whole request.
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
cp "$T/k3/req.tvr" "$T/k3/forged.tvr"
l0=$(be32 "$T/k3/forged.tvr" 0)
l1=$(be32 "$T/k3/forged.tvr" $((4 + l0)))
end=$((4 + l0 + 4 + l1))
old=$(od -An -tu1 -j $((end - 1)) -N1 "$T/k3/forged.tvr" | tr -d ' ')
# shellcheck disable=SC2059
printf "\\$(printf %03o $(((old + 1) % 256)))" |
	dd of="$T/k3/forged.tvr" bs=1 seek=$((end - 1)) conv=notrunc 2>/dev/null
cmp -s "$T/k3/req.tvr" "$T/k3/forged.tvr" && fail "the forgery changed nothing"
must_fail 1 "$BIN/trustee" release --campaign "$T/k3/campaign.json" --share "$T/k3/t2.share" \
	--key "$T/k3/t2.key" --first-release --passphrase-file "$T/k3/pass" --request "$T/k3/forged.tvr" --ledger "$T/k3/lf" \
	--out "$T/k3/pf.json" 2>"$T/err"
grep -q 'signature verification failed' "$T/err" || fail "the forged envelope was not named"
[ ! -e "$T/k3/pf.json" ] || fail "a forged request produced partials"
echo "a request with a forged envelope is refused whole"
