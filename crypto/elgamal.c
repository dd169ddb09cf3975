/* SPDX-License-Identifier: MIT */
/*
 * elgamal.c - multi-recipient exponential ElGamal on ristretto255.
 *
 * R = r*G, C_i = r*X_i + m_i*G (crypto-notes §2).  r is the only secret
 * here; it and everything derived from it are wiped on every path, except
 * that tv_elgamal_encrypt_r() hands r to its caller (the prover).
 */
#include <string.h>

#include <sodium.h>

#include "elgamal.h"
#include "err.h"
#include "group.h"

#define ENC_R_LABEL "tallyvan/enc-r/v1"
#define NONCE_KEY_BYTES 32
#define HEDGE_RANDOM_BYTES 32

void
tv_elgamal_keygen(uint8_t x[TV_SCALAR_BYTES], uint8_t X[TV_POINT_BYTES])
{
	/* scalar_random() is uniform in ]0, L[, so X is never the identity. */
	crypto_core_ristretto255_scalar_random(x);
	tv_point_mulbase(X, x);
}

/*
 * r = reduce(BLAKE2b-512(key = nonce_key, label || u64le counter || rnd)).
 * Hedged: a repeated r leaks m_1 - m_2 (crypto-notes §2.4), so r stays
 * unpredictable if either the RNG or the (key, counter) pair is sound.
 */
static int
derive_r(uint8_t r[TV_SCALAR_BYTES], const uint8_t *nonce_key,
    uint64_t counter)
{
	crypto_generichash_state st;
	uint8_t h[crypto_generichash_BYTES_MAX];
	uint8_t rnd[HEDGE_RANDOM_BYTES], ctr[8];
	int i, rc = TV_ERR_CRYPTO;

	for (i = 0; i < 8; i++)
		ctr[i] = (uint8_t)(counter >> (8 * i));
	do {
		randombytes_buf(rnd, sizeof rnd);
		if (crypto_generichash_init(&st, nonce_key,
		    nonce_key != NULL ? NONCE_KEY_BYTES : 0, sizeof h) != 0)
			goto out;
		if (crypto_generichash_update(&st,
		    (const uint8_t *)ENC_R_LABEL, strlen(ENC_R_LABEL)) != 0 ||
		    crypto_generichash_update(&st, ctr, sizeof ctr) != 0 ||
		    crypto_generichash_update(&st, rnd, sizeof rnd) != 0 ||
		    crypto_generichash_final(&st, h, sizeof h) != 0)
			goto out;
		crypto_core_ristretto255_scalar_reduce(r, h);
	} while (sodium_is_zero(r, TV_SCALAR_BYTES));	/* R = id: cleartext */
	rc = 0;
out:
	sodium_memzero(&st, sizeof st);
	sodium_memzero(h, sizeof h);
	sodium_memzero(rnd, sizeof rnd);
	return rc;
}

/*
 * Check every input before anything is computed, so a failure never
 * leaves a half-written ciphertext.  The bits are folded into one flag
 * and tested once: a malformed vector is rejected without a branch per
 * (secret) bit.
 */
static int
encrypt_check(const uint8_t *X, const uint8_t *m, uint32_t k)
{
	uint8_t bad = 0;
	uint32_t i;

	for (i = 0; i < k; i++) {
		/* An identity key would put m_i*G in the clear. */
		if (!tv_point_ok_nonid(X + (size_t)i * TV_POINT_BYTES))
			return TV_ERR_CRYPTO;
		bad |= (uint8_t)(m[i] >> 1);
	}
	return bad != 0 ? TV_ERR_RANGE : 0;
}

/*
 * The one encryption path.  r is written to the caller's buffer so that
 * tv_elgamal_encrypt_r() can hand it out for the proofs; on failure both
 * ct and r are zeroed.
 */
static int
encrypt_with_r(uint8_t *ct, uint8_t r[TV_SCALAR_BYTES], const uint8_t *X,
    const uint8_t *m, uint32_t k, const uint8_t *nonce_key, uint64_t counter)
{
	uint8_t pad[TV_POINT_BYTES], mg[TV_POINT_BYTES];
	uint8_t *c;
	uint32_t i;
	int rc;

	if ((rc = encrypt_check(X, m, k)) != 0)
		goto out;
	if ((rc = derive_r(r, nonce_key, counter)) != 0)
		goto out;
	tv_point_mulbase(ct, r);
	for (i = 0; i < k; i++) {
		c = ct + ((size_t)i + 1) * TV_POINT_BYTES;
		if ((rc = tv_point_mul(pad, r, X + (size_t)i * TV_POINT_BYTES))
		    != 0)
			goto out;
		/* Always add a point (G or the identity): no branch on m_i. */
		tv_cmov(mg, tv_identity, tv_generator, m[i], TV_POINT_BYTES);
		if ((rc = tv_point_add(c, pad, mg)) != 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		sodium_memzero(ct, TV_CT_BYTES(k));
		sodium_memzero(r, TV_SCALAR_BYTES);
	}
	sodium_memzero(pad, sizeof pad);
	sodium_memzero(mg, sizeof mg);
	return rc;
}

int
tv_elgamal_encrypt(uint8_t *ct, const uint8_t *X, const uint8_t *m,
    uint32_t k, const uint8_t *nonce_key, uint64_t counter)
{
	uint8_t r[TV_SCALAR_BYTES];
	int rc;

	rc = encrypt_with_r(ct, r, X, m, k, nonce_key, counter);
	sodium_memzero(r, sizeof r);
	return rc;
}

int
tv_elgamal_encrypt_r(uint8_t *ct, uint8_t r[TV_SCALAR_BYTES],
    const uint8_t *X, const uint8_t *m, uint32_t k, const uint8_t *nonce_key,
    uint64_t counter)
{
	return encrypt_with_r(ct, r, X, m, k, nonce_key, counter);
}

void
tv_ct_zero(uint8_t *sum, uint32_t k)
{
	memset(sum, 0, TV_CT_BYTES(k));
}

/* 1 iff all k+1 points of ct pass tv_point_ok(). */
static int
ct_points_ok(const uint8_t *ct, uint32_t k)
{
	size_t i;

	for (i = 0; i <= k; i++)
		if (!tv_point_ok(ct + i * TV_POINT_BYTES))
			return 0;
	return 1;
}

int
tv_ct_add(uint8_t *sum, const uint8_t *ct, uint32_t k)
{
	uint8_t tmp[TV_POINT_BYTES * (TV_ELGAMAL_K_MAX + 1)];
	size_t i;

	/* Into a copy: an add failing half-way (an invalid point: the add
	 * itself decodes and checks each one) must leave the sum as it was. */
	if (k > TV_ELGAMAL_K_MAX)
		return TV_ERR_RANGE;
	for (i = 0; i <= k; i++)
		if (tv_point_add(tmp + i * TV_POINT_BYTES, sum + i *
		    TV_POINT_BYTES, ct + i * TV_POINT_BYTES) != 0)
			return TV_ERR_CRYPTO;
	memcpy(sum, tmp, TV_CT_BYTES(k));
	return 0;
}

int
tv_ct_ok(const uint8_t *ct, uint32_t k)
{
	/* R = identity means r = 0 and the bits are in the clear; the 0/1
	 * proofs would still verify, so it is rejected explicitly. */
	return tv_point_ok_nonid(ct) && ct_points_ok(ct, k);
}

int
tv_elgamal_share(uint8_t D[TV_POINT_BYTES], const uint8_t x[TV_SCALAR_BYTES],
    const uint8_t R[TV_POINT_BYTES])
{
	return tv_point_mul(D, x, R);
}

int
tv_elgamal_unmask(uint8_t M[TV_POINT_BYTES], const uint8_t C[TV_POINT_BYTES],
    const uint8_t D[TV_POINT_BYTES])
{
	return tv_point_sub(M, C, D);
}
