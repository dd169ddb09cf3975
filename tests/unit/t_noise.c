/* SPDX-License-Identifier: MIT */
/*
 * The integer samplers against their distributions: mean, variance and
 * the probability of 0 and 1 over many draws, compared with the exact
 * values (CKS20; crypto-notes §7.2 reports the same checks).  Bounds are
 * wide enough (about 6 standard errors) never to fail by chance, narrow
 * enough that a wrong scale or a sign bias fails.
 */
#include <math.h>
#include <stdio.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/noise.h"
#include "tests/unit/tap.h"

#define N 60000

struct stats { double mean, var, p0, p1; };

static void
measure(struct stats *st, int gauss, uint64_t num, uint64_t den)
{
	double sum = 0, sq = 0;
	long n0 = 0, n1 = 0;
	int64_t x;
	int i;

	for (i = 0; i < N; i++) {
		if (gauss)
			tv_noise_dgauss(&x, num, den);
		else
			tv_noise_dlaplace(&x, num, den);
		sum += (double)x;
		sq += (double)x * (double)x;
		n0 += x == 0;
		n1 += x == 1;
	}
	st->mean = sum / N;
	st->var = sq / N - st->mean * st->mean;
	st->p0 = (double)n0 / N;
	st->p1 = (double)n1 / N;
}

/* Exact discrete Laplace: P[x] = (1-q)/(1+q) q^|x|, q = exp(-1/b). */
static void
laplace_exact(struct stats *st, double b)
{
	double q = exp(-1 / b);

	st->mean = 0;
	st->var = 2 * q / ((1 - q) * (1 - q));
	st->p0 = (1 - q) / (1 + q);
	st->p1 = st->p0 * q;
}

/* Exact discrete Gaussian by summation. */
static void
gauss_exact(struct stats *st, double s2)
{
	double z = 0, v = 0, w;
	int x;

	for (x = -2000; x <= 2000; x++) {
		w = exp(-(double)x * x / (2 * s2));
		z += w;
		v += w * x * x;
	}
	st->mean = 0;
	st->var = v / z;
	st->p0 = 1 / z;
	st->p1 = exp(-1 / (2 * s2)) / z;
}

static void
compare(const char *name, const struct stats *got, const struct stats *want)
{
	char msg[128];
	double se_var = want->var * sqrt(8.0 / N) + 0.01;

	snprintf(msg, sizeof msg, "%s: mean %.4f near 0", name, got->mean);
	ok(fabs(got->mean) < 6 * sqrt(want->var / N), msg);
	snprintf(msg, sizeof msg, "%s: variance %.4f vs %.4f", name, got->var,
	    want->var);
	ok(fabs(got->var - want->var) < 6 * se_var, msg);
	snprintf(msg, sizeof msg, "%s: P[0] %.4f vs %.4f", name, got->p0,
	    want->p0);
	ok(fabs(got->p0 - want->p0) < 6 * sqrt(want->p0 / N), msg);
	snprintf(msg, sizeof msg, "%s: P[1] %.4f vs %.4f", name, got->p1,
	    want->p1);
	ok(fabs(got->p1 - want->p1) < 6 * sqrt(want->p1 / N), msg);
}

int
main(void)
{
	struct stats got, want;
	int64_t x;
	long ones = 0;
	int i;

	if (sodium_init() < 0)
		return 1;
	measure(&got, 0, 2, 1);
	laplace_exact(&want, 2.0);
	compare("DLap(b=2)", &got, &want);
	measure(&got, 0, 7, 3);
	laplace_exact(&want, 7.0 / 3);
	compare("DLap(b=7/3)", &got, &want);
	measure(&got, 1, 9, 1);
	gauss_exact(&want, 9.0);
	compare("DGauss(s2=9)", &got, &want);
	measure(&got, 1, 5, 2);
	gauss_exact(&want, 2.5);
	compare("DGauss(s2=5/2)", &got, &want);
	for (i = 0; i < N; i++)
		ones += tv_noise_bernexp(1, 2);
	/* 6 standard errors, as above (0.005 was 2.5: it failed 1 run in 80). */
	ok(fabs((double)ones / N - exp(-0.5)) <
	    6 * sqrt(exp(-0.5) * (1 - exp(-0.5)) / N), "BernExp(1/2)");
	is_int(TV_ERR_RANGE, tv_noise_dgauss(&x, 0, 1), "variance 0 refused");
	is_int(TV_ERR_RANGE, tv_noise_dlaplace(&x, 1, 0), "denominator 0");
	is_int(TV_ERR_RANGE, tv_noise_dgauss(&x, TV_NOISE_PARAM_MAX + 1, 1),
	    "huge parameter refused");
	return tap_done();
}
