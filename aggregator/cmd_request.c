/* SPDX-License-Identifier: MIT */
/*
 * aggregator release-request: the closed cells of the release hierarchy
 * (each site and all sites x ISO week, month and quarter -- a week counts
 * in the month holding its Thursday -- and whole campaign), with the
 * aggregator's counts and encrypted sums, followed by every stored signed
 * batch so that the key holders can check and rebuild all of it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "release/reader.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/calendar.h"
#include "proto/release.h"

/* A (site, span) sum: see spans_init(). */
struct span_acc {
	uint64_t count;
	uint8_t *ct;
};

struct request_build {
	const struct tv_plan *p;
	uint32_t k;
	struct tv_request *req;
	FILE *f;
	uint64_t n;
	uint32_t nspans;
	uint32_t *span_of;	/* per day of the campaign */
	int32_t *span_day;	/* per span: its first day */
	struct span_acc *acc;	/* nsites * nspans */
	struct device_rec *dev;	/* scratch for device_cb */
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator release-request --dir DIR --out REQUEST.tvr\n"
	    "         [--as-of YYYY-MM-DD] [--previous RELEASE_DIR]\n\n"
	    "Writes a release request for every cell closed before the as-of\n"
	    "day (default: today): each site and all sites, by ISO week, month\n"
	    "and whole campaign.  Hand it to the key holders ('trustee\n"
	    "release').  --previous names the campaign's last published\n"
	    "release: the request carries its hash and its trustees' ledger\n"
	    "statements, so that each trustee checks that its ledger still\n"
	    "holds what it signed.\n");
	exit(code);
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct tv_cell *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return x->period_id < y->period_id ? -1 : x->period_id > y->period_id;
}

/* Add a stored sum of (site, day) into every requested cell holding it:
 * the site's and all sites' week, month, quarter and campaign. */
static int
cells_add(struct request_build *rb, uint32_t site, int32_t day,
    uint64_t count, const uint8_t *ct)
{
	struct tv_cell want, *c;
	uint32_t i, s;

	for (i = 0; i < TV_HIER_KINDS; i++)
		for (s = 0; s < 2; s++) {
			want.site = s ? site + 1 : 0;
			want.period = tv_hier_kinds[i];
			want.period_id = tv_hier_period_id(tv_hier_kinds[i], day);
			c = bsearch(&want, rb->req->cells, rb->req->ncells,
			    sizeof want, cell_cmp);
			if (c == NULL)
				continue;	/* not closed yet */
			c->count += count;
			if (tv_ct_add(c->ct, ct, rb->k))
				return TV_ERR_FORMAT;
		}
	return 0;
}

static int
same_periods(int32_t d, int32_t e)
{
	uint32_t i;

	for (i = 0; i < TV_HIER_KINDS; i++)
		if (tv_hier_period_id(tv_hier_kinds[i], d) != tv_hier_period_id(tv_hier_kinds[i],
		    e))
			return 0;
	return 1;
}

/*
 * Spans: runs of consecutive days in the same week, month, quarter and
 * campaign period, so in exactly the same cells.  Each stored (site, day)
 * sum is added once into its (site, span), and each span into its eight
 * cells: about one addition per stored sum instead of eight (a year of
 * 100 sites and 32 indicators: about 30 s instead of 2 min here,
 * docs/performance.md).  The group law is exact: the sums are the same.
 */
static void
spans_init(struct request_build *rb)
{
	const struct tv_plan *p = rb->p;
	uint32_t ndays = (uint32_t)(p->end_day - p->start_day + 1), n = 0, i;

	rb->span_of = xcalloc(ndays, sizeof *rb->span_of);
	rb->span_day = xcalloc(ndays, sizeof *rb->span_day);
	for (i = 0; i < ndays; i++) {
		if (i == 0 || !same_periods(p->start_day + (int32_t)i,
		    p->start_day + (int32_t)i - 1))
			rb->span_day[n++] = p->start_day + (int32_t)i;
		rb->span_of[i] = n - 1;
	}
	rb->nspans = n;
	rb->acc = xcalloc((size_t)p->nsites * n, sizeof *rb->acc);
}

static void
spans_free(struct request_build *rb)
{
	size_t i;

	for (i = 0; rb->acc != NULL && i < (size_t)rb->p->nsites * rb->nspans;
	    i++)
		free(rb->acc[i].ct);
	free(rb->acc);
	free(rb->span_of);
	free(rb->span_day);
}

static int
base_cell_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct request_build *rb = ctx;
	const uint8_t *ct = (const uint8_t *)val + 8;
	struct span_acc *a;
	uint32_t site;
	int32_t day;

	if (klen != CELL_KEY_BYTES || vlen != 8 + TV_CT_BYTES(rb->k))
		return TV_ERR_FORMAT;
	cell_key_parse(key, &site, &day);
	if (site >= rb->p->nsites || day < rb->p->start_day ||
	    day > rb->p->end_day)	/* not from ingest: as it is */
		return cells_add(rb, site, day, tv_be64_get(val), ct);
	a = &rb->acc[(size_t)site * rb->nspans +
	    rb->span_of[day - rb->p->start_day]];
	if (a->ct == NULL) {
		a->ct = xmalloc(TV_CT_BYTES(rb->k));
		memcpy(a->ct, ct, TV_CT_BYTES(rb->k));
	} else if (tv_ct_add(a->ct, ct, rb->k) != 0) {
		return TV_ERR_FORMAT;
	}
	a->count += tv_be64_get(val);
	return 0;
}

static int
spans_to_cells(struct request_build *rb)
{
	struct span_acc *a;
	uint32_t s, w;
	int rc;

	for (s = 0; s < rb->p->nsites; s++)
		for (w = 0; w < rb->nspans; w++) {
			a = &rb->acc[(size_t)s * rb->nspans + w];
			if (a->ct != NULL && (rc = cells_add(rb, s,
			    rb->span_day[w], a->count, a->ct)) != 0)
				return rc;
		}
	return 0;
}

/* Every stored certificate and revocation goes into the request: the
 * trustees decide from them which batches count.  The device list (field
 * 4) names the certified keys, for information. */
static int
device_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct request_build *rb = ctx;
	struct tv_request *req = rb->req;
	int rc;

	if (klen != 32 || rb->n >= req->ndevices)
		return TV_ERR_FORMAT;
	if ((rc = device_rec_parse(rb->dev, val, vlen)) != 0)
		return rc;
	memcpy(req->devices[rb->n++], key, 32);
	req->certs[req->ncerts++] = rb->dev->cert;
	if (rb->dev->has_rev)
		req->revs[req->nrevs++] = rb->dev->rev;
	return 0;
}

static int
envelope_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct request_build *rb = ctx;

	(void)key;
	(void)klen;
	rb->n++;
	return tv_frame_write(rb->f, val, vlen);
}

static int
request_fn(struct tv_txn *t, void *ctx)
{
	struct request_build *rb = ctx;
	uint64_t ndev, nenv;
	int rc;

	if ((rc = tv_txn_count(t, ADB_DEVICES, &ndev)) != 0 ||
	    (rc = tv_txn_count(t, ADB_ENVELOPES, &nenv)) != 0)
		return rc;
	free(rb->req->devices);
	rb->req->ndevices = (uint32_t)ndev;
	rb->req->devices = xcalloc(ndev ? ndev : 1, 32);
	free(rb->req->certs);
	free(rb->req->revs);
	rb->req->ncerts = rb->req->nrevs = 0;
	rb->req->certs = xcalloc(ndev ? ndev : 1, sizeof *rb->req->certs);
	rb->req->revs = xcalloc(ndev ? ndev : 1, sizeof *rb->req->revs);
	rb->req->nenvelopes = nenv;
	rb->n = 0;
	if ((rc = tv_txn_foreach(t, ADB_DEVICES, NULL, 0, device_cb, rb)) ||
	    (rc = tv_txn_foreach(t, ADB_CELLS, NULL, 0, base_cell_cb, rb)) ||
	    (rc = spans_to_cells(rb)))
		return rc;
	if ((rc = tv_request_write(rb->f, rb->req, rb->k)) != 0)
		return rc;
	rb->n = 0;
	return tv_txn_foreach(t, ADB_ENVELOPES, NULL, 0, envelope_cb, rb);
}

static int
request_write(struct server *s, struct tv_request *req, const char *out)
{
	struct request_build rb = { .p = s->c->plan, .k = s->c->k, .req = req };
	size_t n = strlen(out) + 32;
	char *tmp = xmalloc(n);
	int rc;

	rb.dev = xmalloc(sizeof *rb.dev);
	snprintf(tmp, n, "%s.tmp.%ld", out, (long)getpid());
	if ((rb.f = fopen(tmp, "wxe")) == NULL)
		die("cannot create '%s': %s", tmp, strerror(errno));
	spans_init(&rb);
	rc = tv_store_read(s->st, request_fn, &rb);
	spans_free(&rb);
	free(rb.dev);
	if (rc == 0 && (fflush(rb.f) != 0 || fsync(fileno(rb.f)) != 0))
		rc = TV_ERR_IO;
	if (fclose(rb.f) != 0 && rc == 0)
		rc = TV_ERR_IO;
	if (rc == 0 && rename(tmp, out) != 0)
		rc = TV_ERR_IO;
	if (rc != 0)
		unlink(tmp);
	else
		printf("release request %s: %u cells, %llu signed batches, "
		    "%u devices\n", out, req->ncells, (unsigned long long)
		    req->nenvelopes, req->ndevices);
	free(tmp);
	return rc;
}

/* The release this one follows: the hash of its release.json and the
 * ledger statements in it (their signatures are the trustees' to check). */
static void
previous_load(struct tv_request *req, const char *dir)
{
	char path[4096];
	json_t *rel = NULL, *led, *o;
	size_t i;
	FILE *f;

	snprintf(path, sizeof path, "%s/release.json", dir);
	if (file_hash(path, req->previous, NULL) != 0 ||
	    (f = fopen(path, "rbe")) == NULL)
		die("--previous: cannot read '%s'", path);
	/* Its cells are not needed: read past them (release/reader.h). */
	if (tv_release_frame_read(f, &rel) != 0)
		die("--previous: '%s' is not a release", path);
	fclose(f);
	led = json_object_get(rel, "ledgers");
	if (json_array_size(led) == 0 ||
	    json_array_size(led) > TV_REQUEST_MAX_STATEMENTS)
		die("--previous: '%s' has no ledger statements", path);
	req->has_previous = 1;
	req->nprev = (uint32_t)json_array_size(led);
	req->prev = xcalloc(req->nprev, sizeof *req->prev);
	json_array_foreach(led, i, o) {
		if (tv_statement_from_json(&req->prev[i], o) != 0)
			die("--previous: '%s': a bad ledger statement", path);
		tv_statement_clear(&req->prev[i]);	/* not sent */
	}
	json_decref(rel);
}

int
cmd_request(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "previous", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *previous = NULL;
	int32_t as_of = (int32_t)(time(NULL) / 86400);
	struct tv_request *req = NULL;
	struct server *s = &su->s;
	uint32_t n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'p': previous = optarg; break;
		case 'a':
			if (tv_day_parse(optarg, &as_of) != 0)
				die("--as-of: want YYYY-MM-DD");
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (out == NULL || optind != argc)
		usage(2);
	n = tv_request_cells(s->c->plan, as_of, NULL);
	if (n == 0)
		die("no cell is closed before the as-of day yet");
	if (tv_request_alloc(&req, 0, n, s->c->k) != 0)
		die("out of memory");
	tv_request_cells(s->c->plan, as_of, req->cells);	/* sorted */
	memcpy(req->campaign_id, s->c->id, 32);
	req->as_of = as_of;
	if (previous != NULL)
		previous_load(req, previous);
	rc = request_write(s, req, out);
	if (rc == 0 && audit_release_request(s, out, req->as_of, req->ncells,
	    req->nenvelopes, req->ndevices) != 0)
		die("%s was written but is not in the audit log", out);
	tv_request_free(req);
	if (rc != 0)
		die("cannot write the release request: %s", tv_strerror(rc));
	return 0;
}
