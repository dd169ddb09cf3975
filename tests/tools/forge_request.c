/* SPDX-License-Identifier: MIT */
/*
 * forge_request - a malicious aggregator, for tests: a release request
 * whose cells it chose itself, with counts and encrypted sums that are
 * exactly what the signed batches give for those cells (the aggregator
 * holds the batches and can compute any sum), so that only the trustees'
 * own rules stand between the request and a decryption.
 *
 *   forge_request CAMPAIGN.json IN.tvr OUT.tvr CELLS
 *   forge_request CAMPAIGN.json IN.tvr --list
 *
 * CELLS has one cell a line: "SITE PERIOD ID FIRST LAST" where SITE is the
 * site index + 1 (0 = all sites), PERIOD a period name (week, month,
 * quarter, campaign, day...), ID the period id (any integer: the label),
 * FIRST and LAST the days it covers (YYYY-MM-DD); --list prints IN's
 * cells in that form.  The request keeps IN's
 * campaign, as-of day, devices and envelopes.  Exit 0 on success.  Test
 * use only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/release.h"

static void
fail(const char *what)
{
	fprintf(stderr, "forge_request: %s\n", what);
	exit(2);
}

/* The cells of CELLS, zero sums. */
static struct tv_request *
cells_read(const char *path, const struct tv_request *in, uint32_t k)
{
	char period[16], first[16], last[16];
	struct tv_request *r;
	struct tv_cell c[4096];
	uint32_t n = 0, i;
	long long site, id;
	FILE *f = fopen(path, "re");
	int kind;

	if (f == NULL)
		fail("cannot open the cells file");
	while (n < 4096 && fscanf(f, "%lld %15s %lld %15s %15s", &site,
	    period, &id, first, last) == 5) {
		if ((kind = tv_period_from_name(period)) < 0 ||
		    tv_day_parse(first, &c[n].first_day) != 0 ||
		    tv_day_parse(last, &c[n].last_day) != 0)
			fail("bad cell line");
		c[n].site = (uint32_t)site;
		c[n].period = (enum tv_period)kind;
		c[n].period_id = (int32_t)id;
		n++;
	}
	fclose(f);
	if (tv_request_alloc(&r, in->ndevices, n, k) != 0)
		fail("out of memory");
	memcpy(r->campaign_id, in->campaign_id, 32);
	r->as_of = in->as_of;
	r->nenvelopes = in->nenvelopes;
	memcpy(r->devices, in->devices, (size_t)in->ndevices * 32);
	for (i = 0; i < n; i++) {
		c[i].ct = r->cells[i].ct;
		c[i].count = 0;
		r->cells[i] = c[i];
	}
	return r;
}

/* Add every record of one envelope into the cells that hold it. */
static void
envelope_add(struct tv_request *r, const struct tv_campaign *c,
    const uint8_t *buf, size_t len)
{
	struct tv_envelope env = { 0 };
	struct tv_batch *b = NULL;
	const struct tv_record *rec;
	struct tv_cell *cell;
	uint32_t i, j;

	if (tv_envelope_parse(&env, buf, len) != 0 ||
	    tv_batch_decode(&b, &env, c->id, c->k) != 0)
		fail("an envelope of the request does not decode");
	for (i = 0; i < b->nrecords; i++) {
		rec = &b->records[i];
		for (j = 0; j < r->ncells; j++) {
			cell = &r->cells[j];
			if ((cell->site != 0 && cell->site != rec->site + 1) ||
			    rec->day < cell->first_day ||
			    rec->day > cell->last_day)
				continue;
			if (tv_ct_add(cell->ct, rec->ct, c->k) != 0)
				fail("bad point");
			cell->count++;
		}
	}
	tv_batch_free(b);
	tv_envelope_release(&env);
}

static void
cells_list(const struct tv_request *r)
{
	char first[11], last[11];
	uint32_t i;

	for (i = 0; i < r->ncells; i++) {
		tv_day_format(first, r->cells[i].first_day);
		tv_day_format(last, r->cells[i].last_day);
		printf("%u %s %d %s %s\n", r->cells[i].site,
		    tv_period_name(r->cells[i].period), r->cells[i].period_id,
		    first, last);
	}
}

int
main(int argc, char **argv)
{
	struct tv_campaign *c = NULL;
	struct tv_request *in = NULL, *out;
	char err[256];
	uint8_t *buf;
	size_t len;
	FILE *f, *g;

	if (argc != 5 && !(argc == 4 && !strcmp(argv[3], "--list")))
		fail("usage: forge_request CAMPAIGN.json IN.tvr OUT.tvr CELLS");
	if (tv_campaign_load(&c, argv[1], err, sizeof err) != 0)
		fail(err);
	if ((f = fopen(argv[2], "rbe")) == NULL ||
	    tv_request_read(f, &in, c->k) != 0)
		fail("cannot read the request");
	if (argc == 4) {
		cells_list(in);
		fclose(f);
		tv_request_free(in);
		tv_campaign_free(c);
		return 0;
	}
	out = cells_read(argv[4], in, c->k);
	if ((g = fopen(argv[3], "wbe")) == NULL)
		fail("cannot create the output");
	/* Sums first (they go in the head), then the envelopes as they are. */
	while (tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX) == 0) {
		envelope_add(out, c, buf, len);
		free(buf);
	}
	if (tv_request_write(g, out, c->k) != 0)
		fail("cannot write the head");
	rewind(f);
	if (tv_frame_read(f, &buf, &len, TV_REQUEST_HEAD_MAX) != 0)
		fail("cannot reread the request");
	free(buf);
	while (tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX) == 0) {
		if (tv_frame_write(g, buf, len) != 0)
			fail("cannot write an envelope");
		free(buf);
	}
	if (fclose(g) != 0)
		fail("cannot write the output");
	fclose(f);
	tv_request_free(in);
	tv_request_free(out);
	tv_campaign_free(c);
	return 0;
}
