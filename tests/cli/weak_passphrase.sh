# SPDX-License-Identifier: MIT
# A stolen laptop is attacked offline, one Argon2id run per guess: a new
# keystore (collector init) or trustee key (trustee keygen) is refused
# under a weak passphrase, with a message saying why and what to use,
# and nothing is left behind.  Strong ones (words, random) are taken.
# It used to accept any non-empty passphrase, '1' included.
. tests/cli/lib.sh

campaign "$T/k"
refused=0 taken=0
try() {	# EXPECT PASSPHRASE: "refused" or "taken"
	n_=$((refused + taken))
	printf '%s\n' "$2" >"$T/p.$n_"
	rc_=0
	"$BIN/collector" init --dir "$T/d.$n_" --campaign "$T/k/campaign.json" \
		--kdf interactive --passphrase-file "$T/p.$n_" >/dev/null 2>"$T/err" || rc_=$?
	rk_=0
	"$BIN/trustee" keygen --name "w$n_" --key "$T/w.$n_.key" --pub "$T/w.$n_.pub" \
		--passphrase-file "$T/p.$n_" --kdf interactive >/dev/null 2>"$T/err.t" || rk_=$?
	if [ "$1" = refused ]; then
		[ $rc_ = 2 ] || fail "collector init took the passphrase '$2' (exit $rc_)"
		[ $rk_ = 2 ] || fail "trustee keygen took the passphrase '$2' (exit $rk_)"
		grep -q 'passphrase refused: .*12 characters or more' "$T/err" ||
			fail "'$2': no clear message: $(cat "$T/err")"
		[ ! -e "$T/d.$n_" ] || fail "'$2': a half-made device directory is left"
		[ ! -e "$T/w.$n_.key" ] || fail "'$2': a trustee key was written"
		[ $refused -gt 0 ] || sed 's/^/  /' "$T/err"
		refused=$((refused + 1))
	else
		[ $rc_ = 0 ] || fail "collector init refused '$2': $(cat "$T/err")"
		[ $rk_ = 0 ] || fail "trustee keygen refused '$2': $(cat "$T/err.t")"
		taken=$((taken + 1))
	fi
}
try refused 1
try refused password
try refused 'Password2024!'
try refused aaaaaaaaaaaaaaaa
try refused abcdefghijklmnop
try refused 'tallyvan2021'
try refused 123456789012
try taken 'copper violin marsh teapot'
try taken 'Sunny-Tuesday-41-Lamp'
try taken "$(head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-$//')"
# The keystore opens with its passphrase.
"$BIN/collector" export --dir "$T/d.7" --passphrase-file "$T/p.7" \
	--out "$T/x" >/dev/null || fail "the new keystore does not open"
echo "new passphrases: $refused weak ones refused with a message (nothing written), $taken strong ones taken"
