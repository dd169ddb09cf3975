/* SPDX-License-Identifier: MIT */
/*
 * The recount of a release request from its signed batches.  Nothing the
 * aggregator claims is used: only the envelopes, their signatures and
 * proofs, the device certificates and revocations signed by the trustees,
 * and the campaign bundle.  Which devices count is the trustees' word: the
 * request's device list (field 4) is ignored, since the aggregator can
 * write any key into it (THREATS.md).
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>	/* malloc_trim */
#endif

#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "release/parfor.h"
#include "proto/admit.h"
#include "proto/batch.h"
#include "proto/cert.h"
#include "release/recount.h"

/* Set of fixed-size random-looking keys (record ids, R values). */
struct keyset {
	size_t width, cap, n;
	uint8_t *slots;		/* cap * (1 + width): used flag, key */
};

static int
keyset_init(struct keyset *s, size_t width)
{
	s->width = width;
	s->cap = 1024;
	s->n = 0;
	s->slots = calloc(s->cap, 1 + width);
	return s->slots == NULL ? TV_ERR_NOMEM : 0;
}

static int keyset_add(struct keyset *s, const uint8_t *key);

static int
keyset_grow(struct keyset *s)
{
	struct keyset old = *s;
	size_t i;

	if ((s->slots = calloc(2 * old.cap, 1 + s->width)) == NULL) {
		*s = old;
		return TV_ERR_NOMEM;
	}
	s->cap *= 2;
	s->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.slots[i * (1 + old.width)])
			(void)keyset_add(s, old.slots + i * (1 + old.width) + 1);
	free(old.slots);
	return 0;
}

/* 1 if added, 0 if it was already there, TV_ERR_NOMEM.  Keys are
 * uniformly random, so their first bytes are a good hash. */
static int
keyset_add(struct keyset *s, const uint8_t *key)
{
	uint64_t h;
	size_t i;
	uint8_t *slot;

	if (2 * (s->n + 1) > s->cap && keyset_grow(s) != 0)
		return TV_ERR_NOMEM;
	memcpy(&h, key + 1, sizeof h);
	for (i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		slot = s->slots + i * (1 + s->width);
		if (!slot[0]) {
			slot[0] = 1;
			memcpy(slot + 1, key, s->width);
			s->n++;
			return 1;
		}
		if (memcmp(slot + 1, key, s->width) == 0)
			return 0;
	}
}

static int
key32_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Why a certificate or revocation is refused, in the trustees' words. */
static const char *
cert_why(int rc)
{
	switch (rc) {
	case TV_ERR_RANGE: return "fewer valid signatures than the threshold";
	case TV_ERR_BADSIG: return "a signature does not verify";
	case TV_ERR_NOTFOUND: return "signed by an unknown trustee index";
	case TV_ERR_EXISTS: return "one trustee signed twice";
	case TV_ERR_MISMATCH: return "made for another campaign";
	case TV_ERR_FORMAT: return "sites or window invalid for this plan";
	default: return tv_strerror(rc);
	}
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* One (site, day) of the campaign: its count, sum and record ids.  The
 * sum is kept decoded (crypto/gpoint.h): each record's points are decoded
 * once and added there; sums are encoded only per requested cell. */
struct base {
	uint64_t count, cap;
	struct tv_gpoint *sum;	/* k + 1 points, or NULL (no record) */
	uint8_t *ids;
};

/* k + 1 decoded points, aligned for libdecaf; NULL if out of memory. */
static struct tv_gpoint *
gct_alloc(size_t n, uint32_t k)
{
	return aligned_alloc(alignof(struct tv_gpoint), n * ((size_t)k + 1) *
	    sizeof(struct tv_gpoint));
}

/*
 * The recount runs on several threads (crypto-notes §8: verification
 * parallelises trivially).  The main thread reads the envelopes in order
 * into a window of slots; workers take them in order and do everything
 * that does not depend on the other envelopes -- parse, device certified,
 * then admission (proto/admit.h, the aggregator's own rule at ingest) --
 * and add the admitted records into the (site, day) sums (one set, locked
 * per (site, day)).  The main thread then settles each envelope in
 * request order: the checks that do depend on the others (a repeated
 * batch, record id or R), and the first
 * error in request order is the one reported, with the same words as a
 * sequential recount.  Sums are group elements and ids are sorted at the
 * end, so the result does not depend on the number of threads.
 */
#define JOBS_MAX 8

enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_TAKEN, SLOT_DONE };

struct slot {
	enum slot_state state;
	uint64_t n;		/* envelope number in the request */
	uint8_t *buf;
	size_t len;
	char err[200];		/* the envelope as a whole is refused */
	int rc;			/* and how: TV_ERR_REFUSED or a system code */
	struct tv_admission adm;	/* its batch and verdicts */
	uint8_t device[32];
	uint64_t seq;
};

/* One certified device: its certificate and how far its batches count. */
struct devcert {
	uint8_t device[32];
	struct tv_admit_device adm;
};

struct worker {
	struct rebuild *rb;
};

/* The workers add into the one set of (site, day) sums, each (site, day)
 * under one of these locks: a set per worker, merged at the end, was
 * 8 x 33 x 256 bytes per (site, day) and per core once sums were kept
 * decoded (300 MiB a worker for a year of 100 sites at K = 32).  Sums are
 * group elements and ids are sorted at the end: the order in which the
 * workers add does not show. */
#define BASE_LOCKS 256

struct rebuild {
	const struct tv_campaign *c;
	const struct tv_request *req;
	struct devcert *devs;	/* sorted by device key */
	uint32_t ndevs;
	int32_t ndays;
	struct base *base;	/* nsites * ndays: the sums */
	pthread_mutex_t base_locks[BASE_LOCKS];
	struct keyset ids, rs, batches;
	/* rs holds BLAKE2b-128 of each R under this random key: half the
	 * memory of the Rs (at 10^6 records the set was 69 MiB, 104 while
	 * it grew), the same verdicts (two Rs are equal iff their keyed
	 * hashes are, but with probability about n^2 / 2^129 that nobody
	 * can raise without the key). */
	uint8_t rkey[crypto_generichash_KEYBYTES];
	struct tv_recount *out;
	char *why;		/* the caller's reason buffer */
	size_t whylen;
	/* the window of envelopes in flight */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *slots;
	unsigned nslots, nworkers;
	uint64_t read, taken;	/* envelopes read, taken by workers */
	int stop;
	struct worker *workers;
};

/* The request is refused: the reason into the caller's buffer. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct rebuild *rb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rb->why, rb->whylen, fmt, ap);
	va_end(ap);
	return TV_ERR_REFUSED;
}

static int
base_add_locked(struct rebuild *rb, struct base *b, const struct tv_record *r,
    const struct tv_gpoint *v);

/* Add record r, whose points admission decoded (v), into its (site, day)
 * sum (its range was checked at admission): 0 or a code. */
static int
base_add(struct rebuild *rb, const struct tv_record *r,
    const struct tv_gpoint *v)
{
	size_t i = (size_t)r->site * (size_t)rb->ndays +
	    (size_t)(r->day - rb->c->plan->start_day);
	pthread_mutex_t *m = &rb->base_locks[i % BASE_LOCKS];
	int rc;

	pthread_mutex_lock(m);
	rc = base_add_locked(rb, &rb->base[i], r, v);
	pthread_mutex_unlock(m);
	return rc;
}

static int
base_add_locked(struct rebuild *rb, struct base *b, const struct tv_record *r,
    const struct tv_gpoint *v)
{
	uint8_t *ids;

	if (b->count == b->cap) {
		if ((ids = realloc(b->ids, (b->cap ? 2 * b->cap : 16) *
		    16)) == NULL)
			return TV_ERR_NOMEM;
		b->ids = ids;
		b->cap = b->cap ? 2 * b->cap : 16;
	}
	if (v == NULL)
		return TV_ERR_CRYPTO;	/* admission decoded every point */
	if (b->sum == NULL) {	/* the first record is the sum */
		if ((b->sum = gct_alloc(1, rb->c->k)) == NULL)
			return TV_ERR_NOMEM;
		memcpy(b->sum, v, ((size_t)rb->c->k + 1) * sizeof *b->sum);
	} else {
		tv_gct_add(b->sum, v, rb->c->k);
	}
	memcpy(b->ids + 16 * b->count++, r->id, 16);
	return 0;
}

/* Everything about one envelope that does not depend on the others:
 * its device's certificate, admission, the admitted records' sums. */
static void
slot_work(struct rebuild *rb, struct slot *sl)
{
	struct tv_envelope env = { 0 };
	unsigned long long n = (unsigned long long)sl->n;
	const struct devcert *dc;
	uint32_t i;
	int rc;

	sl->rc = TV_ERR_REFUSED;
	if ((rc = tv_envelope_parse(&env, sl->buf, sl->len)) != 0) {
		snprintf(sl->err, sizeof sl->err, "envelope %llu: %s", n,
		    tv_strerror(rc));
		goto out;
	}
	/* struct devcert starts with the key: key32_cmp compares it. */
	if ((dc = bsearch(env.device_id, rb->devs, rb->ndevs, sizeof *dc,
	    key32_cmp)) == NULL) {
		snprintf(sl->err, sizeof sl->err, "envelope %llu: signed by a "
		    "device without a trustee certificate in the request", n);
		goto out;
	}
	if ((rc = tv_batch_admit(&sl->adm, &env, rb->c, &dc->adm)) != 0) {
		snprintf(sl->err, sizeof sl->err, "envelope %llu: %s", n,
		    sl->adm.why);
		if (rc == TV_ERR_NOMEM)
			sl->rc = rc;
		goto out;
	}
	memcpy(sl->device, env.device_id, 32);
	sl->seq = env.seq;
	for (i = 0, rc = 0; i < sl->adm.b->nrecords && rc == 0; i++)
		if (tv_admission_why(&sl->adm, i)[0] == 0)
			rc = base_add(rb, &sl->adm.b->records[i],
			    tv_batch_points(sl->adm.b, i));
	tv_batch_drop_points(sl->adm.b);	/* summed */
	if (rc != 0) {
		snprintf(sl->err, sizeof sl->err, "envelope %llu: %s", n,
		    tv_strerror(rc));
		sl->rc = rc;
	}
out:
	tv_envelope_release(&env);
	free(sl->buf);
	sl->buf = NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rebuild *rb = w->rb;
	struct slot *sl;
	int stop;

	pthread_mutex_lock(&rb->lock);
	for (;;) {
		while (!rb->stop && rb->taken == rb->read)
			pthread_cond_wait(&rb->cond, &rb->lock);
		if (rb->taken == rb->read)
			break;		/* stopped, nothing left */
		sl = &rb->slots[rb->taken++ % rb->nslots];
		sl->state = SLOT_TAKEN;
		stop = rb->stop;
		pthread_mutex_unlock(&rb->lock);
		if (!stop)	/* after a refusal, only drain */
			slot_work(rb, sl);
		pthread_mutex_lock(&rb->lock);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&rb->cond);
	}
	pthread_mutex_unlock(&rb->lock);
	return NULL;
}

/* 1 if the batch is new to the request, 0 if seen, or a code. */
static int
batch_first(struct rebuild *rb, const struct slot *sl)
{
	uint8_t key[40], h[32];
	int i;

	/* (device, seq) names a batch; hash it to a uniform key. */
	memcpy(key, sl->device, 32);
	for (i = 0; i < 8; i++)
		key[32 + i] = (uint8_t)(sl->seq >> (8 * i));
	crypto_generichash(h, sizeof h, key, sizeof key, NULL, 0);
	return keyset_add(&rb->batches, h);
}

/* A record's id and R are new to the request: 0, or a code. */
static int
record_settle(struct rebuild *rb, const struct tv_record *r)
{
	uint8_t h[16];
	char hex[33];
	int rc;

	sodium_bin2hex(hex, sizeof hex, r->id, 16);
	if ((rc = keyset_add(&rb->ids, r->id)) <= 0)
		return rc < 0 ? rc : refuse(rb, "record %s appears twice in "
		    "the request", hex);
	crypto_generichash(h, sizeof h, r->ct, 32, rb->rkey, sizeof rb->rkey);
	if ((rc = keyset_add(&rb->rs, h)) <= 0)
		return rc < 0 ? rc : refuse(rb, "record %s reuses another "
		    "record's R", hex);
	return 0;
}

/* The checks that depend on the envelopes before this one, in request
 * order: 0, or a code (TV_ERR_REFUSED: the reason in rb->why). */
static int
slot_settle(struct rebuild *rb, struct slot *sl)
{
	const struct tv_batch *b = sl->adm.b;
	uint32_t i;
	int rc;

	if (sl->err[0] != 0) {
		snprintf(rb->why, rb->whylen, "%s", sl->err);
		return sl->rc;
	}
	if ((rc = batch_first(rb, sl)) <= 0)
		return rc < 0 ? rc : refuse(rb, "envelope %llu: the same "
		    "batch appears twice", (unsigned long long)sl->n);
	/* Counted records only, as the aggregator's store: a record set
	 * aside is never summed, so its id and R bind nothing. */
	for (i = 0; i < b->nrecords; i++)
		if (tv_admission_why(&sl->adm, i)[0] == 0 &&
		    (rc = record_settle(rb, &b->records[i])) != 0)
			return rc;
	rb->out->records += b->nrecords - sl->adm.nquarantined;
	rb->out->quarantined += sl->adm.nquarantined;
	rb->out->batches++;
	return 0;
}

static void
slot_clear(struct slot *sl)
{
	free(sl->buf);
	tv_admission_release(&sl->adm);
	memset(sl, 0, sizeof *sl);
}

/* Settle envelope `next` once a worker is done with it (lock held). */
static int
settle_next(struct rebuild *rb, uint64_t next)
{
	struct slot *sl = &rb->slots[next % rb->nslots];
	int rc;

	while (sl->state != SLOT_DONE)
		pthread_cond_wait(&rb->cond, &rb->lock);
	pthread_mutex_unlock(&rb->lock);
	rc = slot_settle(rb, sl);
	slot_clear(sl);
	pthread_mutex_lock(&rb->lock);
	return rc;
}

/* Read, hand out and settle every envelope: 0 or the first envelope's
 * code; *rrc the reading's last code (TV_ERR_NOTFOUND at the end). */
static int
rebuild_pump(struct rebuild *rb, FILE *f, int *rrc)
{
	uint64_t next = 0;
	uint8_t *buf;
	size_t len;
	int ret = 0;

	*rrc = 0;
	pthread_mutex_lock(&rb->lock);
	for (;;) {
		if (*rrc == 0 && rb->read - next < rb->nslots) {
			pthread_mutex_unlock(&rb->lock);
			*rrc = tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX);
			pthread_mutex_lock(&rb->lock);
			if (*rrc == 0) {
				struct slot *sl = &rb->slots[rb->read %
				    rb->nslots];

				sl->n = rb->read++;
				sl->buf = buf;
				sl->len = len;
				sl->state = SLOT_QUEUED;
				pthread_cond_broadcast(&rb->cond);
			}
			continue;
		}
		if (next == rb->read)
			break;		/* all read envelopes settled */
		if ((ret = settle_next(rb, next++)) != 0)
			break;
	}
	rb->stop = 1;
	pthread_cond_broadcast(&rb->cond);
	pthread_mutex_unlock(&rb->lock);
	return ret;
}

static void base_free(struct base *b, size_t n);

/* The window and the workers' sums; 0 or TV_ERR_NOMEM. */
static int
workers_alloc(struct rebuild *rb)
{
	unsigned i;

	rb->nworkers = tv_jobs();
	rb->nslots = 2 * rb->nworkers + 1;
	rb->slots = calloc(rb->nslots, sizeof *rb->slots);
	rb->workers = calloc(rb->nworkers, sizeof *rb->workers);
	if (rb->slots == NULL || rb->workers == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < rb->nworkers; i++)
		rb->workers[i].rb = rb;
	return 0;
}

static void
workers_free(struct rebuild *rb)
{
	unsigned i;

	for (i = 0; rb->slots != NULL && i < rb->nslots; i++)
		slot_clear(&rb->slots[i]);
	free(rb->workers);
	free(rb->slots);
}

/* How the reading ended (rrc) after n envelopes: 0 or a code. */
static int
read_end(struct rebuild *rb, int rrc, uint64_t n)
{
	if (rrc == TV_ERR_IO || rrc == TV_ERR_NOMEM) {
		snprintf(rb->why, rb->whylen, "release request: %s after "
		    "%llu envelopes", tv_strerror(rrc), (unsigned long long)n);
		return rrc;
	}
	if (rrc != TV_ERR_NOTFOUND)
		return refuse(rb, "release request: %s after %llu envelopes",
		    tv_strerror(rrc), (unsigned long long)n);
	if (n != rb->req->nenvelopes)
		return refuse(rb, "release request announces %llu envelopes "
		    "but holds %llu", (unsigned long long)rb->req->nenvelopes,
		    (unsigned long long)n);
	return 0;
}

static int
rebuild_read(struct rebuild *rb, FILE *f)
{
	pthread_t th[JOBS_MAX];
	unsigned i, started = 0;
	int rrc = 0, rc;

	if ((rc = workers_alloc(rb)) != 0)
		goto out;
	pthread_mutex_init(&rb->lock, NULL);
	pthread_cond_init(&rb->cond, NULL);
	for (i = 0; i < BASE_LOCKS; i++)
		pthread_mutex_init(&rb->base_locks[i], NULL);
	for (i = 0; i < rb->nworkers; i++)
		if (pthread_create(&th[started], NULL, worker_main,
		    &rb->workers[i]) == 0)
			started++;
	/* No thread: the pump cannot settle anything, and says so. */
	rc = started == 0 ? TV_ERR_NOMEM : rebuild_pump(rb, f, &rrc);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&rb->lock);
	pthread_cond_destroy(&rb->cond);
	for (i = 0; i < BASE_LOCKS; i++)
		pthread_mutex_destroy(&rb->base_locks[i]);
	if (rc == 0)
		rc = read_end(rb, rrc, rb->read);
out:
	if (rc != 0 && rb->why[0] == 0)
		snprintf(rb->why, rb->whylen, "%s", tv_strerror(rc));
	workers_free(rb);
	return rc;
}

/* The days of cell i, clipped to the campaign (first > last: none). */
static void
cell_days(const struct rebuild *rb, uint32_t i, int32_t *first,
    int32_t *last)
{
	const struct tv_plan *p = rb->c->plan;
	const struct tv_cell *want = &rb->req->cells[i];

	*first = want->first_day > p->start_day ? want->first_day :
	    p->start_day;
	*last = want->last_day < p->end_day ? want->last_day : p->end_day;
}

/* Cell i's sorted record ids, gathered from its (site, day) bases: 0 or
 * TV_ERR_NOMEM. */
static int
cell_ids(struct rebuild *rb, uint32_t i)
{
	const struct tv_cell *want = &rb->req->cells[i];
	uint32_t s, s0 = 0, s1 = rb->c->plan->nsites;
	int32_t d, first, last;
	struct base *b;
	size_t n = 0;

	if (want->site != 0) {
		s0 = want->site - 1;
		s1 = want->site;
	}
	cell_days(rb, i, &first, &last);
	if ((rb->out->ids[i] = malloc(rb->out->cells[i].count ?
	    rb->out->cells[i].count * 16 : 1)) == NULL)
		return TV_ERR_NOMEM;
	for (s = s0; s < s1 && s < rb->c->plan->nsites; s++)
		for (d = first; d <= last; d++) {
			b = &rb->base[(size_t)s * (size_t)rb->ndays +
			    (size_t)(d - rb->c->plan->start_day)];
			if (b->count == 0)
				continue;	/* b->ids may be NULL */
			memcpy(rb->out->ids[i] + 16 * n, b->ids, 16 * b->count);
			n += b->count;
		}
	qsort(rb->out->ids[i], n, 16, id_cmp);
	return 0;
}

/*
 * Sums of days [first, last] from prefix sums: P[d] is the sum of the
 * days before d (P[0] = nothing), so the cell is P[last + 1] - P[first]:
 * one subtraction per point instead of one addition per day.  A week,
 * a month, a quarter and the campaign of a site then cost about one
 * addition per day of the campaign in all, not one per day of each cell
 * (a year of 100 sites: about 4x fewer additions).  The group law is
 * exact, so the bytes are those of the day-by-day sum.
 */
struct prefix {
	uint32_t k;
	int32_t ndays;
	struct tv_gpoint *sum;	/* (ndays + 1) decoded ciphertexts */
	uint64_t *count;	/* (ndays + 1) */
};

/* The decoded ciphertext of day d of a prefix. */
static struct tv_gpoint *
prefix_sum(const struct prefix *px, int32_t d)
{
	return px->sum + ((size_t)px->k + 1) * (size_t)d;
}

/* Site s's prefix sums: 0 (sums of decoded points cannot fail). */
static int
prefix_site(struct rebuild *rb, struct prefix *px, uint32_t s)
{
	size_t ctg = ((size_t)px->k + 1) * sizeof(struct tv_gpoint);
	struct base *b;
	int32_t d;

	tv_gct_zero(prefix_sum(px, 0), px->k);
	px->count[0] = 0;
	for (d = 0; d < px->ndays; d++) {
		b = &rb->base[(size_t)s * (size_t)rb->ndays + (size_t)d];
		px->count[d + 1] = px->count[d] + b->count;
		if (b->sum == NULL)
			memcpy(prefix_sum(px, d + 1), prefix_sum(px, d), ctg);
		else if (px->count[d] == 0)	/* nothing before */
			memcpy(prefix_sum(px, d + 1), b->sum, ctg);
		else {
			memcpy(prefix_sum(px, d + 1), prefix_sum(px, d), ctg);
			tv_gct_add(prefix_sum(px, d + 1), b->sum, px->k);
		}
	}
	return 0;
}

/* Cell i's count and sum from a prefix (of one site, or of all): 0 or a
 * code. */
static int
prefix_cell(struct rebuild *rb, const struct prefix *px, uint32_t i,
    const struct tv_gpoint *(*at)(const struct prefix *, int32_t, uint64_t *))
{
	struct tv_cell *got = &rb->out->cells[i];
	const struct tv_gpoint *hi, *lo;
	struct tv_gpoint *diff;
	uint64_t nhi, nlo;
	int32_t first, last, start = rb->c->plan->start_day;

	*got = rb->req->cells[i];
	got->count = 0;
	if ((got->ct = malloc(TV_CT_BYTES(px->k))) == NULL)
		return TV_ERR_NOMEM;
	tv_ct_zero(got->ct, px->k);
	cell_days(rb, i, &first, &last);
	if (first > last || at == NULL)
		return 0;	/* no day, or no such site: nothing */
	hi = at(px, last + 1 - start, &nhi);
	lo = at(px, first - start, &nlo);
	got->count = nhi - nlo;
	if (nlo == 0) {	/* the one encoding of this cell's sum */
		tv_gct_encode(got->ct, hi, px->k);
		return 0;
	}
	if ((diff = gct_alloc(1, px->k)) == NULL)
		return TV_ERR_NOMEM;
	memcpy(diff, hi, ((size_t)px->k + 1) * sizeof *diff);
	tv_gct_sub(diff, lo, px->k);
	tv_gct_encode(got->ct, diff, px->k);
	free(diff);
	return 0;
}

static const struct tv_gpoint *
prefix_at(const struct prefix *px, int32_t d, uint64_t *n)
{
	*n = px->count[d];
	return prefix_sum(px, d);
}

/* The all-sites prefix is kept only at the days all-sites cells need:
 * the sum over sites of each site's prefix there. */
struct allsites {
	struct prefix px;	/* ct and count at needed days only */
	uint8_t *need;		/* (ndays + 1): 1 if needed */
};

static int
allsites_add(struct allsites *all, const struct prefix *px)
{
	size_t ctg = ((size_t)px->k + 1) * sizeof(struct tv_gpoint);
	int32_t d;

	for (d = 0; d <= px->ndays; d++) {
		if (!all->need[d] || px->count[d] == 0)
			continue;
		if (all->px.count[d] == 0)
			memcpy(prefix_sum(&all->px, d), prefix_sum(px, d), ctg);
		else
			tv_gct_add(prefix_sum(&all->px, d), prefix_sum(px, d),
			    px->k);
		all->px.count[d] += px->count[d];
	}
	return 0;
}

static int
prefix_alloc(struct prefix *px, uint32_t k, int32_t ndays)
{
	px->k = k;
	px->ndays = ndays;
	px->sum = gct_alloc((size_t)ndays + 1, k);
	px->count = calloc((size_t)ndays + 1, sizeof *px->count);
	return px->sum == NULL || px->count == NULL ? TV_ERR_NOMEM : 0;
}

static void
prefix_free(struct prefix *px)
{
	free(px->sum);
	free(px->count);
}

/* Mark the days the all-sites cells start and end at. */
static void
allsites_need(struct rebuild *rb, struct allsites *all)
{
	int32_t first, last, start = rb->c->plan->start_day;
	uint32_t i;

	for (i = 0; i < rb->req->ncells; i++) {
		cell_days(rb, i, &first, &last);
		if (rb->req->cells[i].site == 0 && first <= last) {
			all->need[first - start] = 1;
			all->need[last + 1 - start] = 1;
		}
	}
}

/* Site s's (site, day) sums are in its prefix sums now, and nothing else
 * reads them: free them before the cells' id lists are made (at national
 * scale the decoded sums are most of a recount's memory). */
static void
site_sums_drop(struct rebuild *rb, uint32_t s)
{
	struct base *b = &rb->base[(size_t)s * (size_t)rb->ndays];
	int32_t d;

	for (d = 0; d < rb->ndays; d++) {
		free(b[d].sum);
		b[d].sum = NULL;
	}
}

/* The cells of one site s, and s's share of the all-sites prefix. */
static int
site_cells(struct rebuild *rb, struct prefix *px, struct allsites *all,
    uint32_t s)
{
	uint32_t i;
	int rc;

	if ((rc = prefix_site(rb, px, s)) != 0 ||
	    (rc = allsites_add(all, px)) != 0)
		return rc;
	for (i = 0; i < rb->req->ncells && rc == 0; i++)
		if (rb->req->cells[i].site == s + 1)
			rc = prefix_cell(rb, px, i, prefix_at);
	site_sums_drop(rb, s);
	return rc;
}

/* Every requested cell: count, sum and sorted ids; 0 or a code. */
static int
rebuild_cells(struct rebuild *rb)
{
	const struct tv_request *req = rb->req;
	struct prefix px = { 0 };
	struct allsites all = { 0 };
	uint32_t s, i;
	int rc;

	if ((rc = prefix_alloc(&px, rb->c->k, rb->ndays)) != 0 ||
	    (rc = prefix_alloc(&all.px, rb->c->k, rb->ndays)) != 0 ||
	    (all.need = calloc((size_t)rb->ndays + 1, 1)) == NULL) {
		rc = TV_ERR_NOMEM;
		goto out;
	}
	allsites_need(rb, &all);
	for (s = 0; s < rb->c->plan->nsites && rc == 0; s++)
		rc = site_cells(rb, &px, &all, s);
	for (i = 0; i < req->ncells && rc == 0; i++) {
		if (req->cells[i].site == 0)
			rc = prefix_cell(rb, &all.px, i, prefix_at);
		else if (req->cells[i].site > rb->c->plan->nsites)
			rc = prefix_cell(rb, &px, i, NULL);	/* no such site */
		if (rc == 0)
			rc = cell_ids(rb, i);
	}
out:
	prefix_free(&px);
	prefix_free(&all.px);
	free(all.need);
	return rc;
}

static void
base_free(struct base *b, size_t n)
{
	size_t i;

	for (i = 0; b != NULL && i < n; i++) {
		free(b[i].sum);
		free(b[i].ids);
	}
	free(b);
}

/*
 * The trustees' rule on devices, checked once before any envelope: every
 * certificate and revocation in the request must carry t valid signatures
 * of distinct trustees of the bundle (an invalid one refuses the request:
 * the aggregator does not get to choose which of its papers we ignore),
 * one certificate per device.  Two revocations of one device: the
 * smaller last_seq holds.  0 or a code (TV_ERR_REFUSED: rb->why).
 */
static int
devcerts_build(struct rebuild *rb)
{
	const struct tv_request *req = rb->req;
	struct devcert *dc;
	char hex[65];
	uint32_t i;
	int rc;

	if ((rb->devs = calloc(req->ncerts ? req->ncerts : 1,
	    sizeof *rb->devs)) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < req->ncerts; i++) {
		sodium_bin2hex(hex, sizeof hex, req->certs[i].device, 32);
		if ((rc = tv_cert_verify(&req->certs[i], rb->c, NULL)) != 0)
			return refuse(rb, "certificate %u (device %.16s): %s",
			    i, hex, cert_why(rc));
		memcpy(rb->devs[i].device, req->certs[i].device, 32);
		rb->devs[i].adm.cert = &req->certs[i];
	}
	rb->ndevs = req->ncerts;
	qsort(rb->devs, rb->ndevs, sizeof *rb->devs, key32_cmp);
	for (i = 1; i < rb->ndevs; i++) {
		if (memcmp(rb->devs[i].device, rb->devs[i - 1].device, 32) != 0)
			continue;
		sodium_bin2hex(hex, sizeof hex, rb->devs[i].device, 32);
		return refuse(rb, "two certificates for device %.16s", hex);
	}
	for (i = 0; i < req->nrevs; i++) {
		sodium_bin2hex(hex, sizeof hex, req->revs[i].device, 32);
		if ((rc = tv_rev_verify(&req->revs[i], rb->c, NULL)) != 0)
			return refuse(rb, "revocation %u (device %.16s): %s", i,
			    hex, cert_why(rc));
		dc = bsearch(req->revs[i].device, rb->devs, rb->ndevs,
		    sizeof *dc, key32_cmp);
		if (dc == NULL)
			continue;	/* a device that counts nowhere anyway */
		if (!dc->adm.revoked || req->revs[i].last_seq <
		    dc->adm.last_seq)
			dc->adm.last_seq = req->revs[i].last_seq;
		dc->adm.revoked = 1;
	}
	return 0;
}

/* The sets of batches, record ids and Rs seen: only for settling. */
static void
keysets_drop(struct rebuild *rb)
{
	free(rb->ids.slots);
	free(rb->rs.slots);
	free(rb->batches.slots);
	rb->ids.slots = rb->rs.slots = rb->batches.slots = NULL;
}

static void
rebuild_free(struct rebuild *rb)
{
	base_free(rb->base, (size_t)rb->c->plan->nsites * (size_t)rb->ndays);
	free(rb->devs);
	keysets_drop(rb);
}

/* The aggregator does not choose what a cell covers: a request is the
 * plan's own cells or nothing (THREATS.md). */
static int
cells_are_the_plans(struct rebuild *rb)
{
	const struct tv_request *req = rb->req;
	uint32_t bad;

	if (tv_request_cells_check(req, rb->c->plan, &bad) == 0)
		return 0;
	if (bad >= req->ncells)
		return refuse(rb, "the request lacks cells of the release "
		    "hierarchy for its as-of day: it is refused");
	return refuse(rb, "cell %u of the request (%u/%u/%d, days %d..%d) is "
	    "not the release hierarchy's cell %u for its as-of day: the "
	    "request is refused", bad, req->cells[bad].site,
	    (unsigned)req->cells[bad].period, req->cells[bad].period_id,
	    req->cells[bad].first_day, req->cells[bad].last_day, bad);
}

/* The recount's tables: 0 or TV_ERR_NOMEM. */
static int
rebuild_alloc(struct rebuild *rb)
{
	const struct tv_plan *p = rb->c->plan;
	uint32_t n = rb->req->ncells ? rb->req->ncells : 1;

	rb->ndays = p->end_day - p->start_day + 1;
	randombytes_buf(rb->rkey, sizeof rb->rkey);
	rb->out->cells = calloc(n, sizeof *rb->out->cells);
	rb->out->ids = calloc(n, sizeof *rb->out->ids);
	rb->base = calloc((size_t)p->nsites * (size_t)rb->ndays,
	    sizeof *rb->base);
	if (rb->out->cells == NULL || rb->out->ids == NULL ||
	    rb->base == NULL || keyset_init(&rb->ids, 16) != 0 ||
	    keyset_init(&rb->rs, 16) != 0 ||
	    keyset_init(&rb->batches, 32) != 0)
		return TV_ERR_NOMEM;
	return 0;
}

int
tv_recount(FILE *f, const struct tv_request *req, const struct tv_campaign *c,
    struct tv_recount *out, char *why, size_t whylen)
{
	struct rebuild rb = { .c = c, .req = req, .out = out, .why = why,
	    .whylen = whylen };
	int rc;

	memset(out, 0, sizeof *out);
	why[0] = 0;
	if ((rc = cells_are_the_plans(&rb)) == 0 &&
	    (rc = rebuild_alloc(&rb)) == 0 &&
	    (rc = devcerts_build(&rb)) == 0 &&
	    (rc = rebuild_read(&rb, f)) == 0) {
		keysets_drop(&rb);	/* every envelope is settled */
		rc = rebuild_cells(&rb);
	}
	if (rc != 0 && why[0] == 0)
		snprintf(why, whylen, "%s", tv_strerror(rc));
	rebuild_free(&rb);
#ifdef __GLIBC__
	/* The (site, day) sums just freed were allocated by the worker
	 * threads: glibc keeps their arenas' pages unless asked, and what
	 * the caller allocates next (partials, release.json) would come on
	 * top of them. */
	malloc_trim(0);
#endif
	return rc;
}

void
tv_recount_release(struct tv_recount *rb, uint32_t ncells)
{
	uint32_t i;

	for (i = 0; rb->cells != NULL && i < ncells; i++) {
		free(rb->cells[i].ct);
		free(rb->ids[i]);
	}
	free(rb->cells);
	free(rb->ids);
	memset(rb, 0, sizeof *rb);
}

int
tv_recount_agrees(const struct tv_recount *rb, const struct tv_request *req,
    uint32_t k, char *why, size_t whylen)
{
	uint32_t i, first = 0, bad = 0;

	for (i = 0; i < req->ncells; i++) {
		if (req->cells[i].count == rb->cells[i].count &&
		    sodium_memcmp(req->cells[i].ct, rb->cells[i].ct,
		    TV_CT_BYTES(k)) == 0)
			continue;
		if (bad++ == 0)
			first = i;
	}
	if (bad == 0)
		return 1;
	snprintf(why, whylen, "cell %u: the aggregator claims %llu records, "
	    "the signed batches give %llu%s (%u cell(s) differ)", first,
	    (unsigned long long)req->cells[first].count,
	    (unsigned long long)rb->cells[first].count,
	    req->cells[first].count == rb->cells[first].count ?
	    " (sums differ)" : "", bad);
	return 0;
}

int
tv_recount_claims(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct tv_recount *out, char *why,
    size_t whylen)
{
	int rc = tv_recount(f, req, c, out, why, whylen);

	if (rc == 0 && !tv_recount_agrees(out, req, c->k, why, whylen))
		rc = TV_ERR_REFUSED;
	return rc;
}
