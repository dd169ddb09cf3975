/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/bsgs.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "trustee/trustee.h"

#define BSGS_LOG2M 16

struct release_opts {
	const char *campaign, *key, *request, *out, *table, *passfile;
	int32_t today;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee release --campaign CAMPAIGN.json --key HOLDER.key\n"
	    "         --request REQUEST.tvr --out DIR [--table BSGS.tbl]\n"
	    "         [--passphrase-file FILE] [--today YYYY-MM-DD]\n\n"
	    "Verifies every signed batch of the request, rebuilds every cell's\n"
	    "count and encrypted sum, refuses the request if they differ from\n"
	    "the aggregator's, never decrypts a cell of fewer than min_cohort\n"
	    "records or a cell not yet closed, decrypts the others and writes\n"
	    "DIR/release.csv and DIR/release.json.  Exit 1 if the request does\n"
	    "not verify.\n");
	exit(code);
}

static int32_t
today_utc(void)
{
	return (int32_t)(time(NULL) / 86400);
}

static void
parse_opts(struct release_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "request", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "today", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	o->today = today_utc();
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->campaign = optarg; break;
		case 'k': o->key = optarg; break;
		case 'r': o->request = optarg; break;
		case 'o': o->out = optarg; break;
		case 't': o->table = optarg; break;
		case 'P': o->passfile = optarg; break;
		case 'T':
			if (tv_day_parse(optarg, &o->today) != 0)
				die("--today: want YYYY-MM-DD");
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!o->campaign || !o->key || !o->request || !o->out || optind != argc)
		usage(2);
}

/* The aggregator's claim must equal the key holder's own recount. */
static int
cells_agree(const struct tv_request *req, const struct tv_cell *mine,
    uint32_t k)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < req->ncells; i++) {
		if (req->cells[i].count == mine[i].count &&
		    sodium_memcmp(req->cells[i].ct, mine[i].ct,
		    TV_CT_BYTES(k)) == 0)
			continue;
		if (bad++ < 5)
			error("cell %u: the aggregator claims %llu records, "
			    "the signed batches give %llu%s", i,
			    (unsigned long long)req->cells[i].count,
			    (unsigned long long)mine[i].count,
			    req->cells[i].count == mine[i].count ?
			    " (sums differ)" : "");
	}
	return bad == 0;
}

static void
cell_decrypt(struct cell_result *res, const struct tv_cell *cell,
    const uint8_t *x, const struct tv_campaign *c, const struct tv_bsgs *t)
{
	uint8_t M[32];
	uint32_t i;
	int rc;

	res->values = xcalloc(c->k, sizeof *res->values);
	res->shares = xcalloc(c->k, 32);
	res->small = xcalloc(c->k, 1);
	for (i = 0; i < c->k; i++) {
		/* Sum of R over the cell: never a single record's R. */
		if (tv_elgamal_share(res->shares + 32 * i, x + 32 * i,
		    cell->ct) != 0 ||
		    tv_elgamal_unmask(M, cell->ct + 32 * (i + 1),
		    res->shares + 32 * i) != 0)
			die("internal error: invalid cell sum");
		rc = tv_bsgs_solve(t, M, cell->count, &res->values[i]);
		if (rc != 0)
			die("indicator '%s' does not decrypt to a count in "
			    "[0, %llu]: %s (wrong key, or a record encrypts "
			    "more than one bit)", c->plan->indicators[i].id,
			    (unsigned long long)cell->count, tv_strerror(rc));
		res->small[i] = c->plan->policy.min_cell > 0 &&
		    res->values[i] < c->plan->policy.min_cell;
	}
	sodium_memzero(M, sizeof M);
}

/* The policy, checked by the key holder itself: enough records (primary
 * suppression) and closed (no record can still change the sum). */
static int
cell_releasable(const struct tv_cell *cell, const struct tv_plan *p,
    int32_t today)
{
	return cell->count >= p->policy.min_cohort &&
	    tv_cell_closed(p, cell->last_day, today);
}

static const char *
default_table(char *buf, size_t n)
{
	const char *home = getenv("HOME");

	if (home == NULL || home[0] != '/')
		return NULL;
	snprintf(buf, n, "%s/.cache", home);
	(void)mkdir(buf, 0700);
	snprintf(buf, n, "%s/.cache/tallyvan", home);
	(void)mkdir(buf, 0700);
	snprintf(buf, n, "%s/.cache/tallyvan/bsgs-%d.tbl", home, BSGS_LOG2M);
	return buf;
}

static uint32_t
cells_decrypt(struct cell_result *res, const struct tv_cell *cells,
    uint32_t n, const struct tv_campaign *c, const struct release_opts *o)
{
	struct tv_bsgs *t = NULL;
	uint8_t *x = NULL;
	char buf[4096];
	const char *table = o->table ? o->table : default_table(buf,
	    sizeof buf);
	uint32_t i, released = 0;
	int rc;

	for (i = 0; i < n; i++) {
		res[i].status = !tv_cell_closed(c->plan, cells[i].last_day,
		    o->today) ? CELL_OPEN : CELL_SUPPRESSED;
		if (cell_releasable(&cells[i], c->plan, o->today))
			released++;
	}
	if (released == 0)
		return 0;
	rc = table ? tv_bsgs_open(&t, table, BSGS_LOG2M) :
	    tv_bsgs_build(&t, BSGS_LOG2M);
	if (rc != 0)
		die("discrete-log table: %s", tv_strerror(rc));
	x = holder_load(o->key, o->passfile, c);
	for (i = 0; i < n; i++) {
		if (!cell_releasable(&cells[i], c->plan, o->today))
			continue;	/* never decrypted */
		res[i].status = CELL_RELEASED;
		cell_decrypt(&res[i], &cells[i], x, c, t);
	}
	sodium_free(x);
	tv_bsgs_free(t);
	return released;
}

static void
results_free(struct cell_result *res, struct tv_cell *mine, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		free(res[i].values);
		free(res[i].shares);
		free(res[i].small);
		free(mine[i].ct);
	}
	free(res);
	free(mine);
}

int
cmd_release(int argc, char **argv)
{
	struct release_opts o;
	struct tv_campaign *c = NULL;
	struct tv_request *req = NULL;
	struct tv_cell *mine = NULL;
	struct cell_result *res = NULL;
	FILE *f = NULL;
	char err[512];
	uint32_t i, released = 0;
	int rc, ret = 2;

	parse_opts(&o, argc, argv);
	if (tv_campaign_load(&c, o.campaign, err, sizeof err) != 0)
		die("%s", err);
	if ((f = fopen(o.request, "rbe")) == NULL)
		die("cannot open '%s': %s", o.request, strerror(errno));
	if ((rc = tv_request_read(f, &req, c->k)) != 0) {
		error("release request '%s': %s", o.request, tv_strerror(rc));
		goto out;
	}
	ret = 1;
	if (sodium_memcmp(req->campaign_id, c->id, 32) != 0) {
		error("the request is for another campaign");
		goto out;
	}
	mine = xcalloc(req->ncells, sizeof *mine);
	res = xcalloc(req->ncells, sizeof *res);
	for (i = 0; i < req->ncells; i++)
		mine[i] = (struct tv_cell){ .ct = xmalloc(TV_CT_BYTES(c->k)) };
	if (rebuild_cells(f, req, c, mine) != 0 ||
	    !cells_agree(req, mine, c->k)) {
		error("release refused: the request does not match its "
		    "signed batches; nothing was decrypted");
		goto out;
	}
	for (i = 0; i < req->ncells; i++) {
		mine[i].site = req->cells[i].site;
		mine[i].period = req->cells[i].period;
		mine[i].period_id = req->cells[i].period_id;
		mine[i].first_day = req->cells[i].first_day;
		mine[i].last_day = req->cells[i].last_day;
	}
	released = cells_decrypt(res, mine, req->ncells, c, &o);
	ret = publish_release(o.out, c, req, mine, res) == 0 ? 0 : 2;
	note("%u cells released, %u suppressed (never decrypted); written "
	    "to %s", released, req->ncells - released, o.out);
out:
	if (req != NULL && res != NULL)
		results_free(res, mine, req->ncells);
	tv_request_free(req);
	tv_campaign_free(c);
	if (f != NULL)
		fclose(f);
	return ret;
}
