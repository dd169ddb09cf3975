/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "common/util.h"
#include "crypto/err.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator status --dir DIR\n\n"
	    "Counts what the store holds: devices, batches, records, and the\n"
	    "(site, day) cells that have encrypted sums.\n");
	exit(code);
}

static int
count_fn(struct tv_txn *t, void *ctx)
{
	uint64_t *n = ctx;
	static const unsigned dbs[] = { ADB_DEVICES, ADB_BATCHES, ADB_RECORDS,
	    ADB_CELLS };
	unsigned i;
	int rc;

	for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
		if ((rc = tv_txn_count(t, dbs[i], &n[i])) != 0)
			return rc;
	return 0;
}

int
cmd_status(struct setup *su, int argc, char **argv)
{
	uint64_t n[4];
	struct server *s = &su->s;
	int rc;

	options_none(argc, argv, usage);
	rc = tv_store_read(s->st, count_fn, n);
	if (rc != 0)
		die("cannot read the store: %s", tv_strerror(rc));
	printf("devices %llu\nbatches %llu\nrecords %llu\ncells %llu\n",
	    (unsigned long long)n[0], (unsigned long long)n[1],
	    (unsigned long long)n[2], (unsigned long long)n[3]);
	return 0;
}
