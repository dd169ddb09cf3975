/* SPDX-License-Identifier: MIT */
/*
 * The relations between a request's cells (hierarchy.h): built once per
 * request, walked by the trustees' cell rule and the publisher's value
 * rule.
 */
#include <stdlib.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "release/hierarchy.h"

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

/* The relation "cell i = the sum of its parts of kind ck" (or, ck =
 * TV_PERIOD_NONE, of the sites), into r: 0 or TV_ERR_NOMEM. */
static int
relation_of(const struct tv_request *req, uint32_t nsites, uint32_t i,
    enum tv_period ck, struct tv_relation *r)
{
	const struct tv_cell *c = &req->cells[i], *d;
	uint32_t j, s, at;

	r->parent = i;
	r->kids = calloc(ck == TV_PERIOD_NONE ? nsites + 1 : req->ncells,
	    sizeof *r->kids);
	if (r->kids == NULL)
		return TV_ERR_NOMEM;
	if (ck == TV_PERIOD_NONE) {	/* all sites = sum of the sites */
		for (s = 1; s <= nsites; s++)
			if (find_cell(req, s, c->period, c->period_id, &at))
				r->kids[r->n++] = at;
		return 0;
	}
	for (j = 0; j < req->ncells; j++) {
		d = &req->cells[j];
		if (d->site == c->site && d->period == ck &&
		    parent_id(d, c->period) == c->period_id)
			r->kids[r->n++] = j;
	}
	return 0;
}

int
tv_relations_build(const struct tv_request *req, uint32_t nsites,
    struct tv_relation **out, uint32_t *nout)
{
	struct tv_relation *r = calloc(2 * (size_t)req->ncells + 1, sizeof *r);
	enum tv_period ck;
	uint32_t i, n = 0;
	int rc = r == NULL ? TV_ERR_NOMEM : 0;

	for (i = 0; i < req->ncells && rc == 0; i++) {
		if (req->cells[i].site == 0 && (rc = relation_of(req, nsites,
		    i, TV_PERIOD_NONE, &r[n++])) != 0)
			break;
		if ((ck = child_kind(req->cells[i].period)) != TV_PERIOD_NONE)
			rc = relation_of(req, nsites, i, ck, &r[n++]);
	}
	if (rc != 0) {
		tv_relations_free(r, n);
		r = NULL;
		n = 0;
	}
	*out = r;
	*nout = n;
	return rc;
}

void
tv_relations_free(struct tv_relation *r, uint32_t n)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].kids);
	free(r);
}
