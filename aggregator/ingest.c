/* SPDX-License-Identifier: MIT */
/*
 * Ingest: the one path by which a batch enters the aggregator, whatever
 * carried it (file, HTTP).  Cheap checks first, signature before
 * decompression, and one transaction for everything that is stored.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "aggregator/aggregator.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "proto/admit.h"
#include "proto/batch.h"

/* Per-batch cell sums, merged into the store once per cell. */
struct cell_acc {
	uint8_t key[CELL_KEY_BYTES];
	uint64_t count;
	/* The sum encoded: only for a cell new to the store (by the
	 * snapshot), else NULL; a merge adds the decoded sum instead. */
	uint8_t *ct;
	struct tv_gpoint *sum;	/* decoded (NULL: one record, firstp) */
	const uint8_t *first;	/* the first record's ciphertext */
	const struct tv_gpoint *firstp;	/* and its points, decoded */
	uint8_t *seen;	/* the stored value read before the commit, or NULL */
	uint8_t *next;	/* seen + ours, computed outside the transaction */
};

struct ingest {
	struct server *s;
	struct tv_admission adm;	/* the batch and its verdicts */
	struct ingest_result *res;
	int known;		/* identical batch already stored */
	struct device_rec *dev;	/* the device's certificate, revocation */
	struct tv_admit_device adev;	/* dev, as admission reads it */
	struct cell_acc *cells;
	uint32_t ncells;
};

static int device_admits(struct ingest *in, const void *val, size_t vlen);

static int
device_state_fn(struct tv_txn *t, void *ctx)
{
	struct ingest *in = ctx;
	const void *val;
	size_t vlen;
	int rc;

	uint8_t bkey[BATCH_KEY_BYTES];

	rc = tv_txn_get(t, ADB_DEVICES, in->res->device, 32, &val, &vlen);
	if (rc != 0)
		return rc;
	if ((rc = device_admits(in, val, vlen)) != 0)
		return rc;
	/* The same bytes stored before: a retry.  Answer it without decoding
	 * and verifying again (a replayed big batch would cost as much). */
	memcpy(bkey, in->res->device, 32);
	tv_be64_put(bkey + 32, in->res->seq);
	if (tv_txn_get(t, ADB_BATCHES, bkey, sizeof bkey, &val, &vlen) == 0 &&
	    vlen == 36 && memcmp(val, in->res->hash, 32) == 0) {
		in->known = 1;
		in->res->nrecords = tv_be32_get((const uint8_t *)val + 32);
	}
	return 0;
}

/* Decode a devices value into in->adev and apply the revocation rule
 * (proto/admit.h) to this batch's seq. */
static int
device_admits(struct ingest *in, const void *val, size_t vlen)
{
	struct device_rec *d = in->dev;

	if (device_rec_parse(d, val, vlen) != 0 ||
	    (d->state != DEVICE_ENROLLED && !d->has_rev))
		return TV_ERR_FORMAT;
	in->adev.cert = &d->cert;
	in->adev.revoked = d->state != DEVICE_ENROLLED;
	in->adev.last_seq = d->has_rev ? d->rev.last_seq : 0;
	return tv_admit_seq(&in->adev, in->res->seq, in->res->why,
	    sizeof in->res->why);
}

/* Add a record's points (decoded once, by tv_batch_decode) into cell a:
 * the cell's sum is kept decoded (crypto/gpoint.h) and encoded once. */
static void
cell_add(struct cell_acc *a, const struct tv_gpoint *v, uint32_t k)
{
	size_t np = (size_t)k + 1;

	if (a->sum == NULL) {
		a->sum = aligned_alloc(alignof(struct tv_gpoint),
		    np * sizeof *a->sum);
		if (a->sum == NULL)
			die("out of memory");
		memcpy(a->sum, a->firstp, np * sizeof *a->sum);
	}
	tv_gct_add(a->sum, v, k);
	a->count++;
}

/* The cell's sum encoded into ct (TV_CT_BYTES(k) bytes). */
static void
cell_encode(uint8_t *ct, const struct cell_acc *a, uint32_t k)
{
	if (a->sum == NULL)
		memcpy(ct, a->first, TV_CT_BYTES(k));
	else
		tv_gct_encode(ct, a->sum, k);
}

/* The cell's sum decoded (for the merge into the stored sum). */
static const struct tv_gpoint *
cell_points(const struct cell_acc *a)
{
	return a->sum != NULL ? a->sum : a->firstp;
}

static void
cells_accumulate(struct ingest *in)
{
	uint32_t i, j, k = in->s->c->k;
	uint8_t key[CELL_KEY_BYTES];
	const struct tv_gpoint *v;

	struct tv_batch *b = in->adm.b;

	in->cells = xcalloc(b->nrecords ? b->nrecords : 1, sizeof *in->cells);
	in->ncells = 0;
	for (i = 0; i < b->nrecords; i++) {
		if (tv_admission_why(&in->adm, i)[0] != 0)
			continue;	/* set aside, never summed */
		if ((v = tv_batch_points(b, i)) == NULL)
			die("internal error: a batch without decoded points");
		cell_key(key, b->records[i].site, b->records[i].day);
		for (j = 0; j < in->ncells; j++)
			if (!memcmp(in->cells[j].key, key, sizeof key))
				break;
		if (j == in->ncells) {
			/* A cell's first record is its sum: no addition to
			 * zero (records spread thin over a year of days and
			 * a hundred sites would cost two additions each). */
			memcpy(in->cells[j].key, key, sizeof key);
			in->cells[j].first = b->records[i].ct;
			in->cells[j].firstp = v;
			in->cells[j].count = 1;
			in->ncells++;
			continue;
		}
		cell_add(&in->cells[j], v, k);
	}
}

struct commit;

/* What the threads ingesting into one server share. */
struct ingest_state {
	pthread_mutex_t lock;	/* queue and leader */
	pthread_cond_t cond;	/* a group commit is done */
	struct commit *queue;	/* checked batches waiting to be stored */
	int leader;		/* a thread is committing a group */
	pthread_mutex_t merge_lock;	/* the score (taken inside a write) */
	/* Precomputed cell sums used (+1) or wasted (-1): see
	 * cells_precompute().  Every 64th batch tries again whatever the
	 * score. */
	long merge_score;
	unsigned long merge_tries;
};

struct ingest_state *
ingest_state_new(void)
{
	struct ingest_state *is = xcalloc(1, sizeof *is);

	pthread_mutex_init(&is->lock, NULL);
	pthread_mutex_init(&is->merge_lock, NULL);
	pthread_cond_init(&is->cond, NULL);
	return is;
}

void
ingest_state_free(struct ingest_state *is)
{
	if (is == NULL)
		return;
	pthread_mutex_destroy(&is->lock);
	pthread_mutex_destroy(&is->merge_lock);
	pthread_cond_destroy(&is->cond);
	free(is);
}

static void
merge_score_add(struct ingest_state *is, long d)
{
	pthread_mutex_lock(&is->merge_lock);
	is->merge_score += d;
	pthread_mutex_unlock(&is->merge_lock);
}

static int
merge_worth_it(struct ingest_state *is)
{
	int yes;

	pthread_mutex_lock(&is->merge_lock);
	yes = is->merge_score > -64 || is->merge_tries++ % 64 == 0;
	if (yes && is->merge_score < -64)
		is->merge_score = -64;	/* a fresh chance, not a debt */
	pthread_mutex_unlock(&is->merge_lock);
	return yes;
}

static int
cell_merge(struct tv_txn *t, struct ingest_state *is,
    const struct cell_acc *a, uint32_t k)
{
	size_t len = 8 + TV_CT_BYTES(k), vlen;
	uint8_t *v = xmalloc(len);
	const void *old;
	int rc;

	rc = tv_txn_get(t, ADB_CELLS, a->key, CELL_KEY_BYTES, &old, &vlen);
	if (rc == TV_ERR_NOTFOUND) {	/* a new cell: its sum is ours */
		tv_be64_put(v, a->count);
		if (a->ct != NULL)
			memcpy(v + 8, a->ct, TV_CT_BYTES(k));
		else
			cell_encode(v + 8, a, k);
		rc = 0;
	} else if (rc == 0 && vlen == len && a->next != NULL &&
	    memcmp(old, a->seen, len) == 0) {
		memcpy(v, a->next, len);	/* unchanged since: precomputed */
		merge_score_add(is, 1);
	} else if (rc == 0 && vlen == len) {
		if (a->next != NULL)
			merge_score_add(is, -1);
		tv_be64_put(v, tv_be64_get(old) + a->count);
		rc = tv_gct_add_to_bytes(v + 8, (const uint8_t *)old + 8,
		    cell_points(a), k);
	} else {
		free(v);
		return rc ? rc : TV_ERR_FORMAT;
	}
	if (rc == 0)
		rc = tv_txn_put(t, ADB_CELLS, a->key, CELL_KEY_BYTES, v, len, 0);
	free(v);
	return rc;
}

static int
cells_seen_fn(struct tv_txn *t, void *ctx)
{
	struct ingest *in = ctx;
	size_t len = 8 + TV_CT_BYTES(in->s->c->k), vlen;
	struct cell_acc *a;
	const void *old;
	uint32_t i;

	for (i = 0; i < in->ncells; i++) {
		a = &in->cells[i];
		if (tv_txn_get(t, ADB_CELLS, a->key, CELL_KEY_BYTES, &old,
		    &vlen) != 0 || vlen != len)
			continue;
		a->seen = xmalloc(len);
		memcpy(a->seen, old, len);
	}
	return 0;
}

/*
 * The additions of a batch's cell sums into the stored ones, done before
 * the write transaction on a snapshot, so that other threads' batches are
 * not kept waiting for them (they were half of the serialised work when a
 * batch touches many cells).  Inside the transaction a precomputed value
 * is used only if the stored one is still the one read; otherwise the
 * addition is done there, as before.  Should that keep happening (threads
 * adding into the same cells at once), precomputing stops being tried.
 */
static void
cells_precompute(struct ingest *in)
{
	uint32_t k = in->s->c->k, i;
	struct cell_acc *a;

	if (in->ncells == 0 || !merge_worth_it(in->s->ingest))
		return;
	if (tv_store_read(in->s->st, cells_seen_fn, in) != 0)
		return;		/* then all in the transaction */
	for (i = 0; i < in->ncells; i++) {
		a = &in->cells[i];
		if (a->seen == NULL) {	/* new: stored as it is, encoded */
			a->ct = xmalloc(TV_CT_BYTES(k));
			cell_encode(a->ct, a, k);
			continue;
		}
		a->next = xmalloc(8 + TV_CT_BYTES(k));
		tv_be64_put(a->next, tv_be64_get(a->seen) + a->count);
		if (tv_gct_add_to_bytes(a->next + 8, a->seen + 8,
		    cell_points(a), k) != 0) {
			free(a->next);	/* a bad stored sum: the transaction */
			a->next = NULL;	/* will say so */
		}
	}
}

static void
quarantine_put(struct tv_txn *t, const struct tv_record *r,
    const uint8_t *bkey, const char *why)
{
	uint8_t v[BATCH_KEY_BYTES + 96];
	size_t n = strlen(why);

	memcpy(v, bkey, BATCH_KEY_BYTES);
	memcpy(v + BATCH_KEY_BYTES, why, n);
	tv_txn_put(t, ADB_QUARANTINE, r->id, 16, v, BATCH_KEY_BYTES + n, 0);
}

static int
records_put(struct tv_txn *t, struct ingest *in, const uint8_t *bkey)
{
	const struct tv_record *r;
	const char *why;
	uint32_t i;

	for (i = 0; i < in->adm.b->nrecords; i++) {
		r = &in->adm.b->records[i];
		if ((why = tv_admission_why(&in->adm, i))[0] != 0) {
			quarantine_put(t, r, bkey, why);
			continue;
		}
		if (tv_txn_put(t, ADB_RECORDS, r->id, 16, bkey, BATCH_KEY_BYTES,
		    TV_PUT_NOOVERWRITE) == TV_ERR_EXISTS ||
		    tv_txn_put(t, ADB_RVALS, r->ct, 32, r->id, 16,
		    TV_PUT_NOOVERWRITE) == TV_ERR_EXISTS) {
			snprintf(in->res->why, sizeof in->res->why,
			    "record %u: id or R already stored from another "
			    "batch", i);
			return TV_ERR_CONFLICT;
		}
	}
	return t->err;
}

static int
ingest_fn(struct tv_txn *t, void *ctx)
{
	struct ingest *in = ctx;
	struct ingest_result *res = in->res;
	uint8_t bkey[BATCH_KEY_BYTES], bval[36];
	const void *old;
	size_t vlen;
	uint32_t i;
	int rc;

	res->duplicate = 0;
	memcpy(bkey, res->device, 32);
	tv_be64_put(bkey + 32, res->seq);
	rc = tv_txn_get(t, ADB_BATCHES, bkey, sizeof bkey, &old, &vlen);
	if (rc == 0) {
		if (vlen == sizeof bval && !memcmp(old, res->hash, 32)) {
			res->duplicate = 1;
			return 0;	/* nothing to write: same answer */
		}
		snprintf(res->why, sizeof res->why, "batch %llu already "
		    "stored with other content", (unsigned long long)res->seq);
		return TV_ERR_CONFLICT;
	}
	if (rc != TV_ERR_NOTFOUND)
		return rc;
	if (in->known)		/* it was there a moment ago */
		return TV_ERR_STORE;
	/* A revocation stored since the device was looked up: revoke_fn
	 * checked the stored batches in its own transaction, so this one must
	 * see it (only a revoked device costs a second decoding). */
	if ((rc = tv_txn_get(t, ADB_DEVICES, res->device, 32, &old,
	    &vlen)) != 0)
		return rc;
	if ((rc = device_admits(in, old, vlen)) != 0)
		return rc;
	if ((rc = records_put(t, in, bkey)) != 0)
		return rc;
	for (i = 0; i < in->ncells; i++)
		if ((rc = cell_merge(t, in->s->ingest, &in->cells[i],
		    in->s->c->k)) != 0)
			return rc;
	memcpy(bval, res->hash, 32);
	tv_be32_put(bval + 32, res->nrecords);
	tv_txn_put(t, ADB_BATCHES, bkey, sizeof bkey, bval, sizeof bval, 0);
	return t->err;
}

static int
ingest_decode(struct ingest *in, const uint8_t *buf, size_t len,
    struct tv_envelope *env)
{
	struct ingest_result *res = in->res;
	int rc;

	crypto_generichash(res->hash, 32, buf, len, NULL, 0);
	if ((rc = tv_envelope_parse(env, buf, len)) != 0)
		return rc;
	memcpy(res->device, env->device_id, 32);
	res->seq = env->seq;
	if ((rc = tv_store_read(in->s->st, device_state_fn, in)) != 0) {
		/* A store failure is not a revocation: say which it is. */
		if (rc == TV_ERR_NOTFOUND)
			snprintf(res->why, sizeof res->why, "device not "
			    "enrolled");
		else if (rc != TV_ERR_REVOKED)
			snprintf(res->why, sizeof res->why, "cannot look up "
			    "the device: %s", tv_strerror(rc));
		return rc;
	}
	if (in->known) {
		res->authentic = 1;
		return 0;	/* identical bytes: admitted when first stored */
	}
	/* The trustees' rule, the same function as their recount's. */
	rc = tv_batch_admit(&in->adm, env, in->s->c, &in->adev);
	res->authentic = in->adm.authentic;
	if (in->adm.b != NULL)
		res->nrecords = in->adm.b->nrecords;
	if (rc != 0)
		snprintf(res->why, sizeof res->why, "%s", in->adm.why);
	else
		res->quarantined = in->adm.nquarantined;
	return rc;
}

/* One checked batch to store: its verdicts and its envelope's bytes. */
struct put {
	struct ingest *in;
	const uint8_t *buf;
	size_t len;
};

static int
envelope_put_fn(struct tv_txn *t, void *ctx)
{
	const struct put *p = ctx;
	struct ingest *in = p->in;
	uint8_t bkey[BATCH_KEY_BYTES];
	int rc;

	if ((rc = ingest_fn(t, in)) != 0)
		return rc;
	/* The audit entry commits with the batch (or with the answer to a
	 * duplicate), or neither does. */
	rc = audit_ingest_txn(t, in->s, in->res, p->len);
	if (rc != 0 || in->res->duplicate)
		return rc;
	memcpy(bkey, in->res->device, 32);
	tv_be64_put(bkey + 32, in->res->seq);
	return tv_txn_put(t, ADB_ENVELOPES, bkey, sizeof bkey, p->buf, p->len,
	    0);
}

/*
 * Group commit.  A commit syncs the disk twice (LMDB's data, then its meta
 * page): about 3.5 ms here, more than checking a batch of ten records, and
 * LMDB takes one writer at a time.  So when several threads (ingest
 * --jobs, serve's threads) have checked batches waiting to be stored, the
 * first becomes the leader and stores all the waiting ones in one write
 * transaction; each batch keeps its own all-or-nothing, answer and audit
 * entry.  If that transaction fails for any reason (one batch in conflict,
 * a full map, a storage error), nothing of it was stored and the leader
 * stores the batches one by one, in order: every batch gets exactly the
 * answer it would have had alone.  A caller returns only once its batch's
 * transaction is committed, as before; alone, nothing changes.
 */
struct commit {
	struct put *put;	/* envelope_put_fn's */
	int rc, done;
	struct commit *next;
};

static int
group_fn(struct tv_txn *t, void *ctx)
{
	struct commit *c;
	int rc;

	for (c = ctx; c != NULL; c = c->next)
		if ((rc = envelope_put_fn(t, c->put)) != 0)
			return rc;
	return 0;
}

/* Take the waiting commits, in arrival order (lock held). */
static struct commit *
commit_take(struct ingest_state *is)
{
	struct commit *mine = is->queue;

	is->queue = NULL;
	return mine;
}

static void
commit_lead(struct server *s)
{
	struct ingest_state *is = s->ingest;
	struct commit *g = commit_take(is), *c, *next;
	int rc;

	pthread_mutex_unlock(&is->lock);
	rc = tv_store_write(s->st, group_fn, g);
	for (c = g; c != NULL; c = c->next)
		c->rc = rc;
	if (rc != 0 && g->next != NULL)
		for (c = g; c != NULL; c = c->next)
			c->rc = tv_store_write(s->st, envelope_put_fn, c->put);
	pthread_mutex_lock(&is->lock);
	for (c = g; c != NULL; c = next) {
		next = c->next;
		c->done = 1;
	}
}

static int
commit_batch(struct server *s, struct put *put)
{
	struct ingest_state *is = s->ingest;
	struct commit me = { .put = put }, **pp;

	pthread_mutex_lock(&is->lock);
	for (pp = &is->queue; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = &me;
	while (!me.done) {
		if (is->leader) {
			pthread_cond_wait(&is->cond, &is->lock);
			continue;
		}
		is->leader = 1;
		commit_lead(s);
		is->leader = 0;
		pthread_cond_broadcast(&is->cond);
	}
	pthread_mutex_unlock(&is->lock);
	return me.rc;
}

void
ingest_envelope(struct server *s, const uint8_t *buf, size_t len,
    struct ingest_result *res)
{
	struct ingest in = { .s = s, .res = res };
	struct tv_envelope env = { 0 };
	struct put put = { &in, buf, len };
	uint32_t i;

	memset(res, 0, sizeof *res);
	in.dev = xmalloc(sizeof *in.dev);
	res->rc = ingest_decode(&in, buf, len, &env);
	if (res->rc == 0) {
		if (!in.known) {
			cells_accumulate(&in);
			cells_precompute(&in);
		}
		res->rc = commit_batch(s, &put);
	}
	if (res->rc != 0 && res->why[0] == 0)
		snprintf(res->why, sizeof res->why, "%s",
		    tv_strerror(res->rc));
	if (res->rc != 0)
		audit_ingest_refused(s, res, len);
	for (i = 0; i < in.ncells; i++) {
		free(in.cells[i].ct);
		free(in.cells[i].sum);
		free(in.cells[i].seen);
		free(in.cells[i].next);
	}
	free(in.cells);
	free(in.dev);
	tv_admission_release(&in.adm);
	tv_envelope_release(&env);
}
