/* SPDX-License-Identifier: MIT */
/*
 * t_elgamal.c - multi-recipient exponential ElGamal: homomorphic sums,
 * input validation, randomisation, and why keys must be independent.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/bsgs.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/unit/tap.h"

#define K 5
#define NREC 200
#define CT (TV_CT_BYTES(K))

static uint8_t x[K][TV_SCALAR_BYTES];
static uint8_t X[K * TV_POINT_BYTES];
static struct tv_bsgs *table;

/* Decrypt slot i of ct with key xi: 0 and *s, or a negative error. */
static int
decrypt_slot(const uint8_t *ct, uint32_t i, const uint8_t xi[32],
    uint64_t max, uint64_t *s)
{
	uint8_t D[32], M[32];
	int rc;

	if ((rc = tv_elgamal_share(D, xi, ct)) != 0)
		return rc;
	if ((rc = tv_elgamal_unmask(M, ct + (i + 1) * 32, D)) != 0)
		return rc;
	return tv_bsgs_solve(table, M, max, s);
}

static void
test_sum(void)
{
	static uint8_t ct[CT], sum[CT];
	uint8_t m[K], nonce_key[32];
	uint64_t want[K] = { 0 }, got;
	int r, i, enc_ok = 1, ct_ok = 1, add_ok = 1, dec_ok = 1;

	randombytes_buf(nonce_key, sizeof nonce_key);
	tv_ct_zero(sum, K);
	for (r = 0; r < NREC; r++) {
		for (i = 0; i < K; i++) {
			m[i] = (uint8_t)randombytes_uniform(2);
			want[i] += m[i];
		}
		/* Half the records use a hedged r, half a pure random one. */
		if (tv_elgamal_encrypt(ct, X, m, K, r % 2 ? nonce_key : NULL,
		    (uint64_t)r) != 0)
			enc_ok = 0;
		if (!tv_ct_ok(ct, K))
			ct_ok = 0;
		if (tv_ct_add(sum, ct, K) != 0)
			add_ok = 0;
	}
	ok(enc_ok, "200 records encrypt");
	ok(ct_ok, "every ciphertext is tv_ct_ok");
	ok(add_ok, "every ciphertext adds");
	for (i = 0; i < K; i++)
		if (decrypt_slot(sum, (uint32_t)i, x[i], NREC, &got) != 0 ||
		    got != want[i])
			dec_ok = 0;
	ok(dec_ok, "each slot of the sum decrypts to the plaintext sum");
}

static void
test_zero(void)
{
	static uint8_t ct[CT], sum[CT];
	uint8_t m[K] = { 0 }, D[32], M[32];
	uint64_t s = 99;
	int i, id_ok = 1;

	is_int(0, tv_elgamal_encrypt(ct, X, m, K, NULL, 0), "Enc(0)");
	for (i = 0; i < K; i++) {
		if (tv_elgamal_share(D, x[i], ct) != 0 ||
		    tv_elgamal_unmask(M, ct + (i + 1) * 32, D) != 0 ||
		    memcmp(M, tv_identity, 32) != 0)
			id_ok = 0;
	}
	ok(id_ok, "Enc(0) decrypts to the identity in every slot");
	is_int(0, decrypt_slot(ct, 2, x[2], 10, &s), "bsgs solves Enc(0)");
	is_int(0, s, "... as 0");

	/* The empty aggregate (no records) decrypts to 0 as well. */
	tv_ct_zero(sum, K);
	ok(sodium_is_zero(sum, CT), "tv_ct_zero is all zeros");
	ok(!tv_ct_ok(sum, K), "the zero ciphertext is not a valid record");
	is_int(0, decrypt_slot(sum, 0, x[0], 10, &s), "empty sum decrypts");
	is_int(0, s, "... as 0");
}

static void
test_wrong_key(void)
{
	static uint8_t ct[CT];
	uint8_t m[K] = { 1, 1, 0, 1, 1 }, xw[32], Xw[32], D[32], M[32];
	uint64_t s = 0;

	is_int(0, tv_elgamal_encrypt(ct, X, m, K, NULL, 1), "encrypt");
	is_int(0, decrypt_slot(ct, 0, x[0], 10, &s), "right key decrypts");
	is_int(1, s, "... to 1");
	tv_elgamal_keygen(xw, Xw);
	is_int(TV_ERR_NOTFOUND, decrypt_slot(ct, 0, xw, 1000, &s),
	    "a wrong key does not decrypt to a small value");
	is_int(TV_ERR_NOTFOUND, decrypt_slot(ct, 0, x[1], 1000, &s),
	    "another slot's key does not decrypt slot 0");
	tv_elgamal_share(D, xw, ct);
	tv_elgamal_unmask(M, ct + 32, D);
	ok(memcmp(M, tv_generator, 32) != 0, "wrong key: M != 1*G");
}

static void
test_validation(void)
{
	static uint8_t ct[CT], sum[CT], saved[CT], bad_ct[CT];
	static uint8_t badX[K * 32];
	uint8_t m[K] = { 0, 1, 0, 1, 0 };
	/* RFC 9496 A.2, a non-square x^2. */
	const char *bad_hex =
	    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371";

	is_int(0, tv_elgamal_encrypt(ct, X, m, K, NULL, 2), "encrypt");
	tv_ct_zero(sum, K);
	is_int(0, tv_ct_add(sum, ct, K), "first add");
	memcpy(saved, sum, CT);

	memcpy(bad_ct, ct, CT);
	tap_hex(bad_ct + 3 * 32, 32, bad_hex);
	is_int(TV_ERR_CRYPTO, tv_ct_add(sum, bad_ct, K),
	    "tv_ct_add rejects an invalid C_3");
	is_mem(sum, saved, CT, "... and the sum is unchanged");
	ok(!tv_ct_ok(bad_ct, K), "tv_ct_ok rejects it");

	memcpy(bad_ct, ct, CT);
	bad_ct[K * 32 + 31] |= 0x80;	/* last C, bit 255 */
	is_int(TV_ERR_CRYPTO, tv_ct_add(sum, bad_ct, K),
	    "tv_ct_add rejects a bit-255 C_K");
	is_mem(sum, saved, CT, "... and the sum is unchanged");
	ok(!tv_ct_ok(bad_ct, K), "tv_ct_ok rejects it");

	memcpy(bad_ct, ct, CT);
	bad_ct[31] |= 0x80;		/* R, bit 255 */
	is_int(TV_ERR_CRYPTO, tv_ct_add(sum, bad_ct, K),
	    "tv_ct_add rejects a bit-255 R");
	is_mem(sum, saved, CT, "... and the sum is unchanged");

	memcpy(bad_ct, ct, CT);
	memset(bad_ct, 0, 32);
	ok(!tv_ct_ok(bad_ct, K), "tv_ct_ok rejects R = identity");
	ok(tv_ct_ok(ct, K), "tv_ct_ok accepts the original");

	memcpy(badX, X, sizeof badX);
	badX[2 * 32 + 31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_elgamal_encrypt(bad_ct, badX, m, K, NULL, 3),
	    "encrypt rejects a bit-255 key");
	memcpy(badX, X, sizeof badX);
	memset(badX + 32, 0, 32);
	is_int(TV_ERR_CRYPTO, tv_elgamal_encrypt(bad_ct, badX, m, K, NULL, 3),
	    "encrypt rejects an identity key");
	m[4] = 2;
	is_int(TV_ERR_RANGE, tv_elgamal_encrypt(bad_ct, X, m, K, NULL, 3),
	    "encrypt rejects a bit that is not 0 or 1");
	ok(sodium_is_zero(bad_ct, CT), "... and zeroes ct");
}

static void
test_randomised(void)
{
	static uint8_t a[CT], b[CT];
	uint8_t m[K] = { 1, 0, 0, 1, 0 }, nk[32];
	int i, all_differ = 1;

	randombytes_buf(nk, sizeof nk);
	/* Same hedging key and counter: the 32 random bytes still differ. */
	is_int(0, tv_elgamal_encrypt(a, X, m, K, nk, 7), "encrypt a");
	is_int(0, tv_elgamal_encrypt(b, X, m, K, nk, 7), "encrypt b");
	for (i = 0; i <= K; i++)
		if (memcmp(a + i * 32, b + i * 32, 32) == 0)
			all_differ = 0;
	ok(all_differ, "two encryptions of one vector differ in every point");
}

/*
 * crypto-notes §2.3: with X_2 = X_1, r cancels in C_1 - C_2 = (m1-m2)*G,
 * so anyone learns m1 - m2 from public data.  This documents why every
 * slot key must be independent; it asserts that the attack WORKS.
 */
static void
test_related_keys(void)
{
	static uint8_t ct[TV_CT_BYTES(2)], ct3[TV_CT_BYTES(3)];
	uint8_t x1[32], X2[2 * 32], X3[3 * 32], y[32], Y[32], d[32];
	uint8_t m[3], want[32];
	int m1, m2, works = 1;

	tv_elgamal_keygen(x1, X2);
	memcpy(X2 + 32, X2, 32);		/* X_2 = X_1: broken */
	for (m1 = 0; m1 <= 1; m1++) {
		for (m2 = 0; m2 <= 1; m2++) {
			m[0] = (uint8_t)m1;
			m[1] = (uint8_t)m2;
			if (tv_elgamal_encrypt(ct, X2, m, 2, NULL, 0) != 0 ||
			    tv_point_sub(d, ct + 32, ct + 64) != 0)
				works = 0;
			/* (m1 - m2)*G is G, the identity, or -G. */
			if (m1 >= m2)
				tv_point_small(want, (uint64_t)(m1 - m2));
			else
				tv_point_sub(want, tv_identity, tv_generator);
			if (memcmp(d, want, 32) != 0)
				works = 0;
		}
	}
	ok(works, "related keys X_2 = X_1: C_1 - C_2 reveals m1 - m2");

	/* X_i = X + i*Y: C_0 - 2 C_1 + C_2 = (m0 - 2 m1 + m2)*G. */
	tv_elgamal_keygen(y, Y);
	memcpy(X3, X2, 32);
	tv_point_add(X3 + 32, X3, Y);
	tv_point_add(X3 + 64, X3 + 32, Y);
	m[0] = 1;
	m[1] = 0;
	m[2] = 1;
	tv_elgamal_encrypt(ct3, X3, m, 3, NULL, 0);
	tv_point_add(d, ct3 + 32, ct3 + 96);
	tv_point_sub(d, d, ct3 + 64);
	tv_point_sub(d, d, ct3 + 64);
	tv_point_small(want, 2);
	is_mem(d, want, 32, "affine keys X + iY: second difference reveals 2");

	/* Control: with independent keys the same difference is noise. */
	m[0] = 1;
	m[1] = 0;
	tv_elgamal_encrypt(ct, X, m, 2, NULL, 0);
	tv_point_sub(d, ct + 32, ct + 64);
	ok(memcmp(d, tv_generator, 32) != 0 &&
	    memcmp(d, tv_identity, 32) != 0,
	    "independent keys: C_1 - C_2 is not (m1 - m2)*G");
}

int
main(void)
{
	int i;

	is_int(0, tv_crypto_init(), "tv_crypto_init");
	is_int(0, tv_bsgs_build(&table, 8), "bsgs table 2^8");
	for (i = 0; i < K; i++)
		tv_elgamal_keygen(x[i], X + i * 32);
	ok(tv_point_ok_nonid(X), "keygen gives a non-identity key");
	ok(tv_scalar_ok(x[0]) && !sodium_is_zero(x[0], 32),
	    "keygen gives a canonical non-zero scalar");
	test_sum();
	test_zero();
	test_wrong_key();
	test_validation();
	test_randomised();
	test_related_keys();
	tv_bsgs_free(table);
	return tap_done();
}
