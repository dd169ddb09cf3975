/* SPDX-License-Identifier: MIT */
/*
 * tvfault - the helper program of the fault battery (tests/cli/fault_*.sh).
 * It never stands in for the code under test: the batteries run the real
 * `collector` and `aggregator` binaries; this program makes their inputs
 * and verifies their stores afterwards, from outside.
 *
 *   tvfault mkbatches DEVDIR PASSFILE OUTDIR FIRST COUNT RECORDS
 *       COUNT signed batch files OUTDIR/b-<seq>.tvb from the device, seq
 *       FIRST.., RECORDS valid records each, spread over (site, day).
 *   tvfault wrap DEVDIR PASSFILE SEQ PAYLOAD OUT
 *       sign any payload (a decompression bomb) as the device's batch SEQ.
 *   tvfault check-agg SRVDIR [DEVICE.pub ACKED]
 *       the aggregator store opens; every sub-database walks; every batch
 *       has its envelope (same BLAKE2b), which verifies and decodes to its
 *       record count; every record (or its quarantine entry) and every R
 *       points to a stored batch; the cell counts add up to the records;
 *       every batch of DEVICE listed in ACKED (one seq a line) is there.
 *       Prints the counts.
 *   tvfault check-col DEVDIR [ACKED [ATTEMPTED]]
 *       the collector store opens and walks; outbox records unpack; every
 *       batch verifies and decodes; batch states and batches match, seqs
 *       are 1..next-1; record ids are unique over outbox and batches; the
 *       record total is next_record - 1; the (site, day) multiset of the
 *       stored records contains ACKED and is contained in ATTEMPTED (lines
 *       "SITE YYYY-MM-DD").  Prints the counts.
 *   tvfault payload ENVELOPE OUT
 *       the (compressed) payload of a batch file, to build bombs from.
 *   tvfault fastkey DEVDIR PASSFILE
 *       re-seal the device keystore with the smallest Argon2id parameters
 *       (1 pass, 8 KiB) that the reader accepts, in the documented layout:
 *       the collector honours the parameters stored in the file, so the
 *       fault loops pay milliseconds, not 0.1 s, per unlock.  Test only.
 *   tvfault lmdb-write DIR N [nosync]
 *       the durability self-test's writer: LMDB directly (optionally with
 *       MDB_NOSYNC), N transactions each adding key i (after the last
 *       stored one) with a 2 KiB value derived from i, printing "ack i"
 *       after each commit.
 *   tvfault lmdb-verify DIR ACKED
 *       keys 1..n are contiguous with the right values, n >= ACKED.
 * Exit 0 when all is well, 1 when a check fails, 2 on usage.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "aggregator/aggregator.h"
#include "collector/collector.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "proto/batch.h"
#include "proto/calendar.h"
#include "proto/record_proof.h"

static int failures;

static void
bad(const char *what, unsigned long long a, unsigned long long b)
{
	if (failures++ < 20)
		fprintf(stderr, "tvfault: %s (%llu, %llu)\n", what, a, b);
}

/* ---- making batches ------------------------------------------------------ */

static uint8_t *
device_secrets(const char *dir, const char *passfile, struct tv_campaign **c,
    uint8_t pk[32])
{
	char path[4096], err[512];
	uint8_t *sec;

	snprintf(path, sizeof path, "%s/campaign.json", dir);
	if (tv_campaign_load(c, path, err, sizeof err) != 0)
		die("%s", err);
	snprintf(path, sizeof path, "%s/keystore", dir);
	sec = keyfile_unlock(path, "device", passfile, SECRETS_BYTES,
	    "keystore", NULL);
	memcpy(pk, sec + 32, 32);
	return sec;
}

static int
cmd_mkbatches(int argc, char **argv)
{
	struct tv_campaign *c;
	struct tv_batch b;
	uint8_t pk[32], *sec, *env, bits[TV_INDICATORS_MAX], rnd[32];
	uint64_t seq, first, count, nrec, i, j, n;
	char path[4096];
	size_t len;
	int32_t ndays;

	if (argc != 7)
		die("usage: mkbatches DEVDIR PASSFILE OUTDIR FIRST COUNT RECORDS");
	sec = device_secrets(argv[1], argv[2], &c, pk);
	first = strtoull(argv[4], NULL, 10);
	count = strtoull(argv[5], NULL, 10);
	nrec = strtoull(argv[6], NULL, 10);
	ndays = c->plan->end_day - c->plan->start_day + 1;
	mkdir(argv[3], 0700);
	memset(&b, 0, sizeof b);
	memcpy(b.campaign_id, c->id, 32);
	memcpy(b.device_id, pk, 32);
	b.k = c->k;
	b.nrecords = (uint32_t)nrec;
	b.records = xcalloc(nrec, sizeof *b.records);
	for (i = 0; i < nrec; i++)
		b.records[i].ct = xmalloc(TV_CT_BYTES(c->k));
	for (seq = first; seq < first + count; seq++) {
		b.seq = seq;
		for (i = 0; i < nrec; i++) {
			n = seq * nrec + i;
			randombytes_buf(b.records[i].id, TV_RECORD_ID_BYTES);
			b.records[i].site = (uint32_t)(n % c->plan->nsites);
			b.records[i].day = c->plan->start_day +
			    (int32_t)((n / c->plan->nsites) % (uint64_t)ndays);
			for (j = 0; j < c->k; j++)
				bits[j] = (uint8_t)((n + j) % 2);
			if (tv_elgamal_encrypt_r(b.records[i].ct, rnd, c->keys,
			    bits, c->k, sec + 128, n) != 0)
				die("encrypt");
			free(b.records[i].proofs);
			b.records[i].proofs = NULL;
			b.records[i].proofs_len = 0;
			/* As capture.c: the proofs the plan asks for (the
			 * fault plan has no groups, any bits will do). */
			if (tv_record_proofs_len(c) != 0 &&
			    tv_record_prove(&b.records[i], c, pk, rnd,
			    bits) != 0)
				die("prove");
		}
		if (tv_batch_seal(&env, &len, &b, sec) != 0)
			die("seal");
		snprintf(path, sizeof path, "%s/b-%06llu.tvb", argv[3],
		    (unsigned long long)seq);
		if (file_write_atomic(path, env, len, 0) != 0)
			die("write %s", path);
		free(env);
	}
	for (i = 0; i < nrec; i++) {
		free(b.records[i].ct);
		free(b.records[i].proofs);
	}
	free(b.records);
	tv_campaign_free(c);
	sodium_free(sec);
	return 0;
}

static int
cmd_wrap(int argc, char **argv)
{
	struct tv_campaign *c;
	uint8_t pk[32], *sec, *payload, *sig_in, sig[64];
	size_t plen, mlen;
	FILE *f;
	uint64_t seq;
	int i;

	if (argc != 6)
		die("usage: wrap DEVDIR PASSFILE SEQ PAYLOAD OUT");
	sec = device_secrets(argv[1], argv[2], &c, pk);
	seq = strtoull(argv[3], NULL, 10);
	if (file_read(argv[4], TV_ENVELOPE_MAX, &payload, &plen) != 0)
		die("cannot read %s", argv[4]);
	/* The signature input of docs/formats-wire.md. */
	mlen = 18 + 32 + 8 + plen;
	sig_in = xmalloc(mlen);
	memcpy(sig_in, "tallyvan/batch/v1", 18);
	memcpy(sig_in + 18, pk, 32);
	for (i = 0; i < 8; i++)
		sig_in[50 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memcpy(sig_in + 58, payload, plen);
	crypto_sign_detached(sig, NULL, sig_in, mlen, sec);
	/* Envelope: 1 version, 2 device, 3 seq, 4 payload, 5 signature. */
	if ((f = fopen(argv[5], "wb")) == NULL)
		die("cannot write %s", argv[5]);
	fputc(0x08, f), fputc(1, f);
	fputc(0x12, f), fputc(32, f), fwrite(pk, 1, 32, f);
	fputc(0x18, f);
	for (; seq >= 0x80; seq >>= 7)
		fputc((int)(seq & 0x7f) | 0x80, f);
	fputc((int)seq, f);
	fputc(0x22, f);
	for (mlen = plen; mlen >= 0x80; mlen >>= 7)
		fputc((int)(mlen & 0x7f) | 0x80, f);
	fputc((int)mlen, f);
	fwrite(payload, 1, plen, f);
	fputc(0x2a, f), fputc(64, f), fwrite(sig, 1, 64, f);
	if (fclose(f) != 0)
		die("cannot write %s", argv[5]);
	free(sig_in);
	free(payload);
	tv_campaign_free(c);
	sodium_free(sec);
	return 0;
}

static int
cmd_payload(int argc, char **argv)
{
	struct tv_envelope env;
	uint8_t *buf;
	size_t len;

	if (argc != 3)
		die("usage: payload ENVELOPE OUT");
	if (file_read(argv[1], TV_ENVELOPE_MAX, &buf, &len) != 0 ||
	    tv_envelope_parse(&env, buf, len) != 0)
		die("%s: not an envelope", argv[1]);
	if (file_write_atomic(argv[2], env.payload, env.payload_len, 0) != 0)
		die("cannot write %s", argv[2]);
	tv_envelope_release(&env);
	free(buf);
	return 0;
}

/* The layout of crypto/keyfile.h with ops = 1, mem = 8 KiB. */
static int
cmd_fastkey(int argc, char **argv)
{
	struct tv_campaign *c;
	uint8_t pk[32], *sec, hdr[76], master[32], key[32], *file;
	char path[4096], *pass;
	size_t plen;
	int fd, i;

	if (argc != 3)
		die("usage: fastkey DEVDIR PASSFILE");
	sec = device_secrets(argv[1], argv[2], &c, pk);
	passphrase_get(argv[2], 0, &pass, &plen);
	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, "TVSEALED", 8);
	memcpy(hdr + 8, "device", 6);
	hdr[16] = 1;				/* argon2id13 */
	hdr[20] = crypto_pwhash_OPSLIMIT_MIN;	/* u64 le */
	for (i = 0; i < 8; i++)
		hdr[28 + i] = (uint8_t)((uint64_t)crypto_pwhash_MEMLIMIT_MIN >>
		    (8 * i));
	randombytes_buf(hdr + 36, 16 + 24);	/* salt, nonce */
	if (crypto_pwhash(master, 32, pass, plen, hdr + 36,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		die("argon2id");
	crypto_generichash(key, 32, hdr, sizeof hdr, master, 32);
	file = xmalloc(sizeof hdr + 16 + SECRETS_BYTES);
	memcpy(file, hdr, sizeof hdr);
	crypto_secretbox_easy(file + sizeof hdr, sec, SECRETS_BYTES, hdr + 52,
	    key);
	snprintf(path, sizeof path, "%s/keystore", argv[1]);
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, file, sizeof hdr + 16 + SECRETS_BYTES) !=
	    (ssize_t)(sizeof hdr + 16 + SECRETS_BYTES) || close(fd) != 0)
		die("cannot write %s", path);
	sodium_memzero(master, sizeof master);
	sodium_memzero(key, sizeof key);
	sodium_free(pass);
	sodium_free(sec);
	tv_campaign_free(c);
	free(file);
	return 0;
}

/* ---- the aggregator store ------------------------------------------------ */

struct agg {
	struct server *s;
	uint64_t batches, records, rvals, cells, cell_sum, envelopes, quar;
	uint64_t batch_records;
	int dev_seen;
	uint8_t dev[32];
};

static int
agg_batch_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct agg *a = ctx;
	(void)key;

	if (klen != BATCH_KEY_BYTES || vlen != 36) {
		bad("batches: bad entry size", klen, vlen);
		return 0;
	}
	a->batches++;
	a->batch_records += tv_be32_get((const uint8_t *)val + 32);
	return 0;
}

struct env_check {
	struct agg *a;
	struct tv_txn *t;
};

static int
agg_env_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct env_check *ec = ctx;
	struct tv_envelope env;
	struct tv_batch *b = NULL;
	uint8_t h[32];
	const void *bv, *rv;
	size_t bl, rl;
	uint32_t i;

	memset(&env, 0, sizeof env);
	ec->a->envelopes++;
	crypto_generichash(h, 32, val, vlen, NULL, 0);
	if (klen != BATCH_KEY_BYTES || tv_txn_get(ec->t, ADB_BATCHES, key,
	    klen, &bv, &bl) != 0 || bl != 36 || memcmp(bv, h, 32) != 0) {
		bad("envelope without its batch entry or with another hash",
		    klen, vlen);
		return 0;
	}
	if (tv_envelope_parse(&env, val, vlen) != 0 ||
	    tv_envelope_verify(&env) != 0 ||
	    tv_batch_decode(&b, &env, ec->a->s->c->id, ec->a->s->c->k) != 0) {
		bad("stored envelope does not verify or decode", vlen, 0);
		tv_envelope_release(&env);
		return 0;
	}
	if (b->nrecords != tv_be32_get((const uint8_t *)bv + 32))
		bad("record count differs from the batch entry", b->nrecords,
		    tv_be32_get((const uint8_t *)bv + 32));
	for (i = 0; i < b->nrecords; i++) {
		if (tv_txn_get(ec->t, ADB_QUARANTINE, b->records[i].id, 16,
		    &rv, &rl) == 0) {
			if (rl < BATCH_KEY_BYTES ||
			    memcmp(rv, key, BATCH_KEY_BYTES) != 0)
				bad("quarantined record of another batch", i, 0);
			continue;
		}
		if (tv_txn_get(ec->t, ADB_RECORDS, b->records[i].id, 16, &rv,
		    &rl) != 0 || rl != BATCH_KEY_BYTES ||
		    memcmp(rv, key, BATCH_KEY_BYTES) != 0)
			bad("record not indexed to its batch", i, 0);
		if (tv_txn_get(ec->t, ADB_RVALS, b->records[i].ct, 32, &rv,
		    &rl) != 0 || rl != 16 ||
		    memcmp(rv, b->records[i].id, 16) != 0)
			bad("R not indexed to its record", i, 0);
	}
	tv_batch_free(b);
	tv_envelope_release(&env);
	return 0;
}

static int
agg_cell_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct agg *a = ctx;

	(void)key;
	if (klen != CELL_KEY_BYTES || vlen != 8 + TV_CT_BYTES(a->s->c->k)) {
		bad("cells: bad entry size", klen, vlen);
		return 0;
	}
	a->cells++;
	a->cell_sum += tv_be64_get(val);
	return 0;
}

static int
agg_count_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	(void)key, (void)klen, (void)val, (void)vlen;
	(*(uint64_t *)ctx)++;
	return 0;
}

static int
agg_walk(struct tv_txn *t, void *ctx)
{
	struct agg *a = ctx;
	struct env_check ec = { a, t };
	uint64_t devices = 0;
	int rc;

	if ((rc = tv_txn_foreach(t, ADB_DEVICES, NULL, 0, agg_count_cb,
	    &devices)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_BATCHES, NULL, 0, agg_batch_cb, a)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_RECORDS, NULL, 0, agg_count_cb,
	    &a->records)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_RVALS, NULL, 0, agg_count_cb,
	    &a->rvals)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_QUARANTINE, NULL, 0, agg_count_cb,
	    &a->quar)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_CELLS, NULL, 0, agg_cell_cb, a)) != 0 ||
	    (rc = tv_txn_foreach(t, ADB_ENVELOPES, NULL, 0, agg_env_cb,
	    &ec)) != 0)
		return rc;
	return 0;
}

static uint64_t *
read_seqs(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	uint64_t *v = NULL, s;
	size_t cap = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	while (fscanf(f, "%llu", (unsigned long long *)&s) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof *v);
			if (v == NULL)
				die("out of memory");
		}
		v[(*n)++] = s;
	}
	fclose(f);
	return v;
}

struct seqcheck {
	const uint8_t *dev;
	uint64_t *seqs;
	size_t n, missing;
	unsigned db;
	size_t keylen;
};

static int
seqs_present_fn(struct tv_txn *t, void *ctx)
{
	struct seqcheck *sc = ctx;
	uint8_t key[BATCH_KEY_BYTES];
	const void *v;
	size_t vl, i;

	for (i = 0; i < sc->n; i++) {
		if (sc->keylen == BATCH_KEY_BYTES) {
			memcpy(key, sc->dev, 32);
			tv_be64_put(key + 32, sc->seqs[i]);
		} else {
			tv_be64_put(key, sc->seqs[i]);
		}
		if (tv_txn_get(t, sc->db, key, sc->keylen, &v, &vl) != 0) {
			if (sc->missing++ < 5)
				bad("acknowledged batch missing", sc->seqs[i], 0);
		}
	}
	return 0;
}

static int
cmd_check_agg(int argc, char **argv)
{
	struct server s;
	struct agg a;
	struct seqcheck sc = { 0 };
	uint8_t *buf;
	size_t len;
	int rc;

	if (argc != 2 && argc != 4)
		die("usage: check-agg SRVDIR [DEVICE.pub ACKED]");
	server_open(&s, argv[1], TV_STORE_RDONLY);
	memset(&a, 0, sizeof a);
	a.s = &s;
	if ((rc = tv_store_read(s.st, agg_walk, &a)) != 0)
		bad("store walk failed", (unsigned long long)-rc, 0);
	if (a.records + a.quar != a.batch_records)
		bad("records differ from the batches' sum", a.records,
		    a.batch_records);
	if (a.rvals != a.records || a.cell_sum != a.records)
		bad("R index or cell counts differ from records", a.rvals,
		    a.cell_sum);
	if (a.envelopes != a.batches)
		bad("envelopes/batches", a.envelopes, a.batches);
	if (argc == 4) {
		if (file_read(argv[2], 256, &buf, &len) != 0)
			die("cannot read %s", argv[2]);
		buf[strcspn((char *)buf, "\r\n")] = 0;
		if (hex_decode(a.dev, 32, (char *)buf) != 0)
			die("%s: not a device key", argv[2]);
		free(buf);
		sc.dev = a.dev;
		sc.db = ADB_BATCHES;
		sc.keylen = BATCH_KEY_BYTES;
		sc.seqs = read_seqs(argv[3], &sc.n);
		if ((rc = tv_store_read(s.st, seqs_present_fn, &sc)) != 0)
			bad("store read failed", (unsigned long long)-rc, 0);
		free(sc.seqs);
	}
	printf("batches %llu records %llu quarantined %llu cells %llu "
	    "acked %zu missing %zu\n", (unsigned long long)a.batches,
	    (unsigned long long)a.records, (unsigned long long)a.quar,
	    (unsigned long long)a.cells, sc.n, sc.missing);
	server_close(&s);
	return failures ? 1 : 0;
}

/* ---- the collector store ------------------------------------------------- */

#define MAXCELLS 8192

struct col {
	struct device *d;
	uint64_t outbox, batched, batches, bstates, next_record, next_batch;
	uint64_t max_seq;
	uint8_t (*ids)[16];
	size_t nids, capids;
	uint32_t *cell;		/* count per site * ndays + day offset */
	int32_t ndays;
};

static void
col_record(struct col *c, const struct tv_record *r)
{
	int32_t off = r->day - c->d->c->plan->start_day;

	if (c->nids == c->capids) {
		c->capids = c->capids ? 2 * c->capids : 1024;
		c->ids = realloc(c->ids, c->capids * 16);
		if (c->ids == NULL)
			die("out of memory");
	}
	memcpy(c->ids[c->nids++], r->id, 16);
	if (r->site >= c->d->c->plan->nsites || off < 0 || off >= c->ndays) {
		bad("record outside the campaign", r->site, (unsigned)off);
		return;
	}
	c->cell[r->site * (uint32_t)c->ndays + (uint32_t)off]++;
}

static int
col_outbox_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct col *c = ctx;
	struct tv_record r;

	(void)key;
	c->outbox++;
	if (klen != 8 || tv_record_unpack(&r, val, vlen, c->d->c->k) != 0) {
		bad("outbox record does not unpack", klen, vlen);
		return 0;
	}
	col_record(c, &r);
	free(r.proofs);
	free(r.ct);
	return 0;
}

static int
col_batch_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct col *c = ctx;
	struct tv_envelope env;
	struct tv_batch *b = NULL;
	uint32_t i;

	memset(&env, 0, sizeof env);
	c->batches++;
	if (klen == 8 && tv_be64_get(key) > c->max_seq)
		c->max_seq = tv_be64_get(key);
	if (klen != 8 || tv_envelope_parse(&env, val, vlen) != 0 ||
	    tv_envelope_verify(&env) != 0 ||
	    memcmp(env.device_id, c->d->pk, 32) != 0 ||
	    env.seq != tv_be64_get(key) ||
	    tv_batch_decode(&b, &env, c->d->c->id, c->d->c->k) != 0) {
		bad("sealed batch does not verify or decode", klen, vlen);
		tv_envelope_release(&env);
		return 0;
	}
	for (i = 0; i < b->nrecords; i++)
		col_record(c, &b->records[i]);
	c->batched += b->nrecords;
	tv_batch_free(b);
	tv_envelope_release(&env);
	return 0;
}

static int
col_state_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct col *c = ctx;

	(void)key;
	c->bstates++;
	if (klen != 8 || vlen != 1 || *(const uint8_t *)val > BATCH_ACKED)
		bad("bad batch state entry", klen, vlen);
	return 0;
}

static uint64_t
meta_get(struct tv_txn *t, const char *name)
{
	const void *v;
	size_t vl;

	if (tv_txn_get(t, DB_META, name, strlen(name), &v, &vl) != 0)
		return 1;
	if (vl != 8) {
		bad("meta counter of the wrong size", vl, 0);
		return 1;
	}
	return tv_be64_get(v);
}

static int
col_walk(struct tv_txn *t, void *ctx)
{
	struct col *c = ctx;
	uint64_t pindex = 0;
	int rc;

	c->next_record = meta_get(t, "next_record");
	c->next_batch = meta_get(t, "next_batch");
	if ((rc = tv_txn_foreach(t, DB_OUTBOX, NULL, 0, col_outbox_cb, c)) != 0 ||
	    (rc = tv_txn_foreach(t, DB_BATCHES, NULL, 0, col_batch_cb, c)) != 0 ||
	    (rc = tv_txn_foreach(t, DB_BSTATE, NULL, 0, col_state_cb, c)) != 0 ||
	    (rc = tv_txn_foreach(t, DB_PINDEX, NULL, 0, agg_count_cb,
	    &pindex)) != 0)
		return rc;
	return 0;
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Count lines "SITE YYYY-MM-DD" into a cell table. */
static uint32_t *
read_visits(struct col *c, const char *path, uint64_t *n)
{
	size_t cells = (size_t)c->d->c->plan->nsites * (size_t)c->ndays;
	uint32_t *t = xcalloc(cells, sizeof *t);
	char site[128], date[32];
	int32_t day;
	int si;
	FILE *f = fopen(path, "r");

	*n = 0;
	if (f == NULL)
		return t;
	while (fscanf(f, "%127s %31s", site, date) == 2) {
		si = tv_plan_site_index(c->d->c->plan, site);
		if (si < 0 || tv_day_parse(date, &day) != 0 ||
		    day < c->d->c->plan->start_day ||
		    day > c->d->c->plan->end_day)
			die("%s: bad line '%s %s'", path, site, date);
		t[(size_t)si * (size_t)c->ndays +
		    (size_t)(day - c->d->c->plan->start_day)]++;
		(*n)++;
	}
	fclose(f);
	return t;
}

static void
col_compare(struct col *c, const char *acked, const char *attempted)
{
	size_t cells = (size_t)c->d->c->plan->nsites * (size_t)c->ndays, i;
	uint64_t na, nt = 0, lost = 0, extra = 0;
	uint32_t *a = read_visits(c, acked, &na), *t = NULL;

	if (attempted != NULL)
		t = read_visits(c, attempted, &nt);
	for (i = 0; i < cells; i++) {
		if (c->cell[i] < a[i])
			lost += a[i] - c->cell[i];
		if (t != NULL && c->cell[i] > t[i])
			extra += c->cell[i] - t[i];
	}
	if (lost)
		bad("acknowledged visits lost", lost, na);
	if (extra)
		bad("visits stored that were never attempted (duplicates)",
		    extra, nt);
	printf("acked %llu attempted %llu lost %llu extra %llu\n",
	    (unsigned long long)na, (unsigned long long)nt,
	    (unsigned long long)lost, (unsigned long long)extra);
	free(a);
	free(t);
}

static int
cmd_check_col(int argc, char **argv)
{
	struct device d;
	struct col c;
	size_t i;
	int rc;

	if (argc < 2 || argc > 4)
		die("usage: check-col DEVDIR [ACKED [ATTEMPTED]]");
	device_open(&d, argv[1], NULL, 0);
	memset(&c, 0, sizeof c);
	c.d = &d;
	c.ndays = d.c->plan->end_day - d.c->plan->start_day + 1;
	c.cell = xcalloc((size_t)d.c->plan->nsites * (size_t)c.ndays,
	    sizeof *c.cell);
	if ((rc = tv_store_read(d.st, col_walk, &c)) != 0)
		bad("store walk failed", (unsigned long long)-rc, 0);
	if (c.outbox + c.batched != c.next_record - 1)
		bad("records stored differ from the record counter",
		    c.outbox + c.batched, c.next_record - 1);
	if (c.batches != c.bstates || c.batches != c.next_batch - 1 ||
	    c.max_seq != c.batches)
		bad("batches, states and the batch counter differ", c.batches,
		    c.next_batch - 1);
	if (c.nids > 1)
		qsort(c.ids, c.nids, 16, cmp16);
	for (i = 1; i < c.nids; i++)
		if (memcmp(c.ids[i - 1], c.ids[i], 16) == 0)
			bad("a record id is stored twice", i, 0);
	printf("records %llu outbox %llu batches %llu batched %llu\n",
	    (unsigned long long)(c.outbox + c.batched),
	    (unsigned long long)c.outbox, (unsigned long long)c.batches,
	    (unsigned long long)c.batched);
	if (argc >= 3)
		col_compare(&c, argv[2], argc == 4 ? argv[3] : NULL);
	free(c.ids);
	free(c.cell);
	device_close(&d);
	return failures ? 1 : 0;
}

/* ---- the LMDB self-test -------------------------------------------------- */

#define VAL 2048

static void
value_of(uint8_t *v, uint64_t i)
{
	crypto_generichash(v, 32, (const uint8_t *)&i, sizeof i, NULL, 0);
	for (size_t k = 32; k < VAL; k++)
		v[k] = (uint8_t)(v[k % 32] + k);
}

static int
lmdb_env(MDB_env **env, const char *dir, unsigned flags, MDB_dbi *dbi)
{
	MDB_txn *txn;
	int rc;

	mkdir(dir, 0700);
	if ((rc = mdb_env_create(env)) != 0 ||
	    (rc = mdb_env_set_mapsize(*env, (size_t)256 << 20)) != 0 ||
	    (rc = mdb_env_open(*env, dir, flags, 0600)) != 0 ||
	    (rc = mdb_txn_begin(*env, NULL, 0, &txn)) != 0)
		return rc;
	if ((rc = mdb_dbi_open(txn, NULL, 0, dbi)) != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	return mdb_txn_commit(txn);
}

static uint64_t
lmdb_last(MDB_env *env, MDB_dbi dbi)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t last = 0;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	if (mdb_cursor_open(txn, dbi, &cur) == 0) {
		if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
			last = tv_be64_get(k.mv_data);
		mdb_cursor_close(cur);
	}
	mdb_txn_abort(txn);
	return last;
}

static int
cmd_lmdb_write(int argc, char **argv)
{
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	uint8_t kb[8], v[VAL];
	MDB_val k = { 8, kb }, val = { VAL, v };
	uint64_t i, first, n;
	int rc;

	if (argc != 3 && argc != 4)
		die("usage: lmdb-write DIR N [nosync]");
	n = strtoull(argv[2], NULL, 10);
	if ((rc = lmdb_env(&env, argv[1], argc == 4 ? MDB_NOSYNC : 0,
	    &dbi)) != 0)
		die("open: %s", mdb_strerror(rc));
	first = lmdb_last(env, dbi) + 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = first; i < first + n; i++) {
		tv_be64_put(kb, i);
		value_of(v, i);
		if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
		    (rc = mdb_put(txn, dbi, &k, &val, 0)) != 0 ||
		    (rc = mdb_txn_commit(txn)) != 0)
			die("txn %llu: %s", (unsigned long long)i,
			    mdb_strerror(rc));
		printf("ack %llu\n", (unsigned long long)i);
	}
	mdb_env_close(env);
	return 0;
}

static int
cmd_lmdb_verify(int argc, char **argv)
{
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t want[VAL];
	uint64_t n = 0, acked;
	int rc;

	if (argc != 3)
		die("usage: lmdb-verify DIR ACKED");
	acked = strtoull(argv[2], NULL, 10);
	if ((rc = lmdb_env(&env, argv[1], 0, &dbi)) != 0) {
		printf("unopenable: %s\n", mdb_strerror(rc));
		return 1;
	}
	if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_cursor_open(txn, dbi, &cur)) != 0) {
		printf("unreadable: %s\n", mdb_strerror(rc));
		return 1;
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, n == 0 ? MDB_FIRST :
	    MDB_NEXT)) == 0) {
		n++;
		value_of(want, n);
		if (k.mv_size != 8 || tv_be64_get(k.mv_data) != n ||
		    v.mv_size != VAL || memcmp(v.mv_data, want, VAL) != 0) {
			printf("corrupt at entry %llu\n", (unsigned long long)n);
			return 1;
		}
	}
	if (rc != MDB_NOTFOUND) {
		printf("walk failed: %s\n", mdb_strerror(rc));
		return 1;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	printf("entries %llu acked %llu lost %llu\n", (unsigned long long)n,
	    (unsigned long long)acked,
	    (unsigned long long)(acked > n ? acked - n : 0));
	return n >= acked ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct command cmds[] = {
		{ "mkbatches", cmd_mkbatches, "make signed batch files" },
		{ "wrap", cmd_wrap, "sign a payload as a batch" },
		{ "payload", cmd_payload, "extract a batch file's payload" },
		{ "fastkey", cmd_fastkey, "re-seal a device keystore, fast KDF" },
		{ "check-agg", cmd_check_agg, "verify an aggregator store" },
		{ "check-col", cmd_check_col, "verify a collector store" },
		{ "lmdb-write", cmd_lmdb_write, "self-test writer" },
		{ "lmdb-verify", cmd_lmdb_verify, "self-test verifier" },
	};

	progname = "tvfault";
	if (tv_crypto_init() != 0)
		die("libsodium");
	return command_run(cmds, sizeof cmds / sizeof cmds[0],
	    "Inputs and verifiers of the fault battery.", NULL, argc, argv);
}
