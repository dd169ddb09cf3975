/* SPDX-License-Identifier: MIT */
/*
 * proof.c - 0/1, sum and DLEQ proofs over ristretto255 with strong
 * Fiat-Shamir (crypto-notes §4; byte layout in docs/formats.md, Part IV).
 *
 * Every verifier rejects non-canonical scalars and points before hashing:
 * z and z + L give the same z*G, and a bit-255 encoding is a second name
 * for the same point, so either would make proofs malleable.  Every prover
 * checks its own proof, so a fault or a false statement never leaves this
 * file as a proof.  Witnesses and nonces are wiped on every path.
 */
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "gpoint.h"
#include "group.h"
#include "proof.h"
#include "proof_internal.h"

#define DIGEST_BYTES 64		/* BLAKE2b-512, reduced to a scalar */
#define HEDGE_KEY_BYTES 32
#define MAX_NONCES 3

/* Hashed with its terminating NUL: sizeof, not strlen. */
static const char transcript_domain[] = "tallyvan/proof/v1";
static const char nonce_domain[] = "tallyvan/proof-nonce/v1";

static const char label_bit01[] = "bit01";
static const char label_sum[] = "sum";
static const char label_pdec[] = "pdec";

void
tv_transcript_init(struct tv_transcript *t, const char *label)
{
	size_t n = strlen(label);
	uint8_t n8 = (uint8_t)n;

	assert(n <= UINT8_MAX);
	(void)crypto_generichash_init(&t->st, NULL, 0, DIGEST_BYTES);
	(void)crypto_generichash_update(&t->st,
	    (const uint8_t *)transcript_domain, sizeof transcript_domain);
	(void)crypto_generichash_update(&t->st, &n8, 1);
	(void)crypto_generichash_update(&t->st, (const uint8_t *)label, n);
}

void
tv_transcript_put(struct tv_transcript *t, const void *field, size_t len)
{
	uint8_t le[4];
	int i;

	assert(len <= UINT32_MAX);
	for (i = 0; i < 4; i++)
		le[i] = (uint8_t)((uint64_t)len >> (8 * i));
	(void)crypto_generichash_update(&t->st, le, sizeof le);
	(void)crypto_generichash_update(&t->st, field, len);
}

void
tv_transcript_put_u32(struct tv_transcript *t, uint32_t v)
{
	uint8_t le[4];
	int i;

	for (i = 0; i < 4; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	tv_transcript_put(t, le, sizeof le);
}

static void
transcript_digest(struct tv_transcript *t, uint8_t h[DIGEST_BYTES])
{
	(void)crypto_generichash_final(&t->st, h, DIGEST_BYTES);
}

void
tv_transcript_challenge(struct tv_transcript *t, uint8_t c[32])
{
	uint8_t h[DIGEST_BYTES];

	transcript_digest(t, h);
	crypto_core_ristretto255_scalar_reduce(c, h);
	sodium_memzero(h, sizeof h);
}

/* out = in mod L, so scalar_add/sub (wrong on unreduced input) are safe
 * whatever the caller passed. */
static void
scalar_canon(uint8_t out[32], const uint8_t in[32])
{
	uint8_t wide[64] = { 0 };

	memcpy(wide, in, 32);
	crypto_core_ristretto255_scalar_reduce(out, wide);
	sodium_memzero(wide, sizeof wide);
}

/* z = w + c*x mod L. */
static void
respond(uint8_t z[32], const uint8_t w[32], const uint8_t c[32],
    const uint8_t x[32])
{
	uint8_t cx[32];

	crypto_core_ristretto255_scalar_mul(cx, c, x);
	crypto_core_ristretto255_scalar_add(z, w, cx);
	sodium_memzero(cx, sizeof cx);
}

/*
 * A = z*G - c*P and B = z*Y - c*Q: the commitments of a Chaum-Pedersen
 * proof that log_G P = log_Y Q, recomputed from (c, z).  The verifiers
 * use it, and so does the 0/1 prover for its simulated branch.
 */
static int
recommit(uint8_t A[32], uint8_t B[32], const uint8_t z[32],
    const uint8_t c[32], const uint8_t P[32], const uint8_t Y[32],
    const uint8_t Q[32])
{
	uint8_t zp[32], cp[32];
	int rc = TV_ERR_CRYPTO;

	tv_point_mulbase(zp, z);
	if (tv_point_mul(cp, c, P) != 0 || tv_point_sub(A, zp, cp) != 0)
		goto out;
	if (tv_point_mul(zp, z, Y) != 0 || tv_point_mul(cp, c, Q) != 0 ||
	    tv_point_sub(B, zp, cp) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(zp, sizeof zp);
	sodium_memzero(cp, sizeof cp);
	return rc;
}

/*
 * The verifiers' recommit: the same A and B, each as one double
 * multiplication on decoded points (crypto/gpoint.h, decision 41):
 * A = z*G + (-c)*P in variable time (every input is public: the proof
 * and the statement), B = z*Y + (-c)*Q.  The provers keep recommit()
 * (libsodium): their simulated branch's placement is secret.
 */
static int
recommit_g(uint8_t A[32], uint8_t B[32], const uint8_t z[32],
    const uint8_t c[32], const struct tv_gpoint *P,
    const struct tv_gpoint *Y, const struct tv_gpoint *Q)
{
	struct tv_gpoint r;
	uint8_t nc[32];

	if (tv_scalar_neg(nc, c) != 0 ||
	    tv_gpoint_double_mul_vt(&r, z, nc, P) != 0)
		return TV_ERR_CRYPTO;
	tv_gpoint_encode(A, &r);
	if (tv_gpoint_double_mul(&r, z, Y, nc, Q) != 0)
		return TV_ERR_CRYPTO;
	tv_gpoint_encode(B, &r);
	return 0;
}

/* recommit_g() on encoded points (decoded here: TV_ERR_CRYPTO if one is
 * not tv_point_ok). */
static int
recommit_vt(uint8_t A[32], uint8_t B[32], const uint8_t z[32],
    const uint8_t c[32], const uint8_t P[32], const uint8_t Y[32],
    const uint8_t Q[32])
{
	struct tv_gpoint gP, gY, gQ;

	if (tv_gpoint_decode(&gP, P) != 0 || tv_gpoint_decode(&gY, Y) != 0 ||
	    tv_gpoint_decode(&gQ, Q) != 0)
		return TV_ERR_CRYPTO;
	return recommit_g(A, B, z, c, &gP, &gY, &gQ);
}

typedef int recommit_fn(uint8_t[32], uint8_t[32], const uint8_t[32],
    const uint8_t[32], const uint8_t[32], const uint8_t[32],
    const uint8_t[32]);

/* 0 iff c == want, in constant time; the one comparison of a challenge. */
static int
challenge_eq(const uint8_t c[32], const uint8_t want[32])
{
	return sodium_memcmp(c, want, 32) == 0 ? 0 : TV_ERR_BADSIG;
}

/*
 * n nonces, each reduce(BLAKE2b-512(key = 32 fresh random bytes,
 * "tallyvan/proof-nonce/v1" || u8 i || witness || statement digest)).
 * Hedged: secret while either the RNG or the witness is, and fresh per
 * call, so the same r proving several slots never repeats a nonce.
 */
static void
hedge_nonces(uint8_t *nonces, unsigned n, const uint8_t *witness,
    size_t wlen, const struct tv_transcript *stmt)
{
	crypto_generichash_state st;
	struct tv_transcript copy = *stmt;
	uint8_t key[HEDGE_KEY_BYTES], sd[DIGEST_BYTES], h[DIGEST_BYTES];
	uint8_t i8;
	unsigned i;

	assert(n <= MAX_NONCES);
	transcript_digest(&copy, sd);
	randombytes_buf(key, sizeof key);
	for (i = 0; i < n; i++) {
		i8 = (uint8_t)i;
		(void)crypto_generichash_init(&st, key, sizeof key, sizeof h);
		(void)crypto_generichash_update(&st,
		    (const uint8_t *)nonce_domain, sizeof nonce_domain);
		(void)crypto_generichash_update(&st, &i8, 1);
		(void)crypto_generichash_update(&st, witness, wlen);
		(void)crypto_generichash_update(&st, sd, sizeof sd);
		(void)crypto_generichash_final(&st, h, sizeof h);
		crypto_core_ristretto255_scalar_reduce(nonces + 32 * i, h);
	}
	sodium_memzero(&st, sizeof st);
	sodium_memzero(key, sizeof key);
	sodium_memzero(h, sizeof h);
}

/* ---- 0/1 proof ---- */

static void
stmt01(struct tv_transcript *t, const uint8_t ctx[32],
    const uint8_t device[32], uint32_t slot, const uint8_t X[32],
    const uint8_t R[32], const uint8_t C[32])
{
	tv_transcript_init(t, label_bit01);
	tv_transcript_put(t, ctx, 32);
	tv_transcript_put(t, device, 32);
	tv_transcript_put_u32(t, slot);
	tv_transcript_put(t, X, 32);
	tv_transcript_put(t, R, 32);
	tv_transcript_put(t, C, 32);
}

/* 1 iff the public inputs of a 0/1 statement are well formed.  R = 0
 * (r = 0) would carry the bit in the clear yet still prove. */
static int
stmt01_ok(const uint8_t X[32], const uint8_t R[32], const uint8_t C[32])
{
	return tv_point_ok_nonid(X) && tv_point_ok_nonid(R) && tv_point_ok(C);
}

/* Both verifiers' last step: c0 + c1 must be the challenge of the
 * statement and the recomputed commitments.  0 or TV_ERR_CRYPTO. */
static int
proof01_challenge_ok(const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32],
    const uint8_t A0[32], const uint8_t B0[32], const uint8_t A1[32],
    const uint8_t B1[32])
{
	struct tv_transcript t;
	uint8_t c[32], csum[32];

	stmt01(&t, ctx, device, slot, X, R, C);
	tv_transcript_put(&t, A0, 32);
	tv_transcript_put(&t, B0, 32);
	tv_transcript_put(&t, A1, 32);
	tv_transcript_put(&t, B1, 32);
	tv_transcript_challenge(&t, c);
	crypto_core_ristretto255_scalar_add(csum, proof, proof + 32);
	return challenge_eq(csum, c);
}

static int
proof01_verify(recommit_fn *rf, const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32])
{
	uint8_t D1[32], A0[32], B0[32], A1[32], B1[32];
	const uint8_t *c0 = proof, *c1 = proof + 32;
	const uint8_t *z0 = proof + 64, *z1 = proof + 96;
	int rc = TV_ERR_CRYPTO;

	if (!tv_scalar_ok(c0) || !tv_scalar_ok(c1) || !tv_scalar_ok(z0) ||
	    !tv_scalar_ok(z1) || !stmt01_ok(X, R, C))
		goto out;
	if (tv_point_sub(D1, C, tv_generator) != 0 ||
	    rf(A0, B0, z0, c0, R, X, C) != 0 ||
	    rf(A1, B1, z1, c1, R, X, D1) != 0)
		goto out;
	rc = proof01_challenge_ok(proof, ctx, device, slot, X, R, C, A0, B0,
	    A1, B1);
out:
	return rc;
}

/*
 * The checks of proof01_verify(), with X, R and C decoded once (the
 * decoding is stmt01_ok's validity check: the same rules, and X, R not
 * the identity, whose canonical encoding is the 32 zero bytes) and both
 * commitments recomputed on the decoded points.  This is the per-indicator
 * cost of every verification pass.
 */
int
tv_proof01_verify(const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32])
{
	struct tv_gpoint gX, gR, gC, gD1, gG;
	uint8_t A0[32], B0[32], A1[32], B1[32];
	const uint8_t *c0 = proof, *c1 = proof + 32;
	const uint8_t *z0 = proof + 64, *z1 = proof + 96;

	if (!tv_scalar_ok(c0) || !tv_scalar_ok(c1) || !tv_scalar_ok(z0) ||
	    !tv_scalar_ok(z1))
		return TV_ERR_CRYPTO;
	if (tv_gpoint_decode(&gX, X) != 0 || tv_gpoint_decode(&gR, R) != 0 ||
	    tv_gpoint_decode(&gC, C) != 0 || sodium_is_zero(X, 32) ||
	    sodium_is_zero(R, 32))
		return TV_ERR_CRYPTO;
	tv_gpoint_generator(&gG);
	tv_gpoint_sub(&gD1, &gC, &gG);
	if (recommit_g(A0, B0, z0, c0, &gR, &gX, &gC) != 0 ||
	    recommit_g(A1, B1, z1, c1, &gR, &gX, &gD1) != 0)
		return TV_ERR_CRYPTO;
	return proof01_challenge_ok(proof, ctx, device, slot, X, R, C, A0, B0,
	    A1, B1);
}

int
tv_proof01_verify_sodium(const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32])
{
	return proof01_verify(recommit, proof, ctx, device, slot, X, R, C);
}

/*
 * The four commitments (A0, B0, A1, B1) of crypto-notes §4.2.  The real
 * branch (bit m) commits with w; the other branch f = 1 - m is simulated
 * from (cf, zf).  Which is which is decided by tv_cmov on m only, never
 * by a branch or an index.
 */
static int
commit01(uint8_t com[4][32], const uint8_t X[32], const uint8_t R[32],
    const uint8_t C[32], unsigned m, const uint8_t w[32],
    const uint8_t cf[32], const uint8_t zf[32])
{
	uint8_t D1[32], Df[32], Ar[32], Br[32], As[32], Bs[32];
	int rc = TV_ERR_CRYPTO;

	tv_point_mulbase(Ar, w);
	if (tv_point_mul(Br, w, X) != 0)
		goto out;
	/* D_f = C - f*G: C - G when m = 0, C when m = 1.  Both candidates
	 * are public; only the selection depends on m. */
	if (tv_point_sub(D1, C, tv_generator) != 0)
		goto out;
	tv_cmov(Df, D1, C, m, 32);
	if (recommit(As, Bs, zf, cf, R, X, Df) != 0)
		goto out;
	tv_cmov(com[0], Ar, As, m, 32);
	tv_cmov(com[1], Br, Bs, m, 32);
	tv_cmov(com[2], As, Ar, m, 32);
	tv_cmov(com[3], Bs, Br, m, 32);
	rc = 0;
out:
	sodium_memzero(Df, sizeof Df);
	sodium_memzero(Ar, sizeof Ar);
	sodium_memzero(Br, sizeof Br);
	sodium_memzero(As, sizeof As);
	sodium_memzero(Bs, sizeof Bs);
	return rc;
}

int
tv_proof01_prove_nonces(uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32],
    const uint8_t r[32], unsigned m, const uint8_t w_in[32],
    const uint8_t cf_in[32], const uint8_t zf_in[32])
{
	struct tv_transcript t;
	uint8_t w[32], cf[32], zf[32], rr[32], cm[32], zm[32], c[32];
	uint8_t com[4][32];
	int i, rc = TV_ERR_RANGE;

	if (m > 1)
		goto out;
	rc = TV_ERR_CRYPTO;
	if (!stmt01_ok(X, R, C))
		goto out;
	scalar_canon(w, w_in);
	scalar_canon(cf, cf_in);
	scalar_canon(zf, zf_in);
	scalar_canon(rr, r);
	if (commit01(com, X, R, C, m, w, cf, zf) != 0)
		goto out;
	stmt01(&t, ctx, device, slot, X, R, C);
	for (i = 0; i < 4; i++)
		tv_transcript_put(&t, com[i], 32);
	tv_transcript_challenge(&t, c);
	crypto_core_ristretto255_scalar_sub(cm, c, cf);
	respond(zm, w, cm, rr);

	tv_cmov(proof, cm, cf, m, 32);
	tv_cmov(proof + 32, cf, cm, m, 32);
	tv_cmov(proof + 64, zm, zf, m, 32);
	tv_cmov(proof + 96, zf, zm, m, 32);
	/* A false statement (C does not encrypt m under r) fails here. */
	rc = tv_proof01_verify(proof, ctx, device, slot, X, R, C);
out:
	if (rc != 0)
		sodium_memzero(proof, TV_PROOF01_BYTES);
	sodium_memzero(w, sizeof w);
	sodium_memzero(cf, sizeof cf);
	sodium_memzero(zf, sizeof zf);
	sodium_memzero(rr, sizeof rr);
	sodium_memzero(cm, sizeof cm);
	sodium_memzero(zm, sizeof zm);
	sodium_memzero(com, sizeof com);
	return rc;
}

int
tv_proof01_prove(uint8_t proof[TV_PROOF01_BYTES], const uint8_t ctx[32],
    const uint8_t device[32], uint32_t slot, const uint8_t X[32],
    const uint8_t R[32], const uint8_t C[32], const uint8_t r[32],
    unsigned m)
{
	struct tv_transcript t;
	uint8_t witness[33], nonces[3 * 32];
	int rc;

	memcpy(witness, r, 32);
	witness[32] = (uint8_t)m;
	stmt01(&t, ctx, device, slot, X, R, C);
	hedge_nonces(nonces, 3, witness, sizeof witness, &t);
	rc = tv_proof01_prove_nonces(proof, ctx, device, slot, X, R, C, r, m,
	    nonces, nonces + 32, nonces + 64);
	sodium_memzero(witness, sizeof witness);
	sodium_memzero(nonces, sizeof nonces);
	return rc;
}

/* ---- sum proof ---- */

static void
stmtsum(struct tv_transcript *t, const uint8_t ctx[32],
    const uint8_t device[32], uint32_t group, uint32_t sum,
    const uint8_t XS[32], const uint8_t R[32], const uint8_t CS[32])
{
	tv_transcript_init(t, label_sum);
	tv_transcript_put(t, ctx, 32);
	tv_transcript_put(t, device, 32);
	tv_transcript_put_u32(t, group);
	tv_transcript_put_u32(t, sum);
	tv_transcript_put(t, XS, 32);
	tv_transcript_put(t, R, 32);
	tv_transcript_put(t, CS, 32);
}

/*
 * Checks the public inputs and computes D = C_S - sum*G.  X_S may be the
 * identity: the statement (C_S = sum*G) is then still exactly what is
 * proved.  R may not (r = 0 is a plaintext record).
 */
static int
stmtsum_point(uint8_t D[32], uint32_t sum, const uint8_t XS[32],
    const uint8_t R[32], const uint8_t CS[32])
{
	uint8_t sG[32];

	if (!tv_point_ok(XS) || !tv_point_ok_nonid(R) || !tv_point_ok(CS))
		return TV_ERR_CRYPTO;
	tv_point_small(sG, sum);
	return tv_point_sub(D, CS, sG);
}

static int
proofsum_verify(recommit_fn *rf, const uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32])
{
	struct tv_transcript t;
	uint8_t D[32], A[32], B[32], c[32];
	const uint8_t *pc = proof, *pz = proof + 32;
	int rc = TV_ERR_CRYPTO;

	if (!tv_scalar_ok(pc) || !tv_scalar_ok(pz))
		goto out;
	if (stmtsum_point(D, sum, XS, R, CS) != 0 ||
	    rf(A, B, pz, pc, R, XS, D) != 0)
		goto out;
	stmtsum(&t, ctx, device, group, sum, XS, R, CS);
	tv_transcript_put(&t, A, 32);
	tv_transcript_put(&t, B, 32);
	tv_transcript_challenge(&t, c);
	rc = challenge_eq(pc, c);
out:
	return rc;
}

int
tv_proofsum_verify(const uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32])
{
	return proofsum_verify(recommit_vt, proof, ctx, device, group, sum,
	    XS, R, CS);
}

int
tv_proofsum_verify_sodium(const uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32])
{
	return proofsum_verify(recommit, proof, ctx, device, group, sum, XS,
	    R, CS);
}

/*
 * The core both Chaum-Pedersen proofs share, once the statement is in t:
 * commitments w*G and w*H, the challenge, the response z = w + c*x.
 * proof: challenge (32) || response (32).  0 or TV_ERR_CRYPTO; the
 * commitments are wiped.
 */
static int
cp_prove(uint8_t proof[64], struct tv_transcript *t, const uint8_t w[32],
    const uint8_t x[32], const uint8_t H[32])
{
	uint8_t A[32], B[32];
	int rc = TV_ERR_CRYPTO;

	tv_point_mulbase(A, w);
	if (tv_point_mul(B, w, H) == 0) {
		tv_transcript_put(t, A, 32);
		tv_transcript_put(t, B, 32);
		tv_transcript_challenge(t, proof);
		respond(proof + 32, w, proof, x);
		rc = 0;
	}
	sodium_memzero(A, sizeof A);
	sodium_memzero(B, sizeof B);
	return rc;
}

int
tv_proofsum_prove_nonce(uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32], const uint8_t r[32], const uint8_t w_in[32])
{
	struct tv_transcript t;
	uint8_t D[32], w[32], rr[32];
	int rc;

	scalar_canon(w, w_in);
	scalar_canon(rr, r);
	if ((rc = stmtsum_point(D, sum, XS, R, CS)) != 0)
		goto out;
	stmtsum(&t, ctx, device, group, sum, XS, R, CS);
	if ((rc = cp_prove(proof, &t, w, rr, XS)) != 0)
		goto out;
	/* A group that does not sum to `sum` fails here. */
	rc = tv_proofsum_verify(proof, ctx, device, group, sum, XS, R, CS);
out:
	if (rc != 0)
		sodium_memzero(proof, TV_PROOFSUM_BYTES);
	sodium_memzero(w, sizeof w);
	sodium_memzero(rr, sizeof rr);
	return rc;
}

int
tv_proofsum_prove(uint8_t proof[TV_PROOFSUM_BYTES], const uint8_t ctx[32],
    const uint8_t device[32], uint32_t group, uint32_t sum,
    const uint8_t XS[32], const uint8_t R[32], const uint8_t CS[32],
    const uint8_t r[32])
{
	struct tv_transcript t;
	uint8_t w[32];
	int rc;

	stmtsum(&t, ctx, device, group, sum, XS, R, CS);
	hedge_nonces(w, 1, r, 32, &t);
	rc = tv_proofsum_prove_nonce(proof, ctx, device, group, sum, XS, R,
	    CS, r, w);
	sodium_memzero(w, sizeof w);
	return rc;
}

/* ---- DLEQ proof of a partial decryption ---- */

static void
stmtpdec(struct tv_transcript *t, const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32])
{
	tv_transcript_init(t, label_pdec);
	tv_transcript_put(t, ctx, 32);
	tv_transcript_put(t, agg, 32);
	tv_transcript_put_u32(t, trustee);
	tv_transcript_put_u32(t, slot);
	tv_transcript_put(t, S, 32);
	tv_transcript_put(t, R, 32);
	tv_transcript_put(t, D, 32);
}

/* A zero share, an empty aggregate or an identity D carry no proof of
 * anything useful: all three must be real points. */
static int
stmtpdec_ok(const uint8_t S[32], const uint8_t R[32], const uint8_t D[32])
{
	return tv_point_ok_nonid(S) && tv_point_ok_nonid(R) &&
	    tv_point_ok_nonid(D);
}

static int
dleq_verify(recommit_fn *rf, const uint8_t proof[TV_DLEQ_BYTES],
    const uint8_t ctx[32], const uint8_t agg[32], uint32_t trustee,
    uint32_t slot, const uint8_t S[32], const uint8_t R[32],
    const uint8_t D[32])
{
	struct tv_transcript t;
	uint8_t A[32], B[32], c[32];
	const uint8_t *pc = proof, *pz = proof + 32;
	int rc = TV_ERR_CRYPTO;

	if (!tv_scalar_ok(pc) || !tv_scalar_ok(pz) || !stmtpdec_ok(S, R, D))
		goto out;
	if (rf(A, B, pz, pc, S, R, D) != 0)
		goto out;
	stmtpdec(&t, ctx, agg, trustee, slot, S, R, D);
	tv_transcript_put(&t, A, 32);
	tv_transcript_put(&t, B, 32);
	tv_transcript_challenge(&t, c);
	rc = challenge_eq(pc, c);
out:
	return rc;
}

int
tv_dleq_verify(const uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32])
{
	return dleq_verify(recommit_vt, proof, ctx, agg, trustee, slot, S, R,
	    D);
}

int
tv_dleq_verify_sodium(const uint8_t proof[TV_DLEQ_BYTES],
    const uint8_t ctx[32], const uint8_t agg[32], uint32_t trustee,
    uint32_t slot, const uint8_t S[32], const uint8_t R[32],
    const uint8_t D[32])
{
	return dleq_verify(recommit, proof, ctx, agg, trustee, slot, S, R, D);
}

int
tv_dleq_prove_nonce(uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32],
    const uint8_t s[32], const uint8_t w_in[32])
{
	struct tv_transcript t;
	uint8_t w[32], ss[32];
	int rc = TV_ERR_CRYPTO;

	scalar_canon(w, w_in);
	scalar_canon(ss, s);
	if (!stmtpdec_ok(S, R, D))
		goto out;
	stmtpdec(&t, ctx, agg, trustee, slot, S, R, D);
	if ((rc = cp_prove(proof, &t, w, ss, R)) != 0)
		goto out;
	/* A share that does not match S, or D != s*R, fails here. */
	rc = tv_dleq_verify(proof, ctx, agg, trustee, slot, S, R, D);
out:
	if (rc != 0)
		sodium_memzero(proof, TV_DLEQ_BYTES);
	sodium_memzero(w, sizeof w);
	sodium_memzero(ss, sizeof ss);
	return rc;
}

int
tv_dleq_prove(uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32],
    const uint8_t s[32])
{
	struct tv_transcript t;
	uint8_t w[32];
	int rc;

	stmtpdec(&t, ctx, agg, trustee, slot, S, R, D);
	hedge_nonces(w, 1, s, 32, &t);
	rc = tv_dleq_prove_nonce(proof, ctx, agg, trustee, slot, S, R, D, s,
	    w);
	sodium_memzero(w, sizeof w);
	return rc;
}
