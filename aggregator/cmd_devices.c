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
	    "usage: aggregator devices --dir DIR\n\n"
	    "Lists every device key ever enrolled, with its state, name, certified\n"
	    "sites and days, and for a revoked one the last batch that counts.\n");
	exit(code);
}

static int
print_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct device_rec *d = ctx;
	char hex[65], from[11], until[11], rev[48] = "";

	if (klen != 32 || device_rec_parse(d, val, vlen) != 0)
		return TV_ERR_FORMAT;
	hex_encode(hex, key, 32);
	tv_day_format(from, d->cert.valid_from);
	tv_day_format(until, d->cert.valid_until);
	if (d->has_rev)
		snprintf(rev, sizeof rev, " revoked after batch %llu",
		    (unsigned long long)d->rev.last_seq);
	printf("%s %-8s %s (%u sites, %s to %s)%s\n", hex, d->state ==
	    DEVICE_ENROLLED ? "enrolled" : "revoked", d->name, d->cert.nsites,
	    from, until, rev);
	return 0;
}

static int
list_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, ADB_DEVICES, NULL, 0, print_cb, ctx);
}

int
cmd_devices(struct setup *su, int argc, char **argv)
{
	struct device_rec *d;
	struct server *s = &su->s;
	int rc;

	options_none(argc, argv, usage);
	d = xcalloc(1, sizeof *d);
	rc = tv_store_read(s->st, list_fn, d);
	free(d);
	if (rc != 0)
		die("cannot list devices: %s", tv_strerror(rc));
	return 0;
}
