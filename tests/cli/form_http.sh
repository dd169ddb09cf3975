# SPDX-License-Identifier: MIT
# The visit form over plain HTTP (curl): what a browser that is not signed
# in, a page of another site, or a forged request gets (refused, nothing
# recorded); the security headers and cookie flags; a form sent twice is
# recorded once; wrong sign-in codes replace the code; a refused form is
# re-shown with its answers, but nothing typed reaches a file or the log.
. tests/cli/lib.sh
. tests/browser/lib.sh

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
serve_start "$T/A" --site a-gare --date 2021-11-02 --log-requests
J=$T/jar
J2=$T/jar2

# status URL [CURL-ARG...]: the HTTP status; headers in $T/h, body in $T/b
status() {
	u_=$1
	shift
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' "$@" "$URL$u_"
}
expect() {	# CODE URL [CURL-ARG...]
	want_=$1
	shift
	got_=$(status "$@")
	[ "$got_" = "$want_" ] || fail "$*: HTTP $got_, want $want_"
}
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: //Ip"; }
field() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$T/b" | head -1; }
VISIT="site=a-gare&date=2021-11-02&first_name=Ph%C3%A9nicia&last_name=Zwolinskaya&birth_date=1987-06-05&gender=f&age_band=26-44&topics=employment&topics=housing&outcomes=referral&first_contact=yes"
printf 'Phénicia\nZwolinskaya\n1987-06-05\n' >"$T/typed"

# Every response: strict CSP, nosniff, no referrer, nothing cached.
expect 200 /signin -c "$J" -b "$J"
[ "$(hdr content-security-policy)" = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" ] ||
	fail "CSP: $(hdr content-security-policy)"
[ "$(hdr x-content-type-options)" = nosniff ] || fail "nosniff"
[ "$(hdr referrer-policy)" = no-referrer ] || fail "Referrer-Policy"
[ "$(hdr cache-control)" = no-store ] || fail "Cache-Control"
hdr set-cookie | grep -q '^tv_pre=[0-9a-f]\{64\}; Path=/signin; HttpOnly; SameSite=Strict$' ||
	fail "sign-in cookie: $(hdr set-cookie)"
expect 200 /static/form.css
[ "$(hdr cache-control)" = no-store ] && [ -n "$(hdr content-security-policy)" ] || fail "asset headers"
hdr content-type | grep -q '^text/css' || fail "CSS type"
expect 404 /static/nope.js
expect 404 /etc/passwd

# Not signed in: the form and the status are not shown, a posted visit is
# refused before its body is read.
expect 303 /
[ "$(hdr location)" = /signin ] || fail "GET / not signed in: $(hdr location)"
expect 303 /status
# A redirect, not a page of its own: a page made by a POST stays in the
# browser's history with the POST's body.
for sid in "" "tv_sid=$(printf '%064d' 0)" tv_sid=nothex; do
	expect 303 /visit --data "$VISIT" ${sid:+-b "$sid"}
	[ "$(hdr location)" = "/signin?ended=1" ] || fail "POST /visit not signed in: $(hdr location)"
done
expect 200 "/signin?ended=1"
grep -q "Rien n&#39;a été enregistré\|Rien n'a été enregistré" "$T/b" || fail "the sign-in page does not say nothing was recorded"
[ "$(captured "$T/A")" = 0 ] || fail "a visit was recorded without a session"

# Sign in: the double-submit token must match its cookie, the code must
# be right; then the session cookie is HttpOnly, SameSite=Strict, Path=/.
expect 200 /signin -c "$J" -b "$J"
pre=$(field csrf)
CODE=$(serve_code)
WRONG=$(echo "$CODE" | tr 0-9 1-90)
expect 403 /signin --data "csrf=$pre&code=$CODE&lang=fr" -H "Cookie: tv_pre=$(echo "$pre" | tr 0-9a-f 1-9a-f0)"
expect 403 /signin -c "$J" -b "$J" --data "code=$CODE&lang=fr"
expect 403 /signin -c "$J" -b "$J" --data "csrf=$pre&code=$WRONG&lang=fr"
grep -q 'Code incorrect' "$T/b" || fail "no message for a wrong code"
expect 200 /signin -c "$J" -b "$J"
expect 303 /signin -c "$J" -b "$J" --data "csrf=$(field csrf)&code=$CODE&lang=fr"
hdr set-cookie | grep -q '^tv_sid=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict$' ||
	fail "session cookie: $(hdr set-cookie)"
expect 200 / -b "$J"
CSRF=$(field csrf)
ONCE=$(field once)
[ ${#CSRF} = 64 ] && [ ${#ONCE} = 32 ] || fail "form tokens"

# A second browser, for a token of another session.
expect 200 /signin -c "$J2" -b "$J2"
expect 303 /signin -c "$J2" -b "$J2" --data "csrf=$(field csrf)&code=$CODE&lang=en"
expect 200 / -b "$J2"
CSRF2=$(field csrf)
[ "$CSRF2" != "$CSRF" ] || fail "two sessions share a CSRF token"

# Forged requests with a live session: refused, nothing recorded.
expect 403 /visit -b "$J" --data "once=$ONCE&$VISIT"
expect 403 /visit -b "$J" --data "csrf=&once=$ONCE&$VISIT"
expect 403 /visit -b "$J" --data "csrf=$(echo "$CSRF" | tr 0-9a-f 1-9a-f0)&once=$ONCE&$VISIT"
expect 403 /visit -b "$J" --data "csrf=$CSRF2&once=$ONCE&$VISIT"
expect 403 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT" -H 'Origin: http://evil.example'
expect 403 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT" -H 'Sec-Fetch-Site: cross-site'
expect 403 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT" -H 'Sec-Fetch-Site: same-site'
expect 400 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT" -H "Host: tallyvan.evil.example:${URL##*:}"
expect 415 /visit -b "$J" -F "csrf=$CSRF" -F "once=$ONCE"
expect 415 /visit -b "$J" --data '{}' -H 'Content-Type: application/json'
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
expect 413 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&x=" --data-binary "@$T/big"
expect 413 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&x=" --data-binary "@$T/big" -H 'Transfer-Encoding: chunked'
expect 400 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&first_name=a%00b"
expect 405 / -X PUT -b "$J"
expect 405 /status -b "$J" --data "csrf=$CSRF"
[ "$(captured "$T/A")" = 0 ] || fail "a forged request recorded a visit"

# A refused form: the POST is answered with a redirect (no history entry
# holds the posted answers), and the next GET / shows the form once with
# its answers and the error in the session's language (422); the GET after
# it is a blank form.  Nothing is recorded.
expect 303 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$(echo "$VISIT" | sed 's/gender=f&//')"
[ "$(hdr location)" = / ] || fail "a refused form redirects to $(hdr location)"
expect 422 / -b "$J"
grep -q 'value="Phénicia"' "$T/b" || fail "the refused form lost its answers"
grep -q 'id="e-gender">Choisissez une réponse.<' "$T/b" || fail "no French message next to the field"
grep -q 'name="topics" value="housing" checked' "$T/b" || fail "ticked boxes lost"
expect 200 / -b "$J"
grep -q 'Phénicia' "$T/b" && fail "the refused form was shown twice"
expect 303 /visit -b "$J2" --data "csrf=$CSRF2&once=$(expect 200 / -b "$J2"; field once)&$(echo "$VISIT" | sed 's/last_name=[^&]*&//')"
expect 422 / -b "$J2"
grep -q 'id="e-last_name">Required.<' "$T/b" || fail "no English message next to the field"
expect 303 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$(echo "$VISIT" | sed 's/2021-11-02/2024-02-30/')"
expect 422 / -b "$J"
grep -q 'id="e-date">Cette date n&#39;existe pas : écrivez jj/mm/aaaa, par exemple 02/04/1990.<' "$T/b" || fail "impossible date: $(grep -o 'id="e-date">[^<]*' "$T/b")"
[ "$(captured "$T/A")" = 0 ] || fail "a refused form recorded a visit"

# The real thing, twice with the same form (a double tap): one record.
expect 303 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT"
expect 200 / -b "$J"
grep -q 'class="receipt">[0-9A-Z]\{5\}-[0-9A-Z]\{5\}<' "$T/b" || fail "no receipt code"
grep -q 'Phénicia' "$T/b" && fail "the confirmation shows what was typed"
expect 303 /visit -b "$J" --data "csrf=$CSRF&once=$ONCE&$VISIT"
expect 200 / -b "$J"
grep -q 'déjà été envoyé' "$T/b" || fail "no notice for a form sent twice"
[ "$(captured "$T/A")" = 1 ] || fail "a form sent twice was recorded $(captured "$T/A") times"
expect 200 /status -b "$J"
grep -q '<dt>Visites enregistrées aujourd&#39;hui</dt><dd>1</dd>' "$T/b" || fail "status: today"

# Ten wrong codes: a new code, and every browser is signed out.
i=0
while [ $i -lt 10 ]; do
	expect 200 /signin -c "$T/jar3" -b "$T/jar3"
	status /signin -c "$T/jar3" -b "$T/jar3" --data "csrf=$(field csrf)&code=$WRONG" >/dev/null
	i=$((i + 1))
done
[ "$(grep -c '^sign-in code:' "$SERVE_OUT")" = 2 ] || fail "no new code after 10 wrong ones"
[ "$(serve_code)" != "$CODE" ] || fail "the code did not change"
expect 303 / -b "$J"
expect 303 /visit -b "$J" --data "csrf=$CSRF&once=$(field once)&$VISIT"
[ "$(hdr location)" = "/signin?ended=1" ] || fail "signed out by the new code: $(hdr location)"
# SIGHUP: a new code on the laptop's terminal.
kill -HUP "$SERVE_PID"
sleep 0.3
[ "$(grep -c '^sign-in code:' "$SERVE_OUT")" = 3 ] || fail "SIGHUP: no new code"

# The log has one line per request, and nothing of what was typed.
grep -q '^collector: POST /visit 303 [0-9.]* ms$' "$SERVE_ERR" || fail "no request log"
serve_stop
no_trace "$T/typed" "$T/A" "$SERVE_ERR" "$SERVE_OUT"
printf 'employment\nhousing\nreferral\n' >"$T/answers"
no_trace "$T/answers" "$T/A/store" "$SERVE_ERR" "$SERVE_OUT"
echo "forged, cross-site and signed-out requests refused; headers, cookies, double submit, code rotation; no trace"
