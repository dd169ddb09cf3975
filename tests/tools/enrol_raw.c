/* SPDX-License-Identifier: MIT */
/*
 * enrol_raw - a hostile aggregator writing its own store, for tests: put
 * a device with a certificate into the devices db without checking a
 * signature and without an audit entry (aggregator/aggregator.h layout:
 * u8 state | u8 len(name) | name | be32 len(cert) | cert | be32 0).
 * Whatever revocation the device had is gone.  Ingest then takes the
 * device's batches and release-request writes claims that include them,
 * so only the trustees' own checks stand in the way.
 *
 *   enrol_raw SERVERDIR FILE.cert [--widen]
 *
 * --widen widens the certificate to every site and day of the campaign
 * (its signatures no longer match it).  Exit 0 on success, 2 on failure.
 * Test use only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto/campaign.h"
#include "proto/cert.h"
#include "proto/store.h"

/* As aggregator/server.c names them, in its order. */
static const char *const dbs[] = { "devices", "batches", "envelopes",
	"records", "rvals", "cells", "quarantine", "audit" };

static struct tv_cert ct;

static void
fail(const char *what, const char *arg)
{
	fprintf(stderr, "enrol_raw: %s '%s'\n", what, arg);
	exit(2);
}

static int
put_fn(struct tv_txn *t, void *ctx)
{
	uint8_t *cert, v[2 + TV_CERT_NAME_MAX + 8 + TV_CERT_PACKED_MAX];
	size_t clen, nlen = strlen(ct.name);
	int rc;

	(void)ctx;
	if ((rc = tv_cert_pack(&ct, &cert, &clen)) != 0)
		return rc;
	v[0] = 1;	/* enrolled */
	v[1] = (uint8_t)nlen;
	memcpy(v + 2, ct.name, nlen);
	tv_be32_put(v + 2 + nlen, (uint32_t)clen);
	memcpy(v + 6 + nlen, cert, clen);
	tv_be32_put(v + 6 + nlen + clen, 0);
	free(cert);
	return tv_txn_put(t, 0, ct.device, 32, v, 10 + nlen + clen, 0);
}

int
main(int argc, char **argv)
{
	struct tv_campaign *c;
	struct tv_store *st;
	char path[4096], err[512];
	uint32_t i;

	if (sodium_init() < 0 || argc < 3 || argc > 4 ||
	    (argc == 4 && strcmp(argv[3], "--widen") != 0))
		fail("usage: enrol_raw SERVERDIR FILE.cert [--widen]", "");
	snprintf(path, sizeof path, "%s/campaign.json", argv[1]);
	if (tv_campaign_load(&c, path, err, sizeof err) != 0)
		fail(err, path);
	if (tv_cert_load(&ct, argv[2], c->plan) != 0)
		fail("not a certificate:", argv[2]);
	if (argc == 4) {
		for (ct.nsites = 0, i = 0; i < c->plan->nsites; i++)
			ct.sites[ct.nsites++] = i;
		ct.valid_from = c->plan->start_day;
		ct.valid_until = c->plan->end_day;
	}
	snprintf(path, sizeof path, "%s/store", argv[1]);
	if (tv_store_open(&st, path, dbs, sizeof dbs / sizeof dbs[0], 0, 0) !=
	    0 || tv_store_write(st, put_fn, NULL) != 0)
		fail("cannot write the store of", argv[1]);
	tv_store_close(st);
	tv_campaign_free(c);
	return 0;
}
