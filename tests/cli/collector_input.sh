# SPDX-License-Identifier: MIT
# What a counsellor can get wrong at the collector, and what it protects:
# identities refused on the command line, bad values named by field, CSV
# imports all or nothing with line numbers, receipts stable across typing
# variants, a wrong passphrase or an unsafe keystore refused.
. tests/cli/lib.sh

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
rec() {	# extra args...; identity on stdin
	"$BIN/collector" record --dir "$T/A" --passphrase-file "$T/A.pass" \
		--site a-gare --date 2021-11-02 gender=f age_band=18-25 \
		first_contact=yes "$@"
}
captured() { "$BIN/collector" status --dir "$T/A" | awk '$1 == "captured" { print $2 }'; }
id1='first_name=Élodie
last_name=  DUPONT
birth_date=1999-03-04'
id2='first_name=elodie
last_name=Dupont
birth_date=1999-03-04'
id3='first_name=Elodie
last_name=Dupond
birth_date=1999-03-04'

must_fail 2 rec first_name=Elodie </dev/null 2>"$T/err"
grep -q "identity field 'first_name' must not be given on the command line" "$T/err" || fail "argv identity message"
printf '%s\n' "$id1" | must_fail 2 rec gender=q 2>"$T/err"
grep -q "gender" "$T/err" || fail "bad choice not named"
grep -q "q" "$T/err" && grep -q "Dupont\|DUPONT\|lodie" "$T/err" && fail "an identity leaked into an error message"
printf '%s\n' "$id1" | must_fail 2 "$BIN/collector" record --dir "$T/A" \
	--passphrase-file "$T/A.pass" --site a-gare --date 2021-11-02 first_contact=yes 2>"$T/err"
grep -q "gender: missing" "$T/err" || fail "missing field not named"
printf '%s\n' "$id1" | must_fail 2 rec --date 2023-01-01 2>"$T/err"
grep -q "outside the campaign" "$T/err" || fail "date outside campaign"
# Standard input (the reader shared with 'collector erase'): a wrong line
# is named by its number, blank and comment lines counted; over the cap
# is refused; neither echoes the identity.
printf '# visit\n\nfirst_name=Elodie\nlast_name Dupont\n' |
	must_fail 2 rec 2>"$T/err"
grep -q "standard input, line 4: want NAME=VALUE" "$T/err" || fail "stdin line number: $(cat "$T/err")"
! grep -q "Dupont\|lodie" "$T/err" || fail "an identity echoed from standard input"
head -c 70000 /dev/zero | tr '\0' x | sed 's/^/first_name=/' |
	must_fail 2 rec 2>"$T/err"
grep -q "standard input: more than" "$T/err" || fail "stdin cap"
! grep -q "xxxx" "$T/err" || fail "oversize input echoed"
[ "$(captured)" = 0 ] || fail "a refused visit was recorded"

r1=$(printf '%s\n' "$id1" | rec --receipt | awk '/^receipt/ { print $2 }')
r2=$(printf '%s\n' "$id2" | rec --receipt | awk '/^receipt/ { print $2 }')
r3=$(printf '%s\n' "$id3" | rec --receipt | awk '/^receipt/ { print $2 }')
echo "$r1" | grep -Eq '^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$' || fail "receipt format: $r1"
[ "$r1" = "$r2" ] || fail "the same person typed two ways got two receipts"
[ "$r1" != "$r3" ] || fail "two people got the same receipt"
[ "$(captured)" = 3 ] || fail "captured count"

# CSV: two bad lines, both reported, nothing recorded; then the fixed file.
cat >"$T/v.csv" <<'CSV'
date,site,first_name,last_name,birth_date,gender,age_band,topics,outcomes,first_contact
2021-11-02,a-gare,Ana,Martin,1990-01-01,f,18-25,employment,immediate_advice,yes
2021-11-02,nowhere,Ben,Martin,1990-01-02,m,18-25,employment,,yes
2021-11-02,a-gare,Cy,Martin,1990-01-03,m,18-25,cooking,,yes
CSV
must_fail 1 "$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" 2>"$T/err"
grep -q "line 3: site" "$T/err" || fail "line 3 not reported"
grep -q "line 4: .*cooking\|line 4: topics" "$T/err" || fail "line 4 not reported"
grep -q "nothing recorded" "$T/err" || fail "all-or-none not said"
[ "$(captured)" = 3 ] || fail "a bad import recorded something"
sed -i 's/nowhere/a-gare/; s/cooking/training/' "$T/v.csv"
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" | grep -q "recorded 3 visits"
[ "$(captured)" = 6 ] || fail "the fixed import"

# Keystore: wrong passphrase, unsafe mode, unsafe passphrase file.
newpass "$T/wrong.pass"
must_fail 1 "$BIN/collector" export --dir "$T/A" --passphrase-file "$T/wrong.pass" --out "$T/o" 2>"$T/err"
grep -qi "passphrase" "$T/err" || fail "wrong passphrase not explained"
chmod 644 "$T/A.pass"
must_fail 2 "$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/o"
chmod 600 "$T/A.pass"
chmod 644 "$T/A/keystore"
must_fail 2 "$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/o"
chmod 600 "$T/A/keystore"
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/o" | grep -q "sealed 6 record"
echo "argv identity, bad values, all-or-none CSV, receipts, keystore checks: ok"
