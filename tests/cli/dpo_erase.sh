# SPDX-License-Identifier: MIT
# Erasure on the collector: from the identity typed again (any spelling
# the normalisation folds together), the person's pseudonym-index entries
# are listed (access) or removed, exactly those, no one else's; a wrong
# receipt erases nothing; identities are refused on the command line; and
# after the erasure a new visit of the person counts as a new person --
# in the index and in the released campaign total.
. tests/cli/lib.sh

sed 's/"proofs": *true/"proofs": false/' "$PLAN" >"$T/plan.json"
visit() {	# FIRST LAST DATE [--receipt]: one visit at a-gare
	printf 'first_name=%s\nlast_name=%s\nbirth_date=1992-07-14\n' "$1" "$2" |
		"$BIN/collector" record --dir "$T/A" --passphrase-file "$T/A.pass" \
		--site a-gare --date "$3" ${4:-} gender=f age_band=26-44 first_contact=yes \
		topics=housing outcomes=immediate_advice
}
erase() {	# FIRST LAST [OPTS]: identity on standard input
	f_=$1
	l_=$2
	shift 2
	printf 'first_name=%s\nlast_name=%s\nbirth_date=1992-07-14\n' "$f_" "$l_" |
		"$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" "$@"
}
tags() { mdb_stat -s pindex "$T/A/store" | awk '$1 == "Entries:" { print $2 }'; }

campaign "$T/k" "$T/plan.json"
device "$T/A" "$T/k/campaign.json"
receipt=$(visit Élodie Dupont 2021-11-02 --receipt | awk '$1 == "receipt" { print $2 }')
echo "$receipt" | grep -q '^[0-9A-HJKMNP-TV-Z]\{5\}-[0-9A-HJKMNP-TV-Z]\{5\}$' || fail "receipt '$receipt'"
visit Élodie Dupont 2021-11-09 >/dev/null	# the same person again
visit Zoé Martin 2021-11-02 >/dev/null
visit Zoé Martin 2021-11-03 >/dev/null
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	visit "Other$i" Person 2021-11-03 >/dev/null
done
# 12 people x 3 distinct-person indicators (people_received,
# people_received_month, people_immediate_advice), and people_seen_twice
# for the two who came twice; a visit history for each person.
[ "$(tags)" = 38 ] || fail "set-up: $(tags) tags"
hist() { mdb_stat -s history "$T/A/store" | awk '$1 == "Entries:" { print $2 }'; }
[ "$(hist)" = 12 ] || fail "set-up: $(hist) visit histories"

# Access: the entries held, nothing removed.  Spelling does not matter.
erase "  ELODIE " "dupont" --list >"$T/out"
cat "$T/out"
grep -q "^receipt $receipt$" "$T/out" || fail "receipt differs for the same person"
[ "$(grep -c '^held: ' "$T/out")" = 5 ] || fail "listed entries"
grep -q '^held: people_seen_twice (People seen twice or more): counted once in the whole campaign, on this collector$' \
	"$T/out" || fail "seen twice entry"
grep -q '^held: visit history on this collector: 2 visits remembered, 0 let go, first contact 2021-11-02$' \
	"$T/out" || fail "history entry"
grep -q '^1 visit histories held for this person$' "$T/out" || fail "history count"
grep -q '^held: people_received_month (People received in the month): counted once in month 2021-11, on this collector$' \
	"$T/out" || fail "month entry"
grep -q '^held: people_received (People received): counted once in the whole campaign, on this collector$' \
	"$T/out" || fail "campaign entry"
[ "$(tags)" = 38 ] || fail "--list removed something"

# Identity only on standard input, only identity fields.
must_fail 2 "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" \
	first_name=Elodie </dev/null 2>/dev/null
printf 'first_name=Elodie\nlast_name=Dupont\nbirth_date=1992-07-14\ngender=f\n' |
	must_fail 2 "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" 2>"$T/err"
grep -q "'gender' is not an identity field" "$T/err" || fail "form field accepted"
printf 'first_name=Elodie\nlast_name=Dupont\n' |
	must_fail 2 "$BIN/collector" erase --dir "$T/A" --passphrase-file "$T/A.pass" 2>/dev/null
! grep -q 'Elodie\|Dupont' "$T/err" || fail "an identity echoed in an error"

# A receipt that does not match: nothing erased.
must_fail 1 erase Elodie Dupond --receipt "$receipt" >"$T/out"
grep -q 'does not give receipt' "$T/out" || fail "wrong identity not reported"
[ "$(tags)" = 38 ] || fail "a mismatching receipt erased something"

# Erase: exactly this person's 4 entries and her visit history.
erase elodie DUPONT --receipt "$(echo "$receipt" | tr 'A-Z' 'a-z')" >"$T/out"
cat "$T/out"
grep -q '^removed 4 index entries$' "$T/out" || fail "erase"
grep -q '^removed 1 visit histories$' "$T/out" || fail "erase history"
[ "$(tags)" = 34 ] || fail "tags after the erasure: $(tags)"
[ "$(hist)" = 11 ] || fail "histories after the erasure: $(hist)"
erase Élodie Dupont | grep -q '^removed 0 index entries$' || fail "erased twice"
erase Zoé Martin --list | grep -q '^4 index entries held' || fail "another person's entries touched"

# A new visit counts her as a new person again, and as a first visit.
visit Élodie Dupont 2021-11-16 >/dev/null
[ "$(tags)" = 37 ] || fail "the new visit did not count as a new person: $(tags)"
[ "$(hist)" = 12 ] || fail "no new history"

# And in the release: 15 visits, 13 people (12 + Élodie once more).
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/usb" >/dev/null
server "$T/srv" "$T/k/campaign.json" "$T/A"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >/dev/null
release "$T/srv" "$T/k" "$T/rel" >/dev/null 2>&1
[ "$(value "$T/rel/release.csv" all campaign campaign visits)" = 15 ] || fail "visits released"
[ "$(value "$T/rel/release.csv" all campaign campaign people_received)" = 13 ] ||
	fail "people received: $(value "$T/rel/release.csv" all campaign campaign people_received)"
# Zoé came twice; Élodie's third visit came after her erasure: a first.
[ "$(value "$T/rel/release.csv" all campaign campaign people_seen_twice)" = 2 ] ||
	fail "people seen twice: $(value "$T/rel/release.csv" all campaign campaign people_seen_twice)"
echo "erase: the person's 4 entries and visit history listed then removed, others kept; counted anew afterwards (13 people, 2 seen twice)"
