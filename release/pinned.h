/* SPDX-License-Identifier: MIT */
/*
 * pinned.h - the check behind secondary suppression's local rules: can a
 * hidden cell's value be computed from the published ones?
 *
 * The relations of the hierarchy (release/hierarchy.h) are linear
 * equations.  With the published values put in, a hidden cell is pinned
 * when its unit vector lies in the span of the equations restricted to the
 * cells not published: the attack of tests/tools/difference_attack.py,
 * which any reader of the release can run.  Which cells are pinned depends
 * only on which cells are published, not on any value, so a trustee can
 * tell before decrypting anything.
 */
#ifndef TV_PINNED_H
#define TV_PINNED_H

#include <stdint.h>

#include "release/hierarchy.h"

/* Above this many cells not published the check is not run: the dense
 * matrix is (relations touching them) x (cells) x 8 bytes, about 60 MB
 * for a year of 100 sites with every site-week hidden. */
#define TV_PINNED_MAX_OPEN 6000

/*
 * open[c]: cell c's value is not published (a column of the system);
 * target[c]: a cell that must not be pinned.  1 and *cell = the first
 * target pinned; 0 if none is; TV_ERR_TOOBIG if more than
 * TV_PINNED_MAX_OPEN cells are open (not checked); TV_ERR_NOMEM.
 * Gaussian elimination modulo the prime 2^61 - 1: the coefficients are 0
 * and +-1, and the rank over the rationals and modulo so large a prime
 * differ only if it divides a minor.
 */
int tv_pinned_find(const struct tv_relation *r, uint32_t nrel,
    uint32_t ncells, const uint8_t *open, const uint8_t *target,
    uint32_t *cell);

#endif
