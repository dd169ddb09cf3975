# SPDX-License-Identifier: MIT
# The GDPR Art. 30 record of processing generated from the plan: in both
# languages and both formats it names every identity field, every form
# field and its choices, every indicator and site, the retention, the
# recipients (trustees from the bundle) and the security measures; given
# contacts replace "to complete"; plan text is escaped in HTML and
# Markdown, and the HTML is well formed.
. tests/cli/lib.sh

reg() { "$BIN/aggregator" register "$@" 2>/dev/null; }
# labels PLAN LANG [html]: every identity, field, choice, indicator and
# site label (escaped as in HTML).
labels() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); l = sys.argv[2]
out = [x["label"][l] for k in ("identity", "fields", "indicators", "sites") for x in p[k]]
out += [c["label"][l] for f in p["fields"] for c in f.get("choices", [])]
if len(sys.argv) > 3:
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("\x27", "&#39;")):
        out = [x.replace(a, b) for x in out]
print("\n".join(out))' "$@"
}
has_all() {	# FILE PLAN LANG
	case "$1" in
	*.html) labels "$2" "$3" html ;;
	*) labels "$2" "$3" ;;
	esac >"$T/labels"
	[ "$(wc -l <"$T/labels")" -gt 40 ] || fail "label extraction"
	while IFS= read -r lab; do
		grep -qF -- "$lab" "$1" || fail "$1 lacks '$lab'"
	done <"$T/labels"
}

# From the plan alone (before the key ceremony), both languages, both
# formats.
for lang in en fr; do
	reg --plan "$PLAN" --lang $lang "$T/reg-$lang.md"
	reg --plan "$PLAN" --lang $lang --format html "$T/reg-$lang.out"
	reg --plan "$PLAN" --lang $lang "$T/reg-$lang.html"
	cmp -s "$T/reg-$lang.out" "$T/reg-$lang.html" || fail "--format html vs .html"
	has_all "$T/reg-$lang.md" "$PLAN" $lang
	has_all "$T/reg-$lang.html" "$PLAN" $lang
done
grep -q 'Retention period: 365 days' "$T/reg-en.md" || fail "retention (en)"
grep -q 'Durée de conservation : 365 jours' "$T/reg-fr.md" || fail "retention (fr)"
grep -q '^## 7. Retention (Art. 30(1)(f))$' "$T/reg-en.md" || fail "retention heading"
for w in 'Art. 30(1)(a)' 'Art. 30(1)(b)' 'Art. 30(1)(c)' 'Art. 30(1)(d)' 'Art. 30(1)(e)' \
    'Art. 30(1)(g)' 'never stored nor transmitted' 'minimum cohort of 11 visits' \
    'Argon2id' 'ElGamal' 'Ed25519' 'Zero-knowledge proofs' 'audit log' \
    'collector purge' 'aggregator purge' 'collector erase' 'Art. 11(2)' 'Art. 9' \
    "a sealed history of the date of first contact" 'each visit history expires 365 days' \
    "People seen twice or more (distinct people over the campaign, from the person's earlier visits)"; do
	grep -qF "$w" "$T/reg-en.md" || fail "register lacks '$w'"
done
[ "$(grep -c 'to complete' "$T/reg-en.md")" = 4 ] || fail "placeholders"
grep -q '<code>collector purge</code>' "$T/reg-en.html" || fail "code in HTML"

# From the campaign bundle: the trustees and the threshold; contacts given.
campaign "$T/k" "$PLAN" 2 3
reg --campaign "$T/k/campaign.json" --controller 'Mission locale & partners' \
	--dpo 'dpo@example.org' --processor 'Hébergeur SAS' --legal-basis 'Art. 6(1)(e)' "$T/reg-k.md"
grep -qF 'Trustees (2 of 3 needed to decrypt): t1, t2, t3.' "$T/reg-k.md" || fail "trustees"
grep -qF 'Threshold decryption: 2 of 3 trustees' "$T/reg-k.md" || fail "threshold"
grep -qF 'Mission locale \& partners' "$T/reg-k.md" || fail "controller (escaped)"
grep -qF 'dpo@example.org' "$T/reg-k.md" && grep -qF 'Hébergeur SAS' "$T/reg-k.md" ||
	fail "contacts"
! grep -q 'to complete' "$T/reg-k.md" || fail "placeholders left"
"$BIN/aggregator" init --dir "$T/srv" --campaign "$T/k/campaign.json" >/dev/null
reg --dir "$T/srv" - | grep -q "$(sed -n 's/.*"campaign_id": "\([0-9a-f]*\)".*/\1/p' "$T/k/campaign.json")" ||
	fail "campaign id from the aggregator directory"
must_fail 2 "$BIN/aggregator" register --plan "$PLAN" --dir "$T/srv" "$T/x.md" 2>/dev/null
must_fail 2 "$BIN/aggregator" register --plan "$PLAN" --lang de "$T/x.md" 2>/dev/null

# A plan with noise says so, with its parameters and budget.
sed 's|"policy": { "min_cohort": 11,|"policy": { "noise": { "mechanism": "gaussian", "variance": "100/1", "budget": "11/10" }, "min_cohort": 11,|' \
	"$PLAN" >"$T/noise.json"
reg --plan "$T/noise.json" "$T/noise.md"
grep -qF 'discrete Gaussian noise of variance 100/1' "$T/noise.md" &&
	grep -qF 'capped at ρ (zCDP) = 11/10' "$T/noise.md" || fail "noise"
grep -q 'secondary suppression' "$T/noise.md" && fail "secondary suppression with noise"
grep -q 'secondary suppression' "$T/reg-en.md" || fail "secondary suppression"

# Hostile plan text: escaped in both formats.
sed -e 's|"fr": "Bellevue (Ville A)"|"fr": "<script>alert(1)</script> \& x"|' \
    -e 's|"en": "First name"|"en": "First <b>name</b> [x](javascript:y) *z*"|' \
    "$PLAN" >"$T/hostile.json"
reg --plan "$T/hostile.json" --lang fr "$T/h.html"
reg --plan "$T/hostile.json" --lang en "$T/h.md"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; x' "$T/h.html" || fail "HTML escaping"
! grep -qi '<script' "$T/h.html" || fail "a script element in the HTML"
grep -qF 'First \<b\>name\</b\> \[x\](javascript:y) \*z\*' "$T/h.md" || fail "Markdown escaping"
python3 -c '
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.bad = 0
    def handle_starttag(self, t, a):
        if t not in ("meta",): self.stack.append(t)
        if t in ("script", "img", "iframe", "link", "a"): self.bad += 1
    def handle_endtag(self, t):
        if not self.stack or self.stack.pop() != t: self.bad += 1
for f in sys.argv[1:]:
    p = P(); p.feed(open(f).read())
    if p.bad or p.stack: sys.exit(f + ": not well formed or unsafe")
' "$T/h.html" "$T/reg-en.html" "$T/reg-fr.html" || fail "HTML structure"
echo "register: every label, retention, recipients and measures, fr and en, md and html, escaped"
