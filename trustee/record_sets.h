/* SPDX-License-Identifier: MIT */
/*
 * record_sets.h - internal to the trustee's policy (ledger.c, derived.c):
 * the record sets a ledger remembers, and what a cell's verdict says about
 * whether its value is known.
 */
#ifndef TV_RECORD_SETS_H
#define TV_RECORD_SETS_H

#include <stddef.h>
#include <stdint.h>

#include "release/hierarchy.h"
#include "release/verdict.h"

/*
 * A record set whose sum some published figures give: a released cell's
 * (name "SITE/PERIOD/ID"), or a derived one (name "~" and the name of the
 * total of the relation it was derived from: the union of a group of that
 * total's parts, known as the total minus the other parts, or as the sum of
 * the group's parts; trustee/derived.c).
 */
struct set {
	char name[48];
	uint64_t n;
	const uint8_t *ids;	/* sorted, 16 bytes each */
	uint8_t *own;		/* allocation, when owned */
};

/* |A symmetric-difference B| for sorted id lists, counted up to bound:
 * the exact value if it is below bound, else some value >= bound. */
uint64_t sets_symdiff(const uint8_t *a, uint64_t na, const uint8_t *b,
    uint64_t nb, uint64_t bound);
/* |A intersection B| for sorted id lists. */
uint64_t sets_common(const uint8_t *a, uint64_t na, const uint8_t *b,
    uint64_t nb);

/* Hidden to protect someone (not merely not yet, or not again). */
static inline int
verdict_private(enum tv_verdict v)
{
	return v == TV_V_MIN_COHORT || v == TV_V_DIFFERENCING ||
	    v == TV_V_SECONDARY;
}

/* Cell c's value is known: released now, or before with these records
 * (unknown[c] == 0); the total of an equation (TV_REL_KNOWN) always is. */
static inline int
cell_known(const enum tv_verdict *v, const uint64_t *unknown, uint32_t c)
{
	return c == TV_REL_KNOWN || TV_VERDICT_RELEASED(v[c]) ||
	    unknown[c] == 0;
}

#endif
