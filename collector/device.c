/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"

const char *const collector_db_names[DB_COUNT] = {
	[DB_META] = "meta",
	[DB_OUTBOX] = "outbox",
	[DB_BATCHES] = "batches",
	[DB_BSTATE] = "bstate",
	[DB_PINDEX] = "pindex",
	[DB_HISTORY] = "history",
};

/* Allocate the next number of a counter kept in the meta db (1, 2, ...). */
int
meta_next(struct tv_txn *t, const char *name, uint64_t *n)
{
	const void *val;
	size_t vlen;
	uint8_t b[8];
	int rc;

	rc = tv_txn_get(t, DB_META, name, strlen(name), &val, &vlen);
	if (rc == TV_ERR_NOTFOUND)
		*n = 1;
	else if (rc != 0)
		return rc;
	else if (vlen != 8)
		return TV_ERR_FORMAT;
	else
		*n = tv_be64_get(val);
	tv_be64_put(b, *n + 1);
	return tv_txn_put(t, DB_META, name, strlen(name), b, sizeof b, 0);
}

char *
device_path(const struct device *d, const char *name)
{
	size_t n = strlen(d->dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", d->dir, name);
	return p;
}

static void
device_unlock(struct device *d, const char *passfile)
{
	char *path = device_path(d, "keystore");
	uint8_t *payload;

	payload = keyfile_unlock(path, "device", passfile, SECRETS_BYTES,
	    "keystore", NULL);
	if (sodium_memcmp(payload + 32, d->pk, 32) != 0) {
		sodium_free(payload);
		die("keystore '%s' does not belong to this device", path);
	}
	d->secrets = payload;
	free(path);
}

static void
device_pubkey(struct device *d)
{
	char *path = device_path(d, "device.pub");
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = file_read(path, 256, &buf, &len)) != 0)
		die("cannot read '%s': %s (is '%s' a collector directory? "
		    "see 'collector init')", path, tv_strerror(rc), d->dir);
	buf[strcspn((char *)buf, "\r\n")] = 0;
	if (hex_decode(d->pk, 32, (char *)buf) != 0)
		die("'%s': not a device public key", path);
	free(buf);
	free(path);
}

void
device_open(struct device *d, const char *dir, const char *passfile,
    unsigned flags)
{
	char *path, err[512];
	int rc;

	memset(d, 0, sizeof *d);
	d->dir = dir;
	device_pubkey(d);
	path = device_path(d, "campaign.json");
	if ((rc = tv_campaign_load(&d->c, path, err, sizeof err)) != 0)
		die_err(rc, "%s", err);
	free(path);
	path = device_path(d, "store");
	rc = tv_store_open(&d->st, path, collector_db_names, DB_COUNT, 0, 0);
	if (rc != 0)
		die("cannot open store '%s': %s%s%s", path, tv_strerror(rc),
		    *tv_store_open_error() ? ": " : "", tv_store_open_error());
	free(path);
	if (flags & DEVICE_UNLOCK)
		device_unlock(d, passfile);
}

void
device_close(struct device *d)
{
	sodium_free(d->secrets);	/* wipes; accepts NULL */
	tv_store_close(d->st);
	tv_campaign_free(d->c);
	memset(d, 0, sizeof *d);
}
