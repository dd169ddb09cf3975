/* SPDX-License-Identifier: MIT */
/*
 * gpoint.c - decoded ristretto255 points over libdecaf (Debian's
 * libdecaf-dev 1.0.2; decaf_255 is ristretto255).
 *
 * What was checked about libdecaf's decoder (decision 40,
 * tests/unit/t_gpoint.c): decaf_255_point_decode() refuses non-canonical
 * field encodings (s >= p), negative s, and every RFC 9496 A.2 vector;
 * with allow_identity = DECAF_TRUE it accepts the 32 zero bytes.  An
 * encoding with bit 255 set is s >= 2^255 > p, which its canonicity check
 * refuses; we still test bit 255 first, so the rule is written here and
 * does not rest on a property of one libdecaf version.  On failure its
 * output is "undefined": we overwrite it with the identity.
 */
#include <stdalign.h>
#include <string.h>

#include <decaf/point_255.h>

#include "elgamal.h"
#include "err.h"
#include "gpoint.h"

_Static_assert(sizeof(decaf_255_point_t) <= TV_GPOINT_SIZE,
    "struct tv_gpoint too small for decaf_255_point_t");
_Static_assert(alignof(struct decaf_255_point_s) <= 32,
    "struct tv_gpoint under-aligned for decaf_255_point_t");

/* The libdecaf point inside a struct tv_gpoint. */
#define DP(g) ((struct decaf_255_point_s *)(void *)(g)->opaque)
#define CDP(g) ((const struct decaf_255_point_s *)(const void *)(g)->opaque)

int
tv_gpoint_decode(struct tv_gpoint *p, const uint8_t s[TV_POINT_BYTES])
{
	/* Bit 255 first: our rule (tv_point_ok), whatever the decoder does
	 * with it. */
	if ((s[31] & 0x80) == 0 &&
	    decaf_255_point_decode(DP(p), s, DECAF_TRUE) == DECAF_SUCCESS)
		return 0;
	decaf_255_point_copy(DP(p), decaf_255_point_identity);
	return TV_ERR_CRYPTO;
}

void
tv_gpoint_encode(uint8_t s[TV_POINT_BYTES], const struct tv_gpoint *p)
{
	decaf_255_point_encode(s, CDP(p));
}

void
tv_gpoint_identity(struct tv_gpoint *p)
{
	decaf_255_point_copy(DP(p), decaf_255_point_identity);
}

void
tv_gpoint_generator(struct tv_gpoint *p)
{
	decaf_255_point_copy(DP(p), decaf_255_point_base);
}

void
tv_gpoint_add(struct tv_gpoint *r, const struct tv_gpoint *a,
    const struct tv_gpoint *b)
{
	decaf_255_point_add(DP(r), CDP(a), CDP(b));
}

void
tv_gpoint_sub(struct tv_gpoint *r, const struct tv_gpoint *a,
    const struct tv_gpoint *b)
{
	decaf_255_point_sub(DP(r), CDP(a), CDP(b));
}

int
tv_gpoint_eq(const struct tv_gpoint *a, const struct tv_gpoint *b)
{
	return decaf_255_point_eq(CDP(a), CDP(b)) == DECAF_TRUE;
}

/* s = n as a libdecaf scalar; 0, or TV_ERR_CRYPTO if n >= L (libdecaf
 * would reduce it silently and report failure). */
static int
scalar_in(decaf_255_scalar_t s, const uint8_t n[TV_SCALAR_BYTES])
{
	if (decaf_255_scalar_decode(s, n) != DECAF_SUCCESS)
		return TV_ERR_CRYPTO;
	return 0;
}

int
tv_gpoint_mul(struct tv_gpoint *r, const uint8_t n[TV_SCALAR_BYTES],
    const struct tv_gpoint *p)
{
	decaf_255_scalar_t s;
	int rc;

	if ((rc = scalar_in(s, n)) == 0)
		decaf_255_point_scalarmul(DP(r), CDP(p), s);
	decaf_255_scalar_destroy(s);
	return rc;
}

int
tv_gpoint_double_mul_vt(struct tv_gpoint *r,
    const uint8_t a[TV_SCALAR_BYTES], const uint8_t b[TV_SCALAR_BYTES],
    const struct tv_gpoint *P)
{
	decaf_255_scalar_t sa, sb;

	if (scalar_in(sa, a) != 0 || scalar_in(sb, b) != 0)
		return TV_ERR_CRYPTO;
	/* libdecaf 1.0.2 returns the identity for b = 0 whatever a is (its
	 * wNAF loop starts from b's top digit, and b = 0 has none): found
	 * by t_gpoint.c's differential test, so b = 0 takes the fixed-base
	 * multiplication instead.  A proof's challenge half c1 = 0 is a
	 * prover's choice, so this case is reachable from input. */
	if (decaf_255_scalar_eq(sb, decaf_255_scalar_zero) == DECAF_TRUE)
		decaf_255_precomputed_scalarmul(DP(r),
		    decaf_255_precomputed_base, sa);
	else
		decaf_255_base_double_scalarmul_non_secret(DP(r), sa, CDP(P),
		    sb);
	return 0;
}

int
tv_gpoint_double_mul(struct tv_gpoint *r,
    const uint8_t a[TV_SCALAR_BYTES], const struct tv_gpoint *P,
    const uint8_t b[TV_SCALAR_BYTES], const struct tv_gpoint *Q)
{
	decaf_255_scalar_t sa, sb;

	if (scalar_in(sa, a) != 0 || scalar_in(sb, b) != 0)
		return TV_ERR_CRYPTO;
	decaf_255_point_double_scalarmul(DP(r), CDP(P), sa, CDP(Q), sb);
	return 0;
}

int
tv_scalar_neg(uint8_t c[TV_SCALAR_BYTES], const uint8_t a[TV_SCALAR_BYTES])
{
	decaf_255_scalar_t s;

	if (scalar_in(s, a) != 0)
		return TV_ERR_CRYPTO;
	decaf_255_scalar_sub(s, decaf_255_scalar_zero, s);
	decaf_255_scalar_encode(c, s);
	return 0;
}

int
tv_gct_decode(struct tv_gpoint *v, const uint8_t *ct, uint32_t k)
{
	uint32_t i;

	for (i = 0; i <= k; i++)
		if (tv_gpoint_decode(&v[i], ct + (size_t)i * TV_POINT_BYTES)
		    != 0)
			return TV_ERR_CRYPTO;
	return 0;
}

void
tv_gct_encode(uint8_t *ct, const struct tv_gpoint *v, uint32_t k)
{
	uint32_t i;

	for (i = 0; i <= k; i++)
		tv_gpoint_encode(ct + (size_t)i * TV_POINT_BYTES, &v[i]);
}

void
tv_gct_zero(struct tv_gpoint *v, uint32_t k)
{
	uint32_t i;

	for (i = 0; i <= k; i++)
		tv_gpoint_identity(&v[i]);
}

void
tv_gct_add(struct tv_gpoint *sum, const struct tv_gpoint *v, uint32_t k)
{
	uint32_t i;

	for (i = 0; i <= k; i++)
		tv_gpoint_add(&sum[i], &sum[i], &v[i]);
}

void
tv_gct_sub(struct tv_gpoint *sum, const struct tv_gpoint *v, uint32_t k)
{
	uint32_t i;

	for (i = 0; i <= k; i++)
		tv_gpoint_sub(&sum[i], &sum[i], &v[i]);
}

int
tv_gct_add_bytes(struct tv_gpoint *sum, const uint8_t *ct, uint32_t k)
{
	struct tv_gpoint p;
	uint32_t i, j;

	for (i = 0; i <= k; i++) {
		if (tv_gpoint_decode(&p, ct + (size_t)i * TV_POINT_BYTES)
		    == 0) {
			tv_gpoint_add(&sum[i], &sum[i], &p);
			continue;
		}
		/* Undo what was added: the group law is exact, so sum is
		 * the same element again (and encodes to the same bytes).
		 * Only for invalid input; the points before i decoded. */
		for (j = 0; j < i; j++) {
			if (tv_gpoint_decode(&p, ct + (size_t)j *
			    TV_POINT_BYTES) == 0)
				tv_gpoint_sub(&sum[j], &sum[j], &p);
		}
		return TV_ERR_CRYPTO;
	}
	return 0;
}

int
tv_gct_add_to_bytes(uint8_t *out, const uint8_t *ct,
    const struct tv_gpoint *v, uint32_t k)
{
	struct tv_gpoint p;
	uint32_t i;

	for (i = 0; i <= k; i++) {
		if (tv_gpoint_decode(&p, ct + (size_t)i * TV_POINT_BYTES) != 0)
			return TV_ERR_CRYPTO;
		tv_gpoint_add(&p, &p, &v[i]);
		tv_gpoint_encode(out + (size_t)i * TV_POINT_BYTES, &p);
	}
	return 0;
}
