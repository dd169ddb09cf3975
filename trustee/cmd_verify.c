/* SPDX-License-Identifier: MIT */
/*
 * trustee verify: anyone's check of a published release record.  From the
 * campaign bundle and the signed batches alone it rebuilds every cell and
 * checks that each published value is what the trustees' proven partial
 * decryptions of exactly those records give -- without any key.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "common/noise_load.h"
#include "release/parfor.h"
#include "release/reader.h"
#include "release/recount.h"
#include "release/table.h"
#include "release/verdict.h"
#include "proto/json_hex.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/proof.h"
#include "proto/batch.h"
#include "crypto/shamir.h"
#include "trustee/trustee.h"

struct verify {
	const struct tv_campaign *c;
	uint8_t relhash[32];	/* BLAKE2b-256 of release.json */
	int has_previous;	/* the request names the release before */
	uint8_t previous[32];
	struct tv_statement st[TV_TRUSTEES_MAX];	/* ledger statements */
	enum tv_verdict *decided[TV_TRUSTEES_MAX];	/* st[i]'s verdicts */
	uint32_t nst;
	struct tv_noise_set ns;
	struct tv_request *req;
	struct tv_recount rb;
	FILE *relf;		/* release.json, read one cell at a time */
	struct tv_release_reader *rd;
	json_t *rel;		/* release.json without its cells' elements */
	/* What each cell states (for release.csv), and the trustees whose
	 * partials it shows (bit j: trustee j), cell by cell: */
	enum tv_verdict *cv;	/* ncells */
	struct tv_table_value *tv;	/* ncells x k */
	uint32_t *used;		/* ncells */
	uint32_t cells_read;	/* cells release.json listed (at most ncells) */
	int cells_broken;	/* its cells array could not be read through */
	uint64_t values, bad;
	uint8_t *S;		/* n x k x 32: every trustee's verification keys */
};

/* Trustee j's verification key for indicator s. */
#define VERKEY(v, j, s) ((v)->S + (((size_t)(j) - 1) * (v)->c->k + (s)) * 32)

/* One cell's check, made on any core: at most one problem (each check
 * stops at its first), reported afterwards in cell order. */
struct vcell {
	const struct verify *v;
	const char *what;	/* the problem, or NULL */
	char name[48];
	uint64_t values;	/* values checked */
	uint32_t used;		/* trustees whose partials were checked */
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee verify RELEASE_DIR [LATER_RELEASE_DIR ...]\n\n"
	    "Checks a release record (RELEASE_DIR/campaign.json, request.tvr,\n"
	    "release.json, release.csv): the request's cells are the plan's,\n"
	    "every device certified, every signed batch and proof, every\n"
	    "cell's records and sum, every trustee's partial decryption proof\n"
	    "and signed ledger statement, their combination, and every\n"
	    "published value.  Given several releases of one campaign, oldest\n"
	    "first, it also checks that each names the one before it and that\n"
	    "every trustee's ledger in a later release extends what it signed\n"
	    "in every earlier one (a ledger deleted or rolled back cannot).\n"
	    "Needs no key.  Exit 1 on any mismatch.\n");
	exit(code);
}

static int
vfail(struct verify *v, const char *cell, const char *what)
{
	if (v->bad++ < 20)
		error("cell %s: %s", cell, what);
	return -1;
}

static int
cfail(struct vcell *x, const char *what)
{
	if (x->what == NULL)
		x->what = what;
	return -1;
}

/* The published records, sum and ids are those the batches give. */
static int
check_sums(struct vcell *x, json_t *o, uint32_t i)
{
	const struct verify *v = x->v;
	const struct tv_cell *cell = &v->rb.cells[i];
	json_t *ids = json_object_get(o, "record_ids");
	uint8_t ct[TV_CT_BYTES(TV_INDICATORS_MAX)], id[16];
	uint64_t n;

	if (json_integer_value(json_object_get(o, "records")) !=
	    (json_int_t)cell->count || json_array_size(ids) != cell->count)
		return cfail(x, "record count differs from the signed "
		    "batches");
	if (tv_json_unhex(json_object_get(o, "ct_sum"), ct, TV_CT_BYTES(v->c->k)) ||
	    sodium_memcmp(ct, cell->ct, TV_CT_BYTES(v->c->k)) != 0)
		return cfail(x, "encrypted sum differs from the signed "
		    "batches");
	for (n = 0; n < cell->count; n++)
		if (tv_json_unhex(json_array_get(ids, n), id, 16) != 0 ||
		    memcmp(id, v->rb.ids[i] + 16 * n, 16) != 0)
			return cfail(x, "record ids differ from the "
			    "signed batches");
	if (cell->count < v->c->plan->policy.min_cohort)
		return cfail(x, "released under the minimum cohort");
	return 0;
}

static const struct tv_statement *
statement_of(const struct verify *v, uint32_t j)
{
	uint32_t i;

	for (i = 0; i < v->nst; i++)
		if (v->st[i].trustee == j)
			return &v->st[i];
	return NULL;
}

/* The trustee's verdicts on the request's cells, from the ledger entry
 * its statement vouches for (V.3). */
static int
statement_decision(const struct verify *v, const struct tv_statement *st,
    json_t *entry, const uint8_t reqhash[32], enum tv_verdict *dv)
{
	uint32_t i;

	if (!json_is_string(entry) || tv_statement_decision(st,
	    json_string_value(entry), json_string_length(entry), reqhash,
	    v->req->ncells, dv) != 0) {
		for (i = 0; i < v->req->ncells; i++)
			dv[i] = TV_V_COUNT;	/* unknown: it did not verify */
		return -1;
	}
	return 0;
}

/* The release's request hash, the release it follows, and every
 * trustee's ledger statement: signed, about this request, its head the
 * chain of the entries it shows, with the decision it recorded. */
static void
check_ledgers(struct verify *v, const char *dir)
{
	json_t *led = json_object_get(v->rel, "ledgers"), *o;
	char path[4096];
	uint8_t reqhash[32], h[32];
	struct tv_statement *st;
	size_t i;

	snprintf(path, sizeof path, "%s/request.tvr", dir);
	if (file_hash(path, reqhash, NULL) != 0 ||
	    tv_json_unhex(json_object_get(v->rel, "request"), h, 32) != 0 ||
	    sodium_memcmp(h, reqhash, 32) != 0)
		vfail(v, "-", "release.json does not name its request");
	if (v->req->has_previous != (json_object_get(v->rel, "previous") !=
	    NULL) || (v->req->has_previous && (tv_json_unhex(json_object_get(
	    v->rel, "previous"), h, 32) != 0 || memcmp(h, v->req->previous,
	    32) != 0)))
		vfail(v, "-", "release.json and its request name different "
		    "previous releases");
	if (json_array_size(led) > TV_TRUSTEES_MAX)
		vfail(v, "-", "too many ledger statements");
	json_array_foreach(led, i, o) {
		if (i >= TV_TRUSTEES_MAX)
			break;
		st = &v->st[v->nst];
		if (tv_statement_from_json(st, o) != 0 || st->entries == NULL ||
		    tv_statement_verify(st, v->c) != 0 ||
		    sodium_memcmp(st->request, reqhash, 32) != 0 ||
		    statement_of(v, st->trustee) != NULL) {
			tv_statement_clear(st);
			vfail(v, "-", "a trustee's ledger statement does not "
			    "verify");
			continue;
		}
		v->decided[v->nst] = xcalloc(v->req->ncells + 1,
		    sizeof *v->decided[v->nst]);
		if (statement_decision(v, st, json_object_get(o, "decision"),
		    reqhash, v->decided[v->nst]) != 0)
			vfail(v, "-", "a trustee's decision is not the one its "
			    "ledger statement recorded for this request");
		v->nst++;
	}
}

/* D = sum lambda_j D_ij over the published, proven partials.  Whether
 * their trustees signed a ledger statement is checked once the statements
 * are read (they follow the cells): x->used names them. */
static int
check_partials(struct vcell *x, json_t *val, uint32_t i, uint32_t s,
    const uint8_t agg[32], uint8_t D[32])
{
	const struct verify *v = x->v;
	const struct tv_campaign *c = v->c;
	json_t *parts = json_object_get(val, "partials"), *p;
	unsigned q[TV_SHAMIR_MAX];
	uint8_t Dj[TV_SHAMIR_MAX][32], pr[64], lam[32], P[32];
	size_t n = json_array_size(parts), a;
	json_int_t j;

	if (n != c->t)
		return -1;
	json_array_foreach(parts, a, p) {
		j = json_integer_value(json_object_get(p, "trustee"));
		if (j < 1 || j > (json_int_t)c->n)
			return -1;
		q[a] = (unsigned)j;
		for (size_t b = 0; b < a; b++)
			if (q[b] == q[a])
				return -1;
		x->used |= 1u << q[a];
		if (tv_json_unhex(json_object_get(p, "d"), Dj[a], 32) ||
		    tv_json_unhex(json_object_get(p, "proof"), pr, 64) ||
		    tv_dleq_verify(pr, c->id, agg, q[a], s, VERKEY(v, q[a], s),
		    v->rb.cells[i].ct, Dj[a]) != 0)
			return -1;
	}
	memset(D, 0, 32);
	for (a = 0; a < n; a++)
		if (tv_lagrange0(lam, q[a], q, (unsigned)n) ||
		    tv_point_mul(P, lam, Dj[a]) || tv_point_add(D, D, P))
			return -1;
	return 0;
}

/* Value s of cell i, stated cell_vd: a shown value is labelled as its
 * cell (publish gives it the cell's verdict, which check_statuses holds
 * to the trustees' decisions). */
static int
check_value(struct vcell *cx, json_t *val, uint32_t i, uint32_t s,
    const uint8_t agg[32], enum tv_verdict cell_vd)
{
	const struct verify *v = cx->v;
	const struct tv_campaign *c = v->c;
	uint8_t D[32], pub[32], M[32], G[32];
	json_t *jv = json_object_get(val, "value");
	json_int_t x = json_integer_value(jv);
	enum tv_verdict vd;
	int small;

	if (tv_verdict_parse(tv_json_str(val, "status"), tv_json_str(val,
	    "reason"), &vd) != 0)
		return cfail(cx, "a value's status or reason is unknown");
	if (jv == NULL) {	/* under min_cell, or could give one away */
		if (vd != TV_V_MIN_CELL && vd != TV_V_SECONDARY)
			return cfail(cx, "a released cell lacks a value");
		/* Its decryption would give it away to any reader. */
		return json_object_get(val, "d") != NULL ||
		    json_object_get(val, "partials") != NULL ? cfail(cx,
		    "a hidden value carries its decryption") : 0;
	}
	if (!TV_VERDICT_RELEASED(vd))
		return cfail(cx, "a value shown but not released");
	if (vd != cell_vd)
		return cfail(cx, "a value's status or reason is not its "
		    "cell's");
	if (check_partials(cx, val, i, s, agg, D) != 0)
		return cfail(cx, "a partial decryption does not verify");
	if (tv_json_unhex(json_object_get(val, "d"), pub, 32) != 0 ||
	    sodium_memcmp(pub, D, 32) != 0)
		return cfail(cx, "the combined decryption is not the "
		    "partials' combination");
	if (tv_elgamal_unmask(M, v->rb.cells[i].ct + 32 * (s + 1), D) != 0)
		return cfail(cx, "invalid decryption");
	small = c->plan->policy.min_cell > 0 && v->ns.n == 0 &&
	    x < (json_int_t)c->plan->policy.min_cell;
	if ((x < 0 && v->ns.n == 0) || small)
		return cfail(cx, "a value that should not be shown");
	tv_point_small(G, (uint64_t)(x < 0 ? -x : x));
	if (x < 0 && tv_point_sub(G, tv_identity, G) != 0)
		return cfail(cx, "invalid value");
	if (sodium_memcmp(G, M, 32) != 0)
		return cfail(cx, "a published value is not what the "
		    "decryption gives");
	cx->values++;
	return 0;
}

static void
check_cell(struct vcell *x, json_t *o, uint32_t i)
{
	const struct verify *v = x->v;
	const struct tv_campaign *c = v->c;
	json_t *vals = json_object_get(o, "values");
	struct tv_cell_text t;
	uint8_t agg[32];
	char *name = x->name;
	uint32_t s;
	enum tv_verdict vd;

	tv_cell_name(name, &v->rb.cells[i]);
	tv_cell_text(&t, c->plan, &v->rb.cells[i]);
	if (strcmp(tv_json_str(o, "cell"), name) != 0) {
		cfail(x, "cells out of order or missing");
		return;
	}
	if (strcmp(tv_json_str(o, "site"), t.site) != 0 ||
	    strcmp(tv_json_str(o, "period"), t.period) != 0 ||
	    strcmp(tv_json_str(o, "period_label"), t.label) != 0 ||
	    strcmp(tv_json_str(o, "first_day"), t.first) != 0 ||
	    strcmp(tv_json_str(o, "last_day"), t.last) != 0) {
		cfail(x, "a cell's site, period, label or days are not "
		    "the request's");
		return;
	}
	if (tv_verdict_parse(tv_json_str(o, "status"), tv_json_str(o,
	    "reason"), &vd) != 0) {
		cfail(x, "a cell's status or reason is unknown");
		return;
	}
	if (!TV_VERDICT_RELEASED(vd)) {
		if (vals != NULL || json_object_get(o, "records") != NULL)
			cfail(x, "a cell not released carries values");
		return;
	}
	if (check_sums(x, o, i) != 0)
		return;
	tv_cell_agg_hash(agg, c->id, c->k, &v->rb.cells[i]);
	if (json_object_size(vals) != c->k) {
		cfail(x, "values missing");
		return;
	}
	for (s = 0; s < c->k; s++)
		if (check_value(x, json_object_get(vals,
		    c->plan->indicators[s].id), i, s, agg, vd) != 0)
			return;
}

/* The verdict a release.json member states; a placeholder if it states
 * none (check_cell and check_value have failed the release then). */
static enum tv_verdict
stated(json_t *o)
{
	enum tv_verdict vd;

	return tv_verdict_parse(tv_json_str(o, "status"), tv_json_str(o,
	    "reason"), &vd) == 0 ? vd : TV_V_COUNT;
}

/* What cell i of release.json states, kept for release.csv: its verdict
 * and each value's (a cell's own where the value states none). */
static void
cell_stated(const struct verify *v, json_t *cell, uint32_t i)
{
	const uint32_t k = v->c->k;
	json_t *val;
	uint32_t j;

	v->cv[i] = stated(cell);
	for (j = 0; j < k; j++) {
		val = json_object_get(json_object_get(cell, "values"),
		    v->c->plan->indicators[j].id);
		v->tv[(size_t)i * k + j].v = val != NULL ? stated(val) :
		    v->cv[i];
		v->tv[(size_t)i * k + j].value = json_integer_value(
		    json_object_get(val, "value"));
	}
}

/* release.csv must say what release.json says (evaluators read it):
 * rebuilt from release.json and the recount by the function that wrote
 * it (release/table.h), and compared byte for byte. */
static void
check_csv(struct verify *v, const char *dir)
{
	uint8_t *file = NULL;
	size_t want_len, len = 0;
	char path[4096], *want = NULL;

	if (tv_release_table(&want, &want_len, v->c->plan, v->c->k,
	    v->rb.cells, v->req->ncells, v->cv, v->tv) != 0)
		die("out of memory");
	snprintf(path, sizeof path, "%s/release.csv", dir);
	if (file_read(path, want_len + 1, &file, &len) != 0)
		vfail(v, "-", "release.csv missing, unreadable or too long");
	else if (len != want_len || memcmp(file, want, len) != 0)
		vfail(v, "-", "release.csv differs from release.json and the "
		    "recount");
	free(file);
	free(want);
}

/* The noise the trustees added, as published beside the release. */
static void
verify_noise(struct verify *v, const char *dir)
{
	char pattern[4096], reqpath[4096];
	uint8_t reqhash[32];
	glob_t g;

	if (v->c->plan->policy.noise.mech == TV_NOISE_NONE)
		return;
	snprintf(pattern, sizeof pattern, "%s/noise-*.json", dir);
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0)
		die_refused("the plan asks for noise but %s holds no noise "
		    "file", dir);
	snprintf(reqpath, sizeof reqpath, "%s/request.tvr", dir);
	if (file_hash(reqpath, reqhash, NULL) != 0)
		die("cannot read '%s'", reqpath);
	noise_load_apply(&v->ns, g.gl_pathv, (uint32_t)g.gl_pathc, v->c,
	    v->req, reqhash, v->rb.cells);
	globfree(&g);
}

static void
verify_load(struct verify *v, const char *dir)
{
	char path[4096], why[256];
	FILE *f;
	size_t i, nv;
	int rc;

	snprintf(path, sizeof path, "%s/request.tvr", dir);
	if ((f = fopen(path, "rbe")) == NULL)
		die("cannot open '%s': %s", path, strerror(errno));
	if ((rc = tv_request_read(f, &v->req, v->c->k)) != 0 ||
	    sodium_memcmp(v->req->campaign_id, v->c->id, 32) != 0)
		die_err(rc ? rc : TV_ERR_MISMATCH, "'%s' is not a release "
		    "request of this campaign", path);
	if ((rc = tv_recount_claims(f, v->req, v->c, &v->rb, why,
	    sizeof why)) != 0) {
		fclose(f);
		if (rc != TV_ERR_REFUSED)
			die("cannot recount the request: %s", why);
		error("%s", why);
		error("the release request does not match its signed batches");
		exit(1);
	}
	fclose(f);
	verify_noise(v, dir);
	snprintf(path, sizeof path, "%s/release.json", dir);
	if (file_hash(path, v->relhash, NULL) != 0 ||
	    (v->relf = fopen(path, "rbe")) == NULL)
		die("cannot read '%s'", path);
	if ((rc = tv_release_reader_open(&v->rd, v->relf)) != 0)
		die_err(rc, "'%s' is not a release", path);
	nv = (size_t)v->req->ncells * v->c->k;
	v->cv = xcalloc(v->req->ncells + 1, sizeof *v->cv);
	v->tv = xcalloc(nv + 1, sizeof *v->tv);
	v->used = xcalloc(v->req->ncells + 1, sizeof *v->used);
	for (i = 0; i < v->req->ncells; i++)	/* until a cell states one */
		v->cv[i] = TV_V_COUNT;
	for (i = 0; i < nv; i++)
		v->tv[i].v = TV_V_COUNT;
}

/* The longest text cell i may take in release.json: its record ids and
 * its values with t partials each, generously laid out. */
static size_t
cell_cap(const struct verify *v, uint32_t i)
{
	return 65536 + 128 * (size_t)v->rb.cells[i].count +
	    (2048 + 1024 * (size_t)v->c->t) * v->c->k;
}

/* At most this many cells, or cells of this much text, are held at once. */
#define BLOCK_CELLS 1024
#define BLOCK_BYTES (32 << 20)

struct vcells {
	const struct verify *v;
	json_t **cell;		/* cells first .. first + n - 1 */
	uint32_t first;
	struct vcell *x;
};

static int
cell_verify(void *ctx, uint32_t b)
{
	struct vcells *vc = ctx;
	uint32_t i = vc->first + b;

	vc->x[b].v = vc->v;
	cell_stated(vc->v, vc->cell[b], i);
	check_cell(&vc->x[b], vc->cell[b], i);
	return 0;
}

/* The next cells of release.json, at most BLOCK_CELLS of them and about
 * BLOCK_BYTES of text, into vc->cell: how many (0 at the end or on a
 * problem, which is reported). */
static uint32_t
block_read(struct verify *v, struct vcells *vc)
{
	long at = ftell(v->relf);
	uint32_t n = 0, i;
	int rc;

	while (!v->cells_broken && n < BLOCK_CELLS &&
	    v->cells_read < v->req->ncells &&
	    (at < 0 || ftell(v->relf) - at < BLOCK_BYTES)) {
		i = v->cells_read;
		if ((rc = tv_release_reader_cell(v->rd, cell_cap(v, i),
		    &vc->cell[n])) != 0) {
			vfail(v, "-", rc == TV_ERR_IO ? "release.json cannot "
			    "be read" : rc == TV_ERR_TOOBIG ? "a cell of "
			    "release.json is too long" : "release.json is not "
			    "a JSON release (its cells)");
			v->cells_broken = 1;
			break;
		}
		if (vc->cell[n] == NULL)
			break;
		v->cells_read++;
		n++;
	}
	return n;
}

/* Every cell on every core, a block at a time (release/parfor.h; the
 * cells' JSON is only read there), then the problems in cell order. */
static void
check_cells(struct verify *v)
{
	struct vcells vc = { v, NULL, 0, NULL };
	uint32_t b, j, n;

	v->S = xmalloc((size_t)v->c->n * v->c->k * 32);
	for (j = 1; j <= v->c->n; j++)
		if (tv_campaign_verkeys(VERKEY(v, j, 0), v->c, j) != 0)
			die_refused("the campaign's commitments are invalid");
	vc.cell = xcalloc(BLOCK_CELLS, sizeof *vc.cell);
	vc.x = xcalloc(BLOCK_CELLS, sizeof *vc.x);
	while ((n = block_read(v, &vc)) > 0) {
		memset(vc.x, 0, BLOCK_CELLS * sizeof *vc.x);
		(void)tv_parfor(n, cell_verify, &vc);
		for (b = 0; b < n; b++) {
			if (vc.x[b].what != NULL)
				vfail(v, vc.x[b].name, vc.x[b].what);
			v->values += vc.x[b].values;
			v->used[vc.first + b] = vc.x[b].used;
			json_decref(vc.cell[b]);
		}
		vc.first += n;
	}
	free(vc.cell);
	free(vc.x);
	free(v->S);
	v->S = NULL;
}

/* After the cells: nothing more in their array, then the rest of
 * release.json (its format, request, ledger statements). */
static void
frame_read(struct verify *v, const char *dir)
{
	json_t *more = NULL;
	int rc;

	if (v->cells_broken)
		die_refused("'%s/release.json' is not a release", dir);
	if ((rc = tv_release_reader_cell(v->rd, 0, &more)) != 0 ||
	    more != NULL)
		vfail(v, "-", "the release lists more cells than requested");
	json_decref(more);
	if (rc == 0 && more == NULL && (rc = tv_release_reader_frame(v->rd,
	    TV_RELEASE_REST_MAX, &v->rel)) != 0)
		die_err(rc, "'%s/release.json' is not a release", dir);
	if (v->rel == NULL || strcmp(tv_json_str(v->rel, "format"),
	    "tallyvan-release/1") != 0)
		die_refused("'%s/release.json' is not a release", dir);
	if (v->cells_read != v->req->ncells)
		vfail(v, "-", "the release does not list every requested cell");
}

/* Every partial shown comes from a trustee whose signed ledger statement
 * the release carries (no word on its ledger, no partial). */
static void
check_partials_ledgers(struct verify *v)
{
	uint32_t stated_mask = 0, i;
	char name[48];

	for (i = 0; i < v->nst; i++)
		stated_mask |= 1u << v->st[i].trustee;
	for (i = 0; i < v->cells_read; i++)
		if ((v->used[i] & ~stated_mask) != 0) {
			tv_cell_name(name, &v->rb.cells[i]);
			vfail(v, name, "a partial decryption is from a trustee "
			    "without a ledger statement");
		}
}

/* Trustee j's verdict on cell i: TV_V_COUNT if j gave no statement or
 * its decision did not verify. */
static enum tv_verdict
verdict_of(const struct verify *v, uint32_t j, uint32_t i)
{
	uint32_t q;

	for (q = 0; q < v->nst; q++)
		if (v->st[q].trustee == j)
			return v->decided[q][i];
	return TV_V_COUNT;
}

/*
 * What publish makes of the trustees' verdicts on cell i (formats.md
 * III.9.5), given the quorum whose partials it shows (bit j: trustee j;
 * 0 if it shows none: then the first t trustees that released it): a
 * released cell, a revision if one of its quorum says so; else the first
 * trustee's (by index) verdict that did not release it; else no quorum.
 * TV_V_COUNT if the quorum has a trustee that did not release it.
 */
static enum tv_verdict
combined(const struct verify *v, uint32_t i, uint32_t quorum)
{
	enum tv_verdict d, out = TV_V_RELEASE;
	uint32_t j, n = 0;
	int pick = quorum == 0;

	for (j = 1; pick && j <= v->c->n && n < v->c->t; j++)
		if (TV_VERDICT_RELEASED(verdict_of(v, j, i))) {
			quorum |= 1u << j;
			n++;
		}
	if (pick && n < v->c->t) {
		for (j = 1; j <= v->c->n; j++)
			if ((d = verdict_of(v, j, i)) != TV_V_COUNT &&
			    !TV_VERDICT_RELEASED(d))
				return d;
		return TV_V_NO_QUORUM;
	}
	for (j = 1; j <= v->c->n; j++) {
		if (!(quorum & (1u << j)))
			continue;
		d = verdict_of(v, j, i);
		if (!TV_VERDICT_RELEASED(d))
			return TV_V_COUNT;
		if (d == TV_V_REVISION)
			out = TV_V_REVISION;
	}
	return out;
}

/* Each cell's status and reason are what the trustees decided, as
 * publish combines them: the aggregator cannot relabel a revision as
 * new, a released cell as withheld, or give a reason of its own.  A
 * released cell whose quorum did not release it is a lie too. */
static void
check_statuses(struct verify *v)
{
	enum tv_verdict want;
	uint32_t i;
	char name[48];

	for (i = 0; i < v->cells_read; i++) {
		if (v->cv[i] == TV_V_COUNT)
			continue;	/* reported by check_cell */
		want = combined(v, i, TV_VERDICT_RELEASED(v->cv[i]) ?
		    v->used[i] : 0);
		if (want == v->cv[i] || (v->cv[i] == TV_V_NO_QUORUM &&
		    TV_VERDICT_RELEASED(want) && v->used[i] == 0))
			continue;
		tv_cell_name(name, &v->rb.cells[i]);
		vfail(v, name, want == TV_V_COUNT ? "released although a "
		    "trustee of its quorum did not release it" : "its status "
		    "or reason is not what the trustees decided");
	}
}

/* One release record; the number of problems found (printed). */
static uint64_t
verify_one(struct verify *v, const char *dir)
{
	char path[4096];
	uint32_t i, released = 0;

	snprintf(path, sizeof path, "%s/campaign.json", dir);
	v->c = campaign_load_or_die(path, 1);
	verify_load(v, dir);
	check_cells(v);
	frame_read(v, dir);
	check_ledgers(v, dir);
	check_partials_ledgers(v);
	check_statuses(v);
	for (i = 0; i < v->cells_read; i++)
		released += TV_VERDICT_RELEASED(v->cv[i]);
	check_csv(v, dir);
	v->has_previous = v->req->has_previous;
	memcpy(v->previous, v->req->previous, 32);
	if (v->bad == 0)
		printf("release %s verified: %llu signed batches, %llu records "
		    "(%llu set aside), %u of %u cells released, %llu values "
		    "checked against %u-of-%u proven partial decryptions\n",
		    dir, (unsigned long long)v->rb.batches,
		    (unsigned long long)v->rb.records,
		    (unsigned long long)v->rb.quarantined, released,
		    v->req->ncells, (unsigned long long)v->values, v->c->t,
		    v->c->n);
	json_decref(v->rel);
	tv_release_reader_free(v->rd);
	fclose(v->relf);
	free(v->cv);
	free(v->tv);
	free(v->used);
	tv_noise_free(&v->ns);
	tv_recount_release(&v->rb, v->req->ncells);
	tv_request_free(v->req);
	return v->bad;
}

/* Release b follows release a (a earlier, b later in the chain): every
 * trustee that signed in both shows in b the entries it showed in a, and
 * more.  Adjacent releases are linked by b's "previous". */
static uint64_t
chain_check(const struct verify *a, const struct verify *b, int adjacent)
{
	const struct tv_statement *x, *y;
	uint64_t bad = 0;
	uint32_t i;

	if (memcmp(a->c->id, b->c->id, 32) != 0)
		return error("the releases are of different campaigns"), 1;
	if (adjacent && (!b->has_previous ||
	    memcmp(b->previous, a->relhash, 32) != 0))
		bad += error("a release does not name the one before it "
		    "as its previous release") != 0;
	for (i = 0; i < a->nst; i++) {
		x = &a->st[i];
		if ((y = statement_of(b, x->trustee)) == NULL)
			continue;
		if (!tv_statement_extends(x, y) || y->length <= x->length)
			bad += error("trustee %u's ledger in a later release "
			    "does not extend what it signed before (%llu "
			    "entries, then %llu): deleted, rolled back or "
			    "forked", x->trustee, (unsigned long long)
			    x->length, (unsigned long long)y->length) != 0;
	}
	return bad;
}

int
cmd_verify(int argc, char **argv)
{
	struct verify *v;
	uint64_t bad = 0;
	int i, k, n = argc - 1;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage(0);
	if (argc < 2)
		usage(2);
	v = xcalloc((size_t)n, sizeof *v);
	for (i = 0; i < n; i++)
		bad += verify_one(&v[i], argv[i + 1]);
	for (k = 1; k < n; k++)
		for (i = 0; i < k; i++)
			bad += chain_check(&v[i], &v[k], i == k - 1);
	if (bad == 0 && n > 1)
		printf("chain of %d releases verified: each names the one "
		    "before it, every trustee's ledger only grew\n", n);
	if (bad != 0)
		error("release NOT verified: %llu problem(s)",
		    (unsigned long long)bad);
	for (i = 0; i < n; i++) {
		for (uint32_t j = 0; j < v[i].nst; j++) {
			tv_statement_clear(&v[i].st[j]);
			free(v[i].decided[j]);
		}
		tv_campaign_free((struct tv_campaign *)v[i].c);
	}
	free(v);
	return bad ? 1 : 0;
}
