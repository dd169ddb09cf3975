/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "common/hierarchy.h"
#include "common/util.h"
#include "proto/calendar.h"

static int
find_cell(const struct tv_request *req, uint32_t site, enum tv_period k,
    int32_t id, uint32_t *at)
{
	uint32_t i;

	for (i = 0; i < req->ncells; i++)
		if (req->cells[i].site == site && req->cells[i].period == k &&
		    req->cells[i].period_id == id) {
			*at = i;
			return 1;
		}
	return 0;
}

/* The kind below k in the hierarchy, and the id of its parent. */
static enum tv_period
child_kind(enum tv_period k)
{
	return k == TV_PERIOD_MONTH ? TV_PERIOD_WEEK : k == TV_PERIOD_QUARTER ?
	    TV_PERIOD_MONTH : k == TV_PERIOD_CAMPAIGN ? TV_PERIOD_QUARTER :
	    TV_PERIOD_NONE;
}

static int32_t
parent_id(const struct tv_cell *c, enum tv_period parent)
{
	if (parent == TV_PERIOD_CAMPAIGN)
		return 0;
	if (parent == TV_PERIOD_MONTH)	/* of a week: its Thursday's */
		return tv_hier_period_id(TV_PERIOD_MONTH, c->period_id);
	return c->period_id / 3;	/* quarter of a month id */
}

uint32_t
relations_build(const struct tv_request *req, uint32_t nsites,
    struct relation **out)
{
	struct relation *r = xcalloc(2 * (size_t)req->ncells + 1, sizeof *r);
	const struct tv_cell *c, *d;
	uint32_t i, j, s, n = 0, at;
	enum tv_period ck;

	for (i = 0; i < req->ncells; i++) {
		c = &req->cells[i];
		if (c->site == 0) {	/* all sites = sum of the sites */
			r[n].kids = xcalloc(nsites, sizeof *r[n].kids);
			for (s = 1; s <= nsites; s++)
				if (find_cell(req, s, c->period, c->period_id,
				    &at))
					r[n].kids[r[n].n++] = at;
			r[n++].parent = i;
		}
		if ((ck = child_kind(c->period)) == TV_PERIOD_NONE)
			continue;
		r[n].kids = xcalloc(req->ncells, sizeof *r[n].kids);
		for (j = 0; j < req->ncells; j++) {
			d = &req->cells[j];
			if (d->site == c->site && d->period == ck &&
			    parent_id(d, c->period) == c->period_id)
				r[n].kids[r[n].n++] = j;
		}
		r[n++].parent = i;
	}
	*out = r;
	return n;
}

void
relations_free(struct relation *r, uint32_t n)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].kids);
	free(r);
}
