/* SPDX-License-Identifier: MIT */
/*
 * The recount of a release request from its signed batches.  Nothing the
 * aggregator claims is used: only the envelopes, their signatures and
 * proofs, and the campaign bundle.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/rebuild.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/record_proof.h"

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

struct rebuild {
	const struct tv_campaign *c;
	const struct tv_request *req;
	uint8_t (*devices)[32];	/* sorted copy */
	int32_t ndays;
	struct base *base;	/* nsites * ndays */
	struct keyset ids, rs, batches;
	struct rebuilt *out;
};

static int
rebuild_record(struct rebuild *rb, const struct tv_record *r,
    const uint8_t *device)
{
	const struct tv_plan *p = rb->c->plan;
	struct base *b;
	char hex[33], why[128];

	hex_encode(hex, r->id, 16);
	if (r->site >= p->nsites || r->day < p->start_day ||
	    r->day > p->end_day)
		return error("record %s: site or day outside the campaign",
		    hex);
	if (!keyset_add(&rb->ids, r->id))
		return error("record %s appears twice in the request", hex);
	if (!keyset_add(&rb->rs, r->ct))
		return error("record %s reuses another record's R", hex);
	if (tv_record_verify(r, rb->c, device, why, sizeof why) != 0) {
		rb->out->quarantined++;	/* set aside, as at ingest */
		return 0;
	}
	b = &rb->base[(size_t)r->site * (size_t)rb->ndays +
	    (size_t)(r->day - p->start_day)];
	if (b->ct == NULL) {
		b->ct = xmalloc(TV_CT_BYTES(rb->c->k));
		tv_ct_zero(b->ct, rb->c->k);
	}
	if (b->count == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		if ((b->ids = realloc(b->ids, b->cap * 16)) == NULL)
			die("out of memory");
	}
	if (tv_ct_add(b->ct, r->ct, rb->c->k) != 0)
		return error("record %s: invalid ciphertext", hex);
	memcpy(b->ids + 16 * b->count++, r->id, 16);
	rb->out->records++;
	return 0;
}

static int
batch_seen(struct rebuild *rb, const struct tv_envelope *env)
{
	uint8_t key[40], h[32];
	int i;

	/* (device, seq) names a batch; hash it to a uniform key. */
	memcpy(key, env->device_id, 32);
	for (i = 0; i < 8; i++)
		key[32 + i] = (uint8_t)(env->seq >> (8 * i));
	crypto_generichash(h, sizeof h, key, sizeof key, NULL, 0);
	return !keyset_add(&rb->batches, h);
}

static int
rebuild_envelope(struct rebuild *rb, const uint8_t *buf, size_t len,
    uint64_t n)
{
	struct tv_envelope env = { 0 };
	struct tv_batch *b = NULL;
	uint32_t i;
	int rc, ret = -1;

	if ((rc = tv_envelope_parse(&env, buf, len)) != 0) {
		error("envelope %llu: %s", (unsigned long long)n,
		    tv_strerror(rc));
		goto out;
	}
	if (bsearch(env.device_id, rb->devices, rb->req->ndevices, 32,
	    key32_cmp) == NULL) {
		error("envelope %llu: signed by a device the request does "
		    "not list", (unsigned long long)n);
		goto out;
	}
	if ((rc = tv_envelope_verify(&env)) != 0 ||
	    (rc = tv_batch_decode(&b, &env, rb->c->id, rb->c->k)) != 0) {
		error("envelope %llu: %s", (unsigned long long)n,
		    tv_strerror(rc));
		goto out;
	}
	if (batch_seen(rb, &env)) {
		error("envelope %llu: the same batch appears twice",
		    (unsigned long long)n);
		goto out;
	}
	for (i = 0; i < b->nrecords; i++)
		if (rebuild_record(rb, &b->records[i], env.device_id) != 0)
			goto out;
	rb->out->batches++;
	ret = 0;
out:
	tv_batch_free(b);
	tv_envelope_release(&env);
	return ret;
}

static int
rebuild_read(struct rebuild *rb, FILE *f)
{
	uint8_t *buf = NULL;
	size_t len;
	uint64_t n = 0;
	int rc;

	while ((rc = tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX)) == 0) {
		rc = rebuild_envelope(rb, buf, len, n++);
		free(buf);
		if (rc != 0)
			return 1;
	}
	if (rc != TV_ERR_NOTFOUND)
		return error("release request: %s after %llu envelopes",
		    tv_strerror(rc), (unsigned long long)n), 1;
	if (n != rb->req->nenvelopes)
		return error("release request announces %llu envelopes but "
		    "holds %llu", (unsigned long long)rb->req->nenvelopes,
		    (unsigned long long)n), 1;
	return 0;
}

/* Cell i from the (site, day) sums: count, sum and sorted ids. */
static void
rebuild_cell(struct rebuild *rb, uint32_t i)
{
	const struct tv_plan *p = rb->c->plan;
	const struct tv_cell *want = &rb->req->cells[i];
	struct tv_cell *got = &rb->out->cells[i];
	uint32_t s, s0 = 0, s1 = p->nsites;
	int32_t d, first, last;
	struct base *b;
	size_t n = 0;

	if (want->site != 0) {
		s0 = want->site - 1;
		s1 = want->site;
	}
	first = want->first_day > p->start_day ? want->first_day : p->start_day;
	last = want->last_day < p->end_day ? want->last_day : p->end_day;
	*got = *want;
	got->count = 0;
	got->ct = xmalloc(TV_CT_BYTES(rb->c->k));
	tv_ct_zero(got->ct, rb->c->k);
	for (s = s0; s < s1 && s < p->nsites; s++)
		for (d = first; d <= last; d++) {
			b = &rb->base[(size_t)s * (size_t)rb->ndays +
			    (size_t)(d - p->start_day)];
			if (b->ct == NULL)
				continue;
			got->count += b->count;
			if (tv_ct_add(got->ct, b->ct, rb->c->k) != 0)
				die("internal error: invalid stored sum");
		}
	rb->out->ids[i] = xmalloc(got->count ? got->count * 16 : 1);
	for (s = s0; s < s1 && s < p->nsites; s++)
		for (d = first; d <= last; d++) {
			b = &rb->base[(size_t)s * (size_t)rb->ndays +
			    (size_t)(d - p->start_day)];
			if (b->count == 0)
				continue;	/* b->ids may be NULL */
			memcpy(rb->out->ids[i] + 16 * n, b->ids, 16 * b->count);
			n += b->count;
		}
	qsort(rb->out->ids[i], n, 16, id_cmp);
}

static void
rebuild_free(struct rebuild *rb)
{
	size_t i, n = (size_t)rb->c->plan->nsites * (size_t)rb->ndays;

	for (i = 0; rb->base != NULL && i < n; i++) {
		free(rb->base[i].ct);
		free(rb->base[i].ids);
	}
	free(rb->base);
	free(rb->devices);
	free(rb->ids.slots);
	free(rb->rs.slots);
	free(rb->batches.slots);
}

int
rebuild_request(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct rebuilt *out)
{
	struct rebuild rb = { .c = c, .req = req, .out = out };
	uint32_t i;
	int ret = 1;

	memset(out, 0, sizeof *out);
	out->cells = xcalloc(req->ncells, sizeof *out->cells);
	out->ids = xcalloc(req->ncells, sizeof *out->ids);
	rb.ndays = c->plan->end_day - c->plan->start_day + 1;
	rb.base = xcalloc((size_t)c->plan->nsites * (size_t)rb.ndays,
	    sizeof *rb.base);
	rb.devices = xcalloc(req->ndevices, 32);
	memcpy(rb.devices, req->devices, (size_t)req->ndevices * 32);
	qsort(rb.devices, req->ndevices, 32, key32_cmp);
	keyset_init(&rb.ids, 16);
	keyset_init(&rb.rs, 32);
	keyset_init(&rb.batches, 32);
	if (rebuild_read(&rb, f) != 0)
		goto out;
	for (i = 0; i < req->ncells; i++)
		rebuild_cell(&rb, i);
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
