/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/audit.h"
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
	if ((rc = tv_campaign_load(&s->c, path, err, sizeof err)) != 0)
		die_err(rc, "%s (is '%s' an aggregator directory? see 'aggregator "
		    "init')", err, dir);
	snprintf(path, n, "%s/store", dir);
	rc = tv_store_open(&s->st, path, db_names, ADB_COUNT, store_flags,
	    map_cap);
	if (rc != 0)
		die("cannot open store '%s': %s%s%s", path, tv_strerror(rc),
		    *tv_store_open_error() ? ": " : "", tv_store_open_error());
	free(path);
	s->audit = audit_new();
	s->ingest = ingest_state_new();
}

void
server_close(struct server *s)
{
	tv_store_close(s->st);
	tv_campaign_free(s->c);
	audit_free(s->audit);
	ingest_state_free(s->ingest);
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

int
device_rec_name(const void *val, size_t vlen, const char **name, size_t *nlen)
{
	const uint8_t *v = val;

	if (vlen < 2 || (size_t)v[1] > vlen - 2 || v[1] > TV_CERT_NAME_MAX)
		return TV_ERR_FORMAT;
	*name = (const char *)v + 2;
	*nlen = v[1];
	return 0;
}

int
device_rec_parse(struct device_rec *d, const void *val, size_t vlen)
{
	const uint8_t *v = val, *end = v + vlen;
	const char *name;
	size_t nlen, clen, rlen;

	memset(d, 0, sizeof *d);
	if (device_rec_name(val, vlen, &name, &nlen) != 0)
		return TV_ERR_FORMAT;
	d->state = v[0];
	memcpy(d->name, name, nlen);
	v += 2 + nlen;
	if (end - v < 4 || (clen = tv_be32_get(v)) > (size_t)(end - v) - 4 ||
	    tv_cert_unpack(&d->cert, v + 4, clen) != 0)
		return TV_ERR_FORMAT;
	v += 4 + clen;
	if (end - v < 4 || (rlen = tv_be32_get(v)) != (size_t)(end - v) - 4)
		return TV_ERR_FORMAT;
	if (rlen > 0 && tv_rev_unpack(&d->rev, v + 4, rlen) != 0)
		return TV_ERR_FORMAT;
	d->has_rev = rlen > 0;
	if (d->state != DEVICE_ENROLLED && d->state != DEVICE_REVOKED)
		return TV_ERR_FORMAT;
	return 0;
}

int
device_rec_put(struct tv_txn *t, const struct device_rec *d)
{
	uint8_t *cert = NULL, *rev = NULL, *v = NULL;
	size_t clen, rlen = 0, nlen = strlen(d->name), n;
	int rc;

	if ((rc = tv_cert_pack(&d->cert, &cert, &clen)) != 0 ||
	    (d->has_rev && (rc = tv_rev_pack(&d->rev, &rev, &rlen)) != 0))
		goto out;
	n = 2 + nlen + 4 + clen + 4 + rlen;
	v = xmalloc(n);
	v[0] = d->state;
	v[1] = (uint8_t)nlen;
	memcpy(v + 2, d->name, nlen);
	tv_be32_put(v + 2 + nlen, (uint32_t)clen);
	memcpy(v + 6 + nlen, cert, clen);
	tv_be32_put(v + 6 + nlen + clen, (uint32_t)rlen);
	if (rlen > 0)
		memcpy(v + 10 + nlen + clen, rev, rlen);
	rc = tv_txn_put(t, ADB_DEVICES, d->cert.device, 32, v, n, 0);
out:
	free(v);
	free(cert);
	free(rev);
	return rc;
}
