/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ingest - the full path: aggregator/ingest.c ingest_envelope(), the
 * one function behind `aggregator ingest` and HTTP, against a real LMDB
 * store in a private directory with the fixed fuzz device enrolled and a
 * second one revoked.
 *
 * A random envelope never carries a valid signature, so the first input
 * byte chooses how the rest is used:
 *   0  the rest is the envelope, as received;
 *   1  u64 BE seq || a zstd payload, signed here by the fuzz device;
 *   2  u64 BE seq || a raw Batch message, compressed and signed here;
 *   3  as 2, signed by the revoked device.
 * Oracles: the result code is one that ingest documents; an accepted batch
 * is stored, and the same bytes sent again are answered "duplicate" with
 * the same record count and nothing changed.
 */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "aggregator/aggregator.h"
#include "crypto/err.h"
#include "tests/fuzz/fuzz.h"

static struct server srv;
static uint8_t dev_pk[32], dev_sk[64], rev_pk[32], rev_sk[64];

/* Ingest trusts the certificate checked at enrolment: here it is built
 * unsigned (the fuzz campaign's trustee keys are not kept), for every
 * site and day of the campaign; the second device is revoked before its
 * first batch. */
static int
enroll_fn(struct tv_txn *t, void *ctx)
{
	const struct tv_campaign *c = fuzz_campaign();
	struct device_rec *d = ctx;
	uint32_t i;
	int rc;

	memset(d, 0, sizeof *d);
	d->state = DEVICE_ENROLLED;
	strcpy(d->name, "fuzz");
	memcpy(d->cert.campaign_id, c->id, 32);
	memcpy(d->cert.device, dev_pk, 32);
	strcpy(d->cert.name, "fuzz");
	for (i = 0; i < c->plan->nsites; i++)
		d->cert.sites[d->cert.nsites++] = i;
	d->cert.valid_from = c->plan->start_day;
	d->cert.valid_until = c->plan->end_day;
	if ((rc = device_rec_put(t, d)) != 0)
		return rc;
	d->state = DEVICE_REVOKED;
	memcpy(d->cert.device, rev_pk, 32);
	d->has_rev = 1;
	memcpy(d->rev.campaign_id, c->id, 32);
	memcpy(d->rev.device, rev_pk, 32);
	d->rev.last_seq = 0;
	return device_rec_put(t, d);
}

static void
setup(void)
{
	const char *dir = fuzz_tmpdir();
	char path[512], *src = FUZZ_DATA_DIR "/campaign.json";
	FILE *in, *out;
	int ch;

	fuzz_campaign();
	snprintf(path, sizeof path, "%s/campaign.json", dir);
	in = fopen(src, "r");
	out = fopen(path, "w");
	fuzz_assert(in != NULL && out != NULL);
	while ((ch = getc(in)) != EOF)
		putc(ch, out);
	fclose(in);
	fuzz_assert(fclose(out) == 0);
	/* 1 GiB cap: past it ingest says "storage full", cleanly. */
	server_open_cap(&srv, dir, TV_STORE_CREATE, (size_t)1 << 30);
	fuzz_device(dev_pk, dev_sk);
	fuzz_device2(rev_pk, rev_sk);
	{
		struct device_rec *d = malloc(sizeof *d);

		fuzz_assert(d != NULL);
		fuzz_assert(tv_store_write(srv.st, enroll_fn, d) == 0);
		free(d);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The envelope to ingest for this input (malloc'd). */
static uint8_t *
make_input(const uint8_t *data, size_t size, size_t *len)
{
	uint8_t mode, *z, *env;
	uint64_t seq;
	size_t zlen;

	mode = data[0] & 3;
	data++, size--;
	if (mode == 0 || size < 8) {
		env = malloc(size + 1);
		fuzz_assert(env != NULL);
		memcpy(env, data, size);
		*len = size;
		return env;
	}
	seq = be64(data);
	data += 8, size -= 8;
	if (mode == 1)
		return fuzz_envelope(len, dev_sk, dev_pk, seq, data, size);
	zlen = ZSTD_compressBound(size);
	z = malloc(zlen);
	fuzz_assert(z != NULL);
	zlen = ZSTD_compress(z, zlen, data, size, 1);
	fuzz_assert(!ZSTD_isError(zlen));
	env = mode == 2 ? fuzz_envelope(len, dev_sk, dev_pk, seq, z, zlen) :
	    fuzz_envelope(len, rev_sk, rev_pk, seq, z, zlen);
	free(z);
	return env;
}

static int
rc_known(int rc)
{
	switch (rc) {
	case 0: case TV_ERR_TOOBIG: case TV_ERR_FORMAT: case TV_ERR_BADSIG:
	case TV_ERR_NOTFOUND: case TV_ERR_MISMATCH: case TV_ERR_REVOKED:
	case TV_ERR_RANGE: case TV_ERR_CONFLICT: case TV_ERR_FULL:
	case TV_ERR_NOMEM:
		return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_result r1, r2;
	uint8_t *env;
	size_t len;

	if (srv.st == NULL)
		setup();
	if (size == 0)
		return 0;
	env = make_input(data, size, &len);
	ingest_envelope(&srv, env, len, &r1);
	fuzz_assert(rc_known(r1.rc));
	if (r1.rc == 0) {
		/* Idempotence: the same bytes again change nothing. */
		ingest_envelope(&srv, env, len, &r2);
		fuzz_assert(r2.rc == 0 && r2.duplicate);
		fuzz_assert(r2.seq == r1.seq && !memcmp(r2.device, r1.device,
		    32) && !memcmp(r2.hash, r1.hash, 32));
		fuzz_sink += r1.nrecords;
	}
	free(env);
	return 0;
}
