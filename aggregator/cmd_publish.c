/* SPDX-License-Identifier: MIT */
/*
 * aggregator publish: combine t trustees' partial decryptions of each cell
 * (Lagrange coefficients applied in the exponent: no key is ever rebuilt),
 * recover each count by discrete log, and write the release and its
 * verifiable record.  A partial whose proof fails is refused and named.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "aggregator/publish.h"
#include "common/noise_load.h"
#include "release/parfor.h"
#include "release/reader.h"
#include "release/recount.h"
#include "proto/json_hex.h"
#include "common/util.h"
#include "crypto/bsgs.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/proof.h"
#include "crypto/shamir.h"

#define BSGS_LOG2M 16

/* One cell of a trustee's partial, as read (the JSON is not kept: at
 * national scale its tree was most of publish's memory). */
struct pcell {
	int v_ok;		/* its status and reason parse, into v */
	enum tv_verdict v;
	int shape_ok;		/* cell name, agg and k shares well formed */
	uint32_t bad_s;		/* first indicator whose d or proof is not
				 * hex of the right length (k: none) */
	uint8_t agg[32];
	uint8_t *dp;		/* released and shape_ok: k x (D, proof) */
};

#define DP_BYTES (32 + 64)

/* Check results per (cell, partial), made on every core. */
enum { CHK_NONE = -1, CHK_OK = -2, CHK_AGG = -3 };	/* >= 0: indicator */
/* A failure to report is stored as chk - CHK_REPORT: below CHK_AGG. */
#define CHK_REPORT (1 << 20)

struct partial {
	uint32_t j;
	struct tv_statement st;	/* its signed ledger statement */
	char *decision;		/* the ledger entry of its decision (V.3) */
	struct pcell *cells;	/* the request's */
	uint8_t *S;		/* trustee j's verification keys, k x 32 */
	int bad;		/* a proof failed: not used at all */
};

struct publish_opts {
	const char *dir, *request, *out, *table, *partials[TV_SHAMIR_MAX];
	char *noise[TV_SHAMIR_MAX], *out_buf;
	uint32_t np, nnoise;
};

struct publish {
	struct tv_campaign *c;
	struct tv_noise_set ns;
	uint64_t bound;		/* noise offset B: values in [-B, n + B] */
	struct tv_request *req;
	uint8_t reqhash[32];
	struct tv_recount rb;
	struct partial p[TV_SHAMIR_MAX];
	uint32_t np;
	struct tv_bsgs *table;
	struct cell_result *res;
	int32_t *chk;		/* ncells x np: CHK_* or a failing indicator */
	int32_t *fail_s;	/* ncells: combination failed there, or -1 */
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator publish --dir DIR --request REQUEST.tvr\n"
	    "         --partial P1.json --partial P2.json ... --out OUTDIR\n"
	    "         [--noise NOISE.json ...] [--table BSGS.tbl]\n\n"
	    "Checks every trustee's partial decryptions against its public\n"
	    "share key (DLEQ proofs), combines any threshold of them per cell,\n"
	    "and writes OUTDIR/release.csv, release-codebook.csv (what each\n"
	    "indicator counts) and release.json, with campaign.json and\n"
	    "request.tvr: a record anyone can check with 'trustee verify'.\n"
	    "Exit 1 if a partial was refused.\n");
	exit(code);
}

/* Cell i of a partial, from its JSON object o. */
static void
pcell_read(struct publish *pb, struct pcell *pc, json_t *o, uint32_t i)
{
	const struct tv_campaign *c = pb->c;
	json_t *sh = json_object_get(o, "shares"), *e;
	char name[48];
	uint32_t s;

	pc->v_ok = tv_verdict_parse(tv_json_str(o, "status"), tv_json_str(o,
	    "reason"), &pc->v) == 0;
	if (!pc->v_ok || !TV_VERDICT_RELEASED(pc->v))
		return;
	tv_cell_name(name, &pb->rb.cells[i]);
	pc->shape_ok = strcmp(tv_json_str(o, "cell"), name) == 0 &&
	    tv_json_unhex(json_object_get(o, "agg"), pc->agg, 32) == 0 &&
	    json_array_size(sh) == c->k;
	if (!pc->shape_ok)
		return;
	pc->dp = xmalloc((size_t)c->k * DP_BYTES);
	pc->bad_s = c->k;
	for (s = 0; s < c->k && pc->bad_s == c->k; s++) {
		e = json_array_get(sh, s);
		if (tv_json_unhex(json_object_get(e, "d"), pc->dp + s *
		    DP_BYTES, 32) != 0 || tv_json_unhex(json_object_get(e,
		    "proof"), pc->dp + s * DP_BYTES + 32, 64) != 0)
			pc->bad_s = s;
	}
}

/* The trustee's decision, as its ledger recorded it (the statement vouches
 * for the entry): what its cells say must be it, and it goes into the
 * release record with the statement, for verifiers. */
static void
partial_decision(struct publish *pb, struct partial *p, json_t *entry,
    const char *path)
{
	enum tv_verdict *dv = xcalloc(pb->req->ncells + 1, sizeof *dv);
	uint32_t i;

	if (!json_is_string(entry) || tv_statement_decision(&p->st,
	    json_string_value(entry), json_string_length(entry), pb->reqhash,
	    pb->req->ncells, dv) != 0)
		die("'%s': its decision is not the one its ledger statement "
		    "recorded for this request", path);
	for (i = 0; i < pb->req->ncells; i++)
		if (!p->cells[i].v_ok || p->cells[i].v != dv[i])
			die("'%s': cell %u's status is not the decision its "
			    "ledger recorded", path, i);
	p->decision = xstrdup(json_string_value(entry));
	free(dv);
}

/* A partial's cells, one at a time (release/reader.h: at national scale
 * the whole file's tree was most of publish's memory), then the rest of
 * it: *root (its "cells" emptied), or NULL if it is not a partial of this
 * request. */
static json_t *
partial_cells(struct publish *pb, struct partial *p, const char *path)
{
	const size_t cap = 65536 + 1024 * (size_t)pb->c->k;
	struct tv_release_reader *rd = NULL;
	json_t *cell, *root = NULL;
	uint32_t i = 0;
	FILE *f;

	if ((f = fopen(path, "rbe")) == NULL)
		die("cannot read '%s': %s", path, strerror(errno));
	p->cells = xcalloc(pb->req->ncells, sizeof *p->cells);
	if (tv_release_reader_open(&rd, f) != 0)
		goto out;
	while (tv_release_reader_cell(rd, cap, &cell) == 0 && cell != NULL) {
		if (i < pb->req->ncells)
			pcell_read(pb, &p->cells[i], cell, i);
		i++;
		json_decref(cell);
	}
	if (i == pb->req->ncells)
		(void)tv_release_reader_frame(rd, TV_RELEASE_REST_MAX, &root);
out:
	tv_release_reader_free(rd);
	fclose(f);
	return root;
}

static void
partial_load(struct publish *pb, const char *path)
{
	struct partial *p = &pb->p[pb->np];
	const char *fmt, *id;
	json_t *root;
	char want[65];
	int j;

	root = partial_cells(pb, p, path);
	hex_encode(want, pb->c->id, 32);
	if (root == NULL || json_unpack(root, "{s:s, s:s, s:i}", "format",
	    &fmt, "campaign_id", &id, "trustee", &j) != 0 ||
	    strcmp(fmt, "tallyvan-partial/1"))
		die("'%s' is not a partial decryption of this request", path);
	if (strcmp(id, want) != 0)
		die("'%s' is for another campaign", path);
	if (j < 1 || (uint32_t)j > pb->c->n)
		die("'%s': no trustee %d in this campaign", path, j);
	for (uint32_t q = 0; q < pb->np; q++)
		if (pb->p[q].j == (uint32_t)j)
			die("'%s': a second partial from trustee %d", path, j);
	/* The trustee's word on its ledger goes into the release record. */
	if (tv_statement_from_json(&p->st, json_object_get(root,
	    "ledger")) != 0 || p->st.entries == NULL ||
	    p->st.trustee != (uint32_t)j ||
	    tv_statement_verify(&p->st, pb->c) != 0 ||
	    sodium_memcmp(p->st.request, pb->reqhash, 32) != 0)
		die("'%s': its ledger statement is missing, not trustee %d's, "
		    "or not for this request", path, j);
	p->j = (uint32_t)j;
	partial_decision(pb, p, json_object_get(root, "decision"), path);
	json_decref(root);
	p->S = xmalloc((size_t)pb->c->k * 32);
	if (tv_campaign_verkeys(p->S, pb->c, p->j) != 0)
		die("the campaign's commitments are invalid");
	pb->np++;
}

/* 1 if trustee p's partial of cell i is one to combine (released). */
static int
pcell_offered(const struct partial *p, uint32_t i)
{
	return p->cells[i].v_ok && TV_VERDICT_RELEASED(p->cells[i].v);
}

/* Check trustee p's partial for cell i: CHK_OK, CHK_AGG (not a partial of
 * this aggregate) or the first indicator that does not verify.  Reads
 * only: run on every core. */
static int32_t
partial_check(const struct publish *pb, const struct partial *p, uint32_t i)
{
	const struct tv_campaign *c = pb->c;
	const struct pcell *pc = &p->cells[i];
	uint8_t agg[32];
	uint32_t s;

	tv_cell_agg_hash(agg, c->id, c->k, &pb->rb.cells[i]);
	if (!pc->shape_ok || sodium_memcmp(pc->agg, agg, 32) != 0)
		return CHK_AGG;
	for (s = 0; s < pc->bad_s; s++)
		if (tv_dleq_verify(pc->dp + s * DP_BYTES + 32, c->id, agg,
		    p->j, s, p->S + 32 * s, pb->rb.cells[i].ct, pc->dp + s *
		    DP_BYTES) != 0)
			return (int32_t)s;
	return pc->bad_s < c->k ? (int32_t)pc->bad_s : CHK_OK;
}

/* The checks of cell i a sequential publish would make if no trustee
 * were found wrong in another cell: partials in order until t verify.
 * Run on every core; cell_publish() replays them in order. */
static int
cell_checks(void *ctx, uint32_t i)
{
	struct publish *pb = ctx;
	int32_t *chk = pb->chk + (size_t)i * pb->np;
	uint32_t q, good = 0;

	for (q = 0; q < pb->np; q++)
		chk[q] = CHK_NONE;
	for (q = 0; q < pb->np && good < pb->c->t; q++) {
		if (!pcell_offered(&pb->p[q], i))
			continue;
		chk[q] = partial_check(pb, &pb->p[q], i);
		good += chk[q] == CHK_OK;
	}
	return 0;
}

/* The error a failed check is reported with. */
static int
partial_error(const struct publish *pb, const struct partial *p, uint32_t i,
    int32_t chk)
{
	char name[48];

	tv_cell_name(name, &pb->rb.cells[i]);
	if (chk == CHK_AGG)
		return error("trustee %u, cell %s: not a partial of this "
		    "aggregate", p->j, name);
	return error("trustee %u, cell %s, indicator '%s': the partial "
	    "decryption does not verify", p->j, name,
	    pb->c->plan->indicators[chk].id);
}

/* M = v*G with v in [-B, n + B]: solve M + B*G over [0, n + 2B]. */
static int
value_solve(const struct publish *pb, const uint8_t M[32], uint64_t n,
    int64_t *v)
{
	uint8_t shifted[32], BG[32];
	uint64_t s;
	int rc;

	tv_point_small(BG, pb->bound);
	if (tv_point_add(shifted, M, BG) != 0)
		return TV_ERR_CRYPTO;
	if ((rc = tv_bsgs_solve(pb->table, shifted, n + 2 * pb->bound, &s)))
		return rc;
	*v = (int64_t)s - (int64_t)pb->bound;
	return 0;
}

/* x_i * R* = sum over the quorum of lambda_j * D_ij, then the values.
 * Run on every core: a failure is noted in pb->fail_s[i] (the indicator),
 * and reported by cells_combine() in cell order. */
static int
cell_combine(void *ctx, uint32_t i)
{
	struct publish *pb = ctx;
	const struct tv_campaign *c = pb->c;
	struct cell_result *r = &pb->res[i];
	uint8_t lambda[TV_SHAMIR_MAX][32], P[32], M[32];
	uint32_t q, s;

	if (r->nq != c->t)
		return 0;
	for (q = 0; q < r->nq; q++)
		if (tv_lagrange0(lambda[q], r->quorum[q], r->quorum, r->nq))
			return TV_ERR_CRYPTO;	/* internal: a bad quorum */
	for (s = 0; s < c->k; s++) {
		memset(r->d + 32 * s, 0, 32);
		for (q = 0; q < r->nq; q++)
			if (tv_point_mul(P, lambda[q], r->pd + ((size_t)q *
			    c->k + s) * 32) != 0 || tv_point_add(r->d + 32 * s,
			    r->d + 32 * s, P) != 0)
				return TV_ERR_CRYPTO;	/* internal */
		if (tv_elgamal_unmask(M, pb->rb.cells[i].ct + 32 * (s + 1),
		    r->d + 32 * s) != 0 || value_solve(pb, M,
		    pb->rb.cells[i].count, &r->values[s]) != 0) {
			pb->fail_s[i] = (int32_t)s;
			return TV_ERR_RANGE;
		}
		r->small[s] = pb->ns.n == 0 && c->plan->policy.min_cell > 0 &&
		    r->values[s] < (int64_t)c->plan->policy.min_cell ?
		    TV_V_MIN_CELL : TV_V_RELEASE;
	}
	return 0;
}

/* Every cell's combination on every core, then, in cell order, the
 * partials found wrong and a combination that failed (which ends the
 * run, as it did when each cell was combined in turn). */
static void
cells_combine(struct publish *pb)
{
	uint32_t i, q;
	int32_t chk;
	int rc;

	for (i = 0; i < pb->req->ncells; i++)
		pb->fail_s[i] = -1;
	rc = tv_parfor(pb->req->ncells, cell_combine, pb);
	for (i = 0; i < pb->req->ncells; i++) {
		for (q = 0; q < pb->np; q++)
			if ((chk = pb->chk[(size_t)i * pb->np + q]) < CHK_AGG)
				partial_error(pb, &pb->p[q], i, chk +
				    CHK_REPORT);
		if (pb->fail_s[i] >= 0)
			die("cell %u, indicator '%s': the combined decryption "
			    "is not a count (inconsistent shares?)", i,
			    pb->c->plan->indicators[pb->fail_s[i]].id);
	}
	if (rc != 0)
		die("internal error: invalid partial");
}

static void
cell_refused(struct publish *pb, uint32_t i, struct cell_result *r)
{
	const struct pcell *pc;
	uint32_t q;

	r->v = TV_V_NO_QUORUM;
	for (q = 0; q < pb->np; q++) {
		pc = &pb->p[q].cells[i];
		/* The first trustee's word that it did not release the cell
		 * (a partial names its verdicts as release.json does). */
		if (pc->v_ok && !TV_VERDICT_RELEASED(pc->v)) {
			r->v = pc->v;
			return;
		}
	}
}

/* Cell i's quorum, in partial order, as a sequential check would choose
 * it: a trustee found wrong in an earlier cell is not used again (its
 * checks were made on every core beforehand, cell_checks(); one skipped
 * there because of an earlier trustee's failure is made here). */
static int
cell_publish(struct publish *pb, uint32_t i)
{
	const struct tv_campaign *c = pb->c;
	struct cell_result *r = &pb->res[i];
	int bad = 0, revision = 0;
	int32_t chk;
	uint32_t q, s;

	r->values = xcalloc(c->k, sizeof *r->values);
	r->small = xcalloc(c->k, 1);
	r->d = xcalloc(c->k, 32);
	r->pd = xcalloc((size_t)c->t * c->k, 32);
	r->proofs = xcalloc((size_t)c->t * c->k, 64);
	for (q = 0; q < pb->np && r->nq < c->t; q++) {
		struct partial *p = &pb->p[q];

		if (p->bad || !pcell_offered(p, i))
			continue;
		if ((chk = pb->chk[(size_t)i * pb->np + q]) == CHK_NONE)
			chk = partial_check(pb, p, i);
		if (chk != CHK_OK) {
			/* Reported in cell order by cells_report(). */
			pb->chk[(size_t)i * pb->np + q] = chk - CHK_REPORT;
			p->bad = bad = 1;	/* a wrong share: drop them all */
			continue;
		}
		for (s = 0; s < c->k; s++) {
			memcpy(r->pd + ((size_t)r->nq * c->k + s) * 32,
			    p->cells[i].dp + s * DP_BYTES, 32);
			memcpy(r->proofs + ((size_t)r->nq * c->k + s) * 64,
			    p->cells[i].dp + s * DP_BYTES + 32, 64);
		}
		/* A trustee that took part in the earlier release knows. */
		revision |= p->cells[i].v == TV_V_REVISION;
		r->quorum[r->nq++] = p->j;
	}
	if (r->nq == c->t) {
		r->v = revision ? TV_V_REVISION : TV_V_RELEASE;
	} else {
		r->nq = 0;
		cell_refused(pb, i, r);
	}
	return bad;
}

static int
partial_idx_cmp(const void *a, const void *b)
{
	const struct partial *x = a, *y = b;

	return x->j < y->j ? -1 : x->j > y->j;
}

static void
bsgs_open_or_die(struct publish *pb, const char *table)
{
	char buf[4096];
	const char *home = getenv("HOME");
	int rc;

	if (table == NULL && home != NULL && home[0] == '/') {
		snprintf(buf, sizeof buf, "%s/.cache", home);
		(void)mkdir(buf, 0700);
		snprintf(buf, sizeof buf, "%s/.cache/tallyvan", home);
		(void)mkdir(buf, 0700);
		snprintf(buf, sizeof buf, "%s/.cache/tallyvan/bsgs-%d.tbl",
		    home, BSGS_LOG2M);
		table = buf;
	}
	rc = table ? tv_bsgs_open(&pb->table, table, BSGS_LOG2M) :
	    tv_bsgs_build(&pb->table, BSGS_LOG2M);
	if (rc != 0)
		die("discrete-log table: %s", tv_strerror(rc));
}

/* src copied to dir/name, refused if that exists. */
static void
copy_into(const char *dir, const char *src, const char *name)
{
	char path[4096];
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((rc = file_copy_atomic(src, path, FILE_EXCL | FILE_PUBLIC)) != 0)
		die("cannot copy '%s' to '%s': %s", src, path, tv_strerror(rc));
}

static void
publish_noise(struct publish *pb, const struct publish_opts *o)
{
	uint8_t reqhash[32];

	if (pb->c->plan->policy.noise.mech == TV_NOISE_NONE) {
		if (o->nnoise > 0)
			die("the plan asks for no noise");
		return;
	}
	if (o->nnoise == 0)
		die("the plan asks for noise: give the trustees' noise files");
	if (file_hash(o->request, reqhash, NULL) != 0)
		die("cannot read '%s'", o->request);
	noise_load_apply(&pb->ns, o->noise, o->nnoise, pb->c, pb->req, reqhash,
	    pb->rb.cells);
	pb->bound = tv_noise_bound(&pb->c->plan->policy.noise, pb->ns.n);
}

/* What the release says about its noise (NULL without). */
static json_t *
noise_json(const struct publish *pb)
{
	const struct tv_noise_policy *np = &pb->c->plan->policy.noise;
	json_t *who;
	uint32_t i;

	if (pb->ns.n == 0)
		return NULL;
	who = json_array();
	for (i = 0; i < pb->ns.n; i++)
		json_array_append_new(who, json_integer(pb->ns.trustee[i]));
	return json_pack("{s:s, s:o, s:o, s:I}", "mechanism",
	    np->mech == TV_NOISE_GAUSSIAN ? "discrete_gaussian" :
	    "discrete_laplace", np->mech == TV_NOISE_GAUSSIAN ? "variance" :
	    "scale", json_sprintf("%llu/%llu", (unsigned long long)np->num,
	    (unsigned long long)np->den), "contributors", who, "bound",
	    (json_int_t)pb->bound);
}

static void
publish_free(struct publish *pb)
{
	uint32_t i;

	for (i = 0; pb->res != NULL && i < pb->req->ncells; i++) {
		free(pb->res[i].values);
		free(pb->res[i].small);
		free(pb->res[i].d);
		free(pb->res[i].pd);
		free(pb->res[i].proofs);
	}
	free(pb->res);
	for (i = 0; i < pb->np; i++) {
		for (uint32_t n = 0; pb->p[i].cells != NULL &&
		    n < pb->req->ncells; n++)
			free(pb->p[i].cells[n].dp);
		free(pb->p[i].cells);
		free(pb->p[i].S);
		tv_statement_clear(&pb->p[i].st);
		free(pb->p[i].decision);
	}
	free(pb->chk);
	free(pb->fail_s);
	tv_noise_free(&pb->ns);
	tv_recount_release(&pb->rb, pb->req->ncells);
	tv_request_free(pb->req);
	tv_bsgs_free(pb->table);
}


static void
parse_opts(struct publish_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "request", required_argument, NULL, 'r' },
		{ "partial", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "noise", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n;
	int ch;

	memset(o, 0, sizeof *o);
	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'r': o->request = optarg; break;
		case 'p':
			if (o->np == TV_SHAMIR_MAX)
				die("too many --partial");
			o->partials[o->np++] = optarg;
			break;
		case 'o': o->out = optarg; break;
		case 't': o->table = optarg; break;
		case 'N':
			if (o->nnoise == TV_SHAMIR_MAX)
				die("too many --noise");
			o->noise[o->nnoise++] = optarg;
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!o->dir || !o->request || !o->out || o->np == 0 || optind != argc)
		usage(2);
	/* OUT.tmp must be OUT's sibling, not inside it: "rel/" is "rel". */
	o->out_buf = xstrdup(o->out);
	for (n = strlen(o->out_buf); n > 1 && o->out_buf[n - 1] == '/'; n--)
		o->out_buf[n - 1] = 0;
	o->out = o->out_buf;
}

/* What ties this release to the ones before it: the request's hash, the
 * release it follows, and every trustee's signed ledger statement. */
static json_t *
chain_json(const struct publish *pb)
{
	json_t *o = json_object(), *who = json_array();
	uint32_t i;

	for (i = 0; i < pb->np; i++) {
		json_t *st = tv_statement_json(&pb->p[i].st, 1);

		json_object_set_new(st, "decision",
		    json_string(pb->p[i].decision));
		json_array_append_new(who, st);
	}
	json_object_set_new(o, "request", tv_json_hex(pb->reqhash, 32));
	if (pb->req->has_previous)
		json_object_set_new(o, "previous", tv_json_hex(pb->req->previous,
		    32));
	json_object_set_new(o, "ledgers", who);
	return o;
}

/* The release's files, all of them, into the fresh directory dir. */
static void
release_write(const char *dir, struct publish *pb,
    const struct publish_opts *o)
{
	char path[4096];
	json_t *nj, *cj;
	uint32_t i;

	nj = noise_json(pb);
	cj = chain_json(pb);
	if (publish_release(dir, pb->c, pb->req, &pb->rb, pb->res, nj,
	    cj) != 0)
		die("the release was not written");
	json_decref(nj);
	json_decref(cj);
	snprintf(path, sizeof path, "%s/campaign.json", o->dir);
	copy_into(dir, path, "campaign.json");
	copy_into(dir, o->request, "request.tvr");
	for (i = 0; i < o->nnoise; i++) {
		snprintf(path, sizeof path, "noise-%u.json", pb->ns.trustee[i]);
		copy_into(dir, o->noise[i], path);
	}
}

/* out absent, or an empty directory that rename() may replace. */
static int
out_free(const char *out)
{
	DIR *dp = opendir(out);
	struct dirent *de;
	int empty = 1;

	if (dp == NULL)
		return errno == ENOENT;
	while (empty && (de = readdir(dp)) != NULL)
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dp);
	return empty;
}

/*
 * The release is written whole into tmp, audited, then renamed to out, so
 * that out is either absent or complete.  A rerun after a crash at any
 * step writes tmp again (it is deterministic: same inputs, same bytes):
 * if out is already there with the same bytes, the run only makes sure
 * the audit entry exists; audit_publish never writes it twice.
 */
static void
release_commit(struct server *s, const char *tmp, const char *out,
    const struct audit_release *sum)
{
	uint8_t a[32], b[32];
	int already = 0, rc;

	if (!out_free(out)) {
		if (audit_release_hash(tmp, a) != 0 ||
		    audit_release_hash(out, b) != 0 ||
		    sodium_memcmp(a, b, 32) != 0)
			die("'%s' holds another release, or a partial one: a "
			    "release is made once (move it aside to publish "
			    "this one)", out);
		if (audit_publish(s, out, sum, &already) != 0)
			die("the release in %s is not in the audit log", out);
		if ((rc = dir_remove_flat(tmp)) != 0)
			die("cannot remove '%s': %s", tmp, tv_strerror(rc));
		note("%s was already published%s", out, already ? "" :
		    "; its audit entry is now written");
		return;
	}
	if (audit_publish(s, tmp, sum, &already) != 0)
		die("the release in %s is not in the audit log", tmp);
	if (rename(tmp, out) != 0)
		die("cannot rename '%s' to '%s': %s", tmp, out,
		    strerror(errno));
	fsync_parent(out);
}

int
cmd_publish(int argc, char **argv)
{
	struct publish_opts o;
	struct publish pb = { 0 };
	struct audit_release sum;
	struct server s;
	uint32_t i, released = 0;
	char why[256], tmp[4096];
	int bad = 0, rc;
	FILE *f;

	parse_opts(&o, argc, argv);
	server_open(&s, o.dir, 0);
	pb.c = s.c;
	if (file_hash(o.request, pb.reqhash, NULL) != 0 ||
	    (f = fopen(o.request, "rbe")) == NULL)
		die("cannot open '%s': %s", o.request, strerror(errno));
	if ((rc = tv_request_read(f, &pb.req, pb.c->k)) != 0 ||
	    sodium_memcmp(pb.req->campaign_id, pb.c->id, 32) != 0)
		die_err(rc ? rc : TV_ERR_MISMATCH, "'%s' is not a release "
		    "request of this campaign", o.request);
	if ((rc = tv_recount_claims(f, pb.req, pb.c, &pb.rb, why,
	    sizeof why)) != 0)
		die("'%s' does not match its own signed batches: %s",
		    o.request, why);
	fclose(f);
	publish_noise(&pb, &o);
	for (i = 0; i < o.np; i++)
		partial_load(&pb, o.partials[i]);
	qsort(pb.p, pb.np, sizeof *pb.p, partial_idx_cmp);
	bsgs_open_or_die(&pb, o.table);
	pb.res = xcalloc(pb.req->ncells, sizeof *pb.res);
	pb.chk = xcalloc((size_t)pb.req->ncells * pb.np, sizeof *pb.chk);
	pb.fail_s = xcalloc(pb.req->ncells, sizeof *pb.fail_s);
	(void)tv_parfor(pb.req->ncells, cell_checks, &pb);
	for (i = 0; i < pb.req->ncells; i++) {
		bad |= cell_publish(&pb, i);
		released += TV_VERDICT_RELEASED(pb.res[i].v);
	}
	cells_combine(&pb);
	if (pb.ns.n == 0)	/* with noise, min_cell is off */
		min_cell_protect(pb.res, pb.req, pb.c->plan->nsites, pb.c->k,
		    pb.c->plan->policy.min_cell);
	/* What an earlier run left half-written is redone from scratch. */
	snprintf(tmp, sizeof tmp, "%s.tmp", o.out);
	if ((rc = dir_remove_flat(tmp)) != 0)
		die("cannot remove '%s' (left by an earlier run): %s", tmp,
		    tv_strerror(rc));
	release_write(tmp, &pb, &o);
	publish_summary(&sum, pb.req, pb.res, pb.c->k);
	release_commit(&s, tmp, o.out, &sum);
	note("%u of %u cells released with %u-of-%u trustees; written to %s",
	    released, pb.req->ncells, pb.c->t, pb.c->n, o.out);
	publish_free(&pb);
	server_close(&s);
	free(o.out_buf);
	return bad ? 1 : 0;
}
