/* SPDX-License-Identifier: MIT */
/*
 * The samplers follow CKS20 Algorithms 1-3 (and OpenDP's cks20
 * pseudocode): Bernoulli(exp(-gamma)) by von Neumann's method, discrete
 * Laplace from a geometric, discrete Gaussian by rejection from a discrete
 * Laplace.  Rationals are kept as 128-bit numerator/denominator pairs.
 */
#include <sodium.h>

#include "crypto/err.h"
#include "crypto/noise.h"

typedef unsigned __int128 u128;

/* Uniform in [0, n), n >= 1, without modulo bias. */
static u128
uniform(u128 n)
{
	u128 r, lim = ~(u128)0 - (~(u128)0 % n);

	do
		randombytes_buf(&r, sizeof r);
	while (r >= lim);
	return r % n;
}

/* Bernoulli(num/den), num <= den. */
static int
bern(u128 num, u128 den)
{
	return uniform(den) < num;
}

/* Bernoulli(exp(-num/den)) for num/den in [0, 1]. */
static int
bernexp_le1(u128 num, u128 den)
{
	u128 k = 1;

	while (bern(num, den * k))
		k++;
	return (int)(k & 1);
}

int
tv_noise_bernexp(u128 num, u128 den)
{
	/* exp(-g) = exp(-1)^floor(g) * exp(-(g - floor(g))) */
	while (num > den) {
		if (!bernexp_le1(1, 1))
			return 0;
		num -= den;
	}
	return bernexp_le1(num, den);
}

/* CKS20 Algorithm 2: discrete Laplace with scale t/s. */
static int64_t
dlaplace(u128 s, u128 t)
{
	u128 u, v, y;
	int b;

	for (;;) {
		u = uniform(t);
		if (!tv_noise_bernexp(u, t))
			continue;
		for (v = 0; tv_noise_bernexp(1, 1); v++)
			;
		y = (u + t * v) / s;
		b = (int)uniform(2);
		if (b == 1 && y == 0)
			continue;
		return b ? -(int64_t)y : (int64_t)y;
	}
}

static int
params_ok(uint64_t num, uint64_t den)
{
	return num > 0 && den > 0 && num <= TV_NOISE_PARAM_MAX &&
	    den <= TV_NOISE_PARAM_MAX;
}

int
tv_noise_dlaplace(int64_t *x, uint64_t num, uint64_t den)
{
	if (!params_ok(num, den))
		return TV_ERR_RANGE;
	*x = dlaplace(den, num);	/* scale num/den = t/s */
	return 0;
}

/* floor(sqrt(num/den)) */
static u128
isqrt_ratio(u128 num, u128 den)
{
	u128 lo = 0, hi = 1, mid;

	while (hi * hi * den <= num)
		hi *= 2;
	while (lo + 1 < hi) {
		mid = (lo + hi) / 2;
		if (mid * mid * den <= num)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* CKS20 Algorithm 3: Y ~ DLap(t), t = floor(sigma) + 1, accepted with
 * probability exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)); with
 * sigma^2 = n/d the exponent is (|Y| d t - n)^2 / (2 n d t^2). */
int
tv_noise_dgauss(int64_t *x, uint64_t num, uint64_t den)
{
	u128 t, a, e, n = num, d = den;
	int64_t y;

	if (!params_ok(num, den))
		return TV_ERR_RANGE;
	t = isqrt_ratio(n, d) + 1;
	for (;;) {
		y = dlaplace(1, t);
		a = (u128)(y < 0 ? -y : y) * d * t;
		e = a > n ? a - n : n - a;
		if (tv_noise_bernexp(e * e, 2 * n * d * t * t)) {
			*x = y;
			return 0;
		}
	}
}
