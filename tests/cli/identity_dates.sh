# SPDX-License-Identifier: MIT
# A birth date is one date whatever its spelling (issue 15): the demo
# plan declares birth_date of kind "date" and language "fr", so
# 1990-04-02, 02/04/1990, 2/4/1990, 02.04.1990 and 02-04-1990 are one
# person -- one receipt through `collector record`, `collector import`
# and the form (HTTP POST to `collector serve`), and `collector erase`
# finds the person from any spelling.  Ambiguous, impossible and future
# dates are refused with a message that gives the pattern, and nothing
# is recorded; the message never echoes what was typed.
. tests/cli/lib.sh
. tests/browser/lib.sh

sed 's/"proofs": *true/"proofs": false/' "$PLAN" >"$T/plan.json"
grep -q '"kind": *"date"' "$T/plan.json" || fail "the demo plan declares no date kind"
campaign "$T/k" "$T/plan.json"
device "$T/A" "$T/k/campaign.json"
tags() { mdb_stat -s pindex "$T/A/store" | awk '$1 == "Entries:" { print $2 }'; }
rec() {	# BIRTH_DATE [OPTS]: Élodie Dupont's visit at a-gare
	b_=$1
	shift
	printf 'first_name=Élodie\nlast_name=Dupont\nbirth_date=%s\n' "$b_" |
		"$BIN/collector" record --dir "$T/A" --passphrase-file "$T/A.pass" \
		--site a-gare --date 2021-11-02 gender=f age_band=26-44 \
		first_contact=yes topics=housing outcomes=immediate_advice "$@"
}
erase_list() {	# BIRTH_DATE
	printf 'first_name=Élodie\nlast_name=Dupont\nbirth_date=%s\n' "$1" |
		"$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" --list
}

# record: every spelling, one receipt.
r0=$(rec 1990-04-02 --receipt | awk '$1 == "receipt" { print $2 }')
echo "$r0" | grep -q '^[0-9A-HJKMNP-TV-Z]\{5\}-[0-9A-HJKMNP-TV-Z]\{5\}$' || fail "receipt '$r0'"
for b in 02/04/1990 2/4/1990 02.04.1990 02-04-1990 ' 02/04/1990 ' 1990-4-2 \
    '０２／０４／１９９０'; do
	r=$(rec "$b" --receipt | awk '$1 == "receipt" { print $2 }')
	[ "$r" = "$r0" ] || fail "record: '$b' gives receipt $r, not $r0"
done
# One person: people_received, _month, _immediate_advice, and
# people_seen_twice (her second visit).
[ "$(tags)" = 4 ] || fail "record: $(tags) index entries, want 4 (one person)"

# Refused: two-digit year, impossible, future, not a date.  Nothing
# recorded, the value not echoed.
n0=$(captured "$T/A")
for b in 02/04/90 31/02/1990 29/02/1991 13/13/1990 02/04/2990 1990-04 \
    04/02/1990x 0204199; do
	rec "$b" 2>"$T/err" >/dev/null && fail "record accepted birth date '$b'"
	grep -q "birth_date: " "$T/err" || fail "'$b': field not named: $(cat "$T/err")"
	grep -q "DD/MM/YYYY" "$T/err" || grep -q "future" "$T/err" ||
		fail "'$b': no pattern in the message: $(cat "$T/err")"
	grep -qF "$b" "$T/err" && fail "'$b' echoed: $(cat "$T/err")"
done
rec 02/04/90 2>&1 >/dev/null | grep -q 'year must have 4 digits' || fail "two-digit year message"
rec 31/02/1990 2>&1 >/dev/null | grep -q 'impossible date' || fail "impossible date message"
rec 02/04/2990 2>&1 >/dev/null | grep -q 'in the future' || fail "future date message"
[ "$(captured "$T/A")" = "$n0" ] || fail "a refused birth date was recorded"

# import: a CSV with every spelling of the same person (and a second
# person): one person more, not five.
cat >"$T/v.csv" <<'CSV'
date,site,first_name,last_name,birth_date,gender,age_band,topics,outcomes,first_contact
2021-11-03,a-gare,Élodie,Dupont,02/04/1990,f,26-44,housing,immediate_advice,yes
2021-11-03,a-gare,ELODIE,dupont,2.4.1990,f,26-44,housing,immediate_advice,yes
2021-11-03,a-gare,Elodie,Dupont,1990-04-02,f,26-44,housing,immediate_advice,yes
2021-11-03,a-gare,Zoé,Martin,14/07/1992,f,26-44,housing,immediate_advice,yes
CSV
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" |
	grep -q "recorded 4 visits" || fail "import"
[ "$(tags)" = 7 ] || fail "import: $(tags) index entries, want 7 (two people)"
# An impossible and an ambiguous-looking one in a CSV: refused by line.
printf '%s\n' 'date,site,first_name,last_name,birth_date,gender,age_band,topics,outcomes,first_contact' \
	'2021-11-03,a-gare,Ana,Petit,30/02/1990,f,26-44,housing,,yes' \
	'2021-11-03,a-gare,Ana,Petit,3/2/90,f,26-44,housing,,yes' >"$T/bad.csv"
must_fail 1 "$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/bad.csv" 2>"$T/err"
grep -q "line 2: birth_date: impossible date" "$T/err" || fail "import impossible: $(cat "$T/err")"
grep -q "line 3: birth_date: the year must have 4 digits" "$T/err" || fail "import short year: $(cat "$T/err")"

# The form, in French: 02/04/1990 is the same person.
serve_start "$T/A" --site a-gare --date 2021-11-04
J=$T/jar
st() { u_=$1; shift; curl -s -o "$T/b" -w '%{http_code}' "$@" "$URL$u_"; }
field() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$T/b" | head -1; }
st /signin -c "$J" -b "$J" >/dev/null
st /signin -c "$J" -b "$J" --data "csrf=$(field csrf)&code=$(serve_code)&lang=fr" >/dev/null
post() {	# BIRTH_DATE (url-encoded): GET / then POST /visit, then GET /
	st / -b "$J" >/dev/null
	grep -q 'name="birth_date"[^>]*type="text"\|type="text"[^>]*name="birth_date"' "$T/b" ||
		fail "the birth date input is not a text input: $(grep -o '<input[^>]*birth_date[^>]*>' "$T/b")"
	st /visit -b "$J" --data "csrf=$(field csrf)&once=$(field once)&site=a-gare&date=2021-11-04&first_name=%C3%89lodie&last_name=Dupont&birth_date=$1&gender=f&age_band=26-44&topics=housing&outcomes=immediate_advice&first_contact=yes" >/dev/null
	st / -b "$J" >/dev/null
}
post 02%2F04%2F1990
grep -q "class=\"receipt\">$r0<" "$T/b" || fail "form: 02/04/1990 gives another receipt"
grep -q 'placeholder="jj/mm/aaaa"' "$T/b" || fail "form: no French pattern"
post 31%2F02%2F1990
grep -q 'id="e-birth_date">[^<]*jj/mm/aaaa' "$T/b" || fail "form: impossible date message: $(grep -o 'id="e-birth_date">[^<]*' "$T/b")"
# In English no order is assumed: 02/04/1990 is ambiguous, ISO is fine,
# and 13/04/1990 can be read only one way.
J=$T/jar-en
st /signin -c "$J" -b "$J" >/dev/null
st /signin -c "$J" -b "$J" --data "csrf=$(field csrf)&code=$(serve_code)&lang=en" >/dev/null
post 02%2F04%2F1990
grep -q 'id="e-birth_date">[^<]*yyyy-mm-dd' "$T/b" || fail "form en: ambiguous date message: $(grep -o 'id="e-birth_date">[^<]*' "$T/b")"
post 1990-04-02
grep -q "class=\"receipt\">$r0<" "$T/b" || fail "form en: ISO gives another receipt"
serve_stop
[ "$(tags)" = 7 ] || fail "form: $(tags) index entries, want 7"

# erase: any spelling finds her.
for b in 1990-04-02 02/04/1990 2.4.1990; do
	erase_list "$b" >"$T/out"
	grep -q "^receipt $r0$" "$T/out" || fail "erase: '$b' gives another receipt"
	grep -q '^4 index entries held' "$T/out" || fail "erase: '$b' finds $(cat "$T/out")"
	# Her 8 + 3 + 2 visits, whatever the spelling: one history.
	grep -q '^held: visit history on this collector: 13 visits remembered' "$T/out" ||
		fail "erase: '$b': not one history of 13 visits: $(cat "$T/out")"
done
printf 'first_name=Élodie\nlast_name=Dupont\nbirth_date=31/02/1990\n' |
	must_fail 2 "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" --list 2>"$T/err"
grep -q "birth_date: impossible date" "$T/err" || fail "erase: impossible date: $(cat "$T/err")"

# A plan that fixes no order (no "language"): day and month both 12 or
# less are ambiguous, and refused; 13/04/1990 and ISO are not.
sed 's/"language": *"fr",*//' "$T/plan.json" >"$T/plan2.json"
! grep -q '"language"' "$T/plan2.json" || fail "set-up: language kept"
campaign "$T/k2" "$T/plan2.json"
device "$T/B" "$T/k2/campaign.json"
recb() {
	printf 'first_name=Ana\nlast_name=Petit\nbirth_date=%s\n' "$1" |
		"$BIN/collector" record --dir "$T/B" --passphrase-file "$T/B.pass" \
		--site a-gare --date 2021-11-02 gender=f age_band=26-44 \
		first_contact=yes --receipt
}
recb 02/04/1990 2>"$T/err" >/dev/null && fail "no language: 02/04/1990 accepted"
grep -q "birth_date: ambiguous date" "$T/err" || fail "ambiguous message: $(cat "$T/err")"
grep -q "YYYY-MM-DD" "$T/err" || fail "ambiguous: no pattern: $(cat "$T/err")"
ra=$(recb 1990-04-13 | awk '$1 == "receipt" { print $2 }')
rb=$(recb 13/04/1990 | awk '$1 == "receipt" { print $2 }')
rc=$(recb 04/13/1990 | awk '$1 == "receipt" { print $2 }')
[ -n "$ra" ] && [ "$ra" = "$rb" ] && [ "$ra" = "$rc" ] || fail "no language: unambiguous spellings: $ra $rb $rc"
echo "one receipt for 8 spellings across record, import, form and erase; ambiguous, impossible, future refused"
