# SPDX-License-Identifier: MIT
# What 'aggregator publish' and 'aggregator report' write for evaluators
# is readable by them, what only its owner may read stays private:
#  - the release directory is 0755 and every file in it 0644 (release.csv,
#    release.json, release-codebook.csv, campaign.json, request.tvr), and
#    so is the report's HTML; whatever the umask;
#  - key files, passphrase files, shares, the trustee's ledger, partial
#    decryptions, the stores stay 0600 / 0700;
#  - release-codebook.csv (docs/formats.md III.9.2a) has one row per
#    indicator of the plan, in plan order: id, French and English labels,
#    a definition;
#  - in release.json every value and record count is a JSON integer.
# They used to be 0600 (the programs' umask 077), with no codebook.
. tests/cli/lib.sh

small_release
K=$T/k
"$BIN/aggregator" report --html "$T/report.html" "$T/rel/release.json" >/dev/null

mode() { stat -c %a "$1"; }
bad=0
want() {	# MODE PATH...
	m_=$1
	shift
	for f_ in "$@"; do
		[ "$(mode "$f_")" = "$m_" ] && continue
		echo "$f_: mode $(mode "$f_"), want $m_" | sed "s|$T|\$T|g"
		bad=$((bad + 1))
	done
}
want 755 "$T/rel"
want 644 "$T/rel/release.csv" "$T/rel/release.json" "$T/rel/campaign.json" \
	"$T/rel/request.tvr" "$T/report.html"
[ -f "$T/rel/release-codebook.csv" ] && want 644 "$T/rel/release-codebook.csv"
want 600 "$K/t1.key" "$K/t1.share" "$K/pass" "$T/A.pass" "$T/A/keystore" \
	"$T/rel.p1.json" "$T/rel.tvr"
want 700 "$T/S" "$T/A" "$K/ledger-t1"
for f in "$K"/ledger-t1/*; do
	want 600 "$f"
done
[ "$bad" -eq 0 ] || fail "$bad files of the wrong mode"
echo "release directory 0755, its files and the report 0644; keys, shares, ledger, partials 0600"

# The codebook.
cb=$T/rel/release-codebook.csv
[ -f "$cb" ] || fail "no release-codebook.csv beside release.csv"
python3 - "$cb" "$PLAN" <<'EOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
plan = json.load(open(sys.argv[2], encoding="utf-8"))
head = ["indicator", "label_fr", "label_en", "definition"]
assert rows[0] == head, "header %r, want %r" % (rows[0], head)
inds = plan["indicators"]
assert len(rows) == 1 + len(inds), "%d rows for %d indicators" % (len(rows) - 1, len(inds))
for r, ind in zip(rows[1:], inds):
    assert r[0] == ind["id"], "row %r: want indicator %s" % (r, ind["id"])
    assert r[1] == ind["label"]["fr"] and r[2] == ind["label"]["en"], "labels %r" % r
    assert len(r[3]) > 10, "no definition: %r" % r
    if ind.get("distinct"):
        assert r[3].startswith("Distinct people"), "distinct indicator %r" % r
    else:
        assert r[3].startswith("Visits"), "visit indicator %r" % r
print("codebook: %d indicators, e.g. %s: %s; %s: %s" % (len(inds), rows[3][0],
      rows[3][3], rows[-1][0], rows[-1][3]))
EOF

# Numbers are JSON numbers.
python3 - "$T/rel/release.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
for c in d["cells"]:
    if c["status"] != "released":
        continue
    assert type(c["records"]) is int, c["records"]
    for v in c["values"].values():
        if "value" in v:
            assert type(v["value"]) is int, v["value"]
            n += 1
assert n > 0
print("release.json: %d values, all JSON integers" % n)
EOF
