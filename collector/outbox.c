/* SPDX-License-Identifier: MIT */
/*
 * The outbox: pending records and the sealed batches that carry them, one
 * store shared by file export and HTTP shipping.
 *
 * Sealing is one transaction: the batch (with its new sequence number) is
 * stored and its records leave DB_OUTBOX together, so a crash can neither
 * lose a record nor put it in two batches, and a sequence number is never
 * given twice.  A batch then leaves the device only as its stored bytes:
 * a second export or a resend is byte-identical, which the aggregator
 * answers as a duplicate.  States only move forward (sealed, exported,
 * acknowledged); acknowledged batches are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/record_proof.h"


struct pending {
	const struct device *d;
	uint32_t max;
	struct tv_record *recs;
	uint8_t (*keys)[8];
	uint32_t n;
	uint64_t batches, records;
};

static int
collect_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct pending *p = ctx;
	int rc;

	if (p->n == p->max)
		return 1;	/* batch full: stop the walk */
	if (klen != 8)
		return TV_ERR_FORMAT;
	rc = tv_record_unpack(&p->recs[p->n], val, vlen, p->d->c->k);
	if (rc != 0)
		return rc;
	memcpy(p->keys[p->n++], key, 8);
	return 0;
}

static int
seal_one(struct tv_txn *t, struct pending *p)
{
	struct tv_batch b = { .k = p->d->c->k, .nrecords = p->n,
	    .records = p->recs };
	uint8_t *env = NULL, key[8], state = BATCH_SEALED;
	size_t len;
	uint32_t i;
	int rc;

	memcpy(b.campaign_id, p->d->c->id, 32);
	memcpy(b.device_id, p->d->pk, 32);
	if ((rc = meta_next(t, "next_batch", &b.seq)) != 0)
		return rc;
	if ((rc = tv_batch_seal(&env, &len, &b, DEVICE_SK(p->d))) != 0)
		return rc;
	tv_be64_put(key, b.seq);
	tv_txn_put(t, DB_BATCHES, key, 8, env, len, TV_PUT_NOOVERWRITE);
	tv_txn_put(t, DB_BSTATE, key, 8, &state, 1, 0);
	for (i = 0; i < p->n; i++)
		tv_txn_del(t, DB_OUTBOX, p->keys[i], 8);
	free(env);
	p->batches++;
	p->records += p->n;
	return t->err;
}

static void
pending_clear(struct pending *p)
{
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		free(p->recs[i].ct);
		free(p->recs[i].proofs);
		p->recs[i].proofs = NULL;
	}
	p->n = 0;
}

static int
seal_fn(struct tv_txn *t, void *ctx)
{
	struct pending *p = ctx;
	int rc;

	p->batches = p->records = 0;
	for (;;) {
		pending_clear(p);
		rc = tv_txn_foreach(t, DB_OUTBOX, NULL, 0, collect_cb, p);
		if (rc < 0)
			return rc;
		if (p->n == 0)
			return 0;
		if ((rc = seal_one(t, p)) != 0)
			return rc;
	}
}

int
outbox_seal(const struct device *d, uint32_t max, uint64_t *batches,
    uint64_t *records)
{
	struct pending p = { .d = d };
	int rc;

	/* Small enough for one HTTP request to stay short, and far under
	 * the envelope cap, proofs counted. */
	p.max = tv_record_batch_size(d->c);
	if (max != 0 && max < p.max)
		p.max = max;
	p.recs = xcalloc(p.max, sizeof *p.recs);
	p.keys = xcalloc(p.max, 8);
	rc = tv_store_write(d->st, seal_fn, &p);
	pending_clear(&p);
	free(p.recs);
	free(p.keys);
	*batches = rc == 0 ? p.batches : 0;
	*records = rc == 0 ? p.records : 0;
	return rc;
}

struct seq_list {
	unsigned mask;
	uint64_t *seqs;
	size_t n, cap;
};

static int
state_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct seq_list *l = ctx;
	uint8_t st = vlen == 1 ? *(const uint8_t *)val : BATCH_SEALED;
	uint64_t *grown;

	if (klen != 8 || st > BATCH_ACKED || !(l->mask & (1u << st)))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		grown = realloc(l->seqs, l->cap * sizeof *l->seqs);
		if (grown == NULL)
			return TV_ERR_NOMEM;
		l->seqs = grown;
	}
	l->seqs[l->n++] = tv_be64_get(key);
	return 0;
}

static int
list_fn(struct tv_txn *t, void *ctx)
{
	((struct seq_list *)ctx)->n = 0;
	return tv_txn_foreach(t, DB_BSTATE, NULL, 0, state_cb, ctx);
}

int
outbox_list(const struct device *d, unsigned mask, uint64_t **seqs,
    size_t *n)
{
	struct seq_list l = { .mask = mask };
	int rc;

	rc = tv_store_read(d->st, list_fn, &l);
	if (rc != 0) {
		free(l.seqs);
		l.seqs = NULL;
		l.n = 0;
	}
	*seqs = l.seqs;
	*n = l.n;
	return rc;
}

struct one_batch {
	uint64_t seq;
	uint8_t *buf;
	size_t len;
	uint8_t state;
	int64_t now;
};

static int
get_fn(struct tv_txn *t, void *ctx)
{
	struct one_batch *ob = ctx;
	const void *val;
	uint8_t key[8];
	int rc;

	tv_be64_put(key, ob->seq);
	if ((rc = tv_txn_get(t, DB_BATCHES, key, 8, &val, &ob->len)) != 0)
		return rc;
	if ((ob->buf = malloc(ob->len ? ob->len : 1)) == NULL)
		return TV_ERR_NOMEM;
	memcpy(ob->buf, val, ob->len);	/* valid only inside the txn */
	return 0;
}

int
outbox_get(const struct device *d, uint64_t seq, uint8_t **buf, size_t *len)
{
	struct one_batch ob = { .seq = seq };
	int rc;

	rc = tv_store_read(d->st, get_fn, &ob);
	*buf = rc == 0 ? ob.buf : NULL;
	*len = rc == 0 ? ob.len : 0;
	return rc;
}

static int
mark_fn(struct tv_txn *t, void *ctx)
{
	struct one_batch *ob = ctx;
	const void *val;
	size_t vlen;
	uint8_t key[8], now[8];
	int rc;

	tv_be64_put(key, ob->seq);
	rc = tv_txn_get(t, DB_BSTATE, key, 8, &val, &vlen);
	if (rc != 0)
		return rc;
	if (vlen == 1 && *(const uint8_t *)val >= ob->state)
		return 0;	/* never move back */
	tv_txn_put(t, DB_BSTATE, key, 8, &ob->state, 1, 0);
	if (ob->state == BATCH_ACKED) {
		tv_be64_put(now, (uint64_t)ob->now);
		tv_txn_put(t, DB_META, "last_ship", 9, now, 8, 0);
	}
	return t->err;
}

int
outbox_mark(const struct device *d, uint64_t seq, enum batch_state state,
    int64_t now)
{
	struct one_batch ob = { .seq = seq, .state = (uint8_t)state,
	    .now = now };

	return tv_store_write(d->st, mark_fn, &ob);
}
