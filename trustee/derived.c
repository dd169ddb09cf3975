/* SPDX-License-Identifier: MIT */
/*
 * Record sets that published figures imply (derived.h): the groups of a
 * relation's parts whose union is known, found, compared with what the
 * ledger remembers, and turned into equations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "crypto/err.h"
#include "trustee/derived.h"

/* A group of the parts of relation r: in[j] for part j. */
struct group {
	const struct tv_relation *r;
	const uint8_t *in;
	int via_total;	/* known as the total minus the other parts */
	const uint8_t *ids;	/* the union, sorted */
	uint64_t n;
};

typedef int (*group_fn)(void *ctx, const struct derived_in *d,
    const struct group *g);

static uint64_t
count_of(const struct derived_in *d, uint32_t c)
{
	return d->rb->cells[c].count;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

struct named {
	char name[48];
	uint32_t rel;
};

static int
named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name,
	    ((const struct named *)b)->name);
}

int
derived_index(struct derived_in *d)
{
	struct named *by = calloc(d->nrel + 1, sizeof *by), key, *hit;
	uint32_t i;
	size_t k;
	int rc = 0;

	d->first = malloc((d->nrel + 1) * sizeof *d->first);
	d->next = malloc((d->nbefore + 1) * sizeof *d->next);
	if (by == NULL || d->first == NULL || d->next == NULL) {
		rc = TV_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < d->nrel; i++) {
		tv_cell_name(by[i].name, &d->req->cells[d->r[i].parent]);
		by[i].rel = i;
		d->first[i] = SIZE_MAX;
	}
	qsort(by, d->nrel, sizeof *by, named_cmp);
	for (k = d->nbefore; k-- > 0;) {	/* lists in ledger order */
		d->next[k] = SIZE_MAX;
		if (d->before[k].name[0] != '~')
			continue;
		snprintf(key.name, sizeof key.name, "%s", d->before[k].name + 1);
		if ((hit = bsearch(&key, by, d->nrel, sizeof *by,
		    named_cmp)) == NULL)
			continue;	/* the total is not in this request */
		d->next[k] = d->first[hit->rel];
		d->first[hit->rel] = k;
	}
out:
	free(by);
	return rc;
}

void
derived_index_free(struct derived_in *d)
{
	free(d->first);
	free(d->next);
	d->first = d->next = NULL;
}

/* The union of the group's parts into g->ids/g->n (*own: the allocation,
 * NULL when the union is the total's own set); 0 or TV_ERR_NOMEM. */
static int
group_union(const struct derived_in *d, struct group *g, uint8_t **own)
{
	const struct tv_relation *r = g->r;
	uint64_t n = 0, k;
	uint32_t j, all = 1;
	uint8_t *p;

	*own = NULL;
	for (j = 0; j < r->n; j++) {
		n += g->in[j] ? count_of(d, r->kids[j]) : 0;
		all &= g->in[j];
	}
	g->n = n;
	if (all && r->parent != TV_REL_KNOWN) {
		g->ids = d->rb->ids[r->parent];	/* parts add up to it */
		return 0;
	}
	if ((p = *own = malloc(16 * n + 1)) == NULL)
		return TV_ERR_NOMEM;
	for (j = 0; j < r->n; j++)
		if (g->in[j] && (k = count_of(d, r->kids[j])) > 0) {
			memcpy(p, d->rb->ids[r->kids[j]], 16 * k);
			p += 16 * k;
		}
	qsort(*own, n, 16, id_cmp);	/* parts are disjoint: no repeats */
	g->ids = *own;
	return 0;
}

/* Is the group's union known: all its parts known (via_total 0), or the
 * total and every other part (1)?  -1 if neither. */
static int
group_known(const struct tv_relation *r, const uint8_t *in,
    const enum tv_verdict *v, const uint64_t *unknown)
{
	int inside = 1, outside = cell_known(v, unknown, r->parent);
	uint32_t j;

	for (j = 0; j < r->n; j++) {
		if (in[j])
			inside &= cell_known(v, unknown, r->kids[j]);
		else
			outside &= cell_known(v, unknown, r->kids[j]);
	}
	return inside ? 0 : outside ? 1 : -1;
}

static int
group_emit(const struct derived_in *d, struct group *g, group_fn fn,
    void *ctx)
{
	uint8_t *own;
	int rc;

	if ((rc = group_union(d, g, &own)) != 0)
		return rc;
	rc = g->n > 0 ? fn(ctx, d, g) : 0;
	free(own);
	return rc;
}

/*
 * The groups of relation r known under v: the unknown parts of a known
 * total; a total not known whose parts all are; and each remembered
 * group of this total, found again by its records, if it is known now.
 * fn's first non-zero return stops the walk and is returned.
 */
static int
relation_groups(const struct derived_in *d, const struct tv_relation *r,
    const enum tv_verdict *v, const uint64_t *unknown, group_fn fn,
    void *ctx)
{
	uint8_t *first = calloc(r->n + 1, 1), *in = calloc(r->n + 1, 1);
	struct group g = { r, first, 1, NULL, 0 };
	uint32_t j, any = 0;
	size_t i;
	int rc = first == NULL || in == NULL ? TV_ERR_NOMEM : 0, via;

	for (j = 0; rc == 0 && j < r->n; j++) {
		first[j] = !cell_known(v, unknown, r->kids[j]);
		any |= first[j];
	}
	if (rc == 0 && !cell_known(v, unknown, r->parent) && !any && r->n > 0) {
		memset(first, 1, r->n);	/* the total, added up */
		g.via_total = 0;
		any = 1;
	} else if (rc == 0 && !cell_known(v, unknown, r->parent))
		any = 0;
	if (rc == 0 && any)
		rc = group_emit(d, &g, fn, ctx);
	for (i = d->first[r - d->r]; rc == 0 && i != SIZE_MAX;
	    i = d->next[i]) {
		for (j = 0; j < r->n; j++)
			in[j] = sets_common(d->rb->ids[r->kids[j]],
			    count_of(d, r->kids[j]), d->before[i].ids,
			    d->before[i].n) > 0;
		if ((any && !memcmp(in, first, r->n)) ||
		    (via = group_known(r, in, v, unknown)) < 0)
			continue;
		g.in = in;
		g.via_total = via;
		rc = group_emit(d, &g, fn, ctx);
	}
	free(first);
	free(in);
	return rc;
}

static int
groups_walk(const struct derived_in *d, const enum tv_verdict *v,
    const uint64_t *unknown, group_fn fn, void *ctx)
{
	uint32_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < d->nrel; i++)
		rc = relation_groups(d, &d->r[i], v, unknown, fn, ctx);
	return rc;
}

/* The parts of h whose records meet D, into eq (kids allocated): 1 if
 * they hold exactly D's records, else 0 (eq->kids freed); TV_ERR_NOMEM. */
static int
equation_of(const struct derived_in *d, const struct tv_relation *h,
    const struct set *D, struct tv_relation *eq)
{
	uint64_t common = 0, parts = 0, c;
	uint32_t j;

	eq->parent = TV_REL_KNOWN;
	eq->n = 0;
	if ((eq->kids = calloc(h->n + 1, sizeof *eq->kids)) == NULL)
		return TV_ERR_NOMEM;
	for (j = 0; j < h->n; j++) {
		c = sets_common(d->rb->ids[h->kids[j]], count_of(d, h->kids[j]),
		    D->ids, D->n);
		if (c > 0) {
			eq->kids[eq->n++] = h->kids[j];
			common += c;
			parts += count_of(d, h->kids[j]);
		}
	}
	if (eq->n > 0 && common == D->n && parts == common)
		return 1;
	free(eq->kids);
	return 0;
}

int
derived_equations(const struct derived_in *d, struct tv_relation **r,
    uint32_t *n)
{
	struct tv_relation eq, *grown;
	uint32_t i;
	size_t k;
	int rc;

	for (i = 0; i < d->nrel; i++)
		for (k = d->first[i]; k != SIZE_MAX; k = d->next[k]) {
			if ((rc = equation_of(d, &(*r)[i], &d->before[k],
			    &eq)) <= 0) {
				if (rc < 0)
					return rc;
				continue;
			}
			if ((grown = realloc(*r, (*n + 1) * sizeof **r)) ==
			    NULL) {
				free(eq.kids);
				return TV_ERR_NOMEM;
			}
			*r = grown;
			grown[(*n)++] = eq;
		}
	return 0;
}

struct hold {
	enum tv_verdict *v;
	const uint64_t *unknown;
	uint32_t *stuck;
};

/* The released cell with something new and the smallest unknown part
 * among those that make g known; UINT32_MAX if none. */
static uint32_t
hold_pick(const struct group *g, const struct hold *h)
{
	const struct tv_relation *r = g->r;
	uint32_t j, c, best = UINT32_MAX;

	for (j = 0; j <= r->n; j++) {
		c = j < r->n ? r->kids[j] : r->parent;
		if (c == TV_REL_KNOWN || (j < r->n &&
		    (g->in[j] != 0) == (g->via_total != 0)) ||
		    (j == r->n && !g->via_total))
			continue;
		if (TV_VERDICT_RELEASED(h->v[c]) && h->unknown[c] > 0 &&
		    (best == UINT32_MAX || h->unknown[c] < h->unknown[best]))
			best = c;
	}
	return best;
}

static int
hold_fn(void *ctx, const struct derived_in *d, const struct group *g)
{
	struct hold *h = ctx;
	const struct set *s;
	uint64_t diff;
	uint32_t c;
	size_t i;

	for (i = 0; i < d->nbefore; i++) {
		s = &d->before[i];
		if ((g->n > s->n ? g->n - s->n : s->n - g->n) >= d->min_cohort)
			continue;
		diff = sets_symdiff(g->ids, g->n, s->ids, s->n, d->min_cohort);
		if (diff == 0 || diff >= d->min_cohort)
			continue;
		if ((c = hold_pick(g, h)) == UINT32_MAX) {
			(*h->stuck)++;
			return 0;
		}
		h->v[c] = TV_V_SECONDARY;
		return 1;
	}
	return 0;
}

int
derived_hold(const struct derived_in *d, enum tv_verdict *v,
    const uint64_t *unknown, uint32_t *stuck)
{
	struct hold h = { v, unknown, stuck };

	return groups_walk(d, v, unknown, hold_fn, &h);
}

struct collect {
	struct set *s;
	size_t n;
};

static int
collect_fn(void *ctx, const struct derived_in *d, const struct group *g)
{
	struct collect *c = ctx;
	struct set *grown = realloc(c->s, (c->n + 1) * sizeof *c->s);
	struct set *s;
	char name[48];

	if (grown == NULL)
		return TV_ERR_NOMEM;
	c->s = grown;
	s = &c->s[c->n];
	if ((s->own = malloc(16 * g->n)) == NULL)
		return TV_ERR_NOMEM;
	memcpy(s->own, g->ids, 16 * g->n);
	s->ids = s->own;
	s->n = g->n;
	tv_cell_name(name, &d->req->cells[g->r->parent]);
	snprintf(s->name, sizeof s->name, "~%.40s", name);	/* 33 at most */
	c->n++;
	return 0;
}

int
derived_sets(const struct derived_in *d, const enum tv_verdict *v,
    const uint64_t *unknown, struct set **out, size_t *nout)
{
	struct collect c = { NULL, 0 };
	int rc = groups_walk(d, v, unknown, collect_fn, &c);

	*out = c.s;
	*nout = c.n;
	return rc;
}
