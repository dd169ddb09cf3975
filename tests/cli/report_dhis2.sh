# SPDX-License-Identifier: MIT
# aggregator report --dhis2: DHIS2 dataValueSets imports of a release, one
# file per data set of the map, each of one period type (decision 33).
# tests/tools/dhis2_check.py (independent of the C code) checks what
# DHIS2 documents for an import and for its own aggregation: structure
# and required fields, UIDs, ISO periods of the data set's period type
# only (2021W44, 202111, 2021Q4), no data element at two period types, no
# duplicate (dataElement, period, orgUnit, combos) key across the files,
# site values and all-sites values never in one data set (DHIS2 adds the
# sites up into their parent itself), no count of people per month sent
# per quarter; and that exactly the released values are sent, equal to
# release.csv's -- never a suppressed or withheld one.  Then: an
# attributeOptionCombo, a site-level data set, a month of whole ISO
# weeks (comment), a negative noisy value (0 with a comment), values
# written as strings, and maps that must be refused: version 1 maps, a
# data element in two data sets, 'all' among the sites, a monthly count
# of people in a quarterly data set.
. tests/cli/lib.sh
. tests/tools/report_fixture.sh
MAP=$TOP/docs/examples/dhis2-map.json
check() {	# MAP CSV CAMPAIGN FILE...
	python3 tests/tools/dhis2_check.py "$@" || fail "dhis2_check $*"
}

"$BIN/aggregator" report --dhis2 "$T/d.json" --dhis2-map "$MAP" \
	"$REL/release.json" 2>"$T/d.err"
[ ! -e "$T/d.json" ] || fail "one file for several data sets"
check "$MAP" "$REL/release.csv" "$REL/campaign.json" "$T"/d-week.json \
	"$T"/d-month.json "$T"/d-quarter.json
grep -q '"period": "2021W44"' "$T/d-week.json" || fail "no weekly value"
grep -q '"period": "202111"' "$T/d-month.json" || fail "no monthly value"
# The sites' quarters: sent when released.  In the demo's season each
# site's one-week 2022-Q1 is under the cohort, so each site's 2021-Q4 is
# held back for differencing (it would give 2022-Q1 away from the site's
# campaign total): then the quarterly file holds no value, and the
# mutated release below (quarters released) checks them.
if ! grep -q '"period": "2021Q4"' "$T/d-quarter.json"; then
	awk -F, '$2 == "quarter" && $1 != "all" && $9 == "released" &&
		($7 == "visits" || $7 == "people_received" || $7 == "referrals")' \
		"$REL/release.csv" | grep -q . && fail "no quarterly value although release.csv has some"
fi
grep -q '"orgUnit": "asu6WFWE3JG"' "$T/d-quarter.json" &&
	fail "an all-sites value in the data set of the sites"
grep -q 'd-week.json: [1-9][0-9]* values' "$T/d.err" || fail "no count"

# The checker itself refuses what DHIS2 would refuse or double count.
python3 - "$T/d-week.json" "$T/d-month.json" "$T/x" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
def dump(name, doc):
    json.dump(doc, open(sys.argv[3] + "-" + name + ".json", "w"))
mixed = dict(w, dataValues=w["dataValues"] + m["dataValues"][:1])
dump("mixed", mixed)
dup = dict(w, dataValues=w["dataValues"] + w["dataValues"][:1])
dump("dup", dup)
nofield = json.loads(json.dumps(w))
del nofield["dataValues"][0]["categoryOptionCombo"]
dump("nofield", nofield)
badp = json.loads(json.dumps(w))
badp["dataValues"][0]["period"] = "2021-W44"
dump("badp", badp)
PY
for x in mixed dup nofield badp; do
	python3 tests/tools/dhis2_check.py "$MAP" "$REL/release.csv" \
		"$REL/campaign.json" "$T/x-$x.json" "$T/d-month.json" \
		"$T/d-quarter.json" >"$T/x-$x.out" &&
		fail "dhis2_check accepted a payload with $x"
done
grep -q 'several types' "$T/x-mixed.out" || fail "mixed periods not named"
grep -q 'a second value' "$T/x-dup.out" || fail "duplicate key not named"

# An attributeOptionCombo, weekly and monthly values per site (visits
# monthly on another data element than weekly), values as strings,
# a negative noisy value, a month of whole ISO weeks; comments in French.
python3 - "$MAP" "$T/map2.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["attributeOptionCombo"] = "Xb4Ks2MfQ0a"
m["dataSets"]["week"]["level"] = "site"
m["dataSets"]["month"]["level"] = "site"
m["dataSets"]["month"]["dataElements"]["visits"] = "Nw2pQ7vXc3R"
del m["dataSets"]["week"]["dataElements"]["visits_men"]
json.dump(m, open(sys.argv[2], "w"))
PY
"$BIN/aggregator" report --lang fr --dhis2 "$T/m" --dhis2-map "$T/map2.json" \
	"$MUT/release.json" 2>"$T/m.err"
check "$T/map2.json" "$MUT/release.csv" "$MUT/campaign.json" \
	"$T"/m-week.json "$T"/m-month.json "$T"/m-quarter.json
grep -q '"attributeOptionCombo": "Xb4Ks2MfQ0a"' "$T/m-week.json" ||
	fail "no attributeOptionCombo"
grep -q '"period": "2021Q4"' "$T/m-quarter.json" || fail "no quarterly value"
grep -q '"orgUnit": "asu6WFWE3JG"' "$T/m-week.json" &&
	fail "an all-sites value in the data set of the sites"
grep -q 'valeur bruitée -3 envoyée comme 0' "$T/m-month.json" ||
	fail "negative value not explained"
grep -q 'tallyvan month 2021-11 : du 2021-11-01 au 2021-11-28' "$T/m-month.json" ||
	fail "partial month not explained"
grep -q '1 negative noisy values sent as 0' "$T/m.err" || fail "clamp not counted"

# Maps that must be refused, with nothing written.
bad_map() {	# NAME PYTHON-STATEMENT-ON-m
	python3 - "$MAP" "$T/bad-$1.json" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
s = m["dataSets"]
exec(sys.argv[3])
json.dump(m, open(sys.argv[2], "w"))
PY
	must_fail 2 "$BIN/aggregator" report --dhis2 "$T/bad-$1.json.out" \
		--dhis2-map "$T/bad-$1.json" "$REL/release.json" 2>"$T/bad-$1.err"
	! ls "$T/bad-$1.json.out"* 2>/dev/null || fail "map $1: output written"
}
bad_map v1 'm.pop("format"); m["dataSet"] = s.pop("week")["dataSet"]; m.pop("dataSets")'
bad_map all 'm["orgUnits"]["all"] = m.pop("allSites")'
bad_map twice 's["month"]["dataElements"]["visits"] = s["week"]["dataElements"]["visits"]'
bad_map coarse 's["quarter"]["dataElements"]["people_received_month"] = "Zz3CaQVCEZm"'
bad_map sameset 's["quarter"]["dataSet"] = s["week"]["dataSet"]'
bad_map campaign 's["campaign"] = s.pop("quarter")'
bad_map level 's["week"]["level"] = "region"'
bad_map noall 'm.pop("allSites")'
bad_map allsite 'm["allSites"] = m["orgUnits"]["a-gare"]'
bad_map short 's["week"]["dataSet"] = "BeaIgkiPwT"'
bad_map digit 'm["orgUnits"]["a-gare"] = "1su6WFWE3JG"'
bad_map symbol 's["week"]["dataElements"]["visits"] = "DYA2x8T0Gu-"'
bad_map site 'm["orgUnits"]["z-nowhere"] = "Zz3CaQVCEZm"'
bad_map indicator 's["week"]["dataElements"]["visits_typo"] = "Zz3CaQVCEZm"'
bad_map shared 's["week"]["dataElements"]["visits_men"] = s["week"]["dataElements"]["visits"]'
bad_map key 'm["dataset"] = 1'
bad_map nococ 'del m["categoryOptionCombo"]'
grep -q 'version 1 map' "$T/bad-v1.err" || fail "v1 map: no clear message"
grep -q 'adds the sites up' "$T/bad-all.err" || fail "'all': no reason given"
grep -q 'DHIS2 would add both up' "$T/bad-twice.err" || fail "twice: no reason given"
grep -q 'counts people once per month' "$T/bad-coarse.err" || fail "coarse: no reason given"
grep -q "not a DHIS2 UID" "$T/bad-short.err" || fail "no reason given for a bad UID"
must_fail 2 "$BIN/aggregator" report --dhis2 "$T/x.json" "$REL/release.json" 2>/dev/null
must_fail 2 "$BIN/aggregator" report --dhis2-map "$MAP" "$REL/release.json" 2>/dev/null
echo "DHIS2 exports: one period type per data set, nothing DHIS2 would add twice, values equal release.csv; bad maps refused"
