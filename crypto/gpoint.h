/* SPDX-License-Identifier: MIT */
/*
 * gpoint.h - decoded ristretto255 points for public arithmetic
 * (libdecaf's decaf_255, which is ristretto255; docs/crypto.md,
 * decisions 40 and 41).
 *
 * libsodium 1.0.18 has only a byte interface: every addition decodes both
 * inputs and encodes the result.  Where only public values are combined
 * (ciphertext sums at ingest and in recounts, proof verification), a
 * point is decoded once into a struct tv_gpoint, added there, and encoded
 * once per sum.  Secrets never go through this file: key generation,
 * encryption and the provers stay on libsodium (group.h), and
 * tv_gpoint_double_mul_vt() is variable time.
 *
 * Rules, identical to group.h's:
 *   - tv_gpoint_decode() accepts exactly what tv_point_ok() accepts:
 *     canonical encodings with bit 255 clear; the identity (32 zero
 *     bytes) is a valid point.
 *   - tv_gpoint_encode() gives the bytes libsodium gives for the same
 *     group element (tests/unit/t_gpoint.c checks both ways).
 *   - Scalars are 32-byte little-endian values < L; anything else is
 *     refused with TV_ERR_CRYPTO (no silent reduction).
 * No function prints or exits.  Outputs may alias inputs.
 */
#ifndef TV_GPOINT_H
#define TV_GPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "group.h"

/* Storage for libdecaf's decaf_255_point_t (extended coordinates; checked
 * against its size and alignment in gpoint.c).  Opaque: only gpoint.c
 * includes libdecaf's headers. */
#define TV_GPOINT_SIZE 256
struct tv_gpoint {
	_Alignas(32) unsigned char opaque[TV_GPOINT_SIZE];
};

/* p = the point encoded by s.  0, or TV_ERR_CRYPTO if tv_point_ok(s)
 * would be 0 (p is then the identity). */
int tv_gpoint_decode(struct tv_gpoint *p, const uint8_t s[TV_POINT_BYTES]);
/* s = the canonical encoding of p (bit 255 clear). */
void tv_gpoint_encode(uint8_t s[TV_POINT_BYTES], const struct tv_gpoint *p);
/* p = identity. */
void tv_gpoint_identity(struct tv_gpoint *p);
/* p = G (tv_generator, RFC 9496's base point). */
void tv_gpoint_generator(struct tv_gpoint *p);
/* r = a + b, r = a - b. */
void tv_gpoint_add(struct tv_gpoint *r, const struct tv_gpoint *a,
    const struct tv_gpoint *b);
void tv_gpoint_sub(struct tv_gpoint *r, const struct tv_gpoint *a,
    const struct tv_gpoint *b);
/* 1 iff a and b are the same group element. */
int tv_gpoint_eq(const struct tv_gpoint *a, const struct tv_gpoint *b);

/* r = n*p (libdecaf's constant-time ladder; for tests and public use).
 * 0, or TV_ERR_CRYPTO if n >= L. */
int tv_gpoint_mul(struct tv_gpoint *r, const uint8_t n[TV_SCALAR_BYTES],
    const struct tv_gpoint *p);
/* r = a*G + b*P in VARIABLE TIME: a and b must be public (proof
 * verification).  0, or TV_ERR_CRYPTO if a or b >= L. */
int tv_gpoint_double_mul_vt(struct tv_gpoint *r,
    const uint8_t a[TV_SCALAR_BYTES], const uint8_t b[TV_SCALAR_BYTES],
    const struct tv_gpoint *P);
/* r = a*P + b*Q (one combined, constant-time multiplication).  0, or
 * TV_ERR_CRYPTO if a or b >= L. */
int tv_gpoint_double_mul(struct tv_gpoint *r,
    const uint8_t a[TV_SCALAR_BYTES], const struct tv_gpoint *P,
    const uint8_t b[TV_SCALAR_BYTES], const struct tv_gpoint *Q);
/* c = L - a mod L (a < L, else TV_ERR_CRYPTO): the negation used to
 * write z*G - c*P as one double multiplication. */
int tv_scalar_neg(uint8_t c[TV_SCALAR_BYTES], const uint8_t a[TV_SCALAR_BYTES]);

/*
 * Ciphertexts (elgamal.h's layout, k+1 points) kept decoded: v holds k+1
 * struct tv_gpoint.  k <= TV_ELGAMAL_K_MAX (checked by the callers that
 * take k from input; here it is a precondition).
 */
/* v = the k+1 points of ct.  0, or TV_ERR_CRYPTO if one fails
 * tv_gpoint_decode() (v is then unspecified). */
int tv_gct_decode(struct tv_gpoint *v, const uint8_t *ct, uint32_t k);
/* ct = encoding of v (TV_CT_BYTES(k) bytes). */
void tv_gct_encode(uint8_t *ct, const struct tv_gpoint *v, uint32_t k);
/* v = identity ciphertext. */
void tv_gct_zero(struct tv_gpoint *v, uint32_t k);
/* sum += v, point by point. */
void tv_gct_add(struct tv_gpoint *sum, const struct tv_gpoint *v,
    uint32_t k);
/* sum -= v, point by point. */
void tv_gct_sub(struct tv_gpoint *sum, const struct tv_gpoint *v,
    uint32_t k);
/* sum += the ciphertext ct (bytes), each point decoded once.  0, or
 * TV_ERR_CRYPTO if a point of ct is invalid: sum is then unchanged
 * (what tv_ct_add() guarantees too). */
int tv_gct_add_bytes(struct tv_gpoint *sum, const uint8_t *ct, uint32_t k);

/* out = ct + v: the ciphertext ct (bytes) decoded once, v added, the sum
 * encoded (TV_CT_BYTES(k) bytes): merging a decoded sum into a stored
 * one costs a decoding and an encoding per point, not an addition of
 * encodings (two decodings and an encoding).  out may be ct itself.  0,
 * or TV_ERR_CRYPTO if a point of ct is invalid (out is then
 * unspecified). */
int tv_gct_add_to_bytes(uint8_t *out, const uint8_t *ct,
    const struct tv_gpoint *v, uint32_t k);

#endif
