/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <time.h>

#include "proto/json_hex.h"
#include "release/pinned.h"
#include "common/util.h"
#include "crypto/err.h"
#include "trustee/derived.h"
#include "trustee/ledger.h"

struct known_rev {
	uint8_t device[32];
	uint64_t last_seq;
};

struct ledger {
	struct tv_store *st;
	uint64_t nentries;		/* the chain: entry hashes e_1.. */
	uint8_t (*entries)[32];
	uint8_t (*heads)[32];		/* head_0 .. head_nentries */
	int32_t campaign_ok;		/* the start entry names ours */
	struct known_rev *revs;		/* revocations I know, by device */
	size_t nrevs;
	uint64_t nbudget;		/* budget entries */
	uint64_t total_num, total_den;	/* spent so far */
	uint8_t last[32];		/* hash of the last entry */
	struct set *sets;	/* released: from the ledger, then this run */
	size_t n, cap;
	size_t nbefore;		/* sets[nbefore..]: this run's */
};

static const char *const ledger_dbs[] = { "cells", "budget", "chain",
    "requests", "revocations" };
enum { LDB_CELLS, LDB_BUDGET, LDB_CHAIN, LDB_REQUESTS, LDB_REVS, LDB_N };

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
	const char *hash = memchr(key, '#', klen);
	char name[48];
	uint8_t *ids;

	/* "name#hash" (or "name", as written before revisions existed) */
	if (hash != NULL)
		klen = (size_t)(hash - (const char *)key);
	if (klen >= sizeof name || vlen % 16 != 0)
		return TV_ERR_FORMAT;
	memcpy(name, key, klen);
	name[klen] = 0;
	ids = xmalloc(vlen ? vlen : 1);
	memcpy(ids, val, vlen);	/* the map is only valid in the txn */
	set_push(l, name, ids, vlen / 16, ids);
	return 0;
}

/* The budget chain's head: count, last hash, total spent. */
static int
budget_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct ledger *l = ctx;
	json_t *e = json_loadb(val, vlen, 0, NULL);
	unsigned long long n, d;

	(void)key;
	(void)klen;
	if (e == NULL || sscanf(json_string_value(json_object_get(e,
	    "cumulative")) ? json_string_value(json_object_get(e,
	    "cumulative")) : "", "%llu/%llu", &n, &d) != 2) {
		json_decref(e);
		return TV_ERR_FORMAT;
	}
	json_decref(e);
	l->total_num = n;
	l->total_den = d;
	l->nbudget++;
	crypto_generichash(l->last, 32, val, vlen, NULL, 0);
	return 0;
}

/* Append entry hash e to the chain held in memory. */
static void
chain_push(struct ledger *l, const uint8_t e[32])
{
	l->entries = realloc(l->entries, (l->nentries + 1) * 32);
	l->heads = realloc(l->heads, (l->nentries + 2) * 32);
	if (l->entries == NULL || l->heads == NULL)
		die("out of memory");
	if (l->nentries == 0)
		memset(l->heads[0], 0, 32);
	memcpy(l->entries[l->nentries], e, 32);
	tv_ledger_link(l->heads[l->nentries + 1], l->heads[l->nentries], e);
	l->nentries++;
}

struct chain_load {
	struct ledger *l;
	const uint8_t *campaign_id;
};

/* One chain entry: its hash, its place, and for the first one the
 * campaign it belongs to. */
static int
chain_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct chain_load *cl = ctx;
	struct ledger *l = cl->l;
	uint8_t e[32], id[32];
	json_t *o;

	if (klen != 8 || tv_be64_get(key) != l->nentries + 1)
		return TV_ERR_FORMAT;
	if (l->nentries == 0) {
		o = json_loadb(val, vlen, 0, NULL);
		l->campaign_ok = o != NULL && !strcmp(tv_json_str(o, "kind"),
		    "start") && tv_json_unhex(json_object_get(o, "campaign"), id,
		    32) == 0 && !memcmp(id, cl->campaign_id, 32);
		json_decref(o);
	}
	crypto_generichash(e, 32, val, vlen, NULL, 0);
	chain_push(l, e);
	return 0;
}

/* A revocation I know: device -> be64 last_seq. */
static int
rev_cb(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct ledger *l = ctx;

	if (klen != 32 || vlen != 8)
		return TV_ERR_FORMAT;
	l->revs = realloc(l->revs, (l->nrevs + 1) * sizeof *l->revs);
	if (l->revs == NULL)
		die("out of memory");
	memcpy(l->revs[l->nrevs].device, key, 32);
	l->revs[l->nrevs++].last_seq = tv_be64_get(val);
	return 0;
}

static int
load_fn(struct tv_txn *t, void *ctx)
{
	struct chain_load *cl = ctx;
	struct ledger *l = cl->l;
	int rc;

	l->nbudget = 0;
	l->total_num = 0;
	l->total_den = 1;
	memset(l->last, 0, 32);
	l->nentries = 0;
	l->nrevs = 0;
	if ((rc = tv_txn_foreach(t, LDB_CELLS, NULL, 0, load_cb, l)) != 0 ||
	    (rc = tv_txn_foreach(t, LDB_BUDGET, NULL, 0, budget_cb, l)) != 0 ||
	    (rc = tv_txn_foreach(t, LDB_REVS, NULL, 0, rev_cb, l)) != 0)
		return rc;
	return tv_txn_foreach(t, LDB_CHAIN, NULL, 0, chain_cb, cl);
}

/* The entry's bytes: o with seq, prev and time added, compact, sorted. */
static char *
entry_text(const struct ledger *l, json_t *o)
{
	time_t now = time(NULL);
	char prev[65], when[32], *text;

	hex_encode(prev, l->heads != NULL ? l->heads[l->nentries] :
	    (const uint8_t[32]){ 0 }, 32);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_set_new(o, "seq", json_integer((json_int_t)l->nentries +
	    1));
	json_object_set_new(o, "prev", json_string(prev));
	json_object_set_new(o, "time", json_string(when));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL)
		die("out of memory");
	return text;
}

/* Put entry text as the chain's next; its hash in e (pushed by the
 * caller once the transaction is committed). */
static int
chain_put(struct tv_txn *t, const struct ledger *l, const char *text,
    uint8_t e[32])
{
	uint8_t key[8];

	tv_be64_put(key, l->nentries + 1);
	crypto_generichash(e, 32, (const uint8_t *)text, strlen(text), NULL,
	    0);
	return tv_txn_put(t, LDB_CHAIN, key, 8, text, strlen(text),
	    TV_PUT_NOOVERWRITE);
}

struct entry_ctx {
	const struct ledger *l;
	const char *text;
	uint8_t e[32];
};

static int
entry_fn(struct tv_txn *t, void *ctx)
{
	struct entry_ctx *ec = ctx;

	return chain_put(t, ec->l, ec->text, ec->e);
}

/* Append one entry (o is consumed) in a transaction of its own. */
static int
chain_append(struct ledger *l, json_t *o)
{
	struct entry_ctx ec = { .l = l };
	char *text = entry_text(l, o);
	int rc;

	json_decref(o);
	ec.text = text;
	if ((rc = tv_store_write(l->st, entry_fn, &ec)) == 0)
		chain_push(l, ec.e);
	free(text);
	return rc;
}

struct ledger *
ledger_open(const char *dir, const uint8_t campaign_id[32], int first)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	struct chain_load cl = { l, campaign_id };
	char hex[65];
	int rc;

	rc = tv_store_open(&l->st, dir, ledger_dbs, LDB_N, first ?
	    TV_STORE_CREATE : 0, 0);
	if (rc != 0 && !first)
		die("no ledger in '%s' (%s).  A trustee never releases without "
		    "the memory of what it released: restore the ledger from "
		    "its backup (docs/operations.md), or say --first-release "
		    "if this is your first release of the campaign", dir,
		    tv_strerror(rc));
	if (rc != 0)
		die("cannot create the ledger '%s': %s", dir, tv_strerror(rc));
	if ((rc = tv_store_read(l->st, load_fn, &cl)) != 0)
		die("cannot read the ledger '%s': %s", dir, tv_strerror(rc));
	if (first && l->nentries > 0)
		die("--first-release, but the ledger '%s' already holds %llu "
		    "entries: this is not your first release", dir,
		    (unsigned long long)l->nentries);
	if (!first && l->nentries == 0)
		die("the ledger '%s' is empty: restore it from its backup, or "
		    "say --first-release if this is your first release", dir);
	if (first) {
		hex_encode(hex, campaign_id, 32);
		if ((rc = chain_append(l, json_pack("{s:s, s:s}", "kind",
		    "start", "campaign", hex))) != 0)
			die("cannot start the ledger '%s': %s", dir,
			    tv_strerror(rc));
		l->campaign_ok = 1;
	}
	if (!l->campaign_ok)
		die("the ledger '%s' belongs to another campaign", dir);
	return l;
}

uint64_t
ledger_length(const struct ledger *l)
{
	return l->nentries;
}

int
ledger_holds(const struct ledger *l, uint64_t length, const uint8_t head[32])
{
	return length <= l->nentries &&
	    sodium_memcmp(l->heads[length], head, 32) == 0;
}

void
ledger_statement(const struct ledger *l, struct tv_statement *s)
{
	s->length = l->nentries;
	memcpy(s->head, l->heads[l->nentries], 32);
	s->entries = xcalloc(l->nentries, 32);
	memcpy(s->entries, l->entries, 32 * l->nentries);
}

int
ledger_refusal(struct ledger *l, const uint8_t reqhash[32],
    const char *reason)
{
	char hex[65];

	hex_encode(hex, reqhash, 32);
	return chain_append(l, json_pack("{s:s, s:s, s:s}", "kind", "refusal",
	    "request", hex, "reason", reason));
}

struct decided {
	const uint8_t *reqhash;
	uint32_t ncells;
	enum tv_verdict *v;
	uint64_t seq;		/* the entry that decided, 0 if none */
};

static int
decided_fn(struct tv_txn *t, void *ctx)
{
	struct decided *d = ctx;
	const void *seq, *val;
	size_t len, vlen;
	const char *vs;
	json_t *o;
	uint32_t i;
	int rc;

	rc = tv_txn_get(t, LDB_REQUESTS, d->reqhash, 32, &seq, &len);
	if (rc == TV_ERR_NOTFOUND)
		return 0;
	if (rc != 0 || len != 8 ||
	    (rc = tv_txn_get(t, LDB_CHAIN, seq, 8, &val, &vlen)) != 0)
		return rc ? rc : TV_ERR_FORMAT;
	o = json_loadb(val, vlen, 0, NULL);
	vs = tv_json_str(o, "verdicts");
	rc = strlen(vs) == d->ncells ? 0 : TV_ERR_FORMAT;
	for (i = 0; rc == 0 && i < d->ncells; i++) {
		if (vs[i] < '0' || vs[i] >= '0' + TV_V_TRUSTEE_COUNT)
			rc = TV_ERR_FORMAT;
		d->v[i] = (enum tv_verdict)(vs[i] - '0');
	}
	json_decref(o);
	d->seq = rc == 0 ? tv_be64_get(seq) : 0;
	return rc;
}

uint64_t
ledger_decided(struct ledger *l, const uint8_t reqhash[32], enum tv_verdict *v,
    uint32_t ncells)
{
	struct decided d = { reqhash, ncells, v, 0 };
	int rc;

	if ((rc = tv_store_read(l->st, decided_fn, &d)) != 0)
		die("cannot read the ledger: %s", tv_strerror(rc));
	return d.seq;
}

struct entry_copy {
	const uint8_t *decision;
	char *text;
};

static int
entry_copy_fn(struct tv_txn *t, void *ctx)
{
	struct entry_copy *ec = ctx;
	const void *seq, *val;
	size_t len, vlen;
	int rc;

	if ((rc = tv_txn_get(t, LDB_REQUESTS, ec->decision, 32, &seq,
	    &len)) != 0 || len != 8 ||
	    (rc = tv_txn_get(t, LDB_CHAIN, seq, 8, &val, &vlen)) != 0)
		return rc ? rc : TV_ERR_FORMAT;
	ec->text = xmalloc(vlen + 1);
	memcpy(ec->text, val, vlen);
	ec->text[vlen] = 0;
	return 0;
}

char *
ledger_decision_entry(struct ledger *l, const uint8_t decision[32])
{
	struct entry_copy ec = { decision, NULL };
	int rc;

	if ((rc = tv_store_read(l->st, entry_copy_fn, &ec)) != 0)
		die("cannot read this decision back from the ledger: %s",
		    tv_strerror(rc));
	return ec.text;
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
	free(l->entries);
	free(l->heads);
	free(l->revs);
	tv_store_close(l->st);
	free(l);
}

uint64_t
sets_symdiff(const uint8_t *a, uint64_t na, const uint8_t *b, uint64_t nb,
    uint64_t bound)
{
	uint64_t i = 0, j = 0, d = 0;
	int c;

	while (i < na && j < nb && d < bound) {
		c = memcmp(a + 16 * i, b + 16 * j, 16);
		d += c != 0;
		i += c <= 0;
		j += c >= 0;
	}
	return d + (na - i) + (nb - j);
}

uint64_t
sets_common(const uint8_t *a, uint64_t na, const uint8_t *b, uint64_t nb)
{
	uint64_t i = 0, j = 0, n = 0;
	int c;

	while (i < na && j < nb) {
		c = memcmp(a + 16 * i, b + 16 * j, 16);
		n += c == 0;
		i += c <= 0;
		j += c >= 0;
	}
	return n;
}

/* The same cell released before: again as it was, or a revision if only
 * late records (min_cohort or more) have come since, else refused. */
static enum tv_verdict
same_cell(const struct set *s, const uint8_t *ids, uint64_t n,
    uint32_t min_cohort)
{
	if (s->n == n && (n == 0 || !memcmp(ids, s->ids, 16 * n)))
		return TV_V_RELEASE;
	/* s within ids: exactly n - |s| differences */
	if (s->n > n || sets_symdiff(ids, n, s->ids, s->n, n - s->n + 1) !=
	    n - s->n)
		return TV_V_RELEASED_BEFORE;
	return n - s->n < min_cohort ? TV_V_DIFFERENCING : TV_V_REVISION;
}

/*
 * The cell's record set against every set released before (earlier
 * requests, then earlier in this one): the same cell's (same_cell), and
 * the first other one it would difference (0 < |A xor B| < min_cohort).
 * |A xor B| >= ||A| - |B||, so sets whose sizes differ by min_cohort or
 * more are never walked, and a walk stops at min_cohort differences: a
 * national campaign's thousands of cells of up to a million records each
 * would otherwise cost hours of comparisons (docs/performance.md).  The
 * verdict is the one of the full comparison.
 */
static enum tv_verdict
differencing(const struct ledger *l, const char *name, const uint8_t *ids,
    uint64_t n, uint32_t min_cohort)
{
	enum tv_verdict v, same = TV_V_RELEASE;
	const struct set *s;
	int again = 0;
	uint64_t d;
	size_t i;

	for (i = 0; i < l->n; i++) {
		s = &l->sets[i];
		if (!strcmp(s->name, name)) {
			if ((v = same_cell(s, ids, n, min_cohort)) == TV_V_RELEASE)
				again = 1;
			else if (v != TV_V_REVISION)
				return v;
			else
				same = TV_V_REVISION;
			continue;
		}
		if ((n > s->n ? n - s->n : s->n - n) >= min_cohort)
			continue;
		d = sets_symdiff(ids, n, s->ids, s->n, min_cohort);
		if (d > 0 && d < min_cohort)
			return TV_V_DIFFERENCING;
	}
	return again ? TV_V_RELEASE : same;
}

/* How many of the cell's records no earlier published value covers: its
 * distance to the closest set released for it, or all of them. */
static uint64_t
unknown_part(const struct ledger *l, size_t nbefore, const char *name,
    const uint8_t *ids, uint64_t n)
{
	uint64_t best = n, d;
	size_t i;

	for (i = 0; i < nbefore && best > 0; i++)
		if (!strcmp(l->sets[i].name, name) && (d = sets_symdiff(ids, n,
		    l->sets[i].ids, l->sets[i].n, best)) < best)
			best = d;
	return best;
}

/* Coarsest first: campaign, month, week; all sites, then each site.
 * Sorts pointers into the request's cells, so the comparator needs no
 * context (no file-scope global, no qsort_r). */
static int
order_cmp(const void *a, const void *b)
{
	const struct tv_cell *x = *(const struct tv_cell *const *)a;
	const struct tv_cell *y = *(const struct tv_cell *const *)b;

	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->period_id < y->period_id ? -1 : x->period_id > y->period_id;
}

/* ---- secondary suppression over the hierarchy ----------------------- */

/* One pass over a relation; 1 if a verdict changed. */
static int
relation_check(const struct tv_relation *r, enum tv_verdict *v,
    const uint64_t *unknown, uint32_t min_cohort)
{
	uint64_t hidden = 0, best = UINT64_MAX;
	uint32_t i, k, pick = UINT32_MAX, open = 0, nhidden = 0;

	for (i = 0; i < r->n; i++) {
		k = r->kids[i];
		if (v[k] == TV_V_NOT_CLOSED)
			open++;
		if (!cell_known(v, unknown, k)) {
			hidden += unknown[k];
			nhidden += unknown[k] > 0;
		} else if (TV_VERDICT_RELEASED(v[k]) && unknown[k] > 0 &&
		    unknown[k] < best) {
			best = unknown[k];	/* something new: can be held */
			pick = k;
		}
	}
	if (open > 0)
		return 0;	/* parts still to come: decided later */
	/* One hidden part alone is the total minus the others, whatever its
	 * size: it would give away what it was hidden to protect. */
	if (cell_known(v, unknown, r->parent) && hidden > 0 &&
	    (hidden < min_cohort || nhidden == 1)) {
		k = pick != UINT32_MAX ? pick : r->parent;
		if (k == TV_REL_KNOWN || !TV_VERDICT_RELEASED(v[k]))
			return 0;	/* nothing left to hold back */
		v[k] = TV_V_SECONDARY;
		return 1;
	}
	if (r->parent != TV_REL_KNOWN && verdict_private(v[r->parent]) &&
	    !cell_known(v, unknown, r->parent) && hidden == 0 && r->n > 0 &&
	    pick != UINT32_MAX) {
		v[pick] = TV_V_SECONDARY;
		return 1;
	}
	return 0;
}

/* The released cell with something new and the smallest unknown part
 * among the relations holding x (hops 1), or their open cells (2). */
static uint32_t
unpin_pick(const struct tv_relation *r, uint32_t n, const enum tv_verdict *v,
    const uint64_t *unknown, uint32_t x, int hops)
{
	uint32_t i, j, m, c, best = UINT32_MAX;

	for (i = 0; i < n; i++) {
		for (j = 0, m = 0; j <= r[i].n && !m; j++)
			m = (j < r[i].n ? r[i].kids[j] : r[i].parent) == x;
		if (!m)
			continue;
		for (j = 0; j <= r[i].n; j++) {
			c = j < r[i].n ? r[i].kids[j] : r[i].parent;
			if (c == TV_REL_KNOWN)
				continue;
			if (hops > 1 && c != x && !cell_known(v, unknown, c))
				c = unpin_pick(r, n, v, unknown, c, 1);
			if (c != UINT32_MAX && TV_VERDICT_RELEASED(v[c]) &&
			    unknown[c] > 0 && (best == UINT32_MAX ||
			    unknown[c] < unknown[best]))
				best = c;
		}
	}
	return best;
}

/*
 * The local rules until nothing changes, then the global check
 * (release/pinned.h): while a cell hidden for privacy can be computed from
 * what would be published, hold back one more released cell next to it,
 * and start again.  r: the hierarchy's relations, then the equations
 * inherited from earlier releases (derived.h).
 */
static void
secondary(enum tv_verdict *v, const uint64_t *unknown,
    const struct tv_request *req, uint32_t min_cohort,
    const struct tv_relation *r, uint32_t n)
{
	uint8_t *open = xcalloc(req->ncells, 1);
	uint8_t *target = xcalloc(req->ncells, 1);
	uint32_t i, x, c;
	int changed = 1, rc;

	for (;;) {
		while (changed) {
			changed = 0;
			for (i = 0; i < n; i++)
				changed |= relation_check(&r[i], v, unknown,
				    min_cohort);
		}
		for (c = 0; c < req->ncells; c++) {
			open[c] = !cell_known(v, unknown, c);
			target[c] = open[c] && verdict_private(v[c]);
		}
		if ((rc = tv_pinned_find(r, n, req->ncells, open, target,
		    &x)) <= 0) {
			if (rc == TV_ERR_NOMEM)
				die("out of memory");
			if (rc == TV_ERR_TOOBIG)
				warn("more than %d cells not published: the "
				    "check that none can be computed from the "
				    "others was not run", TV_PINNED_MAX_OPEN);
			break;
		}
		if ((c = unpin_pick(r, n, v, unknown, x, 2)) == UINT32_MAX) {
			warn("cell %u: computable from the published ones, "
			    "and nothing left to hold back", x);
			break;
		}
		v[c] = TV_V_SECONDARY;
		changed = 1;
	}
	free(open);
	free(target);
}

/*
 * Secondary suppression, then the groups that the figures imply
 * (derived.h): while one would difference against what the ledger
 * remembers, hold back one more cell and start again.  Then the groups
 * known under the final verdicts join this run's sets, for ledger_record
 * to remember.
 */
static void
suppress(struct ledger *l, enum tv_verdict *v, const uint64_t *unknown,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct tv_plan *p)
{
	struct derived_in d = { l->sets, l->nbefore, req, rb, NULL, 0,
	    p->policy.min_cohort, NULL, NULL };
	struct tv_relation *r;
	struct set *found = NULL;
	uint32_t n, stuck = 0;
	size_t nfound = 0, i;
	int rc;

	if (tv_relations_build(req, p->nsites, &r, &n) != 0)
		die("out of memory");
	d.r = r;
	d.nrel = n;
	if (derived_index(&d) != 0 || derived_equations(&d, &r, &n) != 0)
		die("out of memory");
	d.r = r;	/* moved by the equations appended */
	do
		secondary(v, unknown, req, p->policy.min_cohort, r, n);
	while ((rc = derived_hold(&d, v, unknown, &stuck)) == 1);
	if (rc != 0 || derived_sets(&d, v, unknown, &found, &nfound) != 0)
		die("out of memory");
	if (stuck > 0)
		warn("%u group(s) of cells would difference against an "
		    "earlier release, and nothing is left to hold back", stuck);
	for (i = 0; i < nfound; i++)
		set_push(l, found[i].name, found[i].ids, found[i].n,
		    found[i].own);
	free(found);
	derived_index_free(&d);
	tv_relations_free(r, n);
}

void
policy_decide(enum tv_verdict *v, struct ledger *l, const struct tv_request *req,
    const struct tv_recount *rb, const struct tv_plan *p, int32_t today)
{
	const struct tv_cell **order = xcalloc(req->ncells, sizeof *order);
	uint32_t i, c;
	uint64_t *unknown = xcalloc(req->ncells, sizeof *unknown);
	size_t nbefore = l->nbefore = l->n;	/* earlier requests' sets */
	int noisy = p->policy.noise.mech != TV_NOISE_NONE;
	char name[48];

	for (i = 0; i < req->ncells; i++) {
		order[i] = &req->cells[i];
		tv_cell_name(name, &req->cells[i]);
		unknown[i] = unknown_part(l, nbefore, name, rb->ids[i],
		    rb->cells[i].count);
	}
	qsort(order, req->ncells, sizeof *order, order_cmp);
	for (i = 0; i < req->ncells; i++) {
		c = (uint32_t)(order[i] - req->cells);
		tv_cell_name(name, &req->cells[c]);
		if (!tv_cell_closed(p, req->cells[c].last_day, today))
			v[c] = TV_V_NOT_CLOSED;
		else if (rb->cells[c].count < p->policy.min_cohort)
			v[c] = TV_V_MIN_COHORT;
		else
			v[c] = differencing(l, name, rb->ids[c],
			    rb->cells[c].count, noisy ? 0 : p->policy.min_cohort);
		if (TV_VERDICT_RELEASED(v[c]))
			set_push(l, name, rb->ids[c], rb->cells[c].count, NULL);
	}
	free(order);
	if (!noisy)
		suppress(l, v, unknown, req, rb, p);
	free(unknown);
}

struct record_ctx {
	const struct tv_request *req;
	const struct tv_recount *rb;
	const enum tv_verdict *v;
	const struct budget_entry *e;
	const uint8_t *reqhash;
	const uint8_t *decision;
	struct ledger *l;
	const char *entry;	/* the chain entry of this release */
	uint8_t e_hash[32];
};

typedef unsigned __int128 u128;

static u128
gcd(u128 a, u128 b)
{
	while (b != 0) {
		u128 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* a/b + c/d, reduced; TV_ERR_RANGE if it does not fit in 64 bits. */
static int
ratio_add(uint64_t *n, uint64_t *d, uint64_t a, uint64_t b, uint64_t c,
    uint64_t e)
{
	u128 num = (u128)a * e + (u128)c * b, den = (u128)b * e, g;

	g = gcd(num, den);
	num /= g ? g : 1;
	den /= g ? g : 1;
	if (num > UINT64_MAX || den > UINT64_MAX)
		return TV_ERR_RANGE;
	*n = (uint64_t)num;
	*d = (uint64_t)den;
	return 0;
}

int
budget_check(const struct ledger *l, const struct tv_plan *p, uint32_t k,
    struct budget_entry *e)
{
	const struct tv_noise_policy *np = &p->policy.noise;
	u128 cn, cd, g;
	int rc;

	/* Gaussian: L K / (2 var) = L K den / (2 num); Laplace: L K den / num */
	cn = (u128)BUDGET_LEVELS * k * np->den;
	cd = (u128)np->num * (np->mech == TV_NOISE_GAUSSIAN ? 2 : 1);
	g = gcd(cn, cd);
	e->charged_num = (uint64_t)(cn / g);
	e->charged_den = (uint64_t)(cd / g);
	if ((rc = ratio_add(&e->total_num, &e->total_den, l->total_num,
	    l->total_den, e->charged_num, e->charged_den)) != 0)
		return rc;
	/* total <= cap  <=>  total_num * cap_den <= cap_num * total_den */
	if ((u128)e->total_num * np->cap_den > (u128)np->cap_num * e->total_den)
		return TV_ERR_FULL;
	return 0;
}

static int
budget_put(struct tv_txn *t, struct record_ctx *r)
{
	char prev[65], req[65], when[32], *text;
	uint8_t key[8];
	time_t now = time(NULL);
	json_t *o;
	int rc;

	hex_encode(prev, r->l->last, 32);
	hex_encode(req, r->reqhash, 32);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "seq",
	    (json_int_t)r->l->nbudget + 1, "prev", prev, "time", when,
	    "request", req, "charged", "", "cumulative", "");
	json_object_set_new(o, "charged", json_sprintf("%llu/%llu",
	    (unsigned long long)r->e->charged_num,
	    (unsigned long long)r->e->charged_den));
	json_object_set_new(o, "cumulative", json_sprintf("%llu/%llu",
	    (unsigned long long)r->e->total_num,
	    (unsigned long long)r->e->total_den));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (text == NULL)
		return TV_ERR_NOMEM;
	tv_be64_put(key, r->l->nbudget + 1);
	rc = tv_txn_put(t, LDB_BUDGET, key, 8, text, strlen(text),
	    TV_PUT_NOOVERWRITE);
	free(text);
	return rc ? rc : t->err;
}

/* This run's derived sets (derived.h), keyed like cells. */
static void
derived_put(struct tv_txn *t, const struct ledger *l)
{
	const struct set *s;
	uint8_t h[8];
	char key[72];
	size_t i, n;

	for (i = l->nbefore; i < l->n; i++) {
		s = &l->sets[i];
		if (s->name[0] != '~')
			continue;
		crypto_generichash(h, sizeof h, s->ids, 16 * s->n, NULL, 0);
		n = (size_t)snprintf(key, sizeof key, "%s#", s->name);
		hex_encode(key + n, h, sizeof h);
		tv_txn_put(t, LDB_CELLS, key, n + 16, s->ids, 16 * s->n, 0);
	}
}

static int
record_fn(struct tv_txn *t, void *ctx)
{
	struct record_ctx *r = ctx;
	uint8_t h[8], seq[8];
	char key[72];
	size_t len, n;
	uint32_t i;

	for (i = 0; i < r->req->ncells; i++) {
		if (!TV_VERDICT_RELEASED(r->v[i]))
			continue;
		/* One key per record set: a revision keeps the sets before
		 * it (their values are out), an identical one is rewritten. */
		len = r->rb->cells[i].count * 16;
		crypto_generichash(h, sizeof h, r->rb->ids[i], len, NULL, 0);
		tv_cell_name(key, &r->req->cells[i]);
		n = strlen(key);
		key[n++] = '#';
		hex_encode(key + n, h, sizeof h);
		tv_txn_put(t, LDB_CELLS, key, n + 16, r->rb->ids[i], len, 0);
	}
	derived_put(t, r->l);
	tv_be64_put(seq, r->l->nentries + 1);
	if (chain_put(t, r->l, r->entry, r->e_hash) != 0 ||
	    tv_txn_put(t, LDB_REQUESTS, r->decision, 32, seq, 8, 0) != 0)
		return t->err ? t->err : TV_ERR_EXISTS;
	return r->e != NULL ? budget_put(t, r) : t->err;
}

int
ledger_record(struct ledger *l, const struct tv_request *req,
    const struct tv_recount *rb, const enum tv_verdict *v,
    const struct budget_entry *e, const uint8_t reqhash[32],
    const uint8_t decision[32])
{
	struct record_ctx r = { req, rb, v, e, reqhash, decision, l, NULL,
	    { 0 } };
	char hex[65], *vs = xmalloc(req->ncells + 1);
	uint32_t i;
	json_t *o;
	int rc;

	for (i = 0; i < req->ncells; i++)
		vs[i] = (char)('0' + v[i]);
	vs[i] = 0;
	hex_encode(hex, reqhash, 32);
	o = json_pack("{s:s, s:s, s:s}", "kind", "release", "request", hex,
	    "verdicts", vs);
	if (memcmp(decision, reqhash, 32) != 0) {	/* with its noise */
		hex_encode(hex, decision, 32);
		json_object_set_new(o, "decision", json_string(hex));
	}
	r.entry = entry_text(l, o);
	json_decref(o);
	free(vs);
	if ((rc = tv_store_write(l->st, record_fn, &r)) == 0)
		chain_push(l, r.e_hash);
	free((char *)r.entry);
	return rc;
}

struct show {
	uint64_t n, num, den;
	uint8_t last[32];
	int bad;
};

static int
show_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct show *sh = ctx;
	json_t *e = json_loadb(val, vlen, 0, NULL);
	unsigned long long cn = 0, cd = 0, tn = 0, td = 0;
	const char *prev, *ch, *cu;
	char want[65];
	uint64_t n, d;

	hex_encode(want, sh->last, 32);
	prev = json_string_value(json_object_get(e, "prev"));
	ch = json_string_value(json_object_get(e, "charged"));
	cu = json_string_value(json_object_get(e, "cumulative"));
	sh->n++;
	if (e == NULL || klen != 8 || tv_be64_get(key) != sh->n ||
	    json_integer_value(json_object_get(e, "seq")) !=
	    (json_int_t)sh->n || prev == NULL || strcmp(prev, want) != 0 ||
	    ch == NULL || cu == NULL ||
	    sscanf(ch, "%llu/%llu", &cn, &cd) != 2 ||
	    sscanf(cu, "%llu/%llu", &tn, &td) != 2 ||
	    ratio_add(&n, &d, sh->num, sh->den, cn, cd) != 0 || n != tn ||
	    d != td) {
		error("budget entry %llu: broken chain or wrong sum",
		    (unsigned long long)sh->n);
		sh->bad = 1;
	}
	printf("%.*s\n", (int)vlen, (const char *)val);
	sh->num = tn;
	sh->den = td ? td : 1;
	crypto_generichash(sh->last, 32, val, vlen, NULL, 0);
	json_decref(e);
	return 0;
}

static int
show_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, LDB_BUDGET, NULL, 0, show_cb, ctx);
}

int
ledger_budget_show(const char *dir, const char *unit)
{
	struct show sh = { .num = 0, .den = 1 };
	struct tv_store *st = NULL;
	int rc;

	if ((rc = tv_store_open(&st, dir, ledger_dbs, 2, TV_STORE_RDONLY,
	    0)) != 0)
		die("cannot open the ledger '%s': %s", dir, tv_strerror(rc));
	rc = tv_store_read(st, show_fn, &sh);
	tv_store_close(st);
	if (rc != 0)
		die("cannot read the ledger: %s", tv_strerror(rc));
	printf("%llu release(s) charged, total %llu/%llu %s\n",
	    (unsigned long long)sh.n, (unsigned long long)sh.num,
	    (unsigned long long)sh.den, unit != NULL ? unit : "(rho under "
	    "zCDP if the plan's noise is Gaussian, epsilon under pure DP if "
	    "Laplace: --campaign says which)");
	return sh.bad ? -1 : 0;
}

struct chain_show {
	uint64_t n;
	uint8_t head[32];
	int bad;
};

static int
chain_show_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct chain_show *cs = ctx;
	json_t *o = json_loadb(val, vlen, 0, NULL);
	uint8_t e[32];
	char want[65];

	hex_encode(want, cs->head, 32);
	cs->n++;
	if (o == NULL || klen != 8 || tv_be64_get(key) != cs->n ||
	    json_integer_value(json_object_get(o, "seq")) !=
	    (json_int_t)cs->n || strcmp(tv_json_str(o, "prev"), want) != 0) {
		error("ledger entry %llu: broken chain",
		    (unsigned long long)cs->n);
		cs->bad = 1;
	}
	printf("%.*s\n", (int)vlen, (const char *)val);
	crypto_generichash(e, 32, val, vlen, NULL, 0);
	tv_ledger_link(cs->head, cs->head, e);
	json_decref(o);
	return 0;
}

static int
chain_show_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, LDB_CHAIN, NULL, 0, chain_show_cb, ctx);
}

int
ledger_chain_show(const char *dir)
{
	struct chain_show cs = { 0 };
	struct tv_store *st = NULL;
	char head[65];
	int rc;

	if ((rc = tv_store_open(&st, dir, ledger_dbs, LDB_N, TV_STORE_RDONLY,
	    0)) != 0)
		die("cannot open the ledger '%s': %s", dir, tv_strerror(rc));
	rc = tv_store_read(st, chain_show_fn, &cs);
	tv_store_close(st);
	if (rc != 0)
		die("cannot read the ledger: %s", tv_strerror(rc));
	hex_encode(head, cs.head, 32);
	printf("%llu entries, head %s\n", (unsigned long long)cs.n, head);
	return cs.bad ? -1 : 0;
}

static int
load_revs_fn(struct tv_txn *t, void *ctx)
{
	struct ledger *l = ctx;

	l->nrevs = 0;
	return tv_txn_foreach(t, LDB_REVS, NULL, 0, rev_cb, l);
}

struct learn_ctx {
	const struct tv_revocation *r;
	uint32_t n;
};

static int
learn_fn(struct tv_txn *t, void *ctx)
{
	struct learn_ctx *lc = ctx;
	const void *val;
	uint8_t seq[8];
	size_t vlen;
	uint32_t i;
	int rc;

	for (i = 0; i < lc->n; i++) {
		rc = tv_txn_get(t, LDB_REVS, lc->r[i].device, 32, &val, &vlen);
		if (rc == 0 && vlen == 8 && tv_be64_get(val) <= lc->r[i].last_seq)
			continue;	/* I know as much or more */
		tv_be64_put(seq, lc->r[i].last_seq);
		tv_txn_put(t, LDB_REVS, lc->r[i].device, 32, seq, 8, 0);
	}
	return t->err;
}

int
ledger_revocations_learn(struct ledger *l, const struct tv_revocation *r,
    uint32_t n)
{
	struct learn_ctx lc = { r, n };
	int rc;

	if (n == 0)
		return 0;
	if ((rc = tv_store_write(l->st, learn_fn, &lc)) != 0)
		return rc;
	return tv_store_read(l->st, load_revs_fn, l);
}

int
ledger_revocation_missing(const struct ledger *l, const struct tv_request *req,
    uint8_t device[32], uint64_t *last_seq)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < l->nrevs; i++) {
		for (j = 0; j < req->nrevs; j++)
			if (!memcmp(req->revs[j].device, l->revs[i].device, 32) &&
			    req->revs[j].last_seq <= l->revs[i].last_seq)
				break;
		if (j == req->nrevs) {
			memcpy(device, l->revs[i].device, 32);
			*last_seq = l->revs[i].last_seq;
			return 1;
		}
	}
	return 0;
}
