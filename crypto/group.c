/* SPDX-License-Identifier: MIT */
/*
 * group.c - safe wrappers over libsodium 1.0.18's ristretto255 API.
 *
 * Two 1.0.18 behaviours shape this file (crypto-notes §1): the decoder
 * ignores bit 255, so every point is checked for it here first; and
 * scalarmult returns -1 both for a bad input and for an identity result,
 * so inputs are validated before the call and -1 afterwards only ever
 * means "the result is the identity".
 */
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "group.h"

const uint8_t tv_identity[TV_POINT_BYTES] = { 0 };

/* RFC 9496 App. A.1, 1*G. */
const uint8_t tv_generator[TV_POINT_BYTES] = {
	0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71,
	0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
	0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d,
	0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76,
};

/* The group order L = 2^252 + 27742317777372353535851937790883648493,
 * little-endian. */
static const uint8_t group_order[TV_SCALAR_BYTES] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

int
tv_crypto_init(void)
{
	if (sodium_init() < 0)
		return TV_ERR_CRYPTO;
	return 0;
}

int
tv_point_ok(const uint8_t p[TV_POINT_BYTES])
{
	/* 1.0.18 masks bit 255 before decoding: reject it ourselves, or
	 * every point gets a second, malleable encoding. */
	if ((p[31] & 0x80) != 0)
		return 0;
	return crypto_core_ristretto255_is_valid_point(p) == 1;
}

int
tv_point_ok_nonid(const uint8_t p[TV_POINT_BYTES])
{
	return tv_point_ok(p) && !sodium_is_zero(p, TV_POINT_BYTES);
}

int
tv_scalar_ok(const uint8_t s[TV_SCALAR_BYTES])
{
	int i;

	/* 1.0.18 has no scalar_is_canonical(); compare from the top. */
	for (i = TV_SCALAR_BYTES - 1; i >= 0; i--) {
		if (s[i] < group_order[i])
			return 1;
		if (s[i] > group_order[i])
			return 0;
	}
	return 0;	/* s == L */
}

int
tv_point_mul(uint8_t q[TV_POINT_BYTES], const uint8_t n[TV_SCALAR_BYTES],
    const uint8_t p[TV_POINT_BYTES])
{
	if (!tv_point_ok(p))
		return TV_ERR_CRYPTO;
	if (crypto_scalarmult_ristretto255(q, n, p) != 0) {
		/* p was valid, so -1 means an identity result: q is zeros. */
	}
	return 0;
}

void
tv_point_mulbase(uint8_t q[TV_POINT_BYTES], const uint8_t n[TV_SCALAR_BYTES])
{
	if (crypto_scalarmult_ristretto255_base(q, n) != 0) {
		/* -1 only for an identity result; q is then zeros. */
	}
}

int
tv_point_add(uint8_t r[TV_POINT_BYTES], const uint8_t p[TV_POINT_BYTES],
    const uint8_t q[TV_POINT_BYTES])
{
	/* The add decodes both points and refuses an invalid one, exactly
	 * as is_valid_point would: only the bit-255 test is ours to add.
	 * (Validating first would decode every point twice: this add is
	 * the inner loop of every sum.) */
	if (((p[31] | q[31]) & 0x80) != 0)
		return TV_ERR_CRYPTO;
	if (crypto_core_ristretto255_add(r, p, q) != 0)
		return TV_ERR_CRYPTO;
	return 0;
}

int
tv_point_sub(uint8_t r[TV_POINT_BYTES], const uint8_t p[TV_POINT_BYTES],
    const uint8_t q[TV_POINT_BYTES])
{
	if (((p[31] | q[31]) & 0x80) != 0)	/* as tv_point_add */
		return TV_ERR_CRYPTO;
	if (crypto_core_ristretto255_sub(r, p, q) != 0)
		return TV_ERR_CRYPTO;
	return 0;
}

void
tv_point_small(uint8_t q[TV_POINT_BYTES], uint64_t v)
{
	uint8_t n[TV_SCALAR_BYTES] = { 0 };
	int i;

	for (i = 0; i < 8; i++)
		n[i] = (uint8_t)(v >> (8 * i));
	tv_point_mulbase(q, n);
	sodium_memzero(n, sizeof n);	/* v may be a secret count */
}

void
tv_cmov(uint8_t *o, const uint8_t *a, const uint8_t *b, unsigned bit,
    size_t n)
{
	/* A mask instead of a branch, so timing does not depend on bit.
	 * Reading a[i] and b[i] before writing o[i] allows o to alias. */
	uint8_t mask = (uint8_t)(0u - (bit & 1u));
	size_t i;

	for (i = 0; i < n; i++)
		o[i] = (uint8_t)(a[i] ^ (mask & (a[i] ^ b[i])));
}
