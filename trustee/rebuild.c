/* SPDX-License-Identifier: MIT */
/*
 * The key holder's own recount: it decrypts only sums it derived itself
 * from batches it verified (crypto-notes §5.4), so the aggregator cannot
 * use it as a decryption oracle for a single record or a small set.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "trustee/trustee.h"

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
device_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

struct rebuild {
	const struct tv_campaign *c;
	const struct tv_request *req;
	uint8_t (*devices)[32];	/* sorted copy */
	int32_t ndays;
	uint64_t *count;	/* per (site, day) */
	uint8_t **ct;		/* per (site, day), lazily allocated */
	struct keyset ids, rs, batches;
};

static int
rebuild_record(struct rebuild *rb, const struct tv_record *r)
{
	const struct tv_plan *p = rb->c->plan;
	size_t at;
	char hex[33];

	hex_encode(hex, r->id, 16);
	if (r->site >= p->nsites || r->day < p->start_day ||
	    r->day > p->end_day)
		return error("record %s: site or day outside the campaign",
		    hex);
	if (!keyset_add(&rb->ids, r->id))
		return error("record %s appears twice in the request", hex);
	if (!keyset_add(&rb->rs, r->ct))
		return error("record %s reuses another record's R", hex);
	at = (size_t)r->site * (size_t)rb->ndays + (size_t)(r->day -
	    p->start_day);
	if (rb->ct[at] == NULL) {
		rb->ct[at] = xmalloc(TV_CT_BYTES(rb->c->k));
		tv_ct_zero(rb->ct[at], rb->c->k);
	}
	if (tv_ct_add(rb->ct[at], r->ct, rb->c->k) != 0)
		return error("record %s: invalid ciphertext", hex);
	rb->count[at]++;
	return 0;
}

static int
rebuild_envelope(struct rebuild *rb, const uint8_t *buf, size_t len,
    uint64_t n)
{
	struct tv_envelope env = { 0 };
	struct tv_batch *b = NULL;
	uint8_t key[40], bkey[32];
	uint32_t i;
	int rc, ret = -1;

	if ((rc = tv_envelope_parse(&env, buf, len)) != 0) {
		error("envelope %llu: %s", (unsigned long long)n,
		    tv_strerror(rc));
		goto out;
	}
	if (bsearch(env.device_id, rb->devices, rb->req->ndevices, 32,
	    device_cmp) == NULL) {
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
	/* (device, seq) names a batch; hash it to a uniform 32-byte key. */
	memcpy(key, env.device_id, 32);
	memcpy(key + 32, &env.seq, 8);
	crypto_generichash(bkey, sizeof bkey, key, sizeof key, NULL, 0);
	if (!keyset_add(&rb->batches, bkey)) {
		error("envelope %llu: the same batch appears twice",
		    (unsigned long long)n);
		goto out;
	}
	for (i = 0; i < b->nrecords; i++)
		if (rebuild_record(rb, &b->records[i]) != 0)
			goto out;
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

static void
rebuild_cell(struct rebuild *rb, const struct tv_cell *want,
    struct tv_cell *got)
{
	const struct tv_plan *p = rb->c->plan;
	uint32_t s, s0 = 0, s1 = p->nsites;
	int32_t d, first, last;
	size_t at;

	if (want->site != 0) {
		s0 = want->site - 1;
		s1 = want->site;
	}
	first = want->first_day > p->start_day ? want->first_day : p->start_day;
	last = want->last_day < p->end_day ? want->last_day : p->end_day;
	got->count = 0;
	tv_ct_zero(got->ct, rb->c->k);
	for (s = s0; s < s1 && s < p->nsites; s++)
		for (d = first; d <= last; d++) {
			at = (size_t)s * (size_t)rb->ndays +
			    (size_t)(d - p->start_day);
			if (rb->ct[at] == NULL)
				continue;
			got->count += rb->count[at];
			if (tv_ct_add(got->ct, rb->ct[at], rb->c->k) != 0)
				die("internal error: invalid stored sum");
		}
}

static void
rebuild_free(struct rebuild *rb)
{
	size_t i, n = (size_t)rb->c->plan->nsites * (size_t)rb->ndays;

	for (i = 0; rb->ct != NULL && i < n; i++)
		free(rb->ct[i]);
	free(rb->ct);
	free(rb->count);
	free(rb->devices);
	free(rb->ids.slots);
	free(rb->rs.slots);
	free(rb->batches.slots);
}

int
rebuild_cells(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct tv_cell *rebuilt)
{
	struct rebuild rb = { .c = c, .req = req };
	size_t n;
	uint32_t i;
	int ret = 1;

	rb.ndays = c->plan->end_day - c->plan->start_day + 1;
	n = (size_t)c->plan->nsites * (size_t)rb.ndays;
	rb.count = xcalloc(n, sizeof *rb.count);
	rb.ct = xcalloc(n, sizeof *rb.ct);
	rb.devices = xcalloc(req->ndevices, 32);
	memcpy(rb.devices, req->devices, (size_t)req->ndevices * 32);
	qsort(rb.devices, req->ndevices, 32, device_cmp);
	keyset_init(&rb.ids, 16);
	keyset_init(&rb.rs, 32);
	keyset_init(&rb.batches, 32);
	if (rebuild_read(&rb, f) != 0)
		goto out;
	for (i = 0; i < req->ncells; i++)
		rebuild_cell(&rb, &req->cells[i], &rebuilt[i]);
	ret = 0;
out:
	rebuild_free(&rb);
	return ret;
}
