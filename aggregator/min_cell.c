/* SPDX-License-Identifier: MIT */
/*
 * The plan's min_cell hides single values (an indicator under min_cell in
 * a cell that is released).  The trustees' secondary suppression works on
 * whole cells and never sees a value, so the publisher, which does, keeps
 * those values from being recomputed: over every relation of the
 * hierarchy (release/hierarchy.h), per indicator, until nothing changes:
 *   - a shown total whose parts not shown (records in them) add up to
 *     less than min_cell -- total minus the shown parts, which anyone can
 *     compute -- or that has one such part only (which that difference
 *     gives exactly), hides one more part (the smallest that lifts the
 *     rest to min_cell, else the largest), or the total if all parts are
 *     hidden;
 *   - a total hidden this way whose parts are all shown hides its
 *     smallest part (values are counts: no noise with min_cell).
 * Hidden values are published as suppressed/secondary.
 */
#include <stdint.h>
#include <string.h>

#include "aggregator/publish.h"
#include "common/util.h"
#include "release/hierarchy.h"

static int
shown(const struct cell_result *r, uint32_t s)
{
	return TV_VERDICT_RELEASED(r->v) && r->small[s] == TV_V_RELEASE;
}

/* The shown part to hide so that rest + its value >= min: the smallest
 * such, else the largest (UINT32_MAX if none is shown). */
static uint32_t
part_pick(const struct tv_relation *rel, const struct cell_result *res,
    uint32_t s, int64_t rest, uint32_t min)
{
	uint32_t i, k, fit = UINT32_MAX, big = UINT32_MAX;

	for (i = 0; i < rel->n; i++) {
		k = rel->kids[i];
		if (!shown(&res[k], s))
			continue;
		if (rest + res[k].values[s] >= (int64_t)min && (fit ==
		    UINT32_MAX || res[k].values[s] < res[fit].values[s]))
			fit = k;
		if (big == UINT32_MAX || res[k].values[s] > res[big].values[s])
			big = k;
	}
	return fit != UINT32_MAX ? fit : big;
}

/* One relation, one indicator; 1 if a value was hidden. */
static int
relation_protect(const struct tv_relation *rel, struct cell_result *res,
    const struct tv_request *req, uint32_t s, uint32_t min)
{
	const struct cell_result *p = &res[rel->parent];
	int64_t rest = p->values[s];
	uint32_t i, k, target;
	int hidden = 0;		/* parts not shown, with records */

	if (!TV_VERDICT_RELEASED(p->v))
		return 0;	/* a whole cell: the trustees' rules */
	for (i = 0; i < rel->n; i++) {
		k = rel->kids[i];
		if (shown(&res[k], s))
			rest -= res[k].values[s];
		else if (req->cells[k].count > 0)
			hidden++;
	}
	if (shown(p, s)) {
		if (hidden == 0 || (hidden > 1 && rest >= (int64_t)min))
			return 0;
		if ((target = part_pick(rel, res, s, rest, min)) == UINT32_MAX)
			target = rel->parent;
	} else if (hidden > 0 ||
	    (target = part_pick(rel, res, s, 0, 0)) == UINT32_MAX) {
		return 0;	/* a hidden part already, or none shown */
	}
	res[target].small[s] = TV_V_SECONDARY;
	return 1;
}

void
min_cell_protect(struct cell_result *res, const struct tv_request *req,
    uint32_t nsites, uint32_t k, uint32_t min)
{
	struct tv_relation *rel;
	uint32_t n, i, s;
	int changed = 1;

	if (min == 0)
		return;
	if (tv_relations_build(req, nsites, &rel, &n) != 0)
		die("out of memory");
	while (changed) {
		changed = 0;
		for (s = 0; s < k; s++)
			for (i = 0; i < n; i++)
				changed |= relation_protect(&rel[i], res, req,
				    s, min);
	}
	tv_relations_free(rel, n);
}
