/* SPDX-License-Identifier: MIT */
/*
 * shamir_internal.h - dealing from given coefficients.
 *
 * tv_shamir_deal() draws a_1..a_{t-1} at random and calls this.  Only the
 * known-answer test (tests/unit/t_kat_proof.c) and the unit tests call it
 * directly: fixed coefficients make every share predictable.
 */
#ifndef TV_SHAMIR_INTERNAL_H
#define TV_SHAMIR_INTERNAL_H

#include <stdint.h>

#include "shamir.h"

/* coeffs: t * 32 bytes, a_0 (the secret) .. a_{t-1}, each canonical and
 * non-zero, else TV_ERR_RANGE (a zero a_{t-1} would lower the threshold).
 * Writes shares (n * 32) and commitments (t * 32) only on success. */
int tv_shamir_deal_coeffs(uint8_t *shares, uint8_t *commit,
    const uint8_t *coeffs, unsigned t, unsigned n);

#endif
