/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "common/util.h"
#include "crypto/err.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator quarantine --dir DIR\n\n"
	    "Lists the records set aside at ingest because their proofs did\n"
	    "not verify: device, batch, record id and reason.  They are never\n"
	    "summed.  Exit 1 if there is any.\n");
	exit(code);
}

static int
print_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	const uint8_t *v = val;
	char dev[65], id[33];

	if (klen != 16 || vlen < BATCH_KEY_BYTES)
		return TV_ERR_FORMAT;
	hex_encode(dev, v, 32);
	hex_encode(id, key, 16);
	printf("device %.16s batch %llu record %s: %.*s\n", dev,
	    (unsigned long long)tv_be64_get(v + 32), id,
	    (int)(vlen - BATCH_KEY_BYTES), (const char *)v + BATCH_KEY_BYTES);
	(*(uint64_t *)ctx)++;
	return 0;
}

static int
list_fn(struct tv_txn *t, void *ctx)
{
	*(uint64_t *)ctx = 0;
	return tv_txn_foreach(t, ADB_QUARANTINE, NULL, 0, print_cb, ctx);
}

int
cmd_quarantine(struct setup *su, int argc, char **argv)
{
	struct server *s = &su->s;
	uint64_t n = 0;
	int rc;

	options_none(argc, argv, usage);
	rc = tv_store_read(s->st, list_fn, &n);
	if (rc != 0)
		die("cannot read the store: %s", tv_strerror(rc));
	printf("%llu record(s) in quarantine\n", (unsigned long long)n);
	return n > 0 ? 1 : 0;
}
