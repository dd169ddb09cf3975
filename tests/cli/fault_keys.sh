# SPDX-License-Identifier: MIT
# Keys at rest (TESTING.md K1), as an unprivileged user (nobody, through
# setpriv; as root, sodium_mlock would succeed past RLIMIT_MEMLOCK) with
# umask 022:
#  - a device keystore and a trustee key are created mode 0600 whatever the
#    umask; creating over an existing file or through a (dangling) symlink
#    is refused and writes nothing;
#  - unlocking a keystore with a wrong passphrase or one flipped byte (in
#    the box or the header) is refused with a clear message (exit 1: the
#    key file's check failed, docs/operations.md "Exit status"), and with
#    mode 0644, a symlink in its place, or a foreign owner too (exit 2: an
#    unsafe set-up), never a crash;
#  - a passphrase file of mode 0644 is refused too.
# Not root: runs as the current user and skips the foreign-owner case.
. tests/cli/lib.sh

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
campaign "$T/c" "$TOP/tests/fault/plan.json"
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"
	U=$T/nobody
	mkdir "$U"
	chmod 711 "$T"
	chown nobody "$U"
	as() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	who="nobody"
	# The binaries must be reachable by nobody: copy them if not.
	if ! as test -x "$BIN/collector"; then
		mkdir "$U/bin"
		cp "$BIN/collector" "$BIN/trustee" "$U/bin/"
		chown -R nobody "$U/bin"
		BIN=$U/bin
	fi
else
	U=$T/user
	mkdir "$U"
	as() { "$@"; }
	who=$(id -un)
fi
cp "$T/c/campaign.json" "$U/campaign.json"
chmod 644 "$U/campaign.json"
as sh -c "umask 022; head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-\$//' >'$U/pass'; chmod 600 '$U/pass'"
as sh -c "umask 022; head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-\$//' >'$U/wrong'; chmod 600 '$U/wrong'"
checks=0
ok() { checks=$((checks + 1)); }

# unlock CODE MESSAGE: a command that unlocks the keystore must fail with
# exit CODE and MESSAGE.
unlock() {
	want=$1
	shift
	set +e
	as "$BIN/collector" export --dir "$U/d" --passphrase-file "${PASS:-$U/pass}" \
		--out "$U/out" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq "$want" ] || { cat "$T/err"; fail "$1: exit $rc, want $want"; }
	grep -q "$1" "$T/err" || fail "want '$1', got: $(cat "$T/err")"
	echo "refused: $(cat "$T/err")"
	ok
}

# Creation: 0600 whatever the umask.
as sh -c "umask 022; '$BIN/collector' init --dir '$U/d' --campaign '$U/campaign.json' \
	--kdf interactive --passphrase-file '$U/pass'" >/dev/null
[ "$(stat -c '%a %U' "$U/d/keystore")" = "600 $who" ] ||
	fail "keystore created $(stat -c '%a %U' "$U/d/keystore")"
ok
as sh -c "umask 022; '$BIN/trustee' keygen --name t --key '$U/t.key' --pub '$U/t.pub' \
	--kdf interactive --passphrase-file '$U/pass'" >/dev/null
[ "$(stat -c %a "$U/t.key")" = 600 ] || fail "trustee key created $(stat -c %a "$U/t.key")"
ok
# Exclusive: not over an existing file, not through a symlink.
sum=$(sha256sum <"$U/t.key")
set +e
as "$BIN/trustee" keygen --name t --key "$U/t.key" --pub "$U/t2.pub" \
	--kdf interactive --passphrase-file "$U/pass" >/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ "$(sha256sum <"$U/t.key")" = "$sum" ] || fail "keygen overwrote a key"
echo "refused: $(cat "$T/err")"
ok
as ln -s "$U/elsewhere.key" "$U/link.key"
set +e
as "$BIN/trustee" keygen --name t --key "$U/link.key" --pub "$U/t3.pub" \
	--kdf interactive --passphrase-file "$U/pass" >/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ ! -e "$U/elsewhere.key" ] || fail "keygen wrote through a symlink"
echo "refused: $(cat "$T/err")"
ok

# A good unlock first (the keystore is fine).
as "$BIN/collector" export --dir "$U/d" --passphrase-file "$U/pass" --out "$U/out" >/dev/null
ok
PASS=$U/wrong unlock 1 "wrong passphrase or corrupted key file"
cp -p "$U/d/keystore" "$T/keystore.good"
size=$(stat -c %s "$U/d/keystore")
for off in $((size - 20)) 40 8; do	# in the box, the salt, the kind
	cp -p "$T/keystore.good" "$U/d/keystore"
	# Flip the byte's low bit (writing a fixed byte left the file as it
	# was when that byte was already there: 1 run in 256 per offset).
	b=$(od -An -tu1 -j "$off" -N1 "$T/keystore.good" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf '%03o' $((b ^ 1)))" |
		dd of="$U/d/keystore" bs=1 seek=$off conv=notrunc 2>/dev/null
	cmp -s "$T/keystore.good" "$U/d/keystore" && fail "offset $off: nothing flipped"
	unlock 1 "keystore.*\\(wrong passphrase or corrupted key file\\|malformed input\\)"
done
cp -p "$T/keystore.good" "$U/d/keystore"
chmod 644 "$U/d/keystore"
unlock 2 "unsafe file permissions or ownership"
chmod 600 "$U/d/keystore"
mv "$U/d/keystore" "$U/d/keystore.real"
as ln -s "$U/d/keystore.real" "$U/d/keystore"
unlock 2 "unsafe file permissions or ownership"
rm "$U/d/keystore"
mv "$U/d/keystore.real" "$U/d/keystore"
as chmod 644 "$U/pass"
unlock 2 "passphrase file.*want mode 0600"
as chmod 600 "$U/pass"
if [ "$(id -u)" -eq 0 ]; then
	# Foreign owner, both ways: root's file read by nobody, and
	# nobody's file read by root.
	chown root "$U/d/keystore"
	unlock 2 "unsafe file permissions or ownership"
	chown nobody "$U/d/keystore"
	set +e
	"$BIN/collector" export --dir "$U/d" --passphrase-file "$T/c/pass" \
		--out "$T/o" >/dev/null 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] && grep -q "unsafe file permissions or ownership" "$T/err" ||
		fail "root used nobody's keystore: $(cat "$T/err")"
	echo "refused: $(cat "$T/err")"
	ok
else
	echo "skipped: foreign owner (needs root to chown)"
fi
as "$BIN/collector" export --dir "$U/d" --passphrase-file "$U/pass" --out "$U/out" >/dev/null ||
	fail "the restored keystore no longer opens"
mkdir -p "$TOP/$B/figures"
echo "keys at rest (as $who, umask 022): $checks checks: created 0600 exclusively, no write through a symlink; wrong passphrase, 3 flipped bytes, mode 0644, symlink, foreign owner, unsafe passphrase file: refused with a message" |
	tee "$TOP/$B/figures/fault_keys.txt"
