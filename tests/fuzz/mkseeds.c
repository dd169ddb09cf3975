/* SPDX-License-Identifier: MIT */
/*
 * mkseeds - write the binary seed corpora of the fuzz targets:
 *   mkseeds OUTDIR    -> OUTDIR/{envelope,batch,zstd,ingest,keyfile}/
 * Seeds are built for the fuzz campaign (tests/fuzz/data/campaign.json)
 * and the fixed fuzz devices, so that they reach deep: valid batches and
 * envelopes, each known hostile variant (bad signature, duplicates, bad
 * points, unknown fields, protobuf amplification), the five decompression
 * bombs, and sealed key files made with the minimum KDF parameters.  Run by
 * tests/fuzz/mkseeds.sh (`make fuzz-seeds`); the output is committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <zstd.h>

#include "crypto/elgamal.h"
#include "proto/record_proof.h"
#include "proto/tallyvan.pb-c.h"
#include "tests/fuzz/fuzz.h"

static const char *outdir;
static const struct tv_campaign *camp;
static uint8_t pk1[32], sk1[64], pk2[32], sk2[64];

static void
put(const char *target, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		abort();
	snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0)
		abort();
}

/* ---- batches ---------------------------------------------------------- */

struct recs {
	Tallyvan__Record r[128], *rp[128];
	uint8_t id[128][16];
	uint8_t ct[128][32 * 257];
	uint8_t *proofs[128];
	size_t n;
};

static void
recs_make(struct recs *s, size_t n, uint32_t site0)
{
	uint8_t bits[256], nk[32], rnd[32];
	struct tv_record tr;
	size_t i, j;

	randombytes_buf(nk, sizeof nk);
	s->n = n;
	for (i = 0; i < n; i++) {
		for (j = 0; j < camp->k; j++)
			bits[j] = (uint8_t)((i + j) % 3 == 0);
		randombytes_buf(s->id[i], 16);
		if (tv_elgamal_encrypt_r(s->ct[i], rnd, camp->keys, bits,
		    camp->k, nk, i + 1) != 0)
			abort();
		/* The plan's proofs, if it asks for them (no groups here:
		 * any bits will do). */
		memset(&tr, 0, sizeof tr);
		tr.ct = s->ct[i];
		if (tv_record_proofs_len(camp) != 0 &&
		    tv_record_prove(&tr, camp, pk1, rnd, bits) != 0)
			abort();
		s->proofs[i] = tr.proofs;
		tallyvan__record__init(&s->r[i]);
		s->r[i].proofs.len = tr.proofs_len;
		s->r[i].proofs.data = tr.proofs;
		s->r[i].id.len = 16;
		s->r[i].id.data = s->id[i];
		s->r[i].site = (uint32_t)(site0 + i) % camp->plan->nsites;
		s->r[i].day = camp->plan->start_day + (int32_t)(i % 30);
		s->r[i].ct.len = TV_CT_BYTES(camp->k);
		s->r[i].ct.data = s->ct[i];
		s->rp[i] = &s->r[i];
	}
}

/* Packed Batch (malloc'd). */
static uint8_t *
batch(size_t *len, const struct recs *s, const uint8_t *dev, uint64_t seq,
    const uint8_t *cid, uint32_t version)
{
	Tallyvan__Batch b = TALLYVAN__BATCH__INIT;
	uint8_t *out;

	b.version = version;
	b.campaign_id.len = 32;
	b.campaign_id.data = (uint8_t *)cid;
	b.device_id.len = 32;
	b.device_id.data = (uint8_t *)dev;
	b.seq = seq;
	b.n_records = s->n;
	b.records = (Tallyvan__Record **)s->rp;
	*len = tallyvan__batch__get_packed_size(&b);
	out = malloc(*len + 64);
	tallyvan__batch__pack(&b, out);
	return out;
}

static uint8_t *
zcompress(size_t *zlen, const uint8_t *p, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *z = malloc(cap + 64);

	*zlen = ZSTD_compress(z, cap, p, n, 3);
	if (ZSTD_isError(*zlen))
		abort();
	return z;
}

/* 'total' zero bytes streamed; pledged: write the content size. */
static uint8_t *
zeros_frame(size_t *zlen, size_t total, int pledged, int wlog)
{
	static uint8_t zero[1 << 20];
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t cap = 1 << 20, done = 0, rem;
	uint8_t *z = malloc(cap);
	ZSTD_outBuffer o = { z, cap, 0 };
	ZSTD_inBuffer in;

	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
	if (wlog != 0)
		ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, wlog);
	if (pledged)
		ZSTD_CCtx_setPledgedSrcSize(cc, total);
	while (done < total) {
		in = (ZSTD_inBuffer){ zero, sizeof zero, 0 };
		done += sizeof zero;
		do {
			rem = ZSTD_compressStream2(cc, &o, &in,
			    done >= total ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(rem))
				abort();
		} while (in.pos < in.size || (done >= total && rem != 0));
	}
	ZSTD_freeCCtx(cc);
	*zlen = o.pos;
	return z;
}

/* A frame that declares 1 GiB (single segment) around a raw block. */
static uint8_t *
lying_frame(size_t *zlen, const uint8_t *p, size_t n)
{
	uint8_t *z = malloc(n + 16);
	uint64_t fcs = (uint64_t)1 << 30;
	uint32_t bh = (uint32_t)(n << 3) | 1;	/* raw, last block */
	int i;

	memcpy(z, "\x28\xb5\x2f\xfd", 4);
	z[4] = 0xe0;		/* FCS 8 bytes, single segment */
	for (i = 0; i < 8; i++)
		z[5 + i] = (uint8_t)(fcs >> (8 * i));
	z[13] = (uint8_t)bh;
	z[14] = (uint8_t)(bh >> 8);
	z[15] = (uint8_t)(bh >> 16);
	memcpy(z + 16, p, n);
	*zlen = n + 16;
	return z;
}

static void
put_env(const char *name, const uint8_t *sk, const uint8_t *pk,
    uint64_t seq, const uint8_t *z, size_t zlen)
{
	uint8_t *e, *m;
	size_t n;

	e = fuzz_envelope(&n, sk, pk, seq, z, zlen);
	put("envelope", name, e, n);
	m = malloc(n + 1);
	m[0] = 0;
	memcpy(m + 1, e, n);
	put("ingest", name, m, n + 1);
	free(m);
	free(e);
}

/* ingest mode byte || be64 seq || body */
static void
put_mode(const char *name, uint8_t mode, uint64_t seq, const uint8_t *p,
    size_t n)
{
	uint8_t *m = malloc(n + 9);
	int i;

	m[0] = mode;
	for (i = 0; i < 8; i++)
		m[1 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memcpy(m + 9, p, n);
	put("ingest", name, m, n + 9);
	free(m);
}

static void
seeds_batches(void)
{
	static struct recs s, t;
	uint8_t other[32], *b, *z, *z2, *e, *amp;
	size_t n, zn, zn2, en, i;

	memset(other, 0x5a, sizeof other);
	recs_make(&s, 3, 0);
	b = batch(&n, &s, pk1, 1, camp->id, 1);
	put("batch", "valid-3", b, n);
	z = zcompress(&zn, b, n);
	put("zstd", "valid-3", z, zn);
	put_env("valid-3", sk1, pk1, 1, z, zn);
	put_mode("raw-valid-3-seq1", 2, 1, b, n);
	put_mode("z-valid-3-seq1", 1, 1, z, zn);
	put_mode("raw-revoked", 3, 1, b, n);

	/* Envelope variants. */
	e = fuzz_envelope(&en, sk1, pk1, 1, z, zn);
	e[en - 1] ^= 1;
	put("envelope", "bad-sig", e, en);
	e[en - 1] ^= 1;
	put("envelope", "truncated", e, en - 7);
	memcpy(e + en, "\x78\x01", 2);		/* field 15, varint 1 */
	put("envelope", "unknown-field", e, en + 2);
	free(e);
	e = fuzz_envelope(&en, sk2, pk1, 1, z, zn);
	put("envelope", "other-signer", e, en);
	free(e);
	put_env("unknown-device", sk2, pk2, 1, z, zn);
	e = fuzz_envelope(&en, sk1, pk1, 1, z, 1);
	put("envelope", "short-payload", e, en);
	free(e);

	/* Multi-frame, trailing bytes, lying size. */
	z2 = malloc(2 * zn + 16);
	memcpy(z2, z, zn);
	memcpy(z2 + zn, z, zn);
	put("zstd", "two-frames", z2, 2 * zn);
	put_env("two-frames", sk1, pk1, 1, z2, 2 * zn);
	memcpy(z2 + zn, "trailing", 8);
	put("zstd", "trailing-bytes", z2, zn + 8);
	put_env("trailing-bytes", sk1, pk1, 1, z2, zn + 8);
	free(z2);
	z2 = lying_frame(&zn2, b, n);
	put("zstd", "declares-1GiB-raw-block", z2, zn2);
	free(z2);
	free(z);
	free(b);

	/* Batch variants (raw), some also through ingest mode 2. */
	b = batch(&n, &s, pk1, 1, other, 1);
	put("batch", "other-campaign", b, n);
	free(b);
	b = batch(&n, &s, pk1, 2, camp->id, 1);
	put("batch", "other-seq", b, n);
	free(b);
	b = batch(&n, &s, pk1, 1, camp->id, 2);
	put("batch", "version-2", b, n);
	free(b);
	t = s;
	for (i = 0; i < 3; i++)
		t.rp[i] = &t.r[i];
	memcpy(t.id[1], t.id[0], 16);
	t.r[1].id.data = t.id[1];
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "dup-id", b, n);
	free(b);
	t = s;
	for (i = 0; i < 3; i++) {
		t.rp[i] = &t.r[i];
		t.r[i].id.data = t.id[i];
		t.r[i].ct.data = t.ct[i];
	}
	memcpy(t.ct[2], t.ct[0], 32);
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "dup-R", b, n);
	free(b);
	memset(t.ct[2], 0, 32);
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "identity-R", b, n);
	free(b);
	memset(t.ct[2] + 64, 0xff, 32);
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "not-a-point", b, n);
	free(b);
	t.r[2].ct.len = 32;
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "short-ct", b, n);
	free(b);
	t.n = 0;
	b = batch(&n, &t, pk1, 1, camp->id, 1);
	put("batch", "no-records", b, n);
	put_mode("raw-no-records-seq5", 2, 5, b, n);
	free(b);

	/* 100 records, then records for other sites and days. */
	recs_make(&s, 100, 3);
	b = batch(&n, &s, pk1, 2, camp->id, 1);
	put_mode("raw-valid-100-seq2", 2, 2, b, n);
	free(b);
	b = batch(&n, &s, pk1, 3, camp->id, 1);
	put_mode("raw-reused-records-seq3", 2, 3, b, n);	/* conflict */
	free(b);
	b = batch(&n, &s, pk1, 1, camp->id, 1);
	put("batch", "valid-100", b, n);
	free(b);
	recs_make(&s, 4, 0);
	s.r[3].site = 999;
	b = batch(&n, &s, pk1, 4, camp->id, 1);
	put_mode("raw-site-out-of-range-seq4", 2, 4, b, n);
	free(b);

	/* Protobuf amplification: 60 KB of empty Records. */
	amp = malloc(60000);
	for (i = 0; i < 60000; i += 2) {
		amp[i] = 0x2a;
		amp[i + 1] = 0;
	}
	put("batch", "amplify-empty-records", amp, 60000);
	put_mode("raw-amplify-seq6", 2, 6, amp, 60000);
	free(amp);
}

static void
seeds_bombs(void)
{
	uint8_t *z;
	size_t zn;

	/* In bombs/, not corpus/zstd: replayed by make check, but not
	 * mutated by libFuzzer, where each costs a 32 MiB decode. */
	z = zeros_frame(&zn, (size_t)1 << 30, 1, 0);
	put("../bombs", "bomb-1GiB-declared", z, zn);
	put_env("bomb-1GiB-declared", sk1, pk1, 1, z, zn);
	free(z);
	z = zeros_frame(&zn, (size_t)1 << 30, 0, 0);
	put("../bombs", "bomb-1GiB-streamed", z, zn);
	put_env("bomb-1GiB-streamed", sk1, pk1, 1, z, zn);
	free(z);
	z = zeros_frame(&zn, (size_t)64 << 20, 0, 30);
	put("../bombs", "bomb-window-2e30", z, zn);
	free(z);
}

/* ---- key files -------------------------------------------------------- */

static void
le64_put(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The layout of crypto/keyfile.h, sealed with the given parameters. */
static uint8_t *
sealed(size_t *len, const char *kind, const char *pass, uint64_t ops,
    uint64_t mem, size_t plen)
{
	uint8_t *f = calloc(1, 76 + 16 + plen), master[32], key[32];
	uint8_t *payload = calloc(1, plen + 1);

	memcpy(f, "TVSEALED", 8);
	memcpy(f + 8, kind, strlen(kind));
	f[16] = 1;
	le64_put(f + 20, ops);
	le64_put(f + 28, mem);
	randombytes_buf(f + 36, 16 + 24);
	randombytes_buf(payload, plen);
	if (crypto_pwhash(master, 32, pass, strlen(pass), f + 36, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		abort();
	crypto_generichash(key, 32, f, 76, master, 32);
	crypto_secretbox_easy(f + 76, payload, plen, f + 52, key);
	free(payload);
	*len = 76 + 16 + plen;
	return f;
}

static void
seeds_keyfiles(void)
{
	uint8_t *f;
	size_t n;

	f = sealed(&n, "device", "fuzz", 1, 8192, 160);
	put("keyfile", "device-ok", f, n);
	f[100] ^= 0x01;
	put("keyfile", "flipped-box-byte", f, n);
	f[100] ^= 0x01;
	f[40] ^= 0x80;
	put("keyfile", "flipped-salt-byte", f, n);
	put("keyfile", "truncated", f, 80);
	le64_put(f + 28, (uint64_t)4 << 30);
	put("keyfile", "memlimit-4GiB", f, n);
	le64_put(f + 28, 8192);
	le64_put(f + 20, 0);
	put("keyfile", "opslimit-0", f, n);
	free(f);
	f = sealed(&n, "holder", "fuzz", 1, 8192, 36 + 13 * 32);
	put("keyfile", "kind-holder", f, n);
	free(f);
	f = sealed(&n, "device", "not the passphrase", 1, 8192, 160);
	put("keyfile", "wrong-passphrase", f, n);
	free(f);
	f = sealed(&n, "device", "fuzz", 1, 8192, 0);
	put("keyfile", "empty-payload", f, n);
	free(f);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	camp = fuzz_campaign();
	fuzz_device(pk1, sk1);
	fuzz_device2(pk2, sk2);
	seeds_batches();
	seeds_bombs();
	seeds_keyfiles();
	return 0;
}
