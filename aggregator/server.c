/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "common/util.h"
#include "crypto/err.h"

static const char *const db_names[ADB_COUNT] = {
	[ADB_DEVICES] = "devices",
	[ADB_BATCHES] = "batches",
	[ADB_ENVELOPES] = "envelopes",
	[ADB_RECORDS] = "records",
	[ADB_RVALS] = "rvals",
	[ADB_CELLS] = "cells",
	[ADB_QUARANTINE] = "quarantine",
	[ADB_AUDIT] = "audit",
};

void
server_open(struct server *s, const char *dir, unsigned store_flags)
{
	server_open_cap(s, dir, store_flags, 0);
}

void
server_open_cap(struct server *s, const char *dir, unsigned store_flags,
    size_t map_cap)
{
	size_t n = strlen(dir) + 32;
	char *path = xmalloc(n), err[512];
	int rc;

	memset(s, 0, sizeof *s);
	s->dir = dir;
	snprintf(path, n, "%s/campaign.json", dir);
	if (tv_campaign_load(&s->c, path, err, sizeof err) != 0)
		die("%s (is '%s' an aggregator directory? see 'aggregator "
		    "init')", err, dir);
	snprintf(path, n, "%s/store", dir);
	rc = tv_store_open(&s->st, path, db_names, ADB_COUNT, store_flags,
	    map_cap);
	if (rc != 0)
		die("cannot open store '%s': %s", path, tv_strerror(rc));
	free(path);
}

void
server_close(struct server *s)
{
	tv_store_close(s->st);
	tv_campaign_free(s->c);
	memset(s, 0, sizeof *s);
}

/* Days are biased by 2^31 so that big-endian order is day order. */
void
cell_key(uint8_t key[CELL_KEY_BYTES], uint32_t site, int32_t day)
{
	tv_be32_put(key, site);
	tv_be32_put(key + 4, (uint32_t)day ^ 0x80000000u);
}

void
cell_key_parse(const uint8_t *key, uint32_t *site, int32_t *day)
{
	*site = tv_be32_get(key);
	*day = (int32_t)(tv_be32_get(key + 4) ^ 0x80000000u);
}
