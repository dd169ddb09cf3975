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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/rebuild.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/admit.h"
#include "proto/batch.h"
#include "proto/cert.h"

/* Set of fixed-size random-looking keys (record ids, R values). */
struct keyset {
	size_t width, cap, n;
	uint8_t *slots;		/* cap * (1 + width): used flag, key */
};

static void
keyset_init(struct keyset *s, size_t width)
{
	s->width = width;
	s->cap = 1024;
	s->n = 0;
	s->slots = xcalloc(s->cap, 1 + width);
}

static int keyset_add(struct keyset *s, const uint8_t *key);

static void
keyset_grow(struct keyset *s)
{
	struct keyset old = *s;
	size_t i;

	s->cap *= 2;
	s->n = 0;
	s->slots = xcalloc(s->cap, 1 + s->width);
	for (i = 0; i < old.cap; i++)
		if (old.slots[i * (1 + old.width)])
			(void)keyset_add(s, old.slots + i * (1 + old.width) + 1);
	free(old.slots);
}

/* 1 if added, 0 if it was already there.  Keys are uniformly random, so
 * their first bytes are a good hash. */
static int
keyset_add(struct keyset *s, const uint8_t *key)
{
	uint64_t h;
	size_t i;
	uint8_t *slot;

	if (2 * (s->n + 1) > s->cap)
		keyset_grow(s);
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

/* One (site, day) of the campaign: its count, sum and record ids. */
struct base {
	uint64_t count, cap;
	uint8_t *ct;
	uint8_t *ids;
};

/*
 * The recount runs on several threads (crypto-notes §8: verification
 * parallelises trivially).  The main thread reads the envelopes in order
 * into a window of slots; workers take them in order and do everything
 * that does not depend on the other envelopes -- parse, device certified,
 * then admission (proto/admit.h, the aggregator's own rule at ingest) --
 * and add the admitted records into per-worker (site, day) sums.  The main
 * thread then settles each envelope in request order: the checks that do
 * depend on the others (a repeated batch, record id or R), and the first
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
	struct base *base;	/* nsites * ndays */
};

struct rebuild {
	const struct tv_campaign *c;
	const struct tv_request *req;
	struct devcert *devs;	/* sorted by device key */
	uint32_t ndevs;
	int32_t ndays;
	struct base *base;	/* nsites * ndays: the merged sums */
	struct keyset ids, rs, batches;
	struct rebuilt *out;
	/* the window of envelopes in flight */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *slots;
	unsigned nslots, nworkers;
	uint64_t read, taken;	/* envelopes read, taken by workers */
	int stop;
	struct worker *workers;
};

/* Add record r into a worker's (site, day) sum (its range is checked). */
static void
base_add(struct rebuild *rb, struct base *bases, const struct tv_record *r)
{
	const struct tv_plan *p = rb->c->plan;
	struct base *b = &bases[(size_t)r->site * (size_t)rb->ndays +
	    (size_t)(r->day - p->start_day)];

	if (b->count == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		if ((b->ids = realloc(b->ids, b->cap * 16)) == NULL)
			die("out of memory");
	}
	if (b->ct == NULL) {	/* the first record is the sum */
		b->ct = xmalloc(TV_CT_BYTES(rb->c->k));
		memcpy(b->ct, r->ct, TV_CT_BYTES(rb->c->k));
	} else if (tv_ct_add(b->ct, r->ct, rb->c->k) != 0) {
		/* Every point was checked by tv_batch_decode. */
		die("internal error: unchecked point in a batch");
	}
	memcpy(b->ids + 16 * b->count++, r->id, 16);
}

/* Everything about one envelope that does not depend on the others:
 * its device's certificate, admission, the admitted records' sums. */
static void
slot_work(struct rebuild *rb, struct worker *w, struct slot *sl)
{
	struct tv_envelope env = { 0 };
	unsigned long long n = (unsigned long long)sl->n;
	const struct devcert *dc;
	uint32_t i;
	int rc;

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
	if (tv_batch_admit(&sl->adm, &env, rb->c, &dc->adm) != 0) {
		snprintf(sl->err, sizeof sl->err, "envelope %llu: %s", n,
		    sl->adm.why);
		goto out;
	}
	memcpy(sl->device, env.device_id, 32);
	sl->seq = env.seq;
	for (i = 0; i < sl->adm.b->nrecords; i++)
		if (tv_admission_why(&sl->adm, i)[0] == 0)
			base_add(rb, w->base, &sl->adm.b->records[i]);
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
			slot_work(rb, w, sl);
		pthread_mutex_lock(&rb->lock);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&rb->cond);
	}
	pthread_mutex_unlock(&rb->lock);
	return NULL;
}

static int
batch_seen(struct rebuild *rb, const struct slot *sl)
{
	uint8_t key[40], h[32];
	int i;

	/* (device, seq) names a batch; hash it to a uniform key. */
	memcpy(key, sl->device, 32);
	for (i = 0; i < 8; i++)
		key[32 + i] = (uint8_t)(sl->seq >> (8 * i));
	crypto_generichash(h, sizeof h, key, sizeof key, NULL, 0);
	return !keyset_add(&rb->batches, h);
}

/* The checks that depend on the envelopes before this one, in request
 * order; 0, or -1 with the reason printed. */
static int
slot_settle(struct rebuild *rb, struct slot *sl)
{
	const struct tv_batch *b = sl->adm.b;
	const struct tv_record *r;
	char hex[33];
	uint32_t i;

	if (sl->err[0] != 0)
		return error("%s", sl->err);
	if (batch_seen(rb, sl))
		return error("envelope %llu: the same batch appears twice",
		    (unsigned long long)sl->n);
	/* Counted records only, as the aggregator's store: a record set
	 * aside is never summed, so its id and R bind nothing. */
	for (i = 0; i < b->nrecords; i++) {
		if (tv_admission_why(&sl->adm, i)[0] != 0)
			continue;
		r = &b->records[i];
		hex_encode(hex, r->id, 16);
		if (!keyset_add(&rb->ids, r->id))
			return error("record %s appears twice in the request",
			    hex);
		if (!keyset_add(&rb->rs, r->ct))
			return error("record %s reuses another record's R",
			    hex);
	}
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

/* Read, hand out and settle every envelope; 0, or 1 (reason printed). */
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
		if (settle_next(rb, next++) != 0) {
			ret = 1;
			break;
		}
	}
	rb->stop = 1;
	pthread_cond_broadcast(&rb->cond);
	pthread_mutex_unlock(&rb->lock);
	return ret;
}

static unsigned
rebuild_jobs(void)
{
	const char *e = getenv("TV_REBUILD_JOBS");	/* benchmarks */
	long n = e != NULL ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

/* Fold worker w's sums into the merged ones. */
static void
worker_merge(struct rebuild *rb, struct worker *w)
{
	size_t i, n = (size_t)rb->c->plan->nsites * (size_t)rb->ndays;
	struct base *to, *from;

	for (i = 0; i < n; i++) {
		from = &w->base[i];
		to = &rb->base[i];
		if (from->ct == NULL)
			continue;
		if (to->ct == NULL) {
			*to = *from;
			memset(from, 0, sizeof *from);
			continue;
		}
		if (tv_ct_add(to->ct, from->ct, rb->c->k) != 0)
			die("internal error: invalid partial sum");
		if (to->count + from->count > to->cap) {
			to->cap = to->count + from->count;
			if ((to->ids = realloc(to->ids, to->cap * 16)) == NULL)
				die("out of memory");
		}
		memcpy(to->ids + 16 * to->count, from->ids, 16 * from->count);
		to->count += from->count;
	}
}

static void base_free(struct base *b, size_t n);

static int
rebuild_read(struct rebuild *rb, FILE *f)
{
	size_t nb = (size_t)rb->c->plan->nsites * (size_t)rb->ndays;
	pthread_t th[JOBS_MAX];
	unsigned i, started = 0;
	uint64_t n;
	int rc, ret;

	rb->nworkers = rebuild_jobs();
	rb->nslots = 2 * rb->nworkers + 1;
	rb->slots = xcalloc(rb->nslots, sizeof *rb->slots);
	rb->workers = xcalloc(rb->nworkers, sizeof *rb->workers);
	pthread_mutex_init(&rb->lock, NULL);
	pthread_cond_init(&rb->cond, NULL);
	for (i = 0; i < rb->nworkers; i++) {
		rb->workers[i].rb = rb;
		rb->workers[i].base = xcalloc(nb, sizeof(struct base));
		if (pthread_create(&th[started], NULL, worker_main,
		    &rb->workers[i]) == 0)
			started++;
	}
	if (started == 0)
		die("cannot start a rebuild thread");
	ret = rebuild_pump(rb, f, &rc);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < rb->nslots; i++)
		slot_clear(&rb->slots[i]);
	n = rb->read;
	for (i = 0; i < rb->nworkers; i++) {
		if (ret == 0)
			worker_merge(rb, &rb->workers[i]);
		base_free(rb->workers[i].base, nb);
	}
	free(rb->workers);
	free(rb->slots);
	pthread_mutex_destroy(&rb->lock);
	pthread_cond_destroy(&rb->cond);
	if (ret != 0)
		return 1;
	if (rc != TV_ERR_NOTFOUND)
		return error("release request: %s after %llu envelopes",
		    tv_strerror(rc), (unsigned long long)n), 1;
	if (n != rb->req->nenvelopes)
		return error("release request announces %llu envelopes but "
		    "holds %llu", (unsigned long long)rb->req->nenvelopes,
		    (unsigned long long)n), 1;
	return 0;
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

/* Cell i's sorted record ids, gathered from its (site, day) bases. */
static void
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
	rb->out->ids[i] = xmalloc(rb->out->cells[i].count ?
	    rb->out->cells[i].count * 16 : 1);
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
}

static void
ct_sub(uint8_t *r, const uint8_t *a, const uint8_t *b, uint32_t k)
{
	uint32_t j;

	for (j = 0; j <= k; j++)
		if (tv_point_sub(r + 32 * j, a + 32 * j, b + 32 * j) != 0)
			die("internal error: invalid prefix sum");
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
	uint8_t *ct;		/* (ndays + 1) ciphertexts */
	uint64_t *count;	/* (ndays + 1) */
};

static void
prefix_site(struct rebuild *rb, struct prefix *px, uint32_t s)
{
	size_t ctb = TV_CT_BYTES(px->k);
	struct base *b;
	int32_t d;

	tv_ct_zero(px->ct, px->k);
	px->count[0] = 0;
	for (d = 0; d < px->ndays; d++) {
		b = &rb->base[(size_t)s * (size_t)rb->ndays + (size_t)d];
		memcpy(px->ct + ctb * (size_t)(d + 1), px->ct + ctb * (size_t)d,
		    ctb);
		px->count[d + 1] = px->count[d] + b->count;
		if (b->ct == NULL)
			continue;
		if (px->count[d] == 0)	/* nothing before: no addition */
			memcpy(px->ct + ctb * (size_t)(d + 1), b->ct, ctb);
		else if (tv_ct_add(px->ct + ctb * (size_t)(d + 1), b->ct,
		    px->k) != 0)
			die("internal error: invalid stored sum");
	}
}

/* Cell i's count and sum from a prefix (of one site, or of all). */
static void
prefix_cell(struct rebuild *rb, const struct prefix *px, uint32_t i,
    const uint8_t *(*at)(const struct prefix *, int32_t, uint64_t *))
{
	struct tv_cell *got = &rb->out->cells[i];
	const uint8_t *hi, *lo;
	uint64_t nhi, nlo;
	int32_t first, last, start = rb->c->plan->start_day;

	*got = rb->req->cells[i];
	got->count = 0;
	got->ct = xmalloc(TV_CT_BYTES(px->k));
	tv_ct_zero(got->ct, px->k);
	cell_days(rb, i, &first, &last);
	if (first > last || at == NULL)
		return;		/* no day, or no such site: nothing */
	hi = at(px, last + 1 - start, &nhi);
	lo = at(px, first - start, &nlo);
	got->count = nhi - nlo;
	if (nlo == 0)
		memcpy(got->ct, hi, TV_CT_BYTES(px->k));
	else
		ct_sub(got->ct, hi, lo, px->k);
}

static const uint8_t *
prefix_at(const struct prefix *px, int32_t d, uint64_t *n)
{
	*n = px->count[d];
	return px->ct + TV_CT_BYTES(px->k) * (size_t)d;
}

/* The all-sites prefix is kept only at the days all-sites cells need:
 * the sum over sites of each site's prefix there. */
struct allsites {
	struct prefix px;	/* ct and count at needed days only */
	uint8_t *need;		/* (ndays + 1): 1 if needed */
};

static void
allsites_add(struct allsites *all, const struct prefix *px)
{
	size_t ctb = TV_CT_BYTES(px->k);
	int32_t d;

	for (d = 0; d <= px->ndays; d++) {
		if (!all->need[d] || px->count[d] == 0)
			continue;
		if (all->px.count[d] == 0)
			memcpy(all->px.ct + ctb * (size_t)d, px->ct + ctb *
			    (size_t)d, ctb);
		else if (tv_ct_add(all->px.ct + ctb * (size_t)d, px->ct + ctb *
		    (size_t)d, px->k) != 0)
			die("internal error: invalid prefix sum");
		all->px.count[d] += px->count[d];
	}
}

static void
prefix_alloc(struct prefix *px, uint32_t k, int32_t ndays)
{
	px->k = k;
	px->ndays = ndays;
	px->ct = xcalloc((size_t)ndays + 1, TV_CT_BYTES(k));
	px->count = xcalloc((size_t)ndays + 1, sizeof *px->count);
}

/* Every requested cell: count, sum and sorted ids. */
static void
rebuild_cells(struct rebuild *rb)
{
	const struct tv_request *req = rb->req;
	int32_t first, last, start = rb->c->plan->start_day;
	struct prefix px;
	struct allsites all;
	uint32_t s, i;

	prefix_alloc(&px, rb->c->k, rb->ndays);
	prefix_alloc(&all.px, rb->c->k, rb->ndays);
	all.need = xcalloc((size_t)rb->ndays + 1, 1);
	for (i = 0; i < req->ncells; i++) {
		cell_days(rb, i, &first, &last);
		if (req->cells[i].site == 0 && first <= last) {
			all.need[first - start] = 1;
			all.need[last + 1 - start] = 1;
		}
	}
	for (s = 0; s < rb->c->plan->nsites; s++) {
		prefix_site(rb, &px, s);
		allsites_add(&all, &px);
		for (i = 0; i < req->ncells; i++)
			if (req->cells[i].site == s + 1)
				prefix_cell(rb, &px, i, prefix_at);
	}
	for (i = 0; i < req->ncells; i++) {
		if (req->cells[i].site == 0)
			prefix_cell(rb, &all.px, i, prefix_at);
		else if (req->cells[i].site > rb->c->plan->nsites)
			prefix_cell(rb, &px, i, NULL);	/* no such site */
		cell_ids(rb, i);
	}
	free(px.ct);
	free(px.count);
	free(all.px.ct);
	free(all.px.count);
	free(all.need);
}

static void
base_free(struct base *b, size_t n)
{
	size_t i;

	for (i = 0; b != NULL && i < n; i++) {
		free(b[i].ct);
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
 * smaller last_seq holds.  0, or -1 with the reason printed.
 */
static int
devcerts_build(struct rebuild *rb)
{
	const struct tv_request *req = rb->req;
	struct devcert *dc;
	char hex[65];
	uint32_t i;
	int rc;

	rb->devs = xcalloc(req->ncerts ? req->ncerts : 1, sizeof *rb->devs);
	for (i = 0; i < req->ncerts; i++) {
		hex_encode(hex, req->certs[i].device, 32);
		if ((rc = tv_cert_verify(&req->certs[i], rb->c, NULL)) != 0)
			return error("certificate %u (device %.16s): %s", i, hex,
			    cert_why(rc));
		memcpy(rb->devs[i].device, req->certs[i].device, 32);
		rb->devs[i].adm.cert = &req->certs[i];
	}
	rb->ndevs = req->ncerts;
	qsort(rb->devs, rb->ndevs, sizeof *rb->devs, key32_cmp);
	for (i = 1; i < rb->ndevs; i++) {
		if (memcmp(rb->devs[i].device, rb->devs[i - 1].device, 32) != 0)
			continue;
		hex_encode(hex, rb->devs[i].device, 32);
		return error("two certificates for device %.16s", hex);
	}
	for (i = 0; i < req->nrevs; i++) {
		hex_encode(hex, req->revs[i].device, 32);
		if ((rc = tv_rev_verify(&req->revs[i], rb->c, NULL)) != 0)
			return error("revocation %u (device %.16s): %s", i, hex,
			    cert_why(rc));
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

static void
rebuild_free(struct rebuild *rb)
{
	base_free(rb->base, (size_t)rb->c->plan->nsites * (size_t)rb->ndays);
	free(rb->devs);
	free(rb->ids.slots);
	free(rb->rs.slots);
	free(rb->batches.slots);
}

int
rebuild_request(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct rebuilt *out)
{
	struct rebuild rb = { .c = c, .req = req, .out = out };
	uint32_t bad;
	int ret = 1;

	memset(out, 0, sizeof *out);
	/* The aggregator does not choose what a cell covers: a request is
	 * the plan's own cells or nothing (THREATS.md). */
	if (tv_request_cells_check(req, c->plan, &bad) != 0) {
		if (bad < req->ncells)
			error("cell %u of the request (%u/%u/%d, days %d..%d) "
			    "is not the release hierarchy's cell %u for its "
			    "as-of day: the request is refused", bad,
			    req->cells[bad].site, (unsigned)req->cells[bad].period,
			    req->cells[bad].period_id, req->cells[bad].first_day,
			    req->cells[bad].last_day, bad);
		else
			error("the request lacks cells of the release "
			    "hierarchy for its as-of day: it is refused");
		return 1;
	}
	out->cells = xcalloc(req->ncells, sizeof *out->cells);
	out->ids = xcalloc(req->ncells, sizeof *out->ids);
	rb.ndays = c->plan->end_day - c->plan->start_day + 1;
	rb.base = xcalloc((size_t)c->plan->nsites * (size_t)rb.ndays,
	    sizeof *rb.base);
	keyset_init(&rb.ids, 16);
	keyset_init(&rb.rs, 32);
	keyset_init(&rb.batches, 32);
	if (devcerts_build(&rb) != 0 || rebuild_read(&rb, f) != 0)
		goto out;
	rebuild_cells(&rb);
	ret = 0;
out:
	rebuild_free(&rb);
	return ret;
}

void
rebuilt_release(struct rebuilt *rb, uint32_t ncells)
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
rebuilt_agrees(const struct rebuilt *rb, const struct tv_request *req,
    uint32_t k)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < req->ncells; i++) {
		if (req->cells[i].count == rb->cells[i].count &&
		    sodium_memcmp(req->cells[i].ct, rb->cells[i].ct,
		    TV_CT_BYTES(k)) == 0)
			continue;
		if (bad++ < 5)
			error("cell %u: the aggregator claims %llu records, "
			    "the signed batches give %llu%s", i,
			    (unsigned long long)req->cells[i].count,
			    (unsigned long long)rb->cells[i].count,
			    req->cells[i].count == rb->cells[i].count ?
			    " (sums differ)" : "");
	}
	return bad == 0;
}
