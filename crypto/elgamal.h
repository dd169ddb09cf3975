/* SPDX-License-Identifier: MIT */
/*
 * elgamal.h - multi-recipient exponential ElGamal on ristretto255.
 *
 * One record encrypts K indicator bits m_i with one shared randomness r and
 * K independent keys X_i = x_i*G:
 *
 *     R = r*G,   C_i = r*X_i + m_i*G
 *
 * A ciphertext is laid out as (K+1)*32 contiguous bytes: R || C_1 .. C_K.
 * A sum of ciphertexts (same layout) encrypts the sum of the bit vectors.
 * Decryption of indicator i: D_i = x_i*R (the key holder's share), then
 * M_i = C_i - D_i = (sum m_i)*G, then a small discrete log (bsgs.h).
 * See docs/crypto.md for why keys must be independent.
 */
#ifndef TV_ELGAMAL_H
#define TV_ELGAMAL_H

#include <stddef.h>
#include <stdint.h>

#include "group.h"

#define TV_CT_BYTES(k) (((size_t)(k) + 1) * TV_POINT_BYTES)
#define TV_ELGAMAL_K_MAX 256	/* indicators per record */

/* x <- uniform non-zero scalar, X = x*G. */
void tv_elgamal_keygen(uint8_t x[TV_SCALAR_BYTES], uint8_t X[TV_POINT_BYTES]);

/*
 * Encrypt bits m[0..k-1] (each 0 or 1) under keys X (k*32 bytes) into ct
 * (TV_CT_BYTES(k) bytes).  The randomness is hedged:
 * r = reduce(BLAKE2b-512(key = nonce_key, counter || 32 random bytes)), so a
 * weak RNG alone cannot repeat r.  nonce_key is 32 bytes, or NULL (pure
 * random r).  No branch depends on m.  Returns 0, TV_ERR_CRYPTO (invalid
 * or identity key) or TV_ERR_RANGE (some m[i] > 1); ct is zeroed on error.
 */
int tv_elgamal_encrypt(uint8_t *ct, const uint8_t *X, const uint8_t *m,
    uint32_t k, const uint8_t *nonce_key, uint64_t counter);

/* As tv_elgamal_encrypt(), and the randomness r copied out (a secret: the
 * caller proves with it, then wipes it). */
int tv_elgamal_encrypt_r(uint8_t *ct, uint8_t r[TV_SCALAR_BYTES],
    const uint8_t *X, const uint8_t *m, uint32_t k, const uint8_t *nonce_key,
    uint64_t counter);

/* sum = identity ciphertext (all zero), TV_CT_BYTES(k) bytes. */
void tv_ct_zero(uint8_t *sum, uint32_t k);
/* sum += ct, component-wise (k <= TV_ELGAMAL_K_MAX).  0 or TV_ERR_CRYPTO
 * if either has an invalid point (sum is then unchanged). */
int tv_ct_add(uint8_t *sum, const uint8_t *ct, uint32_t k);
/* 1 iff every point of ct is tv_point_ok() and R is not the identity. */
int tv_ct_ok(const uint8_t *ct, uint32_t k);

/* D = x*R (the decryption share of one indicator).  0 or TV_ERR_CRYPTO. */
int tv_elgamal_share(uint8_t D[TV_POINT_BYTES], const uint8_t x[TV_SCALAR_BYTES],
    const uint8_t R[TV_POINT_BYTES]);
/* M = C - D.  0 or TV_ERR_CRYPTO. */
int tv_elgamal_unmask(uint8_t M[TV_POINT_BYTES], const uint8_t C[TV_POINT_BYTES],
    const uint8_t D[TV_POINT_BYTES]);

#endif
