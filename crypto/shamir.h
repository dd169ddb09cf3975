/* SPDX-License-Identifier: MIT */
/*
 * shamir.h - t-of-n Shamir sharing over Z_L with Feldman commitments, and
 * Lagrange coefficients for combining in the exponent (crypto-notes §5).
 *
 * f(z) = a_0 + a_1 z + ... + a_{t-1} z^{t-1}, a_0 = the secret, a_j random;
 * share of trustee j (1..n) is f(j); commitments A_k = a_k*G (A_0 = X).
 * Nobody ever reconstructs a secret: partial results s_j*R are combined as
 * sum lambda_j * (s_j*R).
 */
#ifndef TV_SHAMIR_H
#define TV_SHAMIR_H

#include <stdint.h>

#define TV_SHAMIR_MAX 16	/* n <= 16 trustees */

/* Deal: shares (n * 32) and commitments (t * 32) for secret (32, < L).
 * 1 <= t <= n <= TV_SHAMIR_MAX, else TV_ERR_RANGE.  Wipes the
 * coefficients. */
int tv_shamir_deal(uint8_t *shares, uint8_t *commit, const uint8_t secret[32],
    unsigned t, unsigned n);
/* S = f(j)*G computed from the commitments: sum_k j^k A_k.  0 or
 * TV_ERR_CRYPTO (invalid commitment). */
int tv_shamir_verkey(uint8_t S[32], unsigned j, const uint8_t *commit,
    unsigned t);
/* 0 iff share*G == tv_shamir_verkey(j); else TV_ERR_BADSIG. */
int tv_shamir_check(const uint8_t share[32], unsigned j, const uint8_t *commit,
    unsigned t);
/* lambda_j = prod_{k in q, k != j} k / (k - j) mod L, for the quorum q of
 * distinct indices (1..TV_SHAMIR_MAX).  TV_ERR_RANGE if j is not in q or q
 * has a repeated or zero index. */
int tv_lagrange0(uint8_t lambda[32], unsigned j, const unsigned *q,
    unsigned nq);

#endif
