/* SPDX-License-Identifier: MIT */
/*
 * batch.c - seal and open signed, zstd-compressed batches (see batch.h and
 * docs/formats.md).  Every input is hostile until proven otherwise: the
 * size is capped before anything is allocated, the signature is checked
 * before decompression, decompression streams into a bounded buffer, and
 * protobuf-c unpacks through an allocator with a byte budget because it has
 * no allocation limit of its own.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "crypto/group.h"
#include "proto/batch.h"
#include "proto/tallyvan.pb-c.h"

#define BATCH_VERSION 1
#define ZSTD_LEVEL 3
#define SIG_BYTES 64
#define BUDGET_SLACK (64u << 10)
/* What malloc spends per block beyond the request, roughly: counting it
 * makes a flood of tiny sub-messages exhaust the budget too. */
#define BUDGET_OVERHEAD 16
/* The domain label, with its terminating NUL, starts the signed bytes. */
static const char sig_label[] = "tallyvan/batch/v1";

/*
 * A ProtobufCAllocator that refuses to hand out more than a fixed number of
 * bytes in total (never given back: the budget bounds the peak).
 */
struct budget {
	ProtobufCAllocator a;
	size_t left;
	int exhausted;
};

/* An unpacked Envelope and the allocator that owns its memory. */
struct env_pb {
	struct budget bud;
	Tallyvan__Envelope *m;
};

static void *
budget_alloc(void *data, size_t size)
{
	struct budget *b = data;
	size_t cost = size + BUDGET_OVERHEAD;

	if (cost < size || cost > b->left) {
		b->exhausted = 1;
		return NULL;
	}
	b->left -= cost;
	return malloc(size != 0 ? size : 1);
}

static void
budget_free(void *data, void *p)
{
	(void)data;
	free(p);
}

static void
budget_init(struct budget *b, size_t limit)
{
	b->a.alloc = budget_alloc;
	b->a.free = budget_free;
	b->a.allocator_data = b;
	b->left = limit;
	b->exhausted = 0;
}

/* The one translation of zstd errors. */
static int
zerr(size_t ret)
{
	switch (ZSTD_getErrorCode(ret)) {
	case ZSTD_error_memory_allocation:
		return TV_ERR_NOMEM;
	case ZSTD_error_frameParameter_windowTooLarge:
	case ZSTD_error_dstSize_tooSmall:
		return TV_ERR_TOOBIG;
	default:
		return TV_ERR_FORMAT;
	}
}

static void
be64_store(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static int
k_ok(uint32_t k)
{
	return k >= 1 && k <= TV_INDICATORS_MAX;
}

/*
 * The largest packed Record for k indicators, as a field of Batch: tag and
 * length (1 + 3), id (1 + 1 + 16), site (1 + 5), day (1 + 10: a negative
 * int32 is a ten-byte varint), ct (1 + 3 + ct).
 */
static size_t
record_max(uint32_t k)
{
	return 4 + 18 + 6 + 11 + 4 + TV_CT_BYTES(k) + 4 + TV_PROOFS_MAX(k);
}

/* No valid Batch for k decompresses to more than this. */
static size_t
raw_cap(uint32_t k)
{
	size_t cap = 128 + (size_t)TV_BATCH_RECORDS_MAX * record_max(k);

	return cap < TV_BATCH_RAW_MAX ? cap : TV_BATCH_RAW_MAX;
}

/* label NUL || device_id || seq (u64 BE) || payload, malloc'd. */
static uint8_t *
sign_msg(size_t *mlen, const uint8_t dev[TV_DEVICE_ID_BYTES], uint64_t seq,
    const uint8_t *payload, size_t plen)
{
	size_t hlen = sizeof sig_label + TV_DEVICE_ID_BYTES + 8;
	uint8_t *m;

	if (plen > SIZE_MAX - hlen || (m = malloc(hlen + plen)) == NULL)
		return NULL;
	memcpy(m, sig_label, sizeof sig_label);
	memcpy(m + sizeof sig_label, dev, TV_DEVICE_ID_BYTES);
	be64_store(m + sizeof sig_label + TV_DEVICE_ID_BYTES, seq);
	memcpy(m + hlen, payload, plen);
	*mlen = hlen + plen;
	return m;
}

/* ---- sealing ---------------------------------------------------------- */

static int
seal_check(const struct tv_batch *b, const uint8_t device_sk[64])
{
	uint8_t pk[TV_DEVICE_ID_BYTES];
	uint32_t i;

	if (!k_ok(b->k))
		return TV_ERR_RANGE;
	if (b->nrecords > TV_BATCH_RECORDS_MAX)
		return TV_ERR_TOOBIG;
	if (b->nrecords != 0 && b->records == NULL)
		return TV_ERR_RANGE;
	for (i = 0; i < b->nrecords; i++)
		if (b->records[i].ct == NULL)
			return TV_ERR_RANGE;
	if (crypto_sign_ed25519_sk_to_pk(pk, device_sk) != 0)
		return TV_ERR_CRYPTO;
	if (sodium_memcmp(pk, b->device_id, sizeof pk) != 0)
		return TV_ERR_MISMATCH;
	return 0;
}

static void
record_to_pb(Tallyvan__Record *pr, const struct tv_record *r, uint32_t k)
{
	tallyvan__record__init(pr);
	pr->id.len = TV_RECORD_ID_BYTES;
	pr->id.data = (uint8_t *)r->id;
	pr->site = r->site;
	pr->day = r->day;
	pr->ct.len = TV_CT_BYTES(k);
	pr->ct.data = r->ct;
	pr->proofs.len = r->proofs_len;
	pr->proofs.data = r->proofs;
}

/* Pack b as a Batch message into a malloc'd buffer. */
static int
batch_pack(uint8_t **raw, size_t *rawlen, const struct tv_batch *b)
{
	Tallyvan__Batch m = TALLYVAN__BATCH__INIT;
	Tallyvan__Record *recs = NULL, **recp = NULL;
	size_t n = b->nrecords, i, len;
	int rc = TV_ERR_NOMEM;

	if ((recs = calloc(n + 1, sizeof *recs)) == NULL ||
	    (recp = calloc(n + 1, sizeof *recp)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		record_to_pb(&recs[i], &b->records[i], b->k);
		recp[i] = &recs[i];
	}
	m.version = BATCH_VERSION;
	m.campaign_id.len = TV_CAMPAIGN_ID_BYTES;
	m.campaign_id.data = (uint8_t *)b->campaign_id;
	m.device_id.len = TV_DEVICE_ID_BYTES;
	m.device_id.data = (uint8_t *)b->device_id;
	m.seq = b->seq;
	m.n_records = n;
	m.records = recp;
	rc = TV_ERR_TOOBIG;
	if ((len = tallyvan__batch__get_packed_size(&m)) > TV_BATCH_RAW_MAX)
		goto out;
	rc = TV_ERR_NOMEM;
	if ((*raw = malloc(len)) == NULL)
		goto out;
	*rawlen = tallyvan__batch__pack(&m, *raw);
	rc = 0;
out:
	free(recp);
	free(recs);
	return rc;
}

static int
batch_compress(uint8_t **z, size_t *zlen, const uint8_t *raw, size_t rawlen)
{
	size_t cap = ZSTD_compressBound(rawlen), ret;

	if (ZSTD_isError(cap))
		return TV_ERR_TOOBIG;
	if ((*z = malloc(cap)) == NULL)
		return TV_ERR_NOMEM;
	ret = ZSTD_compress(*z, cap, raw, rawlen, ZSTD_LEVEL);
	if (ZSTD_isError(ret)) {
		free(*z);
		*z = NULL;
		return zerr(ret);
	}
	*zlen = ret;
	return 0;
}

static int
envelope_pack(uint8_t **out, size_t *outlen, const struct tv_batch *b,
    const uint8_t *z, size_t zlen, const uint8_t device_sk[64])
{
	Tallyvan__Envelope e = TALLYVAN__ENVELOPE__INIT;
	uint8_t sig[SIG_BYTES], *msg;
	size_t mlen, len;

	if (zlen > TV_ENVELOPE_MAX)
		return TV_ERR_TOOBIG;
	if ((msg = sign_msg(&mlen, b->device_id, b->seq, z, zlen)) == NULL)
		return TV_ERR_NOMEM;
	crypto_sign_detached(sig, NULL, msg, mlen, device_sk);
	free(msg);
	e.version = BATCH_VERSION;
	e.device_id.len = TV_DEVICE_ID_BYTES;
	e.device_id.data = (uint8_t *)b->device_id;
	e.seq = b->seq;
	e.payload.len = zlen;
	e.payload.data = (uint8_t *)z;
	e.signature.len = sizeof sig;
	e.signature.data = sig;
	if ((len = tallyvan__envelope__get_packed_size(&e)) > TV_ENVELOPE_MAX)
		return TV_ERR_TOOBIG;
	if ((*out = malloc(len)) == NULL)
		return TV_ERR_NOMEM;
	*outlen = tallyvan__envelope__pack(&e, *out);
	return 0;
}

int
tv_batch_seal(uint8_t **out, size_t *outlen, const struct tv_batch *b,
    const uint8_t device_sk[64])
{
	uint8_t *raw = NULL, *z = NULL;
	size_t rawlen = 0, zlen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = seal_check(b, device_sk)) != 0)
		goto out;
	if ((rc = batch_pack(&raw, &rawlen, b)) != 0)
		goto out;
	if ((rc = batch_compress(&z, &zlen, raw, rawlen)) != 0)
		goto out;
	rc = envelope_pack(out, outlen, b, z, zlen, device_sk);
out:
	free(z);
	free(raw);
	return rc;
}

/* ---- the envelope ----------------------------------------------------- */

static int
envelope_check(const Tallyvan__Envelope *m)
{
	/* Strict: a field we do not know is a field nobody signed. */
	if (m->base.n_unknown_fields != 0 || m->version != BATCH_VERSION)
		return TV_ERR_FORMAT;
	if (m->device_id.len != TV_DEVICE_ID_BYTES ||
	    m->signature.len != SIG_BYTES || m->payload.len == 0)
		return TV_ERR_FORMAT;
	return 0;
}

int
tv_envelope_parse(struct tv_envelope *env, const uint8_t *buf, size_t len)
{
	struct env_pb *pb = NULL;
	int rc;

	memset(env, 0, sizeof *env);
	if (len > TV_ENVELOPE_MAX)
		return TV_ERR_TOOBIG;
	if (buf == NULL || len == 0)
		return TV_ERR_FORMAT;
	if ((pb = calloc(1, sizeof *pb)) == NULL)
		return TV_ERR_NOMEM;
	budget_init(&pb->bud, 4 * len + BUDGET_SLACK);
	if ((pb->m = tallyvan__envelope__unpack(&pb->bud.a, len, buf)) == NULL) {
		rc = pb->bud.exhausted ? TV_ERR_TOOBIG : TV_ERR_FORMAT;
		goto out;
	}
	if ((rc = envelope_check(pb->m)) != 0)
		goto out;
	/* One encoding per envelope: protobuf merges a repeated field (two
	 * envelopes concatenated parse as the second), so bytes that are not
	 * exactly the packing of what they hold are refused, or a replayed
	 * pair would take the second batch's place under other bytes. */
	if (tallyvan__envelope__get_packed_size(pb->m) != len) {
		rc = TV_ERR_FORMAT;
		goto out;
	}
	memcpy(env->device_id, pb->m->device_id.data, TV_DEVICE_ID_BYTES);
	env->seq = pb->m->seq;
	env->payload = pb->m->payload.data;
	env->payload_len = pb->m->payload.len;
	memcpy(env->sig, pb->m->signature.data, SIG_BYTES);
	env->pb = pb;
	pb = NULL;
out:
	if (pb != NULL) {
		tallyvan__envelope__free_unpacked(pb->m, &pb->bud.a);
		free(pb);
	}
	return rc;
}

int
tv_envelope_verify(const struct tv_envelope *env)
{
	uint8_t *msg;
	size_t mlen;
	int rc = TV_ERR_BADSIG;

	if (env->payload == NULL || env->payload_len == 0)
		return TV_ERR_BADSIG;
	msg = sign_msg(&mlen, env->device_id, env->seq, env->payload,
	    env->payload_len);
	if (msg == NULL)
		return TV_ERR_NOMEM;
	if (crypto_sign_verify_detached(env->sig, msg, mlen,
	    env->device_id) == 0)
		rc = 0;
	free(msg);
	return rc;
}

void
tv_envelope_release(struct tv_envelope *env)
{
	struct env_pb *pb;

	if (env == NULL)
		return;
	if ((pb = env->pb) != NULL) {
		tallyvan__envelope__free_unpacked(pb->m, &pb->bud.a);
		free(pb);
	}
	memset(env, 0, sizeof *env);
}

/* ---- bounded decompression -------------------------------------------- */

/* Double the output buffer, up to cap; TV_ERR_TOOBIG at the cap. */
static int
outbuf_grow(ZSTD_outBuffer *o, size_t cap)
{
	size_t n = o->size * 2;
	void *p;

	if (o->size >= cap)
		return TV_ERR_TOOBIG;
	if (n > cap || n < o->size)
		n = cap;
	if ((p = realloc(o->dst, n)) == NULL)
		return TV_ERR_NOMEM;
	o->dst = p;
	o->size = n;
	return 0;
}

/*
 * Run the decoder until the first frame ends.  The declared content size is
 * never trusted: the buffer grows as output actually appears, up to cap.
 */
static int
stream_frame(ZSTD_DCtx *dc, ZSTD_outBuffer *o, ZSTD_inBuffer *in, size_t cap)
{
	size_t ret;
	int rc;

	for (;;) {
		if (o->pos == o->size && (rc = outbuf_grow(o, cap)) != 0)
			return rc;
		ret = ZSTD_decompressStream(dc, o, in);
		if (ZSTD_isError(ret))
			return zerr(ret);
		if (ret == 0)
			return 0;
		/* Room left and all input eaten: the frame is cut short. */
		if (in->pos == in->size && o->pos < o->size)
			return TV_ERR_FORMAT;
	}
}

/* Exactly one zstd frame, nothing after it, at most cap bytes out. */
static int
zstd_bounded(uint8_t **raw, size_t *rawlen, const uint8_t *z, size_t zlen,
    size_t cap)
{
	ZSTD_inBuffer in = { z, zlen, 0 };
	ZSTD_outBuffer o = { NULL, 0, 0 };
	ZSTD_DCtx *dc;
	size_t first = zlen < cap / 4 ? zlen * 4 : cap;
	int rc = TV_ERR_NOMEM;

	if (first < (64u << 10))
		first = cap < (64u << 10) ? cap : (64u << 10);
	if ((dc = ZSTD_createDCtx()) == NULL)
		goto out;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax,
	    TV_ZSTD_WINDOWLOG_MAX)))
		goto out;
	if ((o.dst = malloc(first)) == NULL)
		goto out;
	o.size = first;
	if ((rc = stream_frame(dc, &o, &in, cap)) != 0)
		goto out;
	if (in.pos != in.size) {
		rc = TV_ERR_FORMAT;	/* a second frame or trailing bytes */
		goto out;
	}
	*raw = o.dst;
	*rawlen = o.pos;
	o.dst = NULL;
out:
	free(o.dst);
	ZSTD_freeDCtx(dc);
	return rc;
}

/* ---- the batch -------------------------------------------------------- */

/* A record's fields and lengths; its points: ct_decode(). */
static int
record_check(const Tallyvan__Record *r, uint32_t k)
{
	if (r->base.n_unknown_fields != 0 || r->id.len != TV_RECORD_ID_BYTES ||
	    r->ct.len != TV_CT_BYTES(k) || r->proofs.len > TV_PROOFS_MAX(k))
		return TV_ERR_FORMAT;
	return 0;
}

/*
 * The points of a ciphertext: each must pass tv_point_ok() (decoding it
 * is that check: tv_gpoint_decode() accepts exactly what tv_point_ok()
 * accepts), and R, the first, must not be the identity, whose only valid
 * encoding is 32 zero bytes (tv_point_ok_nonid()).  The k + 1 points are
 * decoded into v, or only checked if v is NULL.  0 or TV_ERR_FORMAT.
 */
static int
ct_decode(struct tv_gpoint *v, const uint8_t *ct, uint32_t k)
{
	static const uint8_t zero[TV_POINT_BYTES];
	struct tv_gpoint tmp;
	uint32_t i;

	if (memcmp(ct, zero, TV_POINT_BYTES) == 0)
		return TV_ERR_FORMAT;
	for (i = 0; i <= k; i++)
		if (tv_gpoint_decode(v != NULL ? &v[i] : &tmp,
		    ct + (size_t)i * TV_POINT_BYTES) != 0)
			return TV_ERR_FORMAT;
	return 0;
}

/* Every record's points checked and kept decoded in b->pts, for the sums
 * (ingest, recount): each point is decoded once. */
static int
batch_points(struct tv_batch *b)
{
	size_t np = (size_t)b->k + 1;
	uint32_t i;
	int rc = 0;

	b->pts = aligned_alloc(alignof(struct tv_gpoint),
	    (b->nrecords ? b->nrecords : 1) * np * sizeof *b->pts);
	if (b->pts == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < b->nrecords && rc == 0; i++)
		rc = ct_decode(b->pts + i * np, b->records[i].ct, b->k);
	return rc;
}

static int
batch_check_header(const Tallyvan__Batch *m, const struct tv_envelope *env,
    const uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES])
{
	if (m->base.n_unknown_fields != 0 || m->version != BATCH_VERSION)
		return TV_ERR_FORMAT;
	if (m->campaign_id.len != TV_CAMPAIGN_ID_BYTES ||
	    m->device_id.len != TV_DEVICE_ID_BYTES)
		return TV_ERR_FORMAT;
	if (memcmp(m->campaign_id.data, campaign_id, TV_CAMPAIGN_ID_BYTES) != 0)
		return TV_ERR_MISMATCH;
	if (memcmp(m->device_id.data, env->device_id, TV_DEVICE_ID_BYTES) != 0 ||
	    m->seq != env->seq)
		return TV_ERR_MISMATCH;
	if (m->n_records > TV_BATCH_RECORDS_MAX)
		return TV_ERR_TOOBIG;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b,
	    TV_RECORD_ID_BYTES);
}

static int
cmp_point(const void *a, const void *b)
{
	return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b,
	    TV_POINT_BYTES);
}

/*
 * Refuse a batch that repeats a record id, or an R (R = rG with a fresh r:
 * a repeat means a replayed or forged record, or a broken RNG).
 */
static int
batch_dups(const struct tv_batch *b)
{
	const uint8_t **v;
	uint32_t i, n = b->nrecords;
	int rc = 0;

	if (n < 2)
		return 0;
	if ((v = malloc(n * sizeof *v)) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < n; i++)
		v[i] = b->records[i].id;
	qsort(v, n, sizeof *v, cmp_id);
	for (i = 1; i < n && rc == 0; i++)
		if (cmp_id(&v[i - 1], &v[i]) == 0)
			rc = TV_ERR_FORMAT;
	for (i = 0; i < n; i++)
		v[i] = b->records[i].ct;
	qsort(v, n, sizeof *v, cmp_point);
	for (i = 1; i < n && rc == 0; i++)
		if (cmp_point(&v[i - 1], &v[i]) == 0)
			rc = TV_ERR_FORMAT;
	free(v);
	return rc;
}

/* One allocation: the tv_batch, then its records, then every ct, then
 * every record's proofs (plen bytes in all). */
static struct tv_batch *
batch_alloc(uint32_t n, uint32_t k, size_t plen)
{
	size_t ctlen = TV_CT_BYTES(k);
	struct tv_batch *b;
	uint8_t *ct;
	uint32_t i;

	b = malloc(sizeof *b + (size_t)n * (sizeof *b->records + ctlen) + plen);
	if (b == NULL)
		return NULL;
	memset(b, 0, sizeof *b);
	b->records = (struct tv_record *)(b + 1);
	ct = (uint8_t *)(b->records + n);
	for (i = 0; i < n; i++) {
		b->records[i].ct = ct + (size_t)i * ctlen;
		b->records[i].proofs = NULL;
		b->records[i].proofs_len = 0;
	}
	b->k = k;
	b->nrecords = n;
	return b;
}

static int
batch_copy(struct tv_batch **out, const Tallyvan__Batch *m, uint32_t k)
{
	struct tv_batch *b;
	struct tv_record *r;
	size_t i, plen = 0;
	uint8_t *proofs;
	int rc;

	for (i = 0; i < m->n_records; i++) {
		if ((rc = record_check(m->records[i], k)) != 0)
			return rc;
		plen += m->records[i]->proofs.len;
	}
	if ((b = batch_alloc((uint32_t)m->n_records, k, plen)) == NULL)
		return TV_ERR_NOMEM;
	proofs = (uint8_t *)b->records + m->n_records * (sizeof *b->records +
	    TV_CT_BYTES(k));
	memcpy(b->campaign_id, m->campaign_id.data, TV_CAMPAIGN_ID_BYTES);
	memcpy(b->device_id, m->device_id.data, TV_DEVICE_ID_BYTES);
	b->seq = m->seq;
	for (i = 0; i < m->n_records; i++) {
		r = &b->records[i];
		memcpy(r->id, m->records[i]->id.data, TV_RECORD_ID_BYTES);
		r->site = m->records[i]->site;
		r->day = m->records[i]->day;
		memcpy(r->ct, m->records[i]->ct.data, TV_CT_BYTES(k));
		if (m->records[i]->proofs.len > 0) {
			r->proofs = proofs;
			r->proofs_len = m->records[i]->proofs.len;
			memcpy(proofs, m->records[i]->proofs.data, r->proofs_len);
			proofs += r->proofs_len;
		}
	}
	if ((rc = batch_dups(b)) != 0) {
		free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int
tv_batch_unpack(struct tv_batch **out, const uint8_t *raw, size_t rawlen,
    const struct tv_envelope *env,
    const uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES], uint32_t k)
{
	Tallyvan__Batch *m = NULL;
	struct budget bud;
	int rc;

	*out = NULL;
	if (!k_ok(k))
		return TV_ERR_RANGE;
	if (rawlen > raw_cap(k))
		return TV_ERR_TOOBIG;
	if (raw == NULL && rawlen != 0)
		return TV_ERR_FORMAT;
	budget_init(&bud, 8 * rawlen + BUDGET_SLACK);
	if ((m = tallyvan__batch__unpack(&bud.a, rawlen, raw)) == NULL)
		return bud.exhausted ? TV_ERR_TOOBIG : TV_ERR_FORMAT;
	if ((rc = batch_check_header(m, env, campaign_id)) == 0)
		rc = batch_copy(out, m, k);
	tallyvan__batch__free_unpacked(m, &bud.a);
	/* The points last, once the message is freed: the decoded points
	 * (8 times the ciphertexts) and the unpacked message are never in
	 * memory together. */
	if (rc == 0 && (rc = batch_points(*out)) != 0) {
		tv_batch_free(*out);
		*out = NULL;
	}
	return rc;
}

int
tv_batch_decode(struct tv_batch **out, const struct tv_envelope *env,
    const uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES], uint32_t k)
{
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	int rc;

	*out = NULL;
	if (!k_ok(k))
		return TV_ERR_RANGE;
	if (env->payload == NULL || env->payload_len == 0)
		return TV_ERR_FORMAT;
	rc = zstd_bounded(&raw, &rawlen, env->payload, env->payload_len,
	    raw_cap(k));
	if (rc == 0)
		rc = tv_batch_unpack(out, raw, rawlen, env, campaign_id, k);
	free(raw);
	return rc;
}

void
tv_batch_free(struct tv_batch *b)
{
	if (b == NULL)
		return;
	free(b->pts);
	free(b);	/* records and ct live in the same block */
}

const struct tv_gpoint *
tv_batch_points(const struct tv_batch *b, uint32_t i)
{
	if (b->pts == NULL || i >= b->nrecords)
		return NULL;
	return b->pts + (size_t)i * ((size_t)b->k + 1);
}

void
tv_batch_drop_points(struct tv_batch *b)
{
	if (b == NULL)
		return;
	free(b->pts);
	b->pts = NULL;
}

/* ---- single records (the collector's outbox) -------------------------- */

int
tv_record_pack(uint8_t **out, size_t *outlen, const struct tv_record *r,
    uint32_t k)
{
	Tallyvan__Record m;
	size_t len;

	*out = NULL;
	*outlen = 0;
	if (!k_ok(k) || r->ct == NULL)
		return TV_ERR_RANGE;
	record_to_pb(&m, r, k);
	len = tallyvan__record__get_packed_size(&m);
	if ((*out = malloc(len)) == NULL)
		return TV_ERR_NOMEM;
	*outlen = tallyvan__record__pack(&m, *out);
	return 0;
}

int
tv_record_unpack(struct tv_record *r, const uint8_t *buf, size_t len,
    uint32_t k)
{
	Tallyvan__Record *m = NULL;
	struct budget bud;
	int rc;

	memset(r, 0, sizeof *r);
	if (!k_ok(k))
		return TV_ERR_RANGE;
	if (len > record_max(k))
		return TV_ERR_TOOBIG;
	if (buf == NULL)
		return TV_ERR_FORMAT;
	budget_init(&bud, 8 * len + BUDGET_SLACK);
	if ((m = tallyvan__record__unpack(&bud.a, len, buf)) == NULL) {
		rc = bud.exhausted ? TV_ERR_TOOBIG : TV_ERR_FORMAT;
		goto out;
	}
	if ((rc = record_check(m, k)) != 0 ||
	    (rc = ct_decode(NULL, m->ct.data, k)) != 0)
		goto out;
	rc = TV_ERR_NOMEM;
	if ((r->ct = malloc(TV_CT_BYTES(k))) == NULL)
		goto out;
	if (m->proofs.len > 0) {
		if ((r->proofs = malloc(m->proofs.len)) == NULL) {
			free(r->ct);
			r->ct = NULL;
			goto out;
		}
		memcpy(r->proofs, m->proofs.data, m->proofs.len);
		r->proofs_len = m->proofs.len;
	}
	memcpy(r->ct, m->ct.data, TV_CT_BYTES(k));
	memcpy(r->id, m->id.data, TV_RECORD_ID_BYTES);
	r->site = m->site;
	r->day = m->day;
	rc = 0;
out:
	if (m != NULL)
		tallyvan__record__free_unpacked(m, &bud.a);
	return rc;
}

/* ---- frames ------------------------------------------------------------ */

int
tv_frame_write(FILE *f, const uint8_t *buf, size_t len)
{
	uint8_t hdr[4];

	if (len > UINT32_MAX)
		return TV_ERR_TOOBIG;
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	if (fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr)
		return TV_ERR_IO;
	if (len != 0 && fwrite(buf, 1, len, f) != len)
		return TV_ERR_IO;
	return 0;
}

int
tv_frame_read(FILE *f, uint8_t **buf, size_t *len, size_t cap)
{
	uint8_t hdr[4];
	size_t n, flen;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((n = fread(hdr, 1, sizeof hdr, f)) != sizeof hdr) {
		if (ferror(f))
			return TV_ERR_IO;
		return n == 0 ? TV_ERR_NOTFOUND : TV_ERR_FORMAT;
	}
	flen = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
	    (size_t)hdr[2] << 8 | hdr[3];
	if (flen > cap)
		return TV_ERR_TOOBIG;
	if ((*buf = malloc(flen != 0 ? flen : 1)) == NULL)
		return TV_ERR_NOMEM;
	if (fread(*buf, 1, flen, f) != flen) {
		rc = ferror(f) ? TV_ERR_IO : TV_ERR_FORMAT;
		free(*buf);
		*buf = NULL;
		return rc;
	}
	*len = flen;
	return 0;
}
