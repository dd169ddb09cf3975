/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "crypto/err.h"
#include "trustee/ledger.h"

struct set {
	char name[48];
	uint64_t n;
	const uint8_t *ids;	/* sorted, 16 bytes each */
	uint8_t *own;		/* allocation, when loaded from the ledger */
};

struct ledger {
	struct tv_store *st;
	struct set *sets;	/* released: from the ledger, then this run */
	size_t n, cap;
};

static const char *const ledger_dbs[] = { "cells" };

const char *
verdict_status(enum verdict v)
{
	switch (v) {
	case V_RELEASE: return "released";
	case V_NOT_CLOSED:
	case V_RELEASED_BEFORE: return "withheld";
	default: return "suppressed";
	}
}

const char *
verdict_reason(enum verdict v)
{
	static const char *const r[] = { "", "not_closed", "min_cohort",
	    "released_before", "differencing" };

	return r[v];
}

static void
set_push(struct ledger *l, const char *name, const uint8_t *ids, uint64_t n,
    uint8_t *own)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		if ((l->sets = realloc(l->sets, l->cap * sizeof *l->sets)) ==
		    NULL)
			die("out of memory");
	}
	snprintf(l->sets[l->n].name, sizeof l->sets[l->n].name, "%s", name);
	l->sets[l->n].ids = ids;
	l->sets[l->n].n = n;
	l->sets[l->n].own = own;
	l->n++;
}

static int
load_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct ledger *l = ctx;
	char name[48];
	uint8_t *ids;

	if (klen >= sizeof name || vlen % 16 != 0)
		return TV_ERR_FORMAT;
	memcpy(name, key, klen);
	name[klen] = 0;
	ids = xmalloc(vlen ? vlen : 1);
	memcpy(ids, val, vlen);	/* the map is only valid in the txn */
	set_push(l, name, ids, vlen / 16, ids);
	return 0;
}

static int
load_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, 0, NULL, 0, load_cb, ctx);
}

struct ledger *
ledger_open(const char *dir)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	int rc;

	rc = tv_store_open(&l->st, dir, ledger_dbs, 1, TV_STORE_CREATE, 0);
	if (rc != 0)
		die("cannot open the ledger '%s': %s", dir, tv_strerror(rc));
	if ((rc = tv_store_read(l->st, load_fn, l)) != 0)
		die("cannot read the ledger '%s': %s", dir, tv_strerror(rc));
	return l;
}

void
ledger_close(struct ledger *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->sets[i].own);
	free(l->sets);
	tv_store_close(l->st);
	free(l);
}

/* |A symmetric-difference B| for sorted id lists. */
static uint64_t
symdiff(const uint8_t *a, uint64_t na, const uint8_t *b, uint64_t nb)
{
	uint64_t i = 0, j = 0, common = 0;
	int c;

	while (i < na && j < nb) {
		c = memcmp(a + 16 * i, b + 16 * j, 16);
		if (c == 0)
			common++;
		i += c <= 0;
		j += c >= 0;
	}
	return na + nb - 2 * common;
}

static enum verdict
differencing(const struct ledger *l, const char *name, const uint8_t *ids,
    uint64_t n, uint32_t min_cohort)
{
	uint64_t d;
	size_t i;

	for (i = 0; i < l->n; i++) {
		d = symdiff(ids, n, l->sets[i].ids, l->sets[i].n);
		if (!strcmp(l->sets[i].name, name)) {
			if (d != 0)
				return V_RELEASED_BEFORE;
			continue;	/* the same release, asked again */
		}
		if (d > 0 && d < min_cohort)
			return V_DIFFERENCING;
	}
	return V_RELEASE;
}

/* Coarsest first: campaign, month, week; all sites, then each site. */
static const struct tv_request *order_req;

static int
order_cmp(const void *a, const void *b)
{
	const struct tv_cell *x = &order_req->cells[*(const uint32_t *)a];
	const struct tv_cell *y = &order_req->cells[*(const uint32_t *)b];

	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->period_id < y->period_id ? -1 : x->period_id > y->period_id;
}

void
policy_decide(enum verdict *v, struct ledger *l, const struct tv_request *req,
    const struct rebuilt *rb, const struct tv_plan *p, int32_t today)
{
	uint32_t *order = xcalloc(req->ncells, sizeof *order), i, c;
	char name[48];

	for (i = 0; i < req->ncells; i++)
		order[i] = i;
	order_req = req;
	qsort(order, req->ncells, sizeof *order, order_cmp);
	for (i = 0; i < req->ncells; i++) {
		c = order[i];
		tv_cell_name(name, &req->cells[c]);
		if (!tv_cell_closed(p, req->cells[c].last_day, today))
			v[c] = V_NOT_CLOSED;
		else if (rb->cells[c].count < p->policy.min_cohort)
			v[c] = V_MIN_COHORT;
		else
			v[c] = differencing(l, name, rb->ids[c],
			    rb->cells[c].count, p->policy.min_cohort);
		if (v[c] == V_RELEASE)
			set_push(l, name, rb->ids[c], rb->cells[c].count, NULL);
	}
	free(order);
}

struct record_ctx {
	const struct tv_request *req;
	const struct rebuilt *rb;
	const enum verdict *v;
};

static int
record_fn(struct tv_txn *t, void *ctx)
{
	struct record_ctx *r = ctx;
	char name[48];
	uint32_t i;

	for (i = 0; i < r->req->ncells; i++) {
		if (r->v[i] != V_RELEASE)
			continue;
		tv_cell_name(name, &r->req->cells[i]);
		tv_txn_put(t, 0, name, strlen(name), r->rb->ids[i],
		    r->rb->cells[i].count * 16, 0);
	}
	return t->err;
}

int
ledger_record(struct ledger *l, const struct tv_request *req,
    const struct rebuilt *rb, const enum verdict *v)
{
	struct record_ctx r = { req, rb, v };

	return tv_store_write(l->st, record_fn, &r);
}
