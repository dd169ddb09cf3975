/* SPDX-License-Identifier: MIT */
/*
 * collector export: seal pending records into signed batches, then write
 * each batch to a file (USB-stick transport).
 *
 * Sealing is one transaction: the batch (with its new sequence number) is
 * stored and its records leave the outbox together, so a crash can neither
 * lose a record nor put it in two batches.  Files are written afterwards
 * from the stored bytes; writing again gives the same bytes, and the
 * aggregator accepts a batch once.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"

/* Records per batch: small enough for one HTTP request to stay short, and
 * far under the envelope cap whatever K is (ciphertext does not compress:
 * about 43 + 32 (K + 1) bytes per record). */
#define BATCH_TARGET_BYTES (1u << 20)
#define BATCH_MAX_RECORDS 2000

struct pending {
	const struct device *d;
	uint32_t max;
	struct tv_record *recs;
	uint8_t (*keys)[8];
	uint32_t n;
	uint64_t batches, records;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector export --dir DIR --out OUTDIR [--all]\n"
	    "         [--passphrase-file FILE]\n\n"
	    "Seals pending records into signed, compressed batches and writes\n"
	    "every batch not yet written to OUTDIR/<device>-<seq>.tvb.  --all\n"
	    "writes again every batch the device still holds.\n");
	exit(code);
}

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

	for (i = 0; i < p->n; i++)
		free(p->recs[i].ct);
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

struct to_write {
	uint64_t *seqs;
	size_t n, cap;
	int all;
};

static int
state_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct to_write *w = ctx;
	uint8_t st = vlen == 1 ? *(const uint8_t *)val : BATCH_SEALED;

	if (klen != 8 || st == BATCH_ACKED || (st != BATCH_SEALED && !w->all))
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->seqs = realloc(w->seqs, w->cap * sizeof *w->seqs);
		if (w->seqs == NULL)
			return TV_ERR_NOMEM;
	}
	w->seqs[w->n++] = tv_be64_get(key);
	return 0;
}

static int
list_fn(struct tv_txn *t, void *ctx)
{
	((struct to_write *)ctx)->n = 0;
	return tv_txn_foreach(t, DB_BSTATE, NULL, 0, state_cb, ctx);
}

struct one_batch {
	uint64_t seq;
	uint8_t *buf;
	size_t len;
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
	ob->buf = xmalloc(ob->len);
	memcpy(ob->buf, val, ob->len);	/* valid only inside the txn */
	return 0;
}

static int
mark_fn(struct tv_txn *t, void *ctx)
{
	struct one_batch *ob = ctx;
	uint8_t key[8], state = BATCH_EXPORTED;

	tv_be64_put(key, ob->seq);
	return tv_txn_put(t, DB_BSTATE, key, 8, &state, 1, 0);
}

static int
write_batch(const struct device *d, const char *out, uint64_t seq)
{
	struct one_batch ob = { .seq = seq };
	char dev[65], path[4096];
	int rc;

	if ((rc = tv_store_read(d->st, get_fn, &ob)) != 0)
		return error("batch %llu: %s", (unsigned long long)seq,
		    tv_strerror(rc));
	hex_encode(dev, d->pk, 32);
	snprintf(path, sizeof path, "%s/%.16s-%08llu.tvb", out, dev,
	    (unsigned long long)seq);
	rc = file_write_atomic(path, ob.buf, ob.len, 0);
	free(ob.buf);
	if (rc != 0)
		return error("cannot write '%s': %s", path, tv_strerror(rc));
	if ((rc = tv_store_write(d->st, mark_fn, &ob)) != 0)
		return error("batch %llu written but not marked: %s",
		    (unsigned long long)seq, tv_strerror(rc));
	return 0;
}

static int
export_files(const struct device *d, const char *out, int all)
{
	struct to_write w = { .all = all };
	size_t i;
	int rc, ret = 0;

	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return error("cannot create '%s': %s", out, strerror(errno));
	if ((rc = tv_store_read(d->st, list_fn, &w)) != 0)
		return error("cannot list batches: %s", tv_strerror(rc));
	for (i = 0; i < w.n && ret == 0; i++)
		ret = write_batch(d, out, w.seqs[i]);
	if (ret == 0)
		printf("wrote %zu batch file(s) to %s\n", w.n, out);
	free(w.seqs);
	return ret;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *out = NULL, *passfile = NULL;
	struct pending p = { 0 };
	struct device d;
	int ch, rc, all = 0;

	while ((ch = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'o': out = optarg; break;
		case 'a': all = 1; break;
		case 'P': passfile = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || out == NULL || optind != argc)
		usage(2);
	device_open(&d, dir, passfile, DEVICE_UNLOCK);
	p.d = &d;
	p.max = BATCH_TARGET_BYTES / (43 + TV_CT_BYTES(d.c->k));
	if (p.max > BATCH_MAX_RECORDS)
		p.max = BATCH_MAX_RECORDS;
	p.recs = xcalloc(p.max, sizeof *p.recs);
	p.keys = xcalloc(p.max, 8);
	rc = tv_store_write(d.st, seal_fn, &p);
	pending_clear(&p);
	free(p.recs);
	free(p.keys);
	if (rc != 0)
		die("cannot seal pending records: %s %s", tv_strerror(rc),
		    tv_store_errmsg(d.st));
	printf("sealed %llu record(s) into %llu new batch(es)\n",
	    (unsigned long long)p.records, (unsigned long long)p.batches);
	rc = export_files(&d, out, all);
	device_close(&d);
	return rc == 0 ? 0 : 2;
}
