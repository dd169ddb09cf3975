/* SPDX-License-Identifier: MIT */
/*
 * group.h - safe wrappers over libsodium's ristretto255 API (1.0.18).
 *
 * Every point received from outside goes through tv_point_ok() before any
 * other call: libsodium 1.0.18 accepts encodings with bit 255 set, and its
 * scalarmult returns -1 both for an invalid input and for an identity
 * result.  These wrappers make the identity (32 zero bytes) a normal value.
 * See docs/crypto.md and ../shared/brief/crypto-notes.md §1.
 */
#ifndef TV_GROUP_H
#define TV_GROUP_H

#include <stddef.h>
#include <stdint.h>

#define TV_POINT_BYTES 32
#define TV_SCALAR_BYTES 32

extern const uint8_t tv_identity[TV_POINT_BYTES];	/* all zero */
extern const uint8_t tv_generator[TV_POINT_BYTES];	/* G */

/* Call once per program before anything else; 0 or TV_ERR_CRYPTO. */
int tv_crypto_init(void);

/* 1 iff p is canonical (bit 255 clear) and a valid encoding; the
 * identity is valid. */
int tv_point_ok(const uint8_t p[TV_POINT_BYTES]);
/* As tv_point_ok(), and p is not the identity. */
int tv_point_ok_nonid(const uint8_t p[TV_POINT_BYTES]);
/* 1 iff s < L (public scalars only: not constant time). */
int tv_scalar_ok(const uint8_t s[TV_SCALAR_BYTES]);

/* q = n*p.  0, or TV_ERR_CRYPTO if p is not tv_point_ok().  An identity
 * result is a value (q = zeros), not an error. */
int tv_point_mul(uint8_t q[TV_POINT_BYTES], const uint8_t n[TV_SCALAR_BYTES],
    const uint8_t p[TV_POINT_BYTES]);
/* q = n*G; identity result allowed. */
void tv_point_mulbase(uint8_t q[TV_POINT_BYTES],
    const uint8_t n[TV_SCALAR_BYTES]);
/* r = p + q, r = p - q; r may alias p or q.  0 or TV_ERR_CRYPTO. */
int tv_point_add(uint8_t r[TV_POINT_BYTES], const uint8_t p[TV_POINT_BYTES],
    const uint8_t q[TV_POINT_BYTES]);
int tv_point_sub(uint8_t r[TV_POINT_BYTES], const uint8_t p[TV_POINT_BYTES],
    const uint8_t q[TV_POINT_BYTES]);
/* q = v*G for a small non-negative integer v. */
void tv_point_small(uint8_t q[TV_POINT_BYTES], uint64_t v);
/* Constant-time select: o = bit ? b : a (bit is 0 or 1). */
void tv_cmov(uint8_t *o, const uint8_t *a, const uint8_t *b, unsigned bit,
    size_t n);

#endif
