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

#include "aggregator/aggregator.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/calendar.h"
#include "proto/release.h"

static const enum tv_period kinds[] = {
	TV_PERIOD_WEEK, TV_PERIOD_MONTH, TV_PERIOD_QUARTER, TV_PERIOD_CAMPAIGN,
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct request_build {
	const struct tv_plan *p;
	uint32_t k;
	struct tv_request *req;
	FILE *f;
	uint64_t n;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator release-request --dir DIR --out REQUEST.tvr\n"
	    "         [--as-of YYYY-MM-DD]\n\n"
	    "Writes a release request for every cell closed before the as-of\n"
	    "day (default: today): each site and all sites, by ISO week, month\n"
	    "and whole campaign.  Hand it to the key holders ('trustee\n"
	    "release').\n");
	exit(code);
}

/* Visit the periods of one kind that overlap the campaign, in order. */
static uint32_t
periods_list(const struct tv_plan *p, enum tv_period kind, int32_t as_of,
    struct tv_cell *out)
{
	int32_t pid, first, last, day = p->start_day;
	uint32_t n = 0;

	while (day <= p->end_day) {
		pid = tv_hier_period_id(kind, day);
		tv_hier_bounds(kind, pid, p->start_day, p->end_day, &first,
		    &last);
		if (tv_cell_closed(p, last, as_of)) {
			if (out != NULL)
				out[n] = (struct tv_cell){ .period = kind,
				    .period_id = pid, .first_day = first,
				    .last_day = last, .ct = out[n].ct };
			n++;
		}
		day = last + 1;
	}
	return n;
}

static uint32_t
cells_list(const struct tv_plan *p, int32_t as_of, struct tv_cell *out)
{
	uint32_t site, i, n = 0, m;

	for (site = 0; site <= p->nsites; site++)
		for (i = 0; i < NKINDS; i++) {
			m = periods_list(p, kinds[i], as_of, out ? out + n :
			    NULL);
			for (uint32_t j = 0; out != NULL && j < m; j++)
				out[n + j].site = site;
			n += m;
		}
	return n;
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

static int
base_cell_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct request_build *rb = ctx;
	struct tv_cell want, *c;
	uint32_t site, i, s;
	int32_t day;

	if (klen != CELL_KEY_BYTES || vlen != 8 + TV_CT_BYTES(rb->k))
		return TV_ERR_FORMAT;
	cell_key_parse(key, &site, &day);
	for (i = 0; i < NKINDS; i++)
		for (s = 0; s < 2; s++) {
			want.site = s ? site + 1 : 0;
			want.period = kinds[i];
			want.period_id = tv_hier_period_id(kinds[i], day);
			c = bsearch(&want, rb->req->cells, rb->req->ncells,
			    sizeof want, cell_cmp);
			if (c == NULL)
				continue;	/* not closed yet */
			c->count += tv_be64_get(val);
			if (tv_ct_add(c->ct, (const uint8_t *)val + 8, rb->k))
				return TV_ERR_FORMAT;
		}
	return 0;
}

static int
device_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct request_build *rb = ctx;

	(void)val;
	(void)vlen;
	if (klen != 32 || rb->n >= rb->req->ndevices)
		return TV_ERR_FORMAT;
	memcpy(rb->req->devices[rb->n++], key, 32);
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
	rb->req->devices = xcalloc(ndev, 32);
	rb->req->nenvelopes = nenv;
	rb->n = 0;
	if ((rc = tv_txn_foreach(t, ADB_DEVICES, NULL, 0, device_cb, rb)) ||
	    (rc = tv_txn_foreach(t, ADB_CELLS, NULL, 0, base_cell_cb, rb)))
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

	snprintf(tmp, n, "%s.tmp.%ld", out, (long)getpid());
	if ((rb.f = fopen(tmp, "wxe")) == NULL)
		die("cannot create '%s': %s", tmp, strerror(errno));
	rc = tv_store_read(s->st, request_fn, &rb);
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

int
cmd_request(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *out = NULL;
	int32_t as_of = (int32_t)(time(NULL) / 86400);
	struct tv_request *req = NULL;
	struct server s;
	uint32_t n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'o': out = optarg; break;
		case 'a':
			if (tv_day_parse(optarg, &as_of) != 0)
				die("--as-of: want YYYY-MM-DD");
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || out == NULL || optind != argc)
		usage(2);
	server_open(&s, dir, 0);
	n = cells_list(s.c->plan, as_of, NULL);
	if (n == 0)
		die("no cell is closed before the as-of day yet");
	if (tv_request_alloc(&req, 0, n, s.c->k) != 0)
		die("out of memory");
	cells_list(s.c->plan, as_of, req->cells);
	qsort(req->cells, n, sizeof *req->cells, cell_cmp);
	memcpy(req->campaign_id, s.c->id, 32);
	req->as_of = as_of;
	rc = request_write(&s, req, out);
	if (rc == 0 && audit_release_request(&s, out, req->as_of, req->ncells,
	    req->nenvelopes, req->ndevices) != 0)
		die("%s was written but is not in the audit log", out);
	tv_request_free(req);
	server_close(&s);
	if (rc != 0)
		die("cannot write the release request: %s", tv_strerror(rc));
	return 0;
}
