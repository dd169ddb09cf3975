/* SPDX-License-Identifier: MIT */
/*
 * trustee release: one trustee's part of a release.  It decrypts nothing
 * it did not rebuild from signed batches, applies the policy with its own
 * ledger, and for the cells it accepts writes its partial decryptions
 * D_ij = s_ij * R* with DLEQ proofs against its public share key
 * S_ij = sum_k j^k A_ik (from the dealer's commitments).  No key is
 * reconstructed: the aggregator combines t partials in the exponent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "common/noise_load.h"
#include "release/parfor.h"
#include "release/recount.h"
#include "proto/json_hex.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/proof.h"
#include "crypto/shamir.h"
#include "trustee/ledger.h"
#include "trustee/trustee.h"

#define REVS_MAX 256

struct release_opts {
	const char *campaign, *key, *share, *request, *ledger, *out, *passfile;
	int first;
	char *noise[TV_SHAMIR_MAX];
	uint32_t nnoise;
	const char *revs[REVS_MAX];	/* --revocation files */
	uint32_t nrevs;
	int32_t today;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee release --campaign CAMPAIGN.json --key ME.key\n"
	    "         --share ME.share --request REQUEST.tvr --ledger DIR\n"
	    "         --out PARTIAL.json [--first-release]\n"
	    "         [--revocation DEVICE.rev ...]\n"
	    "         [--noise NOISE.json ...] [--passphrase-file FILE]\n"
	    "         [--today YYYY-MM-DD]\n\n"
	    "Verifies every signed batch and proof of the request, rebuilds\n"
	    "every cell, refuses the request if a sum differs from the\n"
	    "aggregator's, applies the policy (closed cells, min_cohort, no\n"
	    "cell released twice with other records, no two released cells\n"
	    "differing by fewer than min_cohort records; the ledger in DIR\n"
	    "remembers past releases), and writes this trustee's partial\n"
	    "decryptions with proofs for the cells it accepts.  When the plan\n"
	    "asks for noise, every quorum trustee's 'trustee noise' file (mine\n"
	    "included) is added to the sums first, and the release is charged\n"
	    "to my privacy budget (refused past the plan's budget).  The\n"
	    "decision is recorded in the ledger before any partial exists; a\n"
	    "rerun of the same request writes the same decisions again.  The\n"
	    "partial carries my signed statement of the ledger's chain.  The\n"
	    "ledger must exist, unless --first-release says that this is my\n"
	    "first release of the campaign.  The ledger remembers every\n"
	    "revocation given with --revocation or seen in a request, and a\n"
	    "request that leaves one out is refused.  Exit 1 if the request\n"
	    "does not verify (the refusal is recorded) or the budget is\n"
	    "spent.\n");
	exit(code);
}

static void
parse_opts(struct release_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "share", required_argument, NULL, 's' },
		{ "first-release", no_argument, NULL, 'F' },
		{ "revocation", required_argument, NULL, 'R' },
		{ "request", required_argument, NULL, 'r' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "today", required_argument, NULL, 'T' },
		{ "noise", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	o->today = (int32_t)(time(NULL) / 86400);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->campaign = optarg; break;
		case 'k': o->key = optarg; break;
		case 's': o->share = optarg; break;
		case 'F': o->first = 1; break;
		case 'R':
			if (o->nrevs == REVS_MAX)
				die("too many --revocation");
			o->revs[o->nrevs++] = optarg;
			break;
		case 'r': o->request = optarg; break;
		case 'l': o->ledger = optarg; break;
		case 'o': o->out = optarg; break;
		case 'P': o->passfile = optarg; break;
		case 'T':
			if (tv_day_parse(optarg, &o->today) != 0)
				die("--today: want YYYY-MM-DD");
			break;
		case 'N':
			if (o->nnoise == TV_SHAMIR_MAX)
				die("too many --noise");
			o->noise[o->nnoise++] = optarg;
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!o->campaign || !o->key || !o->share || !o->request || !o->ledger ||
	    !o->out || optind != argc)
		usage(2);
}

/* The partial decryptions of the released cells, made on every core
 * (release/parfor.h) into per-cell slots, then written in request order. */
struct partials {
	const struct tv_campaign *c;
	const struct tv_recount *rb;
	const enum tv_verdict *v;
	const uint8_t *s;	/* my share of every indicator's key */
	uint8_t *S;		/* its verification keys, k * 32 (once) */
	uint32_t j;
	uint8_t *out;		/* per cell: agg, then k x (D, proof) */
};

#define PART_BYTES (32 + TV_DLEQ_BYTES)

static uint8_t *
partials_at(const struct partials *p, uint32_t i)
{
	return p->out + (size_t)i * (32 + (size_t)p->c->k * PART_BYTES);
}

/* D_ij and its proof for every indicator of released cell i. */
static int
cell_prove(void *ctx, uint32_t i)
{
	const struct partials *p = ctx;
	const struct tv_campaign *c = p->c;
	const struct tv_cell *cell = &p->rb->cells[i];
	uint8_t *agg = partials_at(p, i), *D;
	uint32_t s;

	if (!TV_VERDICT_RELEASED(p->v[i]))
		return 0;
	tv_cell_agg_hash(agg, c->id, c->k, cell);
	for (s = 0; s < c->k; s++) {
		D = agg + 32 + (size_t)s * PART_BYTES;
		if (tv_elgamal_share(D, p->s + 32 * s, cell->ct) != 0 ||
		    tv_dleq_prove(D + 32, c->id, agg, p->j, s, p->S + 32 * s,
		    cell->ct, D, p->s + 32 * s) != 0)
			return TV_ERR_CRYPTO;
	}
	return 0;
}

static json_t *
cell_partial(const struct partials *p, uint32_t i)
{
	const uint8_t *agg = partials_at(p, i), *D;
	json_t *arr = json_array();
	uint32_t s;

	for (s = 0; s < p->c->k; s++) {
		D = agg + 32 + (size_t)s * PART_BYTES;
		json_array_append_new(arr, json_pack("{s:o, s:o}", "d",
		    tv_json_hex(D, 32), "proof", tv_json_hex(D + 32,
		    TV_DLEQ_BYTES)));
	}
	return json_pack("{s:o, s:o}", "agg", tv_json_hex(agg, 32), "shares", arr);
}

static char *
partial_json(const struct tv_request *req, const struct partials *p,
    const struct tv_statement *st, const char *decision)
{
	json_t *cells = json_array(), *o, *root;
	const enum tv_verdict *v = p->v;
	char name[48], *text;
	uint32_t i;

	for (i = 0; i < req->ncells; i++) {
		tv_cell_name(name, &req->cells[i]);
		o = TV_VERDICT_RELEASED(v[i]) ? cell_partial(p, i) :
		    json_object();
		json_object_set_new(o, "cell", json_string(name));
		json_object_set_new(o, "status",
		    json_string(tv_status_name(tv_verdict_status(v[i]))));
		if (v[i] != TV_V_RELEASE)
			json_object_set_new(o, "reason",
			    json_string(tv_verdict_reason(v[i])));
		json_array_append_new(cells, o);
	}
	root = json_pack("{s:s, s:o, s:i, s:o, s:s, s:o}", "format",
	    "tallyvan-partial/1", "campaign_id", tv_json_hex(p->c->id, 32),
	    "trustee", (int)st->trustee, "ledger", tv_statement_json(st, 1),
	    "decision", decision, "cells", cells);
	text = json_dumps(root, JSON_INDENT(1));
	json_decref(root);
	if (text == NULL)
		die("out of memory");
	return text;
}

/* Every released cell's partial decryptions (none if s is NULL: nothing
 * released), then the file's text. */
static char *
partials_make(const struct tv_campaign *c, const struct tv_request *req,
    const struct tv_recount *rb, const enum tv_verdict *v, const uint8_t *s,
    const struct tv_statement *st, const char *decision)
{
	struct partials p = { .c = c, .rb = rb, .v = v, .s = s,
	    .j = st->trustee };
	char *text;

	if (s != NULL) {
		p.S = xmalloc((size_t)c->k * 32);
		p.out = xmalloc(req->ncells * (32 + (size_t)c->k * PART_BYTES));
		if (tv_campaign_verkeys(p.S, c, p.j) != 0 ||
		    tv_parfor(req->ncells, cell_prove, &p) != 0)
			die("internal error: cannot prove partial decryption");
	}
	text = partial_json(req, &p, st, decision);
	free(p.S);
	free(p.out);
	return text;
}

static uint32_t
count_released(const enum tv_verdict *v, uint32_t n)
{
	uint32_t i, r = 0;

	for (i = 0; i < n; i++)
		r += TV_VERDICT_RELEASED(v[i]);
	return r;
}

/* With noise: every contribution added to the rebuilt sums; mine must be
 * among them, or the privacy of the release would rest on others. */
static void
release_noise(const struct release_opts *o, const struct tv_campaign *c,
    const struct tv_request *req, struct tv_recount *rb, struct tv_noise_set *ns,
    const uint8_t reqhash[32])
{
	memset(ns, 0, sizeof *ns);
	if (c->plan->policy.noise.mech == TV_NOISE_NONE) {
		if (o->nnoise > 0)
			die("the plan asks for no noise");
		return;
	}
	if (o->nnoise == 0)
		die("the plan asks for noise: give every quorum trustee's "
		    "'trustee noise' file with --noise");
	noise_load_apply(ns, o->noise, o->nnoise, c, req, reqhash, rb->cells);
}

/*
 * What names a decision in the ledger: the request's hash, and with noise
 * the noise files too (sorted hashes): the same request with the same
 * noise gives the same values again (a rerun after a crash costs
 * nothing), with new noise it is a new release, charged again.
 */
static void
decision_id(const struct release_opts *o, const uint8_t reqhash[32],
    uint8_t id[32])
{
	static const char label[] = "tallyvan/decision/v1";
	uint8_t h[TV_SHAMIR_MAX][32], t[32];
	crypto_generichash_state st;
	uint32_t i, j;

	memcpy(id, reqhash, 32);
	if (o->nnoise == 0)
		return;
	for (i = 0; i < o->nnoise; i++) {
		if (file_hash(o->noise[i], h[i], NULL) != 0)
			die("cannot read '%s'", o->noise[i]);
		for (j = i; j > 0 && memcmp(h[j - 1], h[j], 32) > 0; j--) {
			memcpy(t, h[j], 32);
			memcpy(h[j], h[j - 1], 32);
			memcpy(h[j - 1], t, 32);
		}
	}
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
	crypto_generichash_update(&st, reqhash, 32);
	crypto_generichash_update(&st, h[0], 32 * (size_t)o->nnoise);
	crypto_generichash_final(&st, id, 32);
}

/* Decide, durably: the verdicts recorded before (a rerun), or the policy's
 * now, recorded in the ledger (with the budget charge) before any partial
 * decryption exists.  The decision's id into id. */
static void
release_decide(const struct release_opts *o, const struct tv_campaign *c,
    const struct tv_request *req, struct tv_recount *rb, struct ledger *l,
    const struct tv_statement *me, enum tv_verdict *v, struct tv_noise_set *ns,
    uint8_t id[32])
{
	struct budget_entry be, *bep = NULL;
	uint64_t seq;
	int rc;

	decision_id(o, me->request, id);
	seq = ledger_decided(l, id, v, req->ncells);
	if (seq == 0)
		policy_decide(v, l, req, rb, c->plan, o->today);
	release_noise(o, c, req, rb, ns, me->request);
	if (ns->n > 0 && !tv_noise_has(ns, me->trustee))
		die("my own noise contribution is not among the --noise files");
	if (seq != 0) {
		note("this request was decided before (ledger entry %llu): "
		    "the same decisions are written again",
		    (unsigned long long)seq);
		return;
	}
	if (count_released(v, req->ncells) > 0 && ns->n > 0) {
		if (budget_check(l, c->plan, c->k, &be) != 0)
			die("privacy budget: this release would pass the "
			    "plan's budget; refused (see 'trustee budget')");
		bep = &be;
		note("privacy budget: this release costs %llu/%llu, %llu/%llu "
		    "spent of %llu/%llu", (unsigned long long)be.charged_num,
		    (unsigned long long)be.charged_den,
		    (unsigned long long)be.total_num,
		    (unsigned long long)be.total_den, (unsigned long long)
		    c->plan->policy.noise.cap_num, (unsigned long long)
		    c->plan->policy.noise.cap_den);
	}
	if ((rc = ledger_record(l, req, rb, v, bep, me->request, id)) != 0)
		die("the ledger could not record this release, so nothing was "
		    "decrypted: %s", tv_strerror(rc));
}

static int
release_write(const struct release_opts *o, const struct tv_campaign *c,
    const struct tv_request *req, struct tv_recount *rb, struct ledger *l,
    struct tv_statement *st, const uint8_t *sk)
{
	enum tv_verdict *v = xcalloc(req->ncells, sizeof *v);
	struct tv_noise_set ns;
	uint8_t *s = NULL, id[32];
	uint32_t j = 0, n;
	char *text, *decision;
	int rc;

	release_decide(o, c, req, rb, l, st, v, &ns, id);
	decision = ledger_decision_entry(l, id);
	n = count_released(v, req->ncells);
	if (n > 0)	/* the share is opened only when there is work */
		s = share_load(o->share, o->passfile, c, &j);
	if (s != NULL && j != st->trustee) {
		sodium_free(s);
		die("the share is trustee %u's, the key trustee %u's", j,
		    st->trustee);
	}
	ledger_statement(l, st);
	if (tv_statement_sign(st, c->id, sk) != 0) {
		sodium_free(s);
		die("cannot sign the ledger statement");
	}
	text = partials_make(c, req, rb, v, s, st, decision);
	free(decision);
	if (s != NULL)
		sodium_free(s);
	/* Not exclusive: a rerun after a crash writes the same decisions. */
	rc = file_write_atomic(o->out, text, strlen(text), 0);
	free(text);
	if (rc != 0)
		die("cannot write '%s': %s", o->out, tv_strerror(rc));
	note("trustee %u: %u cells decrypted (partially), %u refused; %llu "
	    "records from %llu signed batches, %llu set aside (proofs); "
	    "ledger entry %llu; written to %s", st->trustee, n,
	    req->ncells - n, (unsigned long long)rb->records,
	    (unsigned long long)rb->batches,
	    (unsigned long long)rb->quarantined,
	    (unsigned long long)st->length, o->out);
	tv_noise_free(&ns);
	free(v);
	return 0;
}

/* What I signed in the previous release the request names must still be
 * in my ledger: a ledger deleted or restored from an older copy would
 * judge the request against a history it has forgotten. */
static int
previous_check(const struct ledger *l, const struct tv_request *req,
    const struct tv_campaign *c, uint32_t j)
{
	const struct tv_statement *st;
	uint32_t i;

	for (i = 0; i < req->nprev; i++) {
		st = &req->prev[i];
		if (st->trustee != j)
			continue;
		if (tv_statement_verify(st, c) != 0)
			return error("the request shows a ledger statement of "
			    "mine that I did not sign");
		if (!ledger_holds(l, st->length, st->head))
			return error("my ledger does not hold what I signed in "
			    "the previous release (%llu entries; it has %llu): "
			    "it was deleted or restored from an older copy.  "
			    "Restore the newest backup (docs/operations.md)",
			    (unsigned long long)st->length,
			    (unsigned long long)ledger_length(l));
	}
	return 0;
}

/* The revocations given with --revocation, each signed by t trustees,
 * into my ledger's memory. */
static void
revocations_learn(const struct release_opts *o, const struct tv_campaign *c,
    struct ledger *l)
{
	struct tv_revocation r;
	uint32_t i;
	int rc;

	for (i = 0; i < o->nrevs; i++) {
		if ((rc = tv_rev_load(&r, o->revs[i])) != 0 ||
		    (rc = tv_rev_verify(&r, c, NULL)) != 0)
			die("'%s': not a valid revocation of this campaign: %s",
			    o->revs[i], tv_strerror(rc));
		if ((rc = ledger_revocations_learn(l, &r, 1)) != 0)
			die("cannot record '%s' in the ledger: %s", o->revs[i],
			    tv_strerror(rc));
	}
}

/* The checks before any decision: previous release, revocations I know,
 * the request's own cells, devices and sums.  0, or 1 (reason printed). */
static int
request_check(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, const struct ledger *l, uint32_t j,
    struct tv_recount *rb)
{
	char why[256];
	int rc;

	if (sodium_memcmp(req->campaign_id, c->id, 32) != 0)
		return error("the request is for another campaign"), 1;
	uint8_t dev[32];
	uint64_t seq;
	char hex[65];

	if (previous_check(l, req, c, j) != 0)
		return 1;
	if (ledger_revocation_missing(l, req, dev, &seq)) {
		hex_encode(hex, dev, 32);
		return error("the request leaves out the revocation of device "
		    "%.16s after batch %llu, which I know", hex,
		    (unsigned long long)seq), 1;
	}
	if ((rc = tv_recount_claims(f, req, c, rb, why, sizeof why)) ==
	    TV_ERR_REFUSED)
		return error("%s", why), error("the request does not match "
		    "its signed batches or the plan's cells"), 1;
	if (rc != 0)
		die("cannot recount the request: %s", why);
	return 0;
}

int
cmd_release(int argc, char **argv)
{
	struct release_opts o;
	struct tv_campaign *c;
	struct tv_request *req = NULL;
	struct tv_statement st = { 0 };
	struct tv_recount rb = { 0 };
	struct ledger *l;
	uint8_t *sk;
	FILE *f;
	int rc, ret = 1;

	parse_opts(&o, argc, argv);
	c = campaign_load_or_die(o.campaign, 1);
	sk = trustee_key_load(o.key, o.passfile);
	st.trustee = trustee_me(c, sk)->index;
	l = ledger_open(o.ledger, c->id, o.first);
	revocations_learn(&o, c, l);
	if (file_hash(o.request, st.request, NULL) != 0 ||
	    (f = fopen(o.request, "rbe")) == NULL)
		die("cannot read '%s': %s", o.request, strerror(errno));
	if ((rc = tv_request_read(f, &req, c->k)) != 0)
		die_err(rc, "release request '%s': %s", o.request,
		    tv_strerror(rc));
	if (request_check(f, req, c, l, st.trustee, &rb) == 0) {
		/* its revocations verified in the recount: remember them */
		if ((rc = ledger_revocations_learn(l, req->revs, req->nrevs)) != 0)
			die("cannot record the request's revocations: %s",
			    tv_strerror(rc));
		ret = release_write(&o, c, req, &rb, l, &st, sk);
	} else {
		error("release refused; nothing was decrypted");
		if ((rc = ledger_refusal(l, st.request, "request refused")) != 0)
			die("the refusal could not be recorded: %s",
			    tv_strerror(rc));
	}
	sodium_free(sk);
	tv_statement_clear(&st);
	ledger_close(l);
	tv_recount_release(&rb, req->ncells);
	tv_request_free(req);
	tv_campaign_free(c);
	fclose(f);
	return ret;
}
