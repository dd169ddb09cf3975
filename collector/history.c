/* SPDX-License-Identifier: MIT */
/*
 * A person's visit history on this collector (proto/history.h), read and
 * written inside the capture's (or the erasure's) transaction: sealed
 * under a key derived from the index key, at a tag keyed with it, so the
 * store holds neither the pseudonym nor a readable day.
 */
#include <string.h>

#include <sodium.h>

#include "collector/collector.h"
#include "crypto/err.h"
#include "crypto/pseudonym.h"

int
history_load(struct tv_txn *t, const struct device *d, const uint8_t *tag,
    struct tv_history *h)
{
	uint8_t key[32];
	const void *val;
	size_t vlen;
	int32_t expiry;
	int rc;

	memset(h, 0, sizeof *h);
	rc = tv_txn_get(t, DB_HISTORY, tag, 32, &val, &vlen);
	if (rc == TV_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	tv_history_key(key, DEVICE_INDEX_KEY(d));
	rc = tv_history_open(h, &expiry, val, vlen, key, tag);
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		sodium_memzero(h, sizeof *h);
	return rc;
}

int
history_save(struct tv_txn *t, const struct device *d, const uint8_t *tag,
    const struct tv_history *h)
{
	uint8_t key[32], val[TV_HISTORY_VALUE_BYTES];
	int rc;

	tv_history_key(key, DEVICE_INDEX_KEY(d));
	tv_history_seal(val, h, tv_history_expiry(h, d->c->plan), key, tag);
	sodium_memzero(key, sizeof key);
	rc = tv_txn_put(t, DB_HISTORY, tag, 32, val, sizeof val, 0);
	return rc;
}
