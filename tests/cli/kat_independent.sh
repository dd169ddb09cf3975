# SPDX-License-Identifier: MIT
# The proof and threshold test vectors (tests/kat/proof.exp, checked byte
# for byte by tests/unit/t_kat_proof) are reproduced by an independent
# implementation: pure Python, its own ristretto255 from RFC 9496, hashlib.
# It also fails on a changed vector.
. tests/cli/lib.sh
python3 "$TOP/tests/kat/proof_check.py" "$TOP/tests/kat/proof.exp"
sed '5s/[0-9a-f]\([^0-9a-f]*\)$/0\1/' "$TOP/tests/kat/proof.exp" >"$T/bad.exp"
cmp -s "$T/bad.exp" "$TOP/tests/kat/proof.exp" && sed -i '5s/0\([^0-9a-f]*\)$/1\1/' "$T/bad.exp"
cmp -s "$T/bad.exp" "$TOP/tests/kat/proof.exp" && fail "could not change a vector"
if python3 "$TOP/tests/kat/proof_check.py" "$T/bad.exp" >/dev/null 2>&1; then
	fail "the checker accepted a changed vector"
fi
echo "a changed vector is refused"

# docs/formats.md (Part IV) publishes the same vectors, byte for byte.
missing=0
while IFS= read -r line; do
	grep -qF -- "$line" "$TOP/docs/formats.md" || missing=$((missing + 1))
done <"$TOP/tests/kat/proof.exp"
[ "$missing" -eq 0 ] || fail "$missing vector lines of proof.exp are not in docs/formats.md"
echo "docs/formats.md holds every vector of proof.exp"
