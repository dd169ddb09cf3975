# SPDX-License-Identifier: MIT
# `collector import` takes CSV files as spreadsheets write them (issue 15):
# a UTF-8 byte-order mark is dropped, the separator (',' or ';', French
# Excel) is read from the header line, CRLF line ends are fine, rows that
# are empty cells only are skipped; a wrong file is summarised in lines
# AND errors, every error of a line is listed, and nothing is recorded.
. tests/cli/lib.sh

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
captured() { "$BIN/collector" status --dir "$T/A" | awk '$1 == "captured" { print $2 }'; }
import() { "$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$@"; }
H='date,site,first_name,last_name,birth_date,gender,age_band,topics,outcomes,first_contact'
row1='2021-11-02,a-gare,Ana,Martin,02/04/1990,f,18-25,employment|training,immediate_advice,yes'
row2='2021-11-02,a-gare,Ben,Durand,1991-05-06,m,26-44,housing,,no'

# A BOM (Excel's "CSV UTF-8"), comma, LF.
printf '\357\273\277%s\n%s\n%s\n' "$H" "$row1" "$row2" >"$T/bom.csv"
import "$T/bom.csv" >"$T/out" 2>"$T/err" || fail "BOM file refused: $(cat "$T/err")"
grep -q "recorded 2 visits" "$T/out" || fail "BOM: $(cat "$T/out")"

# French Excel: ';', CRLF, the visit's date as Excel writes it in France
# (02/11/2021), quoted cells, a trailing row of empty cells.
to_semi() { echo "$1" | tr ',' ';'; }
printf '%s\r\n%s\r\n"%s"\r\n;;;;;;;;;\r\n' "$(to_semi "$H")" "$(to_semi "$row1" | sed 's/Ana/Zoé/; s|^2021-11-02|02/11/2021|')" \
	"$(to_semi "$row2" | sed 's/Ben/Noé/; s/;/";"/g')" >"$T/semi.csv"
import "$T/semi.csv" >"$T/out" 2>"$T/err" || fail "';' CRLF file refused: $(cat "$T/err")"
grep -q "recorded 2 visits" "$T/out" || fail "';': $(cat "$T/out")"
[ "$(captured)" = 4 ] || fail "captured $(captured), want 4"

# CRLF with commas, and the BOM too.
printf '\357\273\277%s\r\n%s\r\n' "$H" "$(echo "$row2" | sed 's/Ben/Léa/')" >"$T/crlf.csv"
import "$T/crlf.csv" | grep -q "recorded 1 visits" || fail "CRLF"
[ "$(captured)" = 5 ] || fail "captured $(captured), want 5"

# Excel's plain "CSV" on Windows: Windows-1252, ';', CRLF.  Read as such
# (said on stderr), and the same person as typed in UTF-8: Zoé Martin of
# semi.csv again (her receipt, and one person: 3 index tags, not 6).
tags() { mdb_stat -s pindex "$T/A/store" | awk '$1 == "Entries:" { print $2 }'; }
t0=$(tags)
printf '%s
%s
' "$(to_semi "$H")" \
	"$(to_semi "$row1" | sed 's/Ana/Zo\xe9/; s/2021-11-02/2021-11-09/')" >"$T/cp1252.tmp"
printf "$(cat "$T/cp1252.tmp")" >"$T/cp1252.csv"
! iconv -f UTF-8 -t UTF-8 "$T/cp1252.csv" >/dev/null 2>&1 || fail "the Windows-1252 file is UTF-8"
import "$T/cp1252.csv" >"$T/out" 2>"$T/err" || fail "Windows-1252 file refused: $(cat "$T/err")"
grep -q "is not UTF-8: read as Windows-1252" "$T/err" || fail "no note: $(cat "$T/err")"
grep -q "recorded 1 visits" "$T/out" || fail "Windows-1252: $(cat "$T/out")"
# Zoé's second visit in November: people_seen_twice only (month, campaign,
# advice already counted).
[ "$(tags)" = $((t0 + 1)) ] || fail "Windows-1252: Zoé counted as someone else ($t0 -> $(tags) tags)"
[ "$(captured)" = 6 ] || fail "captured $(captured), want 6"

# Wrong lines: line 2 has four errors, line 4 one; every one listed, the
# summary counts lines and errors apart, nothing recorded.
printf '%s\n%s\n%s\n%s\n' "$(to_semi "$H")" \
	'2021-11-02;nowhere;Ana;Martin;31/02/1990;q;18-25;cooking;;yes' \
	"$(to_semi "$row2")" \
	'2021-11-02;a-gare;Cy;Petit;1990-01-03;m;18-25;employment;;' >"$T/bad.csv"
must_fail 1 import "$T/bad.csv" 2>"$T/err"
cat "$T/err"
for e in 'line 2: site' 'line 2: birth_date: impossible date' 'line 2: .*gender' \
    'line 2: .*cooking\|line 2: topics' 'line 4: first_contact: missing'; do
	grep -q "$e" "$T/err" || fail "not listed: $e"
done
grep -q "nothing recorded: 2 lines are wrong (5 errors)" "$T/err" || fail "summary: $(tail -1 "$T/err")"
[ "$(captured)" = 6 ] || fail "a wrong file recorded something"
printf '%s\n%s\n' "$H" '2021-11-02,a-gare,Cy,Petit,1990-01-03,m,18-25,employment,,' >"$T/one.csv"
must_fail 1 import "$T/one.csv" 2>"$T/err"
grep -q "nothing recorded: 1 line is wrong (1 error)" "$T/err" || fail "summary of one: $(tail -1 "$T/err")"

# Line numbers count blank lines, and a CRLF is one line end.
printf '\r\n%s\r\n\r\n%s\r\n' "$H" '2021-11-02,a-gare,Cy,Petit,1990-01-03,m,18-25,employment,,' >"$T/blank.csv"
must_fail 1 import "$T/blank.csv" 2>"$T/err"
grep -q "^collector: line 4: first_contact: missing$" "$T/err" || fail "line numbers with CRLF and blank lines: $(cat "$T/err")"

# A header that is not the plan's: named without invisible characters.
printf '\357\273\277dat\342\200\213e;site\n' >"$T/hdr.csv"
must_fail 2 import "$T/hdr.csv" 2>"$T/err"
grep -q "column 'dat???e' is not a field of the plan" "$T/err" || fail "header message: $(cat "$T/err")"
[ "$(captured)" = 6 ] || fail "a wrong header recorded something"
echo "BOM, ';', CRLF, quoted and empty rows imported; 2 lines/5 errors listed; nothing recorded from a wrong file"
