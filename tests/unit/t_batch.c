/* SPDX-License-Identifier: MIT */
/*
 * t_batch.c - sealed batches: round trip, and every hostile variant we know
 * of (tampering, truncation, caps, bad points, duplicates, zstd bombs,
 * extra frames, big windows, protobuf amplification), plus records and
 * frames.  Hostile envelopes are built here with the test's own copy of the
 * documented signature input, so a valid signature never hides a check.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>
#include <zstd.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "crypto/group.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/record_proof.h"
#include "proto/tallyvan.pb-c.h"
#include "tests/unit/tap.h"

#define K 3
#define N 50

static uint8_t dev_pk[32], dev_sk[64], other_pk[32], other_sk[64];
static uint8_t campaign[TV_CAMPAIGN_ID_BYTES];

/* A batch of n random records; free with free_batch(). */
static struct tv_batch *
rand_batch(uint32_t n, uint32_t k, uint64_t seq)
{
	struct tv_batch *b = calloc(1, sizeof *b);
	uint32_t i, j;

	b->records = calloc(n ? n : 1, sizeof *b->records);
	memcpy(b->campaign_id, campaign, sizeof campaign);
	memcpy(b->device_id, dev_pk, sizeof dev_pk);
	b->seq = seq;
	b->k = k;
	b->nrecords = n;
	for (i = 0; i < n; i++) {
		randombytes_buf(b->records[i].id, TV_RECORD_ID_BYTES);
		b->records[i].site = randombytes_uniform(1000);
		b->records[i].day = (int32_t)randombytes_random();
		b->records[i].ct = malloc(TV_CT_BYTES(k));
		for (j = 0; j <= k; j++)
			crypto_core_ristretto255_random(b->records[i].ct + 32 * j);
	}
	return b;
}

static void
free_batch(struct tv_batch *b)
{
	uint32_t i;

	for (i = 0; i < b->nrecords; i++)
		free(b->records[i].ct);
	free(b->records);
	free(b);
}

/* The signature input exactly as docs/formats.md (Part II §2) describes it. */
static void
sign(uint8_t sig[64], const uint8_t *sk, const uint8_t dev[32], uint64_t seq,
    const uint8_t *p, size_t plen)
{
	size_t mlen = 18 + 32 + 8 + plen;
	uint8_t *m = malloc(mlen);
	int i;

	memcpy(m, "tallyvan/batch/v1", 18);	/* with its NUL */
	memcpy(m + 18, dev, 32);
	for (i = 0; i < 8; i++)
		m[50 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memcpy(m + 58, p, plen);
	crypto_sign_detached(sig, NULL, m, mlen, sk);
	free(m);
}

/* Pack an envelope around payload; sig NULL means sign it with sk. */
static uint8_t *
mk_env(size_t *len, const uint8_t dev[32], uint64_t seq, const uint8_t *p,
    size_t plen, const uint8_t *sig, const uint8_t *sk)
{
	Tallyvan__Envelope e = TALLYVAN__ENVELOPE__INIT;
	uint8_t s[64], *out;

	if (sig == NULL) {
		sign(s, sk, dev, seq, p, plen);
		sig = s;
	}
	e.version = 1;
	e.device_id.len = 32;
	e.device_id.data = (uint8_t *)dev;
	e.seq = seq;
	e.payload.len = plen;
	e.payload.data = (uint8_t *)p;
	e.signature.len = 64;
	e.signature.data = (uint8_t *)sig;
	*len = tallyvan__envelope__get_packed_size(&e);
	out = malloc(*len);
	tallyvan__envelope__pack(&e, out);
	return out;
}

/* parse + verify + decode; the first failure's code, or 0. */
static int
open_all(const uint8_t *buf, size_t len, const uint8_t *camp, uint32_t k,
    struct tv_batch **out)
{
	struct tv_envelope env;
	struct tv_batch *b = NULL;
	int rc;

	if ((rc = tv_envelope_parse(&env, buf, len)) == 0 &&
	    (rc = tv_envelope_verify(&env)) == 0)
		rc = tv_batch_decode(&b, &env, camp, k);
	tv_envelope_release(&env);
	if (out != NULL)
		*out = b;
	else
		tv_batch_free(b);
	return rc;
}

/* Sign an arbitrary payload for dev/seq 7 and open it. */
static int
open_payload(const uint8_t *p, size_t plen)
{
	size_t len;
	uint8_t *e = mk_env(&len, dev_pk, 7, p, plen, NULL, dev_sk);
	int rc = open_all(e, len, campaign, K, NULL);

	free(e);
	return rc;
}

static int
seal_open(struct tv_batch *b, uint32_t k)
{
	uint8_t *e;
	size_t len;
	int rc;

	if ((rc = tv_batch_seal(&e, &len, b, dev_sk)) != 0)
		return 1000 + rc;	/* sealing must not be what fails */
	rc = open_all(e, len, campaign, k, NULL);
	free(e);
	return rc;
}

/* The decoded points a decoded batch keeps are its ciphertexts' points. */
static int
points_match(const struct tv_batch *b)
{
	const struct tv_gpoint *v;
	uint8_t ct[TV_CT_BYTES(K)];
	uint32_t i;

	for (i = 0; i < b->nrecords; i++) {
		if ((v = tv_batch_points(b, i)) == NULL)
			return 0;
		tv_gct_encode(ct, v, b->k);
		if (memcmp(ct, b->records[i].ct, TV_CT_BYTES(b->k)) != 0)
			return 0;
	}
	return b->nrecords > 0;
}

static int
same_batch(const struct tv_batch *a, const struct tv_batch *b)
{
	uint32_t i;

	if (memcmp(a->campaign_id, b->campaign_id, 32) != 0 ||
	    memcmp(a->device_id, b->device_id, 32) != 0 || a->seq != b->seq ||
	    a->k != b->k || a->nrecords != b->nrecords)
		return 0;
	for (i = 0; i < a->nrecords; i++)
		if (memcmp(a->records[i].id, b->records[i].id, 16) != 0 ||
		    a->records[i].site != b->records[i].site ||
		    a->records[i].day != b->records[i].day ||
		    memcmp(a->records[i].ct, b->records[i].ct,
		    TV_CT_BYTES(a->k)) != 0)
			return 0;
	return 1;
}

static void
t_roundtrip(void)
{
	struct tv_batch *b = rand_batch(N, K, 42), *d = NULL;
	struct tv_envelope env;
	uint8_t *e;
	size_t len;

	b->records[0].day = -1;		/* ten-byte varint */
	b->records[1].site = UINT32_MAX;
	is_int(0, tv_batch_seal(&e, &len, b, dev_sk), "seal");
	is_int(0, tv_envelope_parse(&env, e, len), "parse");
	is_mem(dev_pk, env.device_id, 32, "envelope device id");
	is_int(42, env.seq, "envelope seq");
	is_int(0, tv_envelope_verify(&env), "verify");
	is_int(0, tv_batch_decode(&d, &env, campaign, K), "decode");
	ok(d != NULL && same_batch(b, d), "every field survives the trip");
	ok(d != NULL && points_match(d), "decoded points encode to the cts");
	tv_batch_drop_points(d);
	ok(d != NULL && tv_batch_points(d, 0) == NULL, "points dropped");
	tv_batch_free(d);
	is_int(TV_ERR_MISMATCH, tv_batch_decode(&d, &env, other_pk, K),
	    "wrong campaign id -> MISMATCH");
	is_int(TV_ERR_FORMAT, tv_batch_decode(&d, &env, campaign, K - 1),
	    "wrong k (smaller) -> FORMAT");
	is_int(TV_ERR_FORMAT, tv_batch_decode(&d, &env, campaign, K + 1),
	    "wrong k (larger) -> FORMAT");
	is_int(TV_ERR_RANGE, tv_batch_decode(&d, &env, campaign, 0),
	    "k = 0 -> RANGE");
	ok(d == NULL, "no batch on failure");
	tv_envelope_release(&env);
	tv_envelope_release(&env);	/* twice is harmless */
	free(e);
	memcpy(b->device_id, other_pk, 32);
	is_int(TV_ERR_MISMATCH, tv_batch_seal(&e, &len, b, dev_sk),
	    "seal refuses a device id that is not the key's");
	free_batch(b);
	b = rand_batch(0, K, 1);
	is_int(0, seal_open(b, K), "an empty batch round-trips");
	free_batch(b);
}

/* A batch at the record cap opens: the caps agree with each other. */
static void
t_full_batch(void)
{
	struct tv_batch *b = rand_batch(1, K, 11);
	struct tv_record *r;
	uint32_t i, n = TV_BATCH_RECORDS_MAX;

	r = realloc(b->records, n * sizeof *r);
	b->records = r;
	for (i = 1; i < n; i++) {
		randombytes_buf(r[i].id, TV_RECORD_ID_BYTES);
		r[i].site = i;
		r[i].day = -(int32_t)i;
		r[i].ct = malloc(TV_CT_BYTES(K));
		r[i].proofs = NULL;	/* realloc does not zero them */
		r[i].proofs_len = 0;
		memcpy(r[i].ct, r[0].ct, TV_CT_BYTES(K));
		crypto_core_ristretto255_random(r[i].ct);	/* fresh R */
	}
	b->nrecords = n;
	is_int(0, seal_open(b, K), "20000 records, k = 3, seal and open");
	free_batch(b);
}

/* Re-pack a parsed envelope with one thing changed. */
static void
t_tamper(void)
{
	struct tv_batch *b = rand_batch(5, K, 9);
	struct tv_envelope env;
	uint8_t *e, *e2, *p, sig[64];
	size_t len, len2, plen;

	tv_batch_seal(&e, &len, b, dev_sk);
	tv_envelope_parse(&env, e, len);
	plen = env.payload_len;
	p = malloc(plen);
	memcpy(p, env.payload, plen);
	memcpy(sig, env.sig, 64);

	e2 = mk_env(&len2, dev_pk, 9, p, plen, sig, NULL);
	is_int(0, open_all(e2, len2, campaign, K, NULL), "re-packed as is: ok");
	free(e2);
	p[plen / 2] ^= 1;
	e2 = mk_env(&len2, dev_pk, 9, p, plen, sig, NULL);
	is_int(TV_ERR_BADSIG, open_all(e2, len2, campaign, K, NULL),
	    "tampered payload byte -> BADSIG");
	free(e2);
	p[plen / 2] ^= 1;
	sig[10] ^= 0x40;
	e2 = mk_env(&len2, dev_pk, 9, p, plen, sig, NULL);
	is_int(TV_ERR_BADSIG, open_all(e2, len2, campaign, K, NULL),
	    "tampered signature -> BADSIG");
	free(e2);
	sig[10] ^= 0x40;
	e2 = mk_env(&len2, dev_pk, 10, p, plen, sig, NULL);
	is_int(TV_ERR_BADSIG, open_all(e2, len2, campaign, K, NULL),
	    "seq changed in the envelope -> BADSIG");
	free(e2);
	e2 = mk_env(&len2, other_pk, 9, p, plen, sig, NULL);
	is_int(TV_ERR_BADSIG, open_all(e2, len2, campaign, K, NULL),
	    "device id swapped for another key -> BADSIG");
	free(e2);
	/* Validly signed by the other key, but the Batch names dev_pk. */
	e2 = mk_env(&len2, other_pk, 9, p, plen, NULL, other_sk);
	is_int(TV_ERR_MISMATCH, open_all(e2, len2, campaign, K, NULL),
	    "re-signed by another device -> MISMATCH");
	free(e2);
	e2 = mk_env(&len2, dev_pk, 10, p, plen, NULL, dev_sk);
	is_int(TV_ERR_MISMATCH, open_all(e2, len2, campaign, K, NULL),
	    "envelope seq differs from the batch's -> MISMATCH");
	free(e2);
	tv_envelope_release(&env);
	free(p);
	free(e);
	free_batch(b);
}

static void
t_truncated(void)
{
	struct tv_batch *b = rand_batch(2, K, 3);
	struct tv_envelope env;
	uint8_t *e, *cut;
	size_t len, i, bad = 0, okk = 0;
	int rc;

	tv_batch_seal(&e, &len, b, dev_sk);
	for (i = 0; i < len; i++) {
		cut = malloc(i ? i : 1);
		memcpy(cut, e, i);
		rc = tv_envelope_parse(&env, cut, i);
		if (rc == 0)
			rc = tv_envelope_verify(&env);
		if (rc == TV_ERR_FORMAT || rc == TV_ERR_BADSIG)
			okk++;
		else
			bad++;
		tv_envelope_release(&env);
		free(cut);
	}
	is_int(0, bad, "every strict prefix -> FORMAT or BADSIG");
	is_int(len, okk, "all prefixes tried");
	free(e);
	free_batch(b);
}

static void
t_envelope_shape(void)
{
	struct tv_envelope env;
	Tallyvan__Envelope m = TALLYVAN__ENVELOPE__INIT;
	uint8_t *big, buf[256], sig[64] = { 0 }, pl[1] = { 0 };
	size_t len;

	big = malloc(TV_ENVELOPE_MAX + 1);
	memset(big, 0xff, TV_ENVELOPE_MAX + 1);
	is_int(TV_ERR_TOOBIG, tv_envelope_parse(&env, big, TV_ENVELOPE_MAX + 1),
	    "oversize envelope -> TOOBIG before parsing");
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, big, 100),
	    "garbage -> FORMAT");
	free(big);
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, 0),
	    "empty -> FORMAT");
	m.version = 2;
	m.device_id.len = 32;
	m.device_id.data = dev_pk;
	m.payload.len = 1;
	m.payload.data = pl;
	m.signature.len = 64;
	m.signature.data = sig;
	len = tallyvan__envelope__pack(&m, buf);
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, len),
	    "version 2 -> FORMAT");
	m.version = 1;
	m.signature.len = 63;
	len = tallyvan__envelope__pack(&m, buf);
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, len),
	    "63-byte signature -> FORMAT");
	m.signature.len = 64;
	m.device_id.len = 31;
	len = tallyvan__envelope__pack(&m, buf);
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, len),
	    "31-byte device id -> FORMAT");
	m.device_id.len = 32;
	len = tallyvan__envelope__pack(&m, buf);
	is_int(0, tv_envelope_parse(&env, buf, len), "well-formed shape");
	tv_envelope_release(&env);
	buf[len] = 9 << 3;	/* field 9, varint 1: unknown */
	buf[len + 1] = 1;
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, len + 2),
	    "unknown field -> FORMAT");
	m.payload.len = 0;
	len = tallyvan__envelope__pack(&m, buf);
	is_int(TV_ERR_FORMAT, tv_envelope_parse(&env, buf, len),
	    "empty payload -> FORMAT");
	memset(&env, 0, sizeof env);
	is_int(TV_ERR_BADSIG, tv_envelope_verify(&env),
	    "verify of a zeroed envelope -> BADSIG");
}

static void
t_bad_records(void)
{
	struct tv_batch *b = rand_batch(4, K, 5);
	uint8_t save[32];

	b->records[0].ct[31] |= 0x80;
	is_int(TV_ERR_FORMAT, seal_open(b, K),
	    "R with bit 255 set (validly signed) -> FORMAT");
	b->records[0].ct[31] &= 0x7f;
	b->records[2].ct[3 * 32 + 31] |= 0x80;
	is_int(TV_ERR_FORMAT, seal_open(b, K), "C_3 with bit 255 set -> FORMAT");
	b->records[2].ct[3 * 32 + 31] &= 0x7f;
	memcpy(save, b->records[1].ct, 32);
	memset(b->records[1].ct, 0, 32);
	is_int(TV_ERR_FORMAT, seal_open(b, K), "R = identity -> FORMAT");
	memset(b->records[1].ct + 32, 0, 32);
	memcpy(b->records[1].ct, save, 32);
	is_int(0, seal_open(b, K), "C = identity is a normal value");
	memset(b->records[1].ct + 64, 0xee, 32);
	is_int(TV_ERR_FORMAT, seal_open(b, K), "invalid C encoding -> FORMAT");
	crypto_core_ristretto255_random(b->records[1].ct + 64);
	memcpy(b->records[3].id, b->records[1].id, 16);
	is_int(TV_ERR_FORMAT, seal_open(b, K), "duplicate record id -> FORMAT");
	randombytes_buf(b->records[3].id, 16);
	memcpy(b->records[3].ct, b->records[0].ct, 32);
	is_int(TV_ERR_FORMAT, seal_open(b, K), "duplicate R -> FORMAT");
	crypto_core_ristretto255_random(b->records[3].ct);
	is_int(0, seal_open(b, K), "repaired batch opens");
	free_batch(b);
}

static uint8_t *
raw_payload(size_t *rawlen, const struct tv_batch *b)
{
	struct tv_envelope env;
	uint8_t *e, *raw;
	size_t len;

	tv_batch_seal(&e, &len, b, dev_sk);
	tv_envelope_parse(&env, e, len);
	*rawlen = (size_t)ZSTD_getFrameContentSize(env.payload,
	    env.payload_len);
	raw = malloc(*rawlen);
	ZSTD_decompress(raw, *rawlen, env.payload, env.payload_len);
	tv_envelope_release(&env);
	free(e);
	return raw;
}

static long
peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* 100 MiB of zeros, compressed in 1 MiB steps (never held whole). */
static uint8_t *
zeros_bomb(size_t *zlen)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	uint8_t *zero = calloc(1, 1 << 20), *out = malloc(1 << 20);
	ZSTD_outBuffer o = { out, 1 << 20, 0 };
	ZSTD_inBuffer in;
	int i;

	for (i = 0; i < 100; i++) {
		in = (ZSTD_inBuffer){ zero, 1 << 20, 0 };
		ZSTD_compressStream2(cc, &o, &in, ZSTD_e_continue);
	}
	in = (ZSTD_inBuffer){ zero, 0, 0 };
	while (ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end) != 0)
		;
	ZSTD_freeCCtx(cc);
	free(zero);
	*zlen = o.pos;
	return out;
}

/* A frame whose header asks for a 2^27 window (size unknown up front). */
static uint8_t *
wide_window(size_t *zlen, const uint8_t *raw, size_t rawlen)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(rawlen) + 64;
	uint8_t *out = malloc(cap);
	ZSTD_outBuffer o = { out, cap, 0 };
	ZSTD_inBuffer in = { raw, rawlen, 0 };

	ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 27);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_enableLongDistanceMatching, 1);
	ZSTD_compressStream2(cc, &o, &in, ZSTD_e_continue);
	while (ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end) != 0)
		;
	ZSTD_freeCCtx(cc);
	*zlen = o.pos;
	return out;
}

static void
t_zstd(void)
{
	struct tv_batch *b = rand_batch(3, K, 7);
	uint8_t *raw, *z, *two;
	size_t rawlen, zlen, cap;
	long before;

	raw = raw_payload(&rawlen, b);
	cap = ZSTD_compressBound(rawlen);
	z = malloc(2 * cap + 8);
	zlen = ZSTD_compress(z, cap, raw, rawlen, 3);
	is_int(0, open_payload(z, zlen), "hand-made payload opens");
	is_int(TV_ERR_FORMAT, open_payload(z, zlen - 1),
	    "truncated frame -> FORMAT");
	two = z;
	memcpy(two + zlen, z, zlen);
	is_int(TV_ERR_FORMAT, open_payload(two, 2 * zlen),
	    "two frames -> FORMAT");
	memcpy(z + zlen, "junk", 4);
	is_int(TV_ERR_FORMAT, open_payload(z, zlen + 4),
	    "trailing garbage -> FORMAT");
	is_int(TV_ERR_FORMAT, open_payload((const uint8_t *)"notzstd", 7),
	    "not zstd -> FORMAT");
	/* A skippable frame (magic 0x184D2A50, u32 LE size) before the batch. */
	memmove(z + 12, z, zlen);
	memcpy(z, "\x50\x2a\x4d\x18\x04\0\0\0skip", 12);
	is_int(TV_ERR_FORMAT, open_payload(z, zlen + 12),
	    "skippable frame, then the batch -> FORMAT");
	is_int(TV_ERR_FORMAT, open_payload(z, 12),
	    "a skippable frame alone -> FORMAT");
	free(z);

	z = wide_window(&zlen, raw, rawlen);
	/* Frame header: magic (4), descriptor (single-segment flag 0x20),
	 * then the window descriptor, whose top five bits are log - 10. */
	ok(zlen > 6 && (z[4] & 0x20) == 0 &&
	    10 + (z[5] >> 3) > TV_ZSTD_WINDOWLOG_MAX,
	    "the test frame does declare a window over 2^23");
	is_int(TV_ERR_TOOBIG, open_payload(z, zlen),
	    "windowLog 27 frame -> TOOBIG");
	free(z);

	before = peak_kib();
	z = zeros_bomb(&zlen);
	ok(zlen < 8 * 1024, "the bomb is small on the wire");
	is_int(TV_ERR_TOOBIG, open_payload(z, zlen),
	    "100 MiB of zeros -> TOOBIG");
#ifdef __SANITIZE_ADDRESS__
	/* ASan's quarantine keeps every buffer the decoder gave back: the
	 * peak says nothing there (the plain build checks it). */
	(void)before;
	ok(1, "peak memory not measured under ASan");
#else
	ok(peak_kib() - before < 48 * 1024,
	    "the bomb raised peak memory by < 48 MiB");
#endif
	free(z);
	free(raw);
	free_batch(b);
}

/* Compress raw, sign it, open it: for batches seal would refuse. */
static int
open_raw(const uint8_t *raw, size_t rawlen)
{
	size_t cap = ZSTD_compressBound(rawlen), zlen;
	uint8_t *z = malloc(cap);
	int rc;

	zlen = ZSTD_compress(z, cap, raw, rawlen, 1);
	rc = open_payload(z, zlen);
	free(z);
	return rc;
}

static void
t_caps(void)
{
	Tallyvan__Batch m = TALLYVAN__BATCH__INIT;
	Tallyvan__Record *recs, **recp;
	struct tv_batch *b = rand_batch(1, K, 7);
	size_t i, n = TV_BATCH_RECORDS_MAX + 1, rawlen;
	uint8_t *raw;

	recs = calloc(n, sizeof *recs);
	recp = calloc(n, sizeof *recp);
	for (i = 0; i < n; i++) {
		tallyvan__record__init(&recs[i]);
		recs[i].id.len = 16;
		recs[i].id.data = b->records[0].id;
		recs[i].ct.len = TV_CT_BYTES(K);
		recs[i].ct.data = b->records[0].ct;
		recp[i] = &recs[i];
	}
	m.version = 1;
	m.campaign_id.len = 32;
	m.campaign_id.data = campaign;
	m.device_id.len = 32;
	m.device_id.data = dev_pk;
	m.seq = 7;
	m.n_records = n;
	m.records = recp;
	raw = malloc(tallyvan__batch__get_packed_size(&m));
	rawlen = tallyvan__batch__pack(&m, raw);
	is_int(TV_ERR_TOOBIG, open_raw(raw, rawlen),
	    "20001 records (validly signed) -> TOOBIG");
	free(raw);
	m.n_records = 2;
	raw = malloc(tallyvan__batch__get_packed_size(&m));
	rawlen = tallyvan__batch__pack(&m, raw);
	is_int(TV_ERR_FORMAT, open_raw(raw, rawlen),
	    "hand-packed batch with a repeated record -> FORMAT");
	m.campaign_id.len = 31;
	rawlen = tallyvan__batch__pack(&m, raw);
	is_int(TV_ERR_FORMAT, open_raw(raw, rawlen),
	    "31-byte campaign id -> FORMAT");
	free(raw);

	/* 1.5 MiB of empty Records: tiny on the wire, huge once unpacked. */
	rawlen = 3u << 19;
	raw = malloc(rawlen);
	for (i = 0; i < rawlen; i += 2) {
		raw[i] = 5 << 3 | 2;
		raw[i + 1] = 0;
	}
	is_int(TV_ERR_TOOBIG, open_raw(raw, rawlen),
	    "protobuf amplification -> TOOBIG (allocation budget)");
	free(raw);
	b->nrecords = TV_BATCH_RECORDS_MAX + 1;
	is_int(TV_ERR_TOOBIG, tv_batch_seal(&raw, &rawlen, b, dev_sk),
	    "seal refuses more than the record cap");
	b->nrecords = 1;
	free(recs);
	free(recp);
	free_batch(b);
}

static void
t_record(void)
{
	struct tv_batch *b = rand_batch(1, K, 1);
	struct tv_record r;
	uint8_t *buf, *big;
	size_t len;

	b->records[0].day = -20000;
	is_int(0, tv_record_pack(&buf, &len, &b->records[0], K), "record pack");
	is_int(0, tv_record_unpack(&r, buf, len, K), "record unpack");
	ok(memcmp(r.id, b->records[0].id, 16) == 0 &&
	    r.site == b->records[0].site && r.day == -20000 &&
	    memcmp(r.ct, b->records[0].ct, TV_CT_BYTES(K)) == 0,
	    "record round trip");
	free(r.ct);
	is_int(TV_ERR_FORMAT, tv_record_unpack(&r, buf, len, K + 1),
	    "record with wrong k -> FORMAT");
	ok(r.ct == NULL, "no ct on failure");
	is_int(TV_ERR_FORMAT, tv_record_unpack(&r, buf, len - 1, K),
	    "truncated record -> FORMAT");
	free(buf);
	b->records[0].ct[31] |= 0x80;
	tv_record_pack(&buf, &len, &b->records[0], K);
	is_int(TV_ERR_FORMAT, tv_record_unpack(&r, buf, len, K),
	    "record with non-canonical R -> FORMAT");
	free(buf);
	big = calloc(1, 1 << 16);
	is_int(TV_ERR_TOOBIG, tv_record_unpack(&r, big, 1 << 16, K),
	    "oversize record -> TOOBIG");
	free(big);
	free_batch(b);
}

static void
t_frame(void)
{
	FILE *f = tmpfile();
	uint8_t *buf, data[300];
	size_t len;

	randombytes_buf(data, sizeof data);
	is_int(0, tv_frame_write(f, data, sizeof data), "frame write");
	is_int(0, tv_frame_write(f, data, 0), "empty frame write");
	is_int(0, tv_frame_write(f, data, 10), "third frame write");
	rewind(f);
	is_int(0, tv_frame_read(f, &buf, &len, 1000), "frame read");
	ok(len == sizeof data && memcmp(buf, data, len) == 0, "same bytes");
	free(buf);
	is_int(0, tv_frame_read(f, &buf, &len, 1000), "empty frame read");
	is_int(0, len, "empty frame is empty");
	free(buf);
	is_int(TV_ERR_TOOBIG, tv_frame_read(f, &buf, &len, 9),
	    "frame over cap -> TOOBIG");
	ok(buf == NULL, "nothing allocated over cap");
	fclose(f);

	f = tmpfile();
	tv_frame_write(f, data, sizeof data);
	rewind(f);
	is_int(0, tv_frame_read(f, &buf, &len, 1000), "read one");
	free(buf);
	is_int(TV_ERR_NOTFOUND, tv_frame_read(f, &buf, &len, 1000),
	    "clean end -> NOTFOUND");
	fclose(f);

	f = tmpfile();
	fwrite("\0\0\1", 1, 3, f);
	rewind(f);
	is_int(TV_ERR_FORMAT, tv_frame_read(f, &buf, &len, 1000),
	    "truncated length -> FORMAT");
	fclose(f);

	f = tmpfile();
	tv_frame_write(f, data, sizeof data);
	fflush(f);
	if (ftruncate(fileno(f), 4 + 100) != 0)
		ok(0, "ftruncate");
	rewind(f);
	is_int(TV_ERR_FORMAT, tv_frame_read(f, &buf, &len, 1000),
	    "truncated body -> FORMAT");
	fclose(f);

	f = tmpfile();
	fwrite("\xff\xff\xff\xff", 1, 4, f);
	rewind(f);
	is_int(TV_ERR_TOOBIG, tv_frame_read(f, &buf, &len, TV_ENVELOPE_MAX),
	    "4 GiB frame header -> TOOBIG, nothing allocated");
	fclose(f);
}

/* Every K and number of groups, with and without proofs: a full batch
 * of the collector's size holds about 1 MiB of records, never more, and
 * stays far under the envelope cap.  (With the ciphertext alone in the
 * divisor, K = 8 and 64 groups made 2000 x 5456 = 10.9 MB batches, over
 * the 8 MiB cap: refused by every aggregator.) */
static void
t_batch_size(void)
{
	struct tv_plan p = { 0 };
	struct tv_campaign c = { .plan = &p };
	size_t bytes, worst = 0, bad = 0;
	uint32_t k, g, n;
	int pr;

	for (pr = 0; pr < 2; pr++)
		for (k = 1; k <= TV_INDICATORS_MAX; k++)
			for (g = 0; g <= TV_PLAN_MAX_GROUPS; g++) {
				p.proofs = pr;
				p.ngroups = g;
				c.k = k;
				n = tv_record_batch_size(&c);
				bytes = (size_t)n * (43 + TV_CT_BYTES(k) +
				    tv_record_proofs_len(&c));
				bad += n < 1 || n > 2000 || bytes > (1u << 20);
				worst = bytes > worst ? bytes : worst;
			}
	is_int(0, bad, "batch size: 1..2000 records, at most 1 MiB");
	ok(worst < TV_ENVELOPE_MAX / 4, "batch size: far under the cap");
}

int
main(void)
{
	if (tv_crypto_init() != 0)
		return 2;
	crypto_sign_keypair(dev_pk, dev_sk);
	crypto_sign_keypair(other_pk, other_sk);
	randombytes_buf(campaign, sizeof campaign);
	t_batch_size();
	t_roundtrip();
	t_full_batch();
	t_tamper();
	t_truncated();
	t_envelope_shape();
	t_bad_records();
	t_zstd();
	t_caps();
	t_record();
	t_frame();
	return tap_done();
}
