/* SPDX-License-Identifier: MIT */
/*
 * t_shamir.c - t-of-n sharing with Feldman commitments: every quorum of t
 * recombines x*R in the exponent, no quorum of t-1 does; share checks;
 * Lagrange coefficients against values computed independently.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/shamir.h"
#include "crypto/shamir_internal.h"
#include "tests/unit/tap.h"

static void
small(uint8_t s[32], unsigned v)
{
	memset(s, 0, 32);
	s[0] = (uint8_t)v;
	s[1] = (uint8_t)(v >> 8);
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

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v >>= 1)
		n += v & 1;
	return n;
}

/*
 * sum_{j in mask} lambda_j * (s_j * R) into out, with the quorum given as
 * a bit mask over trustees 1..n (bit j-1).  0 or a negative error.
 */
static int
combine(uint8_t out[32], const uint8_t *shares, unsigned n, unsigned mask,
    const uint8_t R[32])
{
	unsigned q[TV_SHAMIR_MAX], nq = 0, j, a;
	uint8_t lambda[32], D[32], T[32];
	int rc;

	for (j = 1; j <= n; j++)
		if (mask & (1u << (j - 1)))
			q[nq++] = j;
	memcpy(out, tv_identity, 32);
	for (a = 0; a < nq; a++) {
		if ((rc = tv_lagrange0(lambda, q[a], q, nq)) != 0)
			return rc;
		/* What trustee q[a] publishes: D = s*R; then lambda*D. */
		if ((rc = tv_point_mul(D, shares + 32 * (q[a] - 1), R)) != 0 ||
		    (rc = tv_point_mul(T, lambda, D)) != 0 ||
		    (rc = tv_point_add(out, out, T)) != 0)
			return rc;
	}
	return 0;
}

static void
test_quorums(unsigned t, unsigned n)
{
	uint8_t x[32], X[32], xR[32], R[32], r[32], got[32], S[32], sG[32];
	uint8_t shares[TV_SHAMIR_MAX * 32], commit[TV_SHAMIR_MAX * 32];
	uint8_t bad[32], one[32];
	unsigned mask, j, full = 0, fullok = 0, part = 0, partok = 0;
	unsigned checked = 0, vk = 0, over = 0, overok = 0, errs = 0;
	char name[96];

	crypto_core_ristretto255_scalar_random(x);
	tv_point_mulbase(X, x);
	crypto_core_ristretto255_scalar_random(r);
	tv_point_mulbase(R, r);
	tv_point_mul(xR, x, R);

	snprintf(name, sizeof name, "%u-of-%u: deal", t, n);
	is_int(0, tv_shamir_deal(shares, commit, x, t, n), name);
	snprintf(name, sizeof name, "%u-of-%u: A_0 == x*G", t, n);
	is_mem(commit, X, 32, name);

	for (j = 1; j <= n; j++) {
		if (tv_shamir_check(shares + 32 * (j - 1), j, commit, t) == 0)
			checked++;
		tv_point_mulbase(sG, shares + 32 * (j - 1));
		if (tv_shamir_verkey(S, j, commit, t) == 0 &&
		    memcmp(S, sG, 32) == 0)
			vk++;
	}
	snprintf(name, sizeof name, "%u-of-%u: every share passes the check",
	    t, n);
	is_int(n, checked, name);
	snprintf(name, sizeof name, "%u-of-%u: verkey(j) == s_j*G", t, n);
	is_int(n, vk, name);

	small(one, 1);
	crypto_core_ristretto255_scalar_add(bad, shares, one);
	snprintf(name, sizeof name, "%u-of-%u: a wrong share fails", t, n);
	is_int(TV_ERR_BADSIG, tv_shamir_check(bad, 1, commit, t), name);
	if (n > 1) {
		snprintf(name, sizeof name,
		    "%u-of-%u: share 1 checked as share 2 fails", t, n);
		is_int(TV_ERR_BADSIG, tv_shamir_check(shares, 2, commit, t),
		    name);
	}

	for (mask = 1; mask < (1u << n); mask++) {
		if (combine(got, shares, n, mask, R) != 0) {
			errs++;
			continue;
		}
		if (popcount(mask) == t) {
			full++;
			fullok += memcmp(got, xR, 32) == 0;
		} else if (popcount(mask) + 1 == t) {
			part++;
			partok += memcmp(got, xR, 32) != 0;
		} else if (popcount(mask) > t) {
			over++;
			overok += memcmp(got, xR, 32) == 0;
		}
	}
	snprintf(name, sizeof name, "%u-of-%u: every subset combines", t, n);
	is_int(0, errs, name);
	snprintf(name, sizeof name,
	    "%u-of-%u: all %u quorums of %u give x*R", t, n, full, t);
	ok(full > 0 && fullok == full, name);
	snprintf(name, sizeof name,
	    "%u-of-%u: all %u larger quorums give x*R", t, n, over);
	ok(overok == over, name);
	if (t > 1) {
		snprintf(name, sizeof name,
		    "%u-of-%u: none of %u sets of %u gives x*R", t, n, part,
		    t - 1);
		ok(part > 0 && partok == part, name);
	}
}

/* Known polynomials, dealt through the deterministic path. */
static void
test_known(void)
{
	static const unsigned f1[2] = { 5, 7 };		/* 5 + 7z */
	static const unsigned f2[3] = { 1, 2, 3 };	/* 1 + 2z + 3z^2 */
	static const unsigned want1[3] = { 12, 19, 26 };
	static const unsigned want2[5] = { 6, 17, 34, 57, 86 };
	uint8_t coeffs[3 * 32], shares[5 * 32], commit[3 * 32], w[32];
	uint8_t saved[5 * 32];
	unsigned j, good = 0;

	small(coeffs, f1[0]);
	small(coeffs + 32, f1[1]);
	is_int(0, tv_shamir_deal_coeffs(shares, commit, coeffs, 2, 3),
	    "deal 5 + 7z");
	for (j = 0; j < 3; j++) {
		small(w, want1[j]);
		good += memcmp(shares + 32 * j, w, 32) == 0;
	}
	is_int(3, good, "shares are 12, 19, 26");

	for (j = 0; j < 3; j++)
		small(coeffs + 32 * j, f2[j]);
	is_int(0, tv_shamir_deal_coeffs(shares, commit, coeffs, 3, 5),
	    "deal 1 + 2z + 3z^2");
	for (good = 0, j = 0; j < 5; j++) {
		small(w, want2[j]);
		good += memcmp(shares + 32 * j, w, 32) == 0;
	}
	is_int(5, good, "shares are 6, 17, 34, 57, 86");
	small(w, 3);
	tv_point_mulbase(saved, w);
	is_mem(commit + 64, saved, 32, "A_2 == 3*G");

	memcpy(saved, shares, sizeof saved);
	memset(coeffs + 64, 0, 32);
	is_int(TV_ERR_RANGE, tv_shamir_deal_coeffs(shares, commit, coeffs, 3,
	    5), "zero top coefficient refused (would lower t)");
	is_mem(shares, saved, sizeof saved, "... and nothing written");
}

static void
test_errors(void)
{
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	};
	uint8_t x[32], shares[17 * 32], commit[17 * 32], S[32], bc[32 * 2];
	uint8_t lambda[32], zero[32] = { 0 };
	unsigned q[3];

	crypto_core_ristretto255_scalar_random(x);
	is_int(TV_ERR_RANGE, tv_shamir_deal(shares, commit, x, 0, 3), "t = 0");
	is_int(TV_ERR_RANGE, tv_shamir_deal(shares, commit, x, 4, 3), "t > n");
	is_int(TV_ERR_RANGE, tv_shamir_deal(shares, commit, x, 2, 17),
	    "n > TV_SHAMIR_MAX");
	is_int(TV_ERR_RANGE, tv_shamir_deal(shares, commit, order, 2, 3),
	    "non-canonical secret (L)");
	is_int(TV_ERR_RANGE, tv_shamir_deal(shares, commit, zero, 2, 3),
	    "zero secret (identity key)");
	is_int(0, tv_shamir_deal(shares, commit, x, 16, 16), "16-of-16");
	is_int(0, tv_shamir_check(shares + 15 * 32, 16, commit, 16),
	    "... share 16 checks");

	is_int(0, tv_shamir_deal(shares, commit, x, 2, 3), "2-of-3");
	is_int(TV_ERR_RANGE, tv_shamir_verkey(S, 0, commit, 2),
	    "verkey of index 0 (the secret) refused");
	is_int(TV_ERR_RANGE, tv_shamir_verkey(S, 17, commit, 2),
	    "verkey of index 17 refused");
	memcpy(bc, commit, sizeof bc);
	bc[32 + 31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_shamir_verkey(S, 1, bc, 2),
	    "bit-255 commitment refused");
	is_int(TV_ERR_CRYPTO, tv_shamir_check(shares, 1, bc, 2),
	    "... by check as well");
	memcpy(bc, commit, sizeof bc);
	memset(bc + 32, 0, 32);
	is_int(TV_ERR_CRYPTO, tv_shamir_verkey(S, 1, bc, 2),
	    "identity commitment refused");
	/* share + L: same share*G, but not the share. */
	add256(bc, shares, order);
	is_int(TV_ERR_BADSIG, tv_shamir_check(bc, 1, commit, 2),
	    "non-canonical share + L fails the check");

	q[0] = 1;
	q[1] = 2;
	q[2] = 3;
	is_int(TV_ERR_RANGE, tv_lagrange0(lambda, 4, q, 3), "j not in q");
	q[2] = 2;
	is_int(TV_ERR_RANGE, tv_lagrange0(lambda, 1, q, 3), "repeated index");
	q[2] = 0;
	is_int(TV_ERR_RANGE, tv_lagrange0(lambda, 1, q, 3), "index 0");
	q[2] = 17;
	is_int(TV_ERR_RANGE, tv_lagrange0(lambda, 1, q, 3), "index 17");
	is_int(TV_ERR_RANGE, tv_lagrange0(lambda, 1, q, 0), "empty quorum");
	q[0] = 5;
	is_int(0, tv_lagrange0(lambda, 5, q, 1), "quorum {5}");
	small(S, 1);
	is_mem(lambda, S, 32, "... lambda = 1");
}

/* Lagrange at 0 for the three pairs of 2-of-3, from scalar_invert and
 * scalar_negate rather than from tv_lagrange0's own formula. */
static void
test_lagrange(void)
{
	static const unsigned q12[2] = { 1, 2 }, q13[2] = { 1, 3 };
	static const unsigned q23[2] = { 2, 3 };
	uint8_t one[32], two[32], three[32], half[32], w[32], l[32];

	small(one, 1);
	small(two, 2);
	small(three, 3);
	crypto_core_ristretto255_scalar_invert(half, two);

	tv_lagrange0(l, 1, q12, 2);
	is_mem(l, two, 32, "{1,2}: lambda_1 = 2");
	crypto_core_ristretto255_scalar_negate(w, one);
	tv_lagrange0(l, 2, q12, 2);
	is_mem(l, w, 32, "{1,2}: lambda_2 = -1");

	crypto_core_ristretto255_scalar_mul(w, three, half);
	tv_lagrange0(l, 1, q13, 2);
	is_mem(l, w, 32, "{1,3}: lambda_1 = 3/2");
	crypto_core_ristretto255_scalar_negate(w, half);
	tv_lagrange0(l, 3, q13, 2);
	is_mem(l, w, 32, "{1,3}: lambda_3 = -1/2");

	tv_lagrange0(l, 2, q23, 2);
	is_mem(l, three, 32, "{2,3}: lambda_2 = 3");
	crypto_core_ristretto255_scalar_negate(w, two);
	tv_lagrange0(l, 3, q23, 2);
	is_mem(l, w, 32, "{2,3}: lambda_3 = -2");
}

int
main(void)
{
	is_int(0, tv_crypto_init(), "tv_crypto_init");
	test_quorums(1, 1);
	test_quorums(2, 3);
	test_quorums(3, 5);
	test_known();
	test_errors();
	test_lagrange();
	return tap_done();
}
