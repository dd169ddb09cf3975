/* SPDX-License-Identifier: MIT */
/*
 * t_proof.c - 0/1, sum and DLEQ proofs: completeness, soundness against
 * the attacks of crypto-notes §4.6 (replay under another id or slot,
 * false statements, non-canonical encodings, re-randomisation), and the
 * transcript layout of proof.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "crypto/proof_internal.h"
#include "tests/unit/tap.h"

#define K 3
#define CT (TV_CT_BYTES(K))

/* L, little-endian. */
static const uint8_t order[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

static uint8_t x[K][32], X[K * 32], ctx[32], dev[32];

/* A one-hot record (bit set in slot `hot`) and its r. */
struct rec {
	uint8_t ct[CT], r[32];
	uint8_t m[K];
};

static const uint8_t *
Rof(const struct rec *rc)
{
	return rc->ct;
}

static const uint8_t *
Cof(const struct rec *rc, unsigned i)
{
	return rc->ct + 32 * (i + 1);
}

static void
make_rec(struct rec *rc, const uint8_t m[K])
{
	memcpy(rc->m, m, K);
	if (tv_elgamal_encrypt_r(rc->ct, rc->r, X, m, K, NULL, 0) != 0)
		memset(rc->ct, 0, CT);
}

/* out = a + b as 256-bit integers (no reduction). */
static void
add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
	unsigned carry = 0, v;
	int i;

	for (i = 0; i < 32; i++) {
		v = (unsigned)a[i] + b[i] + carry;
		out[i] = (uint8_t)v;
		carry = v >> 8;
	}
}

static void
small(uint8_t s[32], unsigned v)
{
	memset(s, 0, 32);
	s[0] = (uint8_t)v;
	s[1] = (uint8_t)(v >> 8);
}

/* XS, CS = sums of the keys and of the C_i of rc over all K slots. */
static void
group_sums(uint8_t XS[32], uint8_t CS[32], const struct rec *rc)
{
	unsigned i;

	memcpy(XS, tv_identity, 32);
	memcpy(CS, tv_identity, 32);
	for (i = 0; i < K; i++) {
		tv_point_add(XS, XS, X + 32 * i);
		tv_point_add(CS, CS, Cof(rc, i));
	}
}

static void
test_encrypt_r(void)
{
	static const uint8_t m[K] = { 0, 1, 0 }, bad[K] = { 0, 2, 0 };
	uint8_t ct[CT], r[32], rG[32], rX[32], C[32];

	is_int(0, tv_elgamal_encrypt_r(ct, r, X, m, K, NULL, 9),
	    "tv_elgamal_encrypt_r");
	tv_point_mulbase(rG, r);
	is_mem(rG, ct, 32, "... R == r*G");
	tv_point_mul(rX, r, X + 32);
	tv_point_add(C, rX, tv_generator);
	is_mem(C, ct + 64, 32, "... C_2 == r*X_2 + G");
	ok(tv_scalar_ok(r) && !sodium_is_zero(r, 32), "... r canonical, != 0");
	is_int(TV_ERR_RANGE, tv_elgamal_encrypt_r(ct, r, X, bad, K, NULL, 9),
	    "tv_elgamal_encrypt_r rejects m = 2");
	ok(sodium_is_zero(r, 32) && sodium_is_zero(ct, CT),
	    "... and zeroes r and ct");
}

static void
test_transcript(void)
{
	struct tv_transcript t;
	crypto_generichash_state st;
	uint8_t c[32], want[32], h[64], buf[64];
	uint8_t f1[3] = { 1, 2, 3 };
	size_t n = 0;

	/* The layout of proof.h, written out by hand. */
	memcpy(buf, "tallyvan/proof/v1", 18);	/* with its NUL */
	n = 18;
	buf[n++] = 4;
	memcpy(buf + n, "test", 4);
	n += 4;
	memcpy(buf + n, "\x03\x00\x00\x00\x01\x02\x03", 7);
	n += 7;
	memcpy(buf + n, "\x04\x00\x00\x00\x78\x56\x34\x12", 8);
	n += 8;
	crypto_generichash_init(&st, NULL, 0, 64);
	crypto_generichash_update(&st, buf, n);
	crypto_generichash_final(&st, h, 64);
	crypto_core_ristretto255_scalar_reduce(want, h);

	tv_transcript_init(&t, "test");
	tv_transcript_put(&t, f1, 3);
	tv_transcript_put_u32(&t, 0x12345678);
	tv_transcript_challenge(&t, c);
	is_mem(c, want, 32, "transcript: domain NUL, u8 label, u32le fields");
	ok(tv_scalar_ok(c), "challenge is canonical");

	/* Length prefixes: ("ab","c") and ("a","bc") differ. */
	tv_transcript_init(&t, "test");
	tv_transcript_put(&t, "ab", 2);
	tv_transcript_put(&t, "c", 1);
	tv_transcript_challenge(&t, c);
	tv_transcript_init(&t, "test");
	tv_transcript_put(&t, "a", 1);
	tv_transcript_put(&t, "bc", 2);
	tv_transcript_challenge(&t, want);
	ok(memcmp(c, want, 32) != 0, "fields are unambiguous");
	tv_transcript_init(&t, "tesu");
	tv_transcript_put(&t, "a", 1);
	tv_transcript_put(&t, "bc", 2);
	tv_transcript_challenge(&t, c);
	ok(memcmp(c, want, 32) != 0, "the label separates proof types");
}

static void
test_proof01_complete(void)
{
	static const uint8_t vecs[3][K] = { { 1, 0, 0 }, { 0, 1, 0 },
	    { 0, 0, 1 } };
	struct rec rc;
	uint8_t p[TV_PROOF01_BYTES], p2[TV_PROOF01_BYTES];
	unsigned v, i, n = 0, good = 0;

	for (v = 0; v < 3; v++) {
		make_rec(&rc, vecs[v]);
		for (i = 0; i < K; i++) {
			n++;
			if (tv_proof01_prove(p, ctx, dev, i, X + 32 * i,
			    Rof(&rc), Cof(&rc, i), rc.r, rc.m[i]) == 0 &&
			    tv_proof01_verify(p, ctx, dev, i, X + 32 * i,
			    Rof(&rc), Cof(&rc, i)) == 0)
				good++;
		}
	}
	is_int(n, good, "0/1 proofs of bits 0 and 1 in every slot verify");

	/* Hedged nonces: the same statement twice gives two proofs. */
	make_rec(&rc, vecs[1]);
	is_int(0, tv_proof01_prove(p, ctx, dev, 1, X + 32, Rof(&rc),
	    Cof(&rc, 1), rc.r, 1), "prove");
	is_int(0, tv_proof01_prove(p2, ctx, dev, 1, X + 32, Rof(&rc),
	    Cof(&rc, 1), rc.r, 1), "prove again");
	ok(memcmp(p, p2, sizeof p) != 0, "two proofs of one statement differ");
	is_int(0, tv_proof01_verify(p2, ctx, dev, 1, X + 32, Rof(&rc),
	    Cof(&rc, 1)), "... and both verify");
}

static void
test_proof01_reject(void)
{
	static const uint8_t m[K] = { 0, 1, 0 };
	struct rec rc;
	uint8_t p[TV_PROOF01_BYTES], q[TV_PROOF01_BYTES];
	uint8_t other[32], C2[32], Rb[32], Cb[32], Xb[32], zG[32], zLG[32];
	const uint8_t *R, *C;

	make_rec(&rc, m);
	R = Rof(&rc);
	C = Cof(&rc, 1);
	is_int(0, tv_proof01_prove(p, ctx, dev, 1, X + 32, R, C, rc.r, 1),
	    "prove slot 1 (bit 1)");

	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, ctx, dev, 2, X + 32, R, C),
	    "rejected under another slot index");
	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, ctx, dev, 2, X + 64, R,
	    Cof(&rc, 2)), "rejected for slot 2's key and ciphertext");
	memcpy(other, dev, 32);
	other[0] ^= 1;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, ctx, other, 1, X + 32, R,
	    C), "rejected under another device id");
	memcpy(other, ctx, 32);
	other[31] ^= 0x80;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, other, dev, 1, X + 32, R,
	    C), "rejected under another context");
	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, ctx, dev, 1, X + 32, R,
	    Cof(&rc, 0)), "rejected for another C");

	memcpy(q, p, sizeof q);
	q[0] ^= 1;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "flipped c0 byte rejected");
	memcpy(q, p, sizeof q);
	q[32 + 5] ^= 0x10;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "flipped c1 byte rejected");
	memcpy(q, p, sizeof q);
	q[64] ^= 1;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "flipped z0 byte rejected");
	memcpy(q, p, sizeof q);
	q[96 + 9] ^= 4;
	is_int(TV_ERR_BADSIG, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "flipped z1 byte rejected");

	/* z + L names the same z*G: only the canonical check stops it. */
	memcpy(q, p, sizeof q);
	add256(q + 64, p + 64, order);
	tv_point_mulbase(zG, p + 64);
	tv_point_mulbase(zLG, q + 64);
	is_mem(zG, zLG, 32, "(z0 + L)*G == z0*G (why the check matters)");
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "non-canonical z0 + L rejected");
	memcpy(q, p, sizeof q);
	add256(q + 32, p + 32, order);
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(q, ctx, dev, 1, X + 32, R, C),
	    "non-canonical c1 + L rejected");

	memcpy(Rb, R, 32);
	Rb[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(p, ctx, dev, 1, X + 32, Rb, C),
	    "bit-255 R rejected");
	memcpy(Cb, C, 32);
	Cb[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(p, ctx, dev, 1, X + 32, R, Cb),
	    "bit-255 C rejected");
	memcpy(Xb, X + 32, 32);
	Xb[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(p, ctx, dev, 1, Xb, R, C),
	    "bit-255 X rejected");
	is_int(TV_ERR_CRYPTO, tv_proof01_verify(p, ctx, dev, 1, X + 32,
	    tv_identity, C), "R = identity rejected");
	is_int(TV_ERR_CRYPTO, tv_proof01_prove(q, ctx, dev, 1, X + 32,
	    tv_identity, tv_generator, tv_identity, 1),
	    "prover refuses r = 0 (R = identity, C = G)");

	/* C encrypting 2: no bit fits, the prover refuses both. */
	tv_point_add(C2, C, tv_generator);
	is_int(TV_ERR_BADSIG, tv_proof01_prove(q, ctx, dev, 1, X + 32, R, C2,
	    rc.r, 1), "prover refuses C encrypting 2 (claimed 1)");
	ok(sodium_is_zero(q, sizeof q), "... and zeroes the proof");
	is_int(TV_ERR_BADSIG, tv_proof01_prove(q, ctx, dev, 1, X + 32, R, C2,
	    rc.r, 0), "prover refuses C encrypting 2 (claimed 0)");
	is_int(TV_ERR_BADSIG, tv_proof01_verify(p, ctx, dev, 1, X + 32, R, C2),
	    "C encrypting 2 rejected with the proof for 1");
	is_int(TV_ERR_BADSIG, tv_proof01_prove(q, ctx, dev, 1, X + 32, R, C,
	    rc.r, 0), "prover refuses a wrong bit");
	is_int(TV_ERR_RANGE, tv_proof01_prove(q, ctx, dev, 1, X + 32, R, C,
	    rc.r, 2), "prover refuses m = 2");
	is_int(TV_ERR_CRYPTO, tv_proof01_prove(q, ctx, dev, 1, tv_identity, R,
	    C, rc.r, 1), "prover refuses an identity key");
}

/*
 * crypto-notes §4.6: R' = R + dG, C' = C + dX, every z += c*d.  The
 * recomputed commitments are unchanged (asserted: the attack would pass
 * a weak-FS verifier), so only hashing R and C stops it.
 */
static void
test_mauling(void)
{
	static const uint8_t m[K] = { 1, 0, 0 };
	struct rec rc, mauled;
	uint8_t d[32], dG[32], dX[32], cd[32], t[32];
	uint8_t p[K][TV_PROOF01_BYTES], mp[K][TV_PROOF01_BYTES];
	uint8_t ps[TV_PROOFSUM_BYTES], mps[TV_PROOFSUM_BYTES];
	uint8_t XS[32], CS[32], mCS[32], A[32], mA[32], zG[32], cR[32];
	unsigned i, b, rejected = 0;

	make_rec(&rc, m);
	mauled = rc;
	crypto_core_ristretto255_scalar_random(d);
	tv_point_mulbase(dG, d);
	tv_point_add(mauled.ct, rc.ct, dG);
	for (i = 0; i < K; i++) {
		tv_point_mul(dX, d, X + 32 * i);
		tv_point_add(mauled.ct + 32 * (i + 1), Cof(&rc, i), dX);
		tv_proof01_prove(p[i], ctx, dev, i, X + 32 * i, Rof(&rc),
		    Cof(&rc, i), rc.r, m[i]);
		memcpy(mp[i], p[i], TV_PROOF01_BYTES);
		for (b = 0; b < 2; b++) {
			crypto_core_ristretto255_scalar_mul(cd, p[i] + 32 * b,
			    d);
			crypto_core_ristretto255_scalar_add(t,
			    p[i] + 64 + 32 * b, cd);
			memcpy(mp[i] + 64 + 32 * b, t, 32);
		}
	}
	ok(tv_ct_ok(mauled.ct, K), "mauled record is well formed");

	/* A_0 = z0*G - c0*R, before and after mauling. */
	tv_point_mulbase(zG, p[0] + 64);
	tv_point_mul(cR, p[0], Rof(&rc));
	tv_point_sub(A, zG, cR);
	tv_point_mulbase(zG, mp[0] + 64);
	tv_point_mul(cR, mp[0], Rof(&mauled));
	tv_point_sub(mA, zG, cR);
	is_mem(A, mA, 32, "mauling keeps the commitments (weak FS would pass)");

	for (i = 0; i < K; i++)
		if (tv_proof01_verify(mp[i], ctx, dev, i, X + 32 * i,
		    Rof(&mauled), Cof(&mauled, i)) == TV_ERR_BADSIG)
			rejected++;
	is_int(K, rejected, "every mauled 0/1 proof is REJECTED");

	group_sums(XS, CS, &rc);
	group_sums(XS, mCS, &mauled);
	is_int(0, tv_proofsum_prove(ps, ctx, dev, 0, 1, XS, Rof(&rc), CS,
	    rc.r), "sum proof of the original");
	memcpy(mps, ps, sizeof mps);
	crypto_core_ristretto255_scalar_mul(cd, ps, d);
	crypto_core_ristretto255_scalar_add(mps + 32, ps + 32, cd);
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(mps, ctx, dev, 0, 1, XS,
	    Rof(&mauled), mCS), "mauled sum proof is REJECTED");
	is_int(0, tv_proofsum_verify(ps, ctx, dev, 0, 1, XS, Rof(&rc), CS),
	    "the original still verifies");
}

static void
test_proofsum(void)
{
	static const uint8_t onehot[K] = { 0, 0, 1 };
	static const uint8_t two[K] = { 1, 0, 1 };
	struct rec rc, r2;
	uint8_t p[TV_PROOFSUM_BYTES], q[TV_PROOFSUM_BYTES];
	uint8_t XS[32], CS[32], CS2[32], other[32], Rb[32];

	make_rec(&rc, onehot);
	group_sums(XS, CS, &rc);
	is_int(0, tv_proofsum_prove(p, ctx, dev, 7, 1, XS, Rof(&rc), CS,
	    rc.r), "one-hot group: prove sum 1");
	is_int(0, tv_proofsum_verify(p, ctx, dev, 7, 1, XS, Rof(&rc), CS),
	    "one-hot group: accepted");
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(p, ctx, dev, 7, 2, XS,
	    Rof(&rc), CS), "wrong sum (2) rejected");
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(p, ctx, dev, 7, 0, XS,
	    Rof(&rc), CS), "wrong sum (0) rejected");
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(p, ctx, dev, 8, 1, XS,
	    Rof(&rc), CS), "another group id rejected");
	memcpy(other, dev, 32);
	other[3] ^= 1;
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(p, ctx, other, 7, 1, XS,
	    Rof(&rc), CS), "another device id rejected");
	is_int(TV_ERR_BADSIG, tv_proofsum_prove(q, ctx, dev, 7, 2, XS,
	    Rof(&rc), CS, rc.r), "prover refuses a wrong sum");

	make_rec(&r2, two);
	group_sums(XS, CS2, &r2);
	is_int(TV_ERR_BADSIG, tv_proofsum_prove(q, ctx, dev, 7, 1, XS,
	    Rof(&r2), CS2, r2.r), "group summing to 2: prover refuses sum 1");
	ok(sodium_is_zero(q, sizeof q), "... and zeroes the proof");
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(p, ctx, dev, 7, 1, XS,
	    Rof(&r2), CS2), "group summing to 2 rejected (replayed proof)");
	is_int(0, tv_proofsum_prove(q, ctx, dev, 7, 2, XS, Rof(&r2), CS2,
	    r2.r), "... its true sum 2 proves");
	is_int(0, tv_proofsum_verify(q, ctx, dev, 7, 2, XS, Rof(&r2), CS2),
	    "... and verifies as 2");
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(q, ctx, dev, 7, 1, XS,
	    Rof(&r2), CS2), "... but not as 1");

	memcpy(q, p, sizeof q);
	add256(q + 32, p + 32, order);
	is_int(TV_ERR_CRYPTO, tv_proofsum_verify(q, ctx, dev, 7, 1, XS,
	    Rof(&rc), CS), "non-canonical z + L rejected");
	memcpy(q, p, sizeof q);
	q[33] ^= 1;
	is_int(TV_ERR_BADSIG, tv_proofsum_verify(q, ctx, dev, 7, 1, XS,
	    Rof(&rc), CS), "flipped z byte rejected");
	memcpy(Rb, Rof(&rc), 32);
	Rb[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_proofsum_verify(p, ctx, dev, 7, 1, XS, Rb,
	    CS), "bit-255 R rejected");
	is_int(TV_ERR_CRYPTO, tv_proofsum_verify(p, ctx, dev, 7, 1, XS,
	    tv_identity, CS), "R = identity rejected");
}

static void
test_dleq(void)
{
	static const uint8_t m[K] = { 0, 1, 0 };
	struct rec rc;
	uint8_t s[K][32], S[K][32], D[K][32], agg[32], other[32];
	uint8_t p[TV_DLEQ_BYTES], q[TV_DLEQ_BYTES], s1[32], one[32], Dw[32];
	uint8_t Db[32];
	const uint8_t *R;
	unsigned j;

	make_rec(&rc, m);
	R = Rof(&rc);
	randombytes_buf(agg, sizeof agg);
	for (j = 0; j < K; j++) {
		tv_elgamal_keygen(s[j], S[j]);
		tv_point_mul(D[j], s[j], R);
	}
	is_int(0, tv_dleq_prove(p, ctx, agg, 1, 4, S[0], R, D[0], s[0]),
	    "trustee 1 proves its partial decryption");
	is_int(0, tv_dleq_verify(p, ctx, agg, 1, 4, S[0], R, D[0]),
	    "correct share accepted");

	/* Wrong share: D' = (s+1)*R does not match S. */
	small(one, 1);
	crypto_core_ristretto255_scalar_add(s1, s[0], one);
	tv_point_mul(Dw, s1, R);
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, agg, 1, 4, S[0], R, Dw),
	    "wrong share's D rejected");
	is_int(TV_ERR_BADSIG, tv_dleq_prove(q, ctx, agg, 1, 4, S[0], R, Dw,
	    s1), "prover refuses a share that does not match S");
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, agg, 1, 4, S[0], R, D[1]),
	    "swapped D (another trustee's) rejected");
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, agg, 1, 4, S[1], R, D[1]),
	    "another trustee's (S, D) with this proof rejected");
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, agg, 2, 4, S[0], R, D[0]),
	    "another trustee index rejected");
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, agg, 1, 5, S[0], R, D[0]),
	    "another slot rejected");
	memcpy(other, agg, 32);
	other[7] ^= 0x40;
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, ctx, other, 1, 4, S[0], R,
	    D[0]), "another aggregate hash rejected");
	memcpy(other, ctx, 32);
	other[0] ^= 1;
	is_int(TV_ERR_BADSIG, tv_dleq_verify(p, other, agg, 1, 4, S[0], R,
	    D[0]), "another context rejected");

	is_int(TV_ERR_CRYPTO, tv_dleq_verify(p, ctx, agg, 1, 4, S[0], R,
	    tv_identity), "D = identity rejected");
	is_int(TV_ERR_CRYPTO, tv_dleq_verify(p, ctx, agg, 1, 4, S[0],
	    tv_identity, D[0]), "R = identity rejected");
	memcpy(Db, D[0], 32);
	Db[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_dleq_verify(p, ctx, agg, 1, 4, S[0], R, Db),
	    "bit-255 D rejected");
	memcpy(q, p, sizeof q);
	add256(q + 32, p + 32, order);
	is_int(TV_ERR_CRYPTO, tv_dleq_verify(q, ctx, agg, 1, 4, S[0], R, D[0]),
	    "non-canonical z + L rejected");
	memcpy(q, p, sizeof q);
	q[2] ^= 1;
	is_int(TV_ERR_BADSIG, tv_dleq_verify(q, ctx, agg, 1, 4, S[0], R, D[0]),
	    "flipped c byte rejected");
}

/*
 * The verifiers (one double multiplication per commitment, decision 41)
 * against the libsodium ones they replace (proof_internal.h): the same
 * answer on valid proofs, on every single-byte change of them, and on
 * proofs whose simulated challenge or response is 0 (c1 = 0 hit a libdecaf
 * 1.0.2 bug: its variable-time a*G + b*P returns the identity for b = 0).
 */
static void
test_old_new(void)
{
	static const uint8_t zero[32];
	uint8_t p[TV_PROOF01_BYTES], q[TV_PROOF01_BYTES], w[32], zf[32];
	uint8_t ps[TV_PROOFSUM_BYTES], XS[32], CS[32];
	uint8_t s[32], S[32], D[32], agg[32], pd[TV_DLEQ_BYTES];
	struct rec rc;
	uint8_t m[K] = { 0, 1, 0 };
	unsigned i, j, v, n = 0, same = 0, ok_new = 0, ok_old = 0;

	for (v = 0; v < 4; v++) {
		m[0] = (uint8_t)(v & 1);
		make_rec(&rc, m);
		for (i = 0; i < K; i++) {
			if (tv_proof01_prove(p, ctx, dev, i, X + 32 * i,
			    Rof(&rc), Cof(&rc, i), rc.r, rc.m[i]) != 0)
				continue;
			for (j = 0; j <= TV_PROOF01_BYTES; j++) {
				memcpy(q, p, sizeof q);
				if (j < TV_PROOF01_BYTES)
					q[j] ^= (uint8_t)(1u << (j % 8));
				n++;
				same += tv_proof01_verify(q, ctx, dev, i,
				    X + 32 * i, Rof(&rc), Cof(&rc, i)) ==
				    tv_proof01_verify_sodium(q, ctx, dev, i,
				    X + 32 * i, Rof(&rc), Cof(&rc, i));
			}
		}
	}
	is_int(n, same, "0/1 proofs and every 1-bit change of them: new and "
	    "libsodium verifiers agree");
	for (v = 0; v < 4; v++) {
		m[1] = (uint8_t)(v & 1);
		make_rec(&rc, m);
		randombytes_buf(w, sizeof w);
		randombytes_buf(zf, sizeof zf);
		/* simulated branch's challenge 0; v >= 2: its response too */
		if (tv_proof01_prove_nonces(p, ctx, dev, 1, X + 32, Rof(&rc),
		    Cof(&rc, 1), rc.r, rc.m[1], w, zero, v >= 2 ? zero : zf)
		    != 0)
			continue;
		ok_new += tv_proof01_verify(p, ctx, dev, 1, X + 32, Rof(&rc),
		    Cof(&rc, 1)) == 0;
		ok_old += tv_proof01_verify_sodium(p, ctx, dev, 1, X + 32,
		    Rof(&rc), Cof(&rc, 1)) == 0;
	}
	is_int(4, ok_old, "proofs with a zero simulated challenge: libsodium "
	    "verifier accepts");
	is_int(4, ok_new, "... and so does the new one");

	m[0] = 0;
	m[1] = 1;	/* one-hot: the group sums to 1 */
	make_rec(&rc, m);
	group_sums(XS, CS, &rc);
	n = same = 0;
	if (tv_proofsum_prove(ps, ctx, dev, 7, 1, XS, Rof(&rc), CS, rc.r) == 0)
		for (j = 0; j <= TV_PROOFSUM_BYTES; j++) {
			uint8_t t[TV_PROOFSUM_BYTES];

			memcpy(t, ps, sizeof t);
			if (j < TV_PROOFSUM_BYTES)
				t[j] ^= 0x10;
			for (v = 0; v < 3; v++, n++)
				same += tv_proofsum_verify(t, ctx, dev, 7, v,
				    XS, Rof(&rc), CS) ==
				    tv_proofsum_verify_sodium(t, ctx, dev, 7,
				    v, XS, Rof(&rc), CS);
		}
	ok(n > 0 && n == same, "sum proofs, changed bytes and wrong sums: "
	    "new and libsodium verifiers agree");

	tv_elgamal_keygen(s, S);
	tv_point_mul(D, s, Rof(&rc));
	randombytes_buf(agg, sizeof agg);
	n = same = 0;
	if (tv_dleq_prove(pd, ctx, agg, 1, 4, S, Rof(&rc), D, s) == 0)
		for (j = 0; j <= TV_DLEQ_BYTES; j++) {
			uint8_t t[TV_DLEQ_BYTES];

			memcpy(t, pd, sizeof t);
			if (j < TV_DLEQ_BYTES)
				t[j] ^= 0x02;
			n++;
			same += tv_dleq_verify(t, ctx, agg, 1, 4, S, Rof(&rc),
			    D) == tv_dleq_verify_sodium(t, ctx, agg, 1, 4, S,
			    Rof(&rc), D);
		}
	ok(n > 0 && n == same, "DLEQ proofs and changed bytes: new and "
	    "libsodium verifiers agree");
}

static double
usec_since(const struct timespec *t0, int n)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0->tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e3) / n;
}

/* Cost per proof, reported as TAP comments (not a pass/fail check). */
static void
bench(void)
{
	static const uint8_t m[K] = { 0, 1, 0 };
	struct rec rc;
	struct timespec t0;
	uint8_t p[TV_PROOF01_BYTES], XS[32], CS[32], s[32], S[32], D[32];
	int i, n = 100, bad = 0;

	make_rec(&rc, m);
	group_sums(XS, CS, &rc);
	tv_elgamal_keygen(s, S);
	tv_point_mul(D, s, Rof(&rc));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_proof01_prove(p, ctx, dev, 1, X + 32, Rof(&rc),
		    Cof(&rc, 1), rc.r, 1);
	printf("# proof01 prove  %7.1f us (includes self-verification)\n",
	    usec_since(&t0, n));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_proof01_verify(p, ctx, dev, 1, X + 32, Rof(&rc),
		    Cof(&rc, 1));
	printf("# proof01 verify %7.1f us\n", usec_since(&t0, n));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_proofsum_prove(p, ctx, dev, 0, 1, XS, Rof(&rc), CS,
		    rc.r);
	printf("# proofsum prove  %7.1f us\n", usec_since(&t0, n));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_proofsum_verify(p, ctx, dev, 0, 1, XS, Rof(&rc), CS);
	printf("# proofsum verify %7.1f us\n", usec_since(&t0, n));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_dleq_prove(p, ctx, ctx, 1, 0, S, Rof(&rc), D, s);
	printf("# dleq prove      %7.1f us\n", usec_since(&t0, n));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= tv_dleq_verify(p, ctx, ctx, 1, 0, S, Rof(&rc), D);
	printf("# dleq verify     %7.1f us\n", usec_since(&t0, n));
	is_int(0, bad, "benchmark proofs all verified");
}

int
main(void)
{
	unsigned i;

	is_int(0, tv_crypto_init(), "tv_crypto_init");
	for (i = 0; i < K; i++)
		tv_elgamal_keygen(x[i], X + 32 * i);
	randombytes_buf(ctx, sizeof ctx);
	randombytes_buf(dev, sizeof dev);
	test_encrypt_r();
	test_transcript();
	test_proof01_complete();
	test_proof01_reject();
	test_mauling();
	test_proofsum();
	test_dleq();
	test_old_new();
	bench();
	return tap_done();
}
