/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"

struct status {
	uint64_t captured, pending, states[3];
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector status --dir DIR\n\n"
	    "Shows how many visits were captured, how many wait to be sealed,\n"
	    "and how many batches are sealed, exported and acknowledged.  Needs\n"
	    "no passphrase: it reads no secret.\n");
	exit(code);
}

static int
state_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct status *s = ctx;
	uint8_t st = *(const uint8_t *)val;

	(void)key;
	(void)klen;
	if (vlen == 1 && st <= BATCH_ACKED)
		s->states[st]++;
	return 0;
}

static int
status_fn(struct tv_txn *t, void *ctx)
{
	struct status *s = ctx;
	const void *val;
	size_t vlen;

	memset(s, 0, sizeof *s);
	if (tv_txn_get(t, DB_META, "next_record", 11, &val, &vlen) == 0 &&
	    vlen == 8)
		s->captured = tv_be64_get(val) - 1;
	if (tv_txn_count(t, DB_OUTBOX, &s->pending) != 0)
		return t->err;
	return tv_txn_foreach(t, DB_BSTATE, NULL, 0, state_cb, s);
}

int
cmd_status(struct setup *su, int argc, char **argv)
{
	struct device *d = &su->d;
	struct status s;
	char hex[65];
	int rc;

	options_none(argc, argv, usage);
	if ((rc = tv_store_read(d->st, status_fn, &s)) != 0)
		die("cannot read the store: %s", tv_strerror(rc));
	hex_encode(hex, d->pk, 32);
	printf("device %s\ncampaign %s\ncaptured %llu\npending %llu\n"
	    "batches sealed %llu exported %llu acknowledged %llu\n", hex,
	    d->c->plan->campaign, (unsigned long long)s.captured,
	    (unsigned long long)s.pending, (unsigned long long)s.states[0],
	    (unsigned long long)s.states[1], (unsigned long long)s.states[2]);
	return 0;
}
