/* SPDX-License-Identifier: MIT */
/*
 * noise.h - integer-only discrete Laplace and discrete Gaussian samplers
 * (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020; crypto-notes §7.2).  Parameters are rationals,
 * randomness is uniform integers from randombytes (rejection sampling, no
 * modulo bias), and no floating point is used anywhere, so the output's
 * low bits cannot leak the input (Mironov 2012).
 *
 * Running time depends on the noise drawn: sample before a release, not
 * inside anything an attacker can time (crypto-notes §7.2, "Timing").
 */
#ifndef TV_NOISE_H
#define TV_NOISE_H

#include <stdint.h>

/* Largest numerator or denominator accepted: keeps every intermediate
 * value within 128 bits. */
#define TV_NOISE_PARAM_MAX 1000000000ULL

/* P[x] proportional to exp(-|x| / b), b = num/den > 0.  0, TV_ERR_RANGE. */
int tv_noise_dlaplace(int64_t *x, uint64_t num, uint64_t den);
/* P[x] proportional to exp(-x^2 / (2 sigma^2)), sigma^2 = num/den > 0. */
int tv_noise_dgauss(int64_t *x, uint64_t num, uint64_t den);

/* Bernoulli(exp(-num/den)), exposed for the statistical tests. */
int tv_noise_bernexp(unsigned __int128 num, unsigned __int128 den);

#endif
