/* SPDX-License-Identifier: MIT */
/*
 * derived.h - internal to the trustee's policy (ledger.c): record sets
 * that published figures imply without any cell being them.
 *
 * In a relation "total = sum of its parts", a known total minus its known
 * parts gives the union of the other parts; known parts added up give the
 * total.  Such a union is as public as a released cell, and across
 * releases it differences like one: if a later release makes the same
 * group's union known again after 1 .. min_cohort-1 late records joined
 * it, the two figures give those few records' sum (issue 13: a month and
 * two of its weeks released, the other two weeks suppressed; next time
 * the two weeks released, with 10 late records).  So the ledger remembers
 * every such group (name "~" and the total's cell name, the union's
 * record ids), a later request's groups are compared with every set
 * remembered, and a remembered group whose parts still hold exactly its
 * records is an equation (its sum is known) that the secondary
 * suppression and the global check take in.
 *
 * A group in a later request is found by its records, not by the names of
 * its parts: the parts of the same total whose record sets meet the
 * remembered union (records never change cell).  docs/formats.md V.2.
 */
#ifndef TV_DERIVED_H
#define TV_DERIVED_H

#include "release/recount.h"
#include "trustee/record_sets.h"

struct derived_in {
	const struct set *before;	/* the sets of earlier requests */
	size_t nbefore;
	const struct tv_request *req;
	const struct tv_recount *rb;	/* each cell's record ids */
	const struct tv_relation *r;	/* the hierarchy's relations */
	uint32_t nrel;
	uint32_t min_cohort;
	/* derived_index: the remembered groups of relation i are before[k]
	 * for k = first[i], next[k], next[next[k]] ... until SIZE_MAX */
	size_t *first, *next;
};

/* Index the remembered groups by relation (d->r and d->nrel set); 0 or
 * TV_ERR_NOMEM.  derived_index_free releases it (accepts an unindexed
 * d). */
int derived_index(struct derived_in *d);
void derived_index_free(struct derived_in *d);

/*
 * The equations this request inherits: each remembered group whose parts
 * now hold exactly its records, as a relation with parent TV_REL_KNOWN,
 * appended to *r (reallocated; *n grows; *r's first d->nrel relations are
 * the hierarchy's, as indexed).  0 or TV_ERR_NOMEM.
 */
int derived_equations(const struct derived_in *d, struct tv_relation **r,
    uint32_t *n);

/*
 * If a group whose union the verdicts v make known differs from a set
 * remembered by 1 .. min_cohort-1 records, hold back (TV_V_SECONDARY) the
 * released cell with something new and the smallest unknown part among
 * those that make it known, and return 1; 0 if there is no such group;
 * TV_ERR_NOMEM.  *stuck counts the groups with nothing left to hold back.
 */
int derived_hold(const struct derived_in *d, enum tv_verdict *v,
    const uint64_t *unknown, uint32_t *stuck);

/*
 * The groups whose unions the verdicts v make known, as sets to remember
 * (each owns its ids), in *out (free each own, then *out); 0 or
 * TV_ERR_NOMEM.
 */
int derived_sets(const struct derived_in *d, const enum tv_verdict *v,
    const uint64_t *unknown, struct set **out, size_t *nout);

#endif
