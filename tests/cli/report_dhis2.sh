# SPDX-License-Identifier: MIT
# aggregator report --dhis2: a DHIS2 dataValueSets import of a release.
# tests/tools/dhis2_check.py (independent of the C code) checks the
# structure DHIS2 documents (dataSet; dataValues of dataElement, period,
# orgUnit, categoryOptionCombo, value), UIDs, ISO periods per period type,
# non-negative integer values, one value per key, and that exactly the
# released values are sent, equal to release.csv's -- never a suppressed
# or withheld one.  Then: period kinds chosen by the map, an
# attributeOptionCombo, quarters, a campaign that is a calendar year, a
# month of whole ISO weeks (comment), a negative noisy value (0 with a
# comment), and maps that must be refused.
. tests/cli/lib.sh
. tests/tools/report_fixture.sh
MAP=$TOP/docs/examples/dhis2-map.json
check() { python3 tests/tools/dhis2_check.py "$@" || fail "dhis2_check $*"; }

"$BIN/aggregator" report --dhis2 "$T/d.json" --dhis2-map "$MAP" "$REL/release.json"
check "$T/d.json" "$REL/release.csv" "$MAP"
grep -q '"period": "2021W44"' "$T/d.json" || fail "no weekly value"
grep -q '"period": "202111"' "$T/d.json" || fail "no monthly value"

# The map chooses the period kinds (a DHIS2 data set has one period type)
# and may give an attributeOptionCombo.
python3 - "$MAP" "$T/map-week.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m.update(periods=["week"], attributeOptionCombo="Xb4Ks2MfQ0a")
del m["dataElements"]["visits_men"]
json.dump(m, open(sys.argv[2], "w"))
PY
"$BIN/aggregator" report --dhis2 "$T/w.json" --dhis2-map "$T/map-week.json" \
	"$REL/release.json" 2>"$T/w.err"
check "$T/w.json" "$REL/release.csv" "$T/map-week.json"
grep -q '"period": "2021[0-9][0-9]"' "$T/w.json" && fail "a month in a weekly export"
grep -q '"attributeOptionCombo": "Xb4Ks2MfQ0a"' "$T/w.json" || fail "no attributeOptionCombo"
grep -q '[1-9][0-9]* unmapped' "$T/w.err" || fail "unmapped values not counted"

# Quarters, a campaign that is the year 2021, a month of whole ISO weeks,
# a negative noisy value, a withheld cell; comments in French.
"$BIN/aggregator" report --lang fr --dhis2 "$T/m.json" --dhis2-map "$MAP" \
	"$MUT/release.json" 2>"$T/m.err"
check "$T/m.json" "$MUT/release.csv" "$MAP"
for p in 2021Q4 2021; do
	grep -q "\"period\": \"$p\"" "$T/m.json" || fail "no value for $p"
done
grep -q 'valeur bruitée -3 envoyée comme 0' "$T/m.json" || fail "negative value not explained"
grep -q 'tallyvan month 2021-11 : du 2021-11-01 au 2021-11-28' "$T/m.json" ||
	fail "partial month not explained"
grep -q '1 negative noisy values sent as 0' "$T/m.err" || fail "clamp not counted"

# Maps that must be refused, with nothing written.
bad_map() {	# NAME PYTHON-STATEMENT-ON-m
	python3 - "$MAP" "$T/bad-$1.json" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(m, open(sys.argv[2], "w"))
PY
	must_fail 2 "$BIN/aggregator" report --dhis2 "$T/bad-$1.out" \
		--dhis2-map "$T/bad-$1.json" "$REL/release.json" 2>"$T/bad-$1.err"
	[ ! -e "$T/bad-$1.out" ] || fail "map $1: output written"
}
bad_map short 'm["dataSet"] = "BeaIgkiPwT"'
bad_map digit 'm["orgUnits"]["all"] = "1su6WFWE3JG"'
bad_map symbol 'm["dataElements"]["visits"] = "DYA2x8T0Gu-"'
bad_map site 'm["orgUnits"]["z-nowhere"] = "Zz3CaQVCEZm"'
bad_map indicator 'm["dataElements"]["visits_typo"] = "Zz3CaQVCEZm"'
bad_map shared 'm["dataElements"]["visits_men"] = m["dataElements"]["visits"]'
bad_map key 'm["dataset"] = m.pop("dataSet")'
bad_map nococ 'del m["categoryOptionCombo"]'
bad_map period 'm["periods"] = ["fortnight"]'
grep -q "not a DHIS2 UID" "$T/bad-short.err" || fail "no reason given for a bad UID"
must_fail 2 "$BIN/aggregator" report --dhis2 "$T/x.json" "$REL/release.json" 2>/dev/null
must_fail 2 "$BIN/aggregator" report --dhis2-map "$MAP" "$REL/release.json" 2>/dev/null
echo "DHIS2 exports validate and equal release.csv; bad maps refused"
