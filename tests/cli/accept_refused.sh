# SPDX-License-Identifier: MIT
# trustee accept refuses, exit 1 (a check failed), and writes nothing,
# when the share box is another campaign's, sealed to another trustee, or
# the key is not one of the campaign's trustees; the secrets it had opened
# (key, passphrase, share) are wiped before it exits (cmd_accept.c: one
# refusal path).
. tests/cli/lib.sh

mkdir -p "$T/c"
newpass "$T/c/pass"
for i in 1 2 3; do
	"$BIN/trustee" keygen --name "t$i" --key "$T/c/t$i.key" --pub "$T/c/t$i.pub" \
		--passphrase-file "$T/c/pass" --kdf interactive >/dev/null
done
for x in A B; do
	"$BIN/trustee" deal --plan "$PLAN" --threshold 2 --trustee "$T/c/t1.pub" \
		--trustee "$T/c/t2.pub" --bundle "$T/c/$x.json" --shares "$T/c/$x" >/dev/null
done
accept() {	# BUNDLE BOX KEY
	"$BIN/trustee" accept --bundle "$T/c/$1.json" --share "$T/c/$2" \
		--key "$T/c/$3.key" --out "$T/c/out.share" --sig "$T/c/out.sig" \
		--passphrase-file "$T/c/pass" --kdf interactive
}
must_fail 1 accept A B/share-1-t1.box t1 2>"$T/err"
grep -q 'the share is for another campaign' "$T/err" || fail "another campaign: $(cat "$T/err")"
must_fail 1 accept A A/share-2-t2.box t1 2>"$T/err"
grep -q 'was not sealed to this trustee key' "$T/err" || fail "another trustee's box: $(cat "$T/err")"
must_fail 1 accept A A/share-1-t1.box t3 2>"$T/err"
grep -q "not one of the campaign's trustees" "$T/err" || fail "a key of no trustee: $(cat "$T/err")"
head -c 20 /dev/urandom >"$T/c/short.box"
must_fail 1 accept A short.box t1 2>"$T/err"
grep -q 'is not a sealed share' "$T/err" || fail "short box: $(cat "$T/err")"
[ ! -e "$T/c/out.share" ] && [ ! -e "$T/c/out.sig" ] || fail "a refused accept wrote a file"
accept A A/share-1-t1.box t1 >/dev/null || fail "the right share refused"
[ -s "$T/c/out.share" ] && [ -s "$T/c/out.sig" ] || fail "accept wrote nothing"
echo "accept: another campaign's share, another trustee's box, a key of no trustee, a short box: refused (exit 1), nothing written"
