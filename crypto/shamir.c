/* SPDX-License-Identifier: MIT */
/*
 * shamir.c - t-of-n Shamir sharing over Z_L, Feldman commitments and
 * Lagrange coefficients at 0 (crypto-notes §5.1).
 *
 * The coefficients and shares are secrets: they are only ever combined
 * with constant-time scalar arithmetic, and wiped on every path.  Share
 * indices, quorums and commitments are public.
 */
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "group.h"
#include "shamir.h"
#include "shamir_internal.h"

/* s = v as a (reduced) scalar. */
static void
scalar_small(uint8_t s[32], unsigned v)
{
	int i;

	memset(s, 0, 32);
	for (i = 0; i < 4; i++)
		s[i] = (uint8_t)(v >> (8 * i));
}

/* 1 iff s < L, in constant time (tv_scalar_ok() is for public values):
 * a canonical scalar is its own reduction. */
static int
scalar_canonical(const uint8_t s[32])
{
	uint8_t wide[64] = { 0 }, red[32];
	int ok;

	memcpy(wide, s, 32);
	crypto_core_ristretto255_scalar_reduce(red, wide);
	ok = sodium_memcmp(red, s, 32) == 0;
	sodium_memzero(wide, sizeof wide);
	sodium_memzero(red, sizeof red);
	return ok;
}

/* y = f(x) by Horner's rule, all on reduced scalars. */
static void
poly_eval(uint8_t y[32], const uint8_t *coeffs, unsigned t, unsigned x)
{
	uint8_t xs[32], yx[32];
	unsigned k = t - 1;

	scalar_small(xs, x);
	memcpy(y, coeffs + 32 * (size_t)k, 32);
	while (k-- > 0) {
		crypto_core_ristretto255_scalar_mul(yx, y, xs);
		crypto_core_ristretto255_scalar_add(y, yx,
		    coeffs + 32 * (size_t)k);
	}
	sodium_memzero(yx, sizeof yx);
}

static int
sizes_ok(unsigned t, unsigned n)
{
	return t >= 1 && t <= n && n <= TV_SHAMIR_MAX;
}

int
tv_shamir_deal_coeffs(uint8_t *shares, uint8_t *commit,
    const uint8_t *coeffs, unsigned t, unsigned n)
{
	unsigned j, k;
	int rc = TV_ERR_RANGE;

	if (!sizes_ok(t, n))
		goto out;
	/* A zero a_{t-1} would let t-1 shares recombine; a zero a_0 is an
	 * identity key.  Check all before writing anything. */
	for (k = 0; k < t; k++)
		if (!scalar_canonical(coeffs + 32 * (size_t)k) ||
		    sodium_is_zero(coeffs + 32 * (size_t)k, 32))
			goto out;
	for (k = 0; k < t; k++)
		tv_point_mulbase(commit + 32 * (size_t)k,
		    coeffs + 32 * (size_t)k);
	for (j = 1; j <= n; j++)
		poly_eval(shares + 32 * (size_t)(j - 1), coeffs, t, j);
	rc = 0;
out:
	return rc;
}

int
tv_shamir_deal(uint8_t *shares, uint8_t *commit, const uint8_t secret[32],
    unsigned t, unsigned n)
{
	uint8_t coeffs[TV_SHAMIR_MAX * 32];
	unsigned k;
	int rc = TV_ERR_RANGE;

	if (!sizes_ok(t, n))
		goto out;
	memcpy(coeffs, secret, 32);
	/* Uniform in ]0, L[: never the zero that would lower t. */
	for (k = 1; k < t; k++)
		crypto_core_ristretto255_scalar_random(coeffs + 32 * (size_t)k);
	rc = tv_shamir_deal_coeffs(shares, commit, coeffs, t, n);
out:
	sodium_memzero(coeffs, sizeof coeffs);
	return rc;
}

int
tv_shamir_verkey(uint8_t S[32], unsigned j, const uint8_t *commit,
    unsigned t)
{
	uint8_t js[32], jk[32], next[32], term[32], acc[32];
	unsigned k;
	int rc = TV_ERR_RANGE;

	if (j < 1 || j > TV_SHAMIR_MAX || t < 1 || t > TV_SHAMIR_MAX)
		goto out;
	rc = TV_ERR_CRYPTO;
	for (k = 0; k < t; k++)
		if (!tv_point_ok_nonid(commit + 32 * (size_t)k))
			goto out;
	scalar_small(js, j);
	memcpy(jk, js, 32);
	memcpy(acc, commit, 32);
	for (k = 1; k < t; k++) {
		if (tv_point_mul(term, jk, commit + 32 * (size_t)k) != 0 ||
		    tv_point_add(acc, acc, term) != 0)
			goto out;
		crypto_core_ristretto255_scalar_mul(next, jk, js);
		memcpy(jk, next, 32);
	}
	/* f(j) = 0: the trustee's partial decryption would be the identity,
	 * which no verifier accepts. */
	if (sodium_is_zero(acc, 32))
		goto out;
	memcpy(S, acc, 32);
	rc = 0;
out:
	return rc;
}

int
tv_shamir_check(const uint8_t share[32], unsigned j, const uint8_t *commit,
    unsigned t)
{
	uint8_t S[32], P[32];
	int rc, canon;

	if ((rc = tv_shamir_verkey(S, j, commit, t)) != 0)
		goto out;
	/* share + L would give the same share*G: only the canonical value
	 * is the share. */
	canon = scalar_canonical(share);
	tv_point_mulbase(P, share);
	rc = (canon & (sodium_memcmp(P, S, 32) == 0)) ? 0 : TV_ERR_BADSIG;
out:
	sodium_memzero(P, sizeof P);
	return rc;
}

/* 1 iff q holds distinct indices in 1..TV_SHAMIR_MAX, one of them j. */
static int
quorum_ok(unsigned j, const unsigned *q, unsigned nq)
{
	unsigned a, b;
	int found = 0;

	if (nq < 1 || nq > TV_SHAMIR_MAX)
		return 0;
	for (a = 0; a < nq; a++) {
		if (q[a] < 1 || q[a] > TV_SHAMIR_MAX)
			return 0;
		for (b = 0; b < a; b++)
			if (q[b] == q[a])
				return 0;
		if (q[a] == j)
			found = 1;
	}
	return found;
}

int
tv_lagrange0(uint8_t lambda[32], unsigned j, const unsigned *q,
    unsigned nq)
{
	uint8_t num[32], den[32], js[32], ks[32], diff[32], prod[32];
	uint8_t inv[32];
	unsigned a;
	int rc = TV_ERR_RANGE;

	if (!quorum_ok(j, q, nq))
		goto out;
	scalar_small(num, 1);
	scalar_small(den, 1);
	scalar_small(js, j);
	for (a = 0; a < nq; a++) {
		if (q[a] == j)
			continue;
		scalar_small(ks, q[a]);
		crypto_core_ristretto255_scalar_mul(prod, num, ks);
		memcpy(num, prod, 32);
		crypto_core_ristretto255_scalar_sub(diff, ks, js);
		crypto_core_ristretto255_scalar_mul(prod, den, diff);
		memcpy(den, prod, 32);
	}
	/* One inversion per coefficient; -1 only for den = 0, which
	 * distinct indices below L rule out. */
	if (crypto_core_ristretto255_scalar_invert(inv, den) != 0)
		goto out;
	crypto_core_ristretto255_scalar_mul(lambda, num, inv);
	rc = 0;
out:
	return rc;
}
