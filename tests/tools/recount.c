/* SPDX-License-Identifier: MIT */
/*
 * recount - the trustees' admission of one envelope, for tests: the
 * recount every key holder runs (release/recount.c) over a request that
 * holds REQUEST's head (cells, certificates, revocations) and the
 * ENVELOPEs, in order, as its only envelopes.
 *
 *   recount CAMPAIGN.json REQUEST.tvr ENVELOPE.tvb...
 *
 * Prints "admitted RECORDS QUARANTINED" and exits 0, or prints the
 * recount's reason on stderr and exits 1 (2: the tool's own failure).
 * tests/cli/admission_paths.sh compares this with `aggregator ingest` of
 * the same envelope.  Test use only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/release.h"
#include "release/recount.h"

static void
fail(const char *what)
{
	fprintf(stderr, "recount: %s\n", what);
	exit(2);
}

/* The envelopes' bytes as request frames, in a temporary stream. */
static FILE *
envelope_stream(char **paths, int n)
{
	static uint8_t buf[TV_ENVELOPE_MAX + 1];
	FILE *in, *out = tmpfile();
	size_t len;
	int i;

	if (out == NULL)
		fail("cannot make a temporary file");
	for (i = 0; i < n; i++) {
		if ((in = fopen(paths[i], "rbe")) == NULL)
			fail("cannot open an envelope");
		len = fread(buf, 1, sizeof buf, in);
		fclose(in);
		if (tv_frame_write(out, buf, len) != 0)
			fail("cannot write an envelope frame");
	}
	rewind(out);
	return out;
}

int
main(int argc, char **argv)
{
	struct tv_campaign *c = NULL;
	struct tv_request *req = NULL;
	struct tv_recount out;
	char err[256], why[256];
	FILE *f, *env;
	int rc;

	if (argc < 4)
		fail("usage: recount CAMPAIGN.json REQUEST.tvr ENVELOPE.tvb...");
	if (tv_campaign_load(&c, argv[1], err, sizeof err) != 0)
		fail(err);
	if ((f = fopen(argv[2], "rbe")) == NULL ||
	    tv_request_read(f, &req, c->k) != 0)
		fail("cannot read the request");
	fclose(f);
	req->nenvelopes = (uint64_t)(argc - 3);
	env = envelope_stream(argv + 3, argc - 3);
	rc = tv_recount(env, req, c, &out, why, sizeof why);
	if (rc == 0)
		printf("admitted %llu %llu\n", (unsigned long long)out.records,
		    (unsigned long long)out.quarantined);
	else
		fprintf(stderr, "recount: %s\n", why);
	tv_recount_release(&out, req->ncells);
	fclose(env);
	tv_request_free(req);
	tv_campaign_free(c);
	return rc == 0 ? 0 : rc == TV_ERR_REFUSED ? 1 : 2;
}
