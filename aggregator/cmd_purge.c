/* SPDX-License-Identifier: MIT */
/*
 * aggregator purge: retention on the server.  A batch goes when every one
 * of its records is older than the cut-off AND it is part of the final
 * release (the release whose request holds the all-sites, whole-campaign
 * cell: every cell a record belongs to was then closed and released or
 * suppressed).  What goes: the signed envelope, the record ids, the R
 * values and any quarantine entries of the batch.  What stays: the batch's
 * dedupe mark (hash and record count: the same batch sent again is still
 * a duplicate, never counted twice), the (site, day) cell sums and the
 * devices.  A purged batch can no longer be sent to the trustees, so a
 * release request over its cells would no longer match its signed batches:
 * purge only after the final release.  Every purge is in the audit log,
 * in the transaction that deletes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "aggregator/audit.h"
#include "common/util.h"
#include "release/reader.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/calendar.h"
#include "proto/release.h"

#define CHUNK 256		/* batches per write transaction */
/* chunk_fn: counted, now roll back.  Not a TV_ERR_*, and not positive:
 * the store runs a transaction function that returns 1 again. */
#define DRY_RUN (-1000)

/* A batch of the final release: its key and the hash of its bytes. */
struct rel_batch {
	uint8_t key[BATCH_KEY_BYTES];
	uint8_t hash[32];
};

/* What one batch's purge deletes. */
struct victim {
	uint8_t key[BATCH_KEY_BYTES];
	uint8_t hash[32];
	uint32_t n;
	uint8_t (*ids)[16];
	uint8_t (*rs)[32];
};

struct chunk_counts {
	uint64_t batches, records, quarantined;
};

struct purge {
	struct server s;
	int32_t cutoff;		/* records on days before it are old */
	int dry;
	const char *actor;	/* --actor; NULL: the login name */
	uint8_t request[32];	/* hash of the final release's request */
	struct rel_batch *rel;
	size_t nrel;
	uint8_t (*keys)[BATCH_KEY_BYTES];	/* stored envelopes */
	size_t nkeys, capkeys;
	struct victim *v;
	size_t nv;
	struct chunk_counts cc;	/* of the last chunk_fn run */
	/* totals */
	uint64_t batches, records, quarantined, not_released, recent, gone;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator purge --dir DIR --release RELEASEDIR\n"
	    "         (--before YYYY-MM-DD | --retention "
	    "[--today YYYY-MM-DD])\n"
	    "         [--dry-run] [--actor NAME]\n\n"
	    "Deletes the signed batches and per-record data (record ids, R\n"
	    "values, quarantine entries) of every batch whose records are all\n"
	    "older than the cut-off -- the --before day, or today minus the\n"
	    "plan's retention_days -- and that is part of RELEASEDIR, the\n"
	    "final release (its request covers the whole campaign, so every\n"
	    "cell of those records was released or suppressed).  Cell sums\n"
	    "and the batches' dedupe marks are kept.  A purged batch can no\n"
	    "longer be re-verified by the trustees: purge after the final\n"
	    "release only.  Each purge is written to the audit log with its\n"
	    "counts.  --dry-run says what would go.\n");
	exit(code);
}

static int
rel_cmp(const void *a, const void *b)
{
	return memcmp(a, b, BATCH_KEY_BYTES);
}

/* The request must cover the whole campaign, all sites. */
static int
request_is_final(const struct tv_request *req)
{
	uint32_t i;

	for (i = 0; i < req->ncells; i++)
		if (req->cells[i].site == 0 &&
		    req->cells[i].period == TV_PERIOD_CAMPAIGN)
			return 1;
	return 0;
}

static void
release_envelopes(struct purge *pg, FILE *f, const char *path)
{
	struct tv_envelope env;
	uint8_t *buf;
	size_t len, cap = 0;
	int rc;

	while ((rc = tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX)) == 0) {
		memset(&env, 0, sizeof env);
		if (tv_envelope_parse(&env, buf, len) != 0)
			die("'%s': a batch of the request does not parse",
			    path);
		if (pg->nrel == cap) {
			cap = cap ? 2 * cap : 1024;
			pg->rel = realloc(pg->rel, cap * sizeof *pg->rel);
			if (pg->rel == NULL)
				die("out of memory");
		}
		memcpy(pg->rel[pg->nrel].key, env.device_id, 32);
		tv_be64_put(pg->rel[pg->nrel].key + 32, env.seq);
		crypto_generichash(pg->rel[pg->nrel++].hash, 32, buf, len,
		    NULL, 0);
		tv_envelope_release(&env);
		free(buf);
	}
	if (rc != TV_ERR_NOTFOUND)
		die("'%s': %s", path, tv_strerror(rc));
	if (pg->nrel > 0)
		qsort(pg->rel, pg->nrel, sizeof *pg->rel, rel_cmp);
}

/* Load the final release: its request (every batch it was computed from)
 * and its release.json, both of this campaign. */
static void
release_load(struct purge *pg, const char *dir)
{
	struct tv_request *req = NULL;
	char path[4096], hex[65];
	uint64_t size;
	int rc;
	json_t *root;
	const char *id;
	FILE *f;

	snprintf(path, sizeof path, "%s/release.json", dir);
	if ((f = fopen(path, "rbe")) == NULL ||
	    tv_release_frame_read(f, &root) != 0)
		die("'%s' is not a release (give the directory written by "
		    "'aggregator publish')", path);
	fclose(f);
	hex_encode(hex, pg->s.c->id, 32);
	id = json_string_value(json_object_get(root, "campaign_id"));
	if (id == NULL || strcmp(id, hex) != 0)
		die("'%s' is not a release of this campaign", path);
	json_decref(root);
	snprintf(path, sizeof path, "%s/request.tvr", dir);
	if (file_hash(path, pg->request, &size) != 0 ||
	    (f = fopen(path, "rbe")) == NULL)
		die("cannot read '%s': %s", path, strerror(errno));
	if ((rc = tv_request_read(f, &req, pg->s.c->k)) != 0 ||
	    sodium_memcmp(req->campaign_id, pg->s.c->id, 32) != 0)
		die_err(rc ? rc : TV_ERR_MISMATCH, "'%s' is not a release "
		    "request of this campaign", path);
	if (!request_is_final(req))
		die("'%s' is not the final release: its request does not "
		    "cover the whole campaign (purge after the final release)",
		    dir);
	tv_request_free(req);
	release_envelopes(pg, f, path);
	fclose(f);
}

struct published {
	char hex[65];
	int found;
};

static int
published_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct published *pb = ctx;
	const char *ev, *req;
	json_t *e;

	if (klen != 8 || tv_be64_get(key) == 0 ||
	    (e = json_loadb(val, vlen, 0, NULL)) == NULL)
		return 0;
	ev = json_string_value(json_object_get(e, "event"));
	req = json_string_value(json_object_get(json_object_get(e,
	    "details"), "request"));
	pb->found |= ev != NULL && !strcmp(ev, "publish") && req != NULL &&
	    !strcmp(req, pb->hex);
	json_decref(e);
	return 0;
}

static int
published_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, ADB_AUDIT, NULL, 0, published_cb, ctx);
}

/* The audit log should say this release was published from this store. */
static void
published_check(struct purge *pg, const char *dir)
{
	struct published pb = { 0 };
	int rc;

	hex_encode(pb.hex, pg->request, 32);
	if ((rc = tv_store_read(pg->s.st, published_fn, &pb)) != 0)
		die("cannot read the audit log: %s", tv_strerror(rc));
	if (!pb.found)
		warn("the audit log has no publication of '%s' (request "
		    "%.16s): check that it is the release that was published",
		    dir, pb.hex);
}

static int
key_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct purge *pg = ctx;

	(void)val;
	(void)vlen;
	if (klen != BATCH_KEY_BYTES)
		return TV_ERR_FORMAT;
	if (pg->nkeys == pg->capkeys) {
		pg->capkeys = pg->capkeys ? 2 * pg->capkeys : 1024;
		pg->keys = realloc(pg->keys, pg->capkeys * sizeof *pg->keys);
		if (pg->keys == NULL)
			die("out of memory");
	}
	memcpy(pg->keys[pg->nkeys++], key, BATCH_KEY_BYTES);
	return 0;
}

static int
keys_fn(struct tv_txn *t, void *ctx)
{
	struct purge *pg = ctx;

	pg->nkeys = 0;
	return tv_txn_foreach(t, ADB_ENVELOPES, NULL, 0, key_cb, pg);
}

/* A copy of one stored envelope and the hash its batch was stored with. */
struct fetch {
	const uint8_t *key;
	uint8_t *buf, hash[32];
	size_t len;
};

static int
fetch_fn(struct tv_txn *t, void *ctx)
{
	struct fetch *fe = ctx;
	const void *val;
	size_t vlen;
	int rc;

	free(fe->buf);
	fe->buf = NULL;
	rc = tv_txn_get(t, ADB_ENVELOPES, fe->key, BATCH_KEY_BYTES, &val,
	    &vlen);
	if (rc != 0)
		return rc;
	fe->buf = xmalloc(vlen ? vlen : 1);
	memcpy(fe->buf, val, vlen);
	fe->len = vlen;
	rc = tv_txn_get(t, ADB_BATCHES, fe->key, BATCH_KEY_BYTES, &val, &vlen);
	if (rc != 0 || vlen < 32)
		return rc ? rc : TV_ERR_FORMAT;
	memcpy(fe->hash, val, 32);
	return 0;
}

/* Decide for one batch, outside any write transaction; a batch to purge
 * is added to pg->v with what to delete. */
static void
batch_consider(struct purge *pg, const uint8_t *key)
{
	struct fetch fe = { .key = key };
	struct tv_envelope env = { 0 };
	struct tv_batch *b = NULL;
	struct rel_batch *r;
	struct victim *v;
	uint32_t i;
	int rc;

	if ((rc = tv_store_read(pg->s.st, fetch_fn, &fe)) != 0) {
		free(fe.buf);
		if (rc == TV_ERR_NOTFOUND)
			return;	/* purged meanwhile */
		die("cannot read the store: %s", tv_strerror(rc));
	}
	r = bsearch(key, pg->rel, pg->nrel, sizeof *pg->rel, rel_cmp);
	if (r == NULL || sodium_memcmp(r->hash, fe.hash, 32) != 0) {
		pg->not_released++;
		free(fe.buf);
		return;
	}
	if ((rc = tv_envelope_parse(&env, fe.buf, fe.len)) != 0 ||
	    (rc = tv_batch_decode(&b, &env, pg->s.c->id, pg->s.c->k)) != 0)
		die("a stored batch does not decode: %s", tv_strerror(rc));
	for (i = 0; i < b->nrecords; i++)
		if (b->records[i].day >= pg->cutoff)
			break;
	if (i < b->nrecords) {
		pg->recent++;
	} else {
		v = &pg->v[pg->nv++];
		memcpy(v->key, key, BATCH_KEY_BYTES);
		memcpy(v->hash, fe.hash, 32);
		v->n = b->nrecords;
		v->ids = xcalloc(v->n ? v->n : 1, 16);
		v->rs = xcalloc(v->n ? v->n : 1, 32);
		for (i = 0; i < b->nrecords; i++) {
			memcpy(v->ids[i], b->records[i].id, 16);
			memcpy(v->rs[i], b->records[i].ct, 32);
		}
	}
	tv_batch_free(b);
	tv_envelope_release(&env);
	free(fe.buf);
}

/* Delete key from db only if it still maps to want (wlen bytes). */
static int
del_if(struct tv_txn *t, unsigned db, const uint8_t *key, size_t klen,
    const uint8_t *want, size_t wlen)
{
	const void *val;
	size_t vlen;
	int rc;

	rc = tv_txn_get(t, db, key, klen, &val, &vlen);
	if (rc != 0)
		return rc;
	if (vlen < wlen || memcmp(val, want, wlen) != 0)
		return TV_ERR_NOTFOUND;
	return tv_txn_del(t, db, key, klen);
}

static int
victim_delete(struct tv_txn *t, const struct victim *v,
    struct chunk_counts *cc)
{
	const void *val;
	size_t vlen;
	uint32_t i;
	int rc;

	/* The batch must still be the one we decided on. */
	rc = tv_txn_get(t, ADB_BATCHES, v->key, BATCH_KEY_BYTES, &val, &vlen);
	if (rc != 0 || vlen < 32 || memcmp(val, v->hash, 32) != 0)
		return rc == TV_ERR_NOTFOUND ? 0 : rc ? rc : TV_ERR_CONFLICT;
	if (tv_txn_del(t, ADB_ENVELOPES, v->key, BATCH_KEY_BYTES) != 0)
		return t->err;	/* NOTFOUND: purged by another run */
	for (i = 0; i < v->n; i++) {
		if (del_if(t, ADB_RECORDS, v->ids[i], 16, v->key,
		    BATCH_KEY_BYTES) == 0)
			cc->records++;
		del_if(t, ADB_RVALS, v->rs[i], 32, v->ids[i], 16);
		if (del_if(t, ADB_QUARANTINE, v->ids[i], 16, v->key,
		    BATCH_KEY_BYTES) == 0)
			cc->quarantined++;
	}
	cc->batches++;
	return t->err;
}

static int
chunk_fn(struct tv_txn *t, void *ctx)
{
	struct purge *pg = ctx;
	struct chunk_counts cc = { 0 };
	char day[11], hex[65];
	json_t *d;
	size_t i;
	int rc;

	pg->cc = cc;
	for (i = 0; i < pg->nv; i++)
		if ((rc = victim_delete(t, &pg->v[i], &pg->cc)) != 0)
			return rc;
	cc = pg->cc;
	if (pg->dry)
		return DRY_RUN;
	if (cc.batches == 0)
		return 0;
	tv_day_format(day, pg->cutoff);
	hex_encode(hex, pg->request, 32);
	d = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "side", "aggregator",
	    "before", day, "release_request", hex, "batches",
	    (json_int_t)cc.batches, "records", (json_int_t)cc.records,
	    "quarantined", (json_int_t)cc.quarantined);
	rc = d ? audit_txn(t, &pg->s, "purge", d) : TV_ERR_NOMEM;
	json_decref(d);
	return rc;
}

static void
victims_free(struct purge *pg)
{
	size_t i;

	for (i = 0; i < pg->nv; i++) {
		free(pg->v[i].ids);
		free(pg->v[i].rs);
	}
	pg->nv = 0;
}

static void
purge_run(struct purge *pg)
{
	size_t i, j;
	int rc;

	if ((rc = tv_store_read(pg->s.st, keys_fn, pg)) != 0)
		die("cannot read the store: %s", tv_strerror(rc));
	pg->v = xcalloc(CHUNK, sizeof *pg->v);
	for (i = 0; i < pg->nkeys; i += CHUNK) {
		for (j = i; j < pg->nkeys && j < i + CHUNK; j++)
			batch_consider(pg, pg->keys[j]);
		/* A dry run deletes in a transaction that is rolled back. */
		rc = tv_store_write(pg->s.st, chunk_fn, pg);
		if (rc != 0 && !(pg->dry && rc == DRY_RUN))
			die("purge stopped after %llu batches: %s",
			    (unsigned long long)pg->batches, tv_strerror(rc));
		pg->batches += pg->cc.batches;
		pg->records += pg->cc.records;
		pg->quarantined += pg->cc.quarantined;
		victims_free(pg);
	}
	free(pg->v);
}

static int
opts_parse(struct purge *pg, int argc, char **argv, const char **dir,
    const char **release)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "release", required_argument, NULL, 'r' },
		{ "before", required_argument, NULL, 'b' },
		{ "retention", no_argument, NULL, 'R' },
		{ "today", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "actor", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int32_t today = (int32_t)(time(NULL) / 86400), before = 0;
	int ch, has_before = 0, retention = 0;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': *dir = optarg; break;
		case 'r': *release = optarg; break;
		case 'b':
			if (tv_day_parse(optarg, &before) != 0)
				die("--before: want YYYY-MM-DD");
			has_before = 1;
			break;
		case 'R': retention = 1; break;
		case 't':
			if (tv_day_parse(optarg, &today) != 0)
				die("--today: want YYYY-MM-DD");
			break;
		case 'n': pg->dry = 1; break;
		case 'A': pg->actor = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (*dir == NULL || *release == NULL || has_before == retention ||
	    optind != argc)
		usage(2);
	pg->cutoff = has_before ? before : today;
	return retention;
}

int
cmd_purge(int argc, char **argv)
{
	struct purge pg = { 0 };
	const char *dir = NULL, *release = NULL;
	char day[11];
	int retention;

	retention = opts_parse(&pg, argc, argv, &dir, &release);
	server_open(&pg.s, dir, 0);
	audit_actor_set(&pg.s, pg.actor);
	if (retention)
		pg.cutoff -= (int32_t)pg.s.c->plan->policy.retention_days;
	release_load(&pg, release);
	published_check(&pg, release);
	purge_run(&pg);
	tv_day_format(day, pg.cutoff);
	printf("%s %llu batches (%llu records, %llu quarantined) whose "
	    "records are all from before %s\n", pg.dry ? "would purge" :
	    "purged", (unsigned long long)pg.batches,
	    (unsigned long long)pg.records,
	    (unsigned long long)pg.quarantined, day);
	printf("kept %llu batches: %llu not in the final release, %llu with "
	    "records from %s on\n", (unsigned long long)(pg.not_released +
	    pg.recent), (unsigned long long)pg.not_released,
	    (unsigned long long)pg.recent, day);
	free(pg.rel);
	free(pg.keys);
	server_close(&pg.s);
	return 0;
}
