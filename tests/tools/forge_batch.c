/* SPDX-License-Identifier: MIT */
/*
 * forge_batch - a device gone bad, for tests: a signed batch in which some
 * records carry proofs that must not verify.
 *
 *   forge_batch CAMPAIGN.json OUTDIR
 *
 * writes OUTDIR/device.pub and OUTDIR/forged.tvb holding, on site 0 and
 * the campaign's first day:
 *   3 honest records (bit pattern of a woman's visit);
 *   "mauled":   an honest record re-randomised (R + dG, C_i + dX_i) with
 *               every response adapted (z + c d): what weak Fiat-Shamir
 *               would accept (crypto-notes §4.6);
 *   "replayed": a record whose proofs were made for another device id;
 *   "two":      an honest record with C_0 + G (slot 0 encrypts 2);
 *   "sum2":     two members of the first group set, with valid 0/1 proofs
 *               and a valid proof that the group adds up to 2;
 * and OUTDIR/reuse.tvb, batch 2 of the same device: one record with a new
 * id and the first honest record's R, its slot 0 moved by G (so its
 * proofs fail and it is set aside): a record never counted, whose R
 * repeats a counted one's; and OUTDIR/again.tvb, batch 3: the first honest
 * record again under a new id, proofs and all (a replay only the
 * request's R check refuses).
 * Exit 0 on success.  Test use only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/record_proof.h"

#define NREC 7

static struct tv_campaign *c;
static uint8_t pk[32], sk[64], other[32];

static void fail(const char *what);

/* Seal records into batch seq and write it to DIR/NAME. */
static void
seal_to(const char *dir, const char *name, uint64_t seq,
    struct tv_record *recs, uint32_t n)
{
	struct tv_batch b = { 0 };
	char path[4096];
	uint8_t *env;
	size_t len;
	FILE *f;

	memcpy(b.campaign_id, c->id, 32);
	memcpy(b.device_id, pk, 32);
	b.seq = seq;
	b.k = c->k;
	b.nrecords = n;
	b.records = recs;
	if (tv_batch_seal(&env, &len, &b, sk) != 0)
		fail("cannot seal");
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(env, 1, len, f) != len ||
	    fclose(f) != 0)
		fail("cannot write the batch");
	free(env);
}

static void
fail(const char *what)
{
	fprintf(stderr, "forge_batch: %s\n", what);
	exit(2);
}

/* An honest record for device dev with the given bits; r kept. */
static void
honest(struct tv_record *rec, const uint8_t *dev, const uint8_t *bits,
    uint8_t r[32])
{
	randombytes_buf(rec->id, 16);
	rec->site = 0;
	rec->day = c->plan->start_day;
	rec->ct = malloc(TV_CT_BYTES(c->k));
	if (rec->ct == NULL || tv_elgamal_encrypt_r(rec->ct, r, c->keys, bits,
	    c->k, NULL, 0) != 0 || tv_record_prove(rec, c, dev, r, bits) != 0)
		fail("cannot make an honest record");
}

/* R + dG, C_i + dX_i, every z + c d: the statement changes, the
 * commitments and challenges do not. */
static void
maul(struct tv_record *rec)
{
	uint8_t d[32], P[32], cd[32], *pr;
	uint32_t i, g;

	crypto_core_ristretto255_scalar_random(d);
	tv_point_mulbase(P, d);
	tv_point_add(rec->ct, rec->ct, P);
	for (i = 0; i < c->k; i++) {
		tv_point_mul(P, d, c->keys + 32 * i);
		tv_point_add(rec->ct + 32 * (i + 1), rec->ct + 32 * (i + 1), P);
		pr = rec->proofs + (size_t)i * TV_PROOF01_BYTES;
		for (int b = 0; b < 2; b++) {
			crypto_core_ristretto255_scalar_mul(cd, pr + 32 * b, d);
			crypto_core_ristretto255_scalar_add(pr + 64 + 32 * b,
			    pr + 64 + 32 * b, cd);
		}
	}
	for (g = 0; g < c->plan->ngroups; g++) {
		pr = rec->proofs + (size_t)c->k * TV_PROOF01_BYTES +
		    (size_t)g * TV_PROOFSUM_BYTES;
		crypto_core_ristretto255_scalar_mul(cd, pr, d);
		crypto_core_ristretto255_scalar_add(pr + 32, pr + 32, cd);
	}
}

int
main(int argc, char **argv)
{
	struct tv_record rec[NREC] = { 0 }, reuse;
	uint8_t bits[TV_INDICATORS_MAX] = { 0 }, r[32];
	char err[512], path[4096], hex[65];
	FILE *f;
	int i;

	if (argc != 3 || tv_crypto_init() != 0)
		fail("usage: forge_batch CAMPAIGN.json OUTDIR");
	if (tv_campaign_load(&c, argv[1], err, sizeof err) != 0)
		fail(err);
	if (!c->plan->proofs || c->plan->ngroups == 0 ||
	    c->plan->groups[0].n < 2)
		fail("the plan needs proofs and a group of 2 or more");
	crypto_sign_keypair(pk, sk);
	randombytes_buf(other, sizeof other);
	bits[0] = 1;	/* slot 0 and the group's first member: a valid visit */
	bits[c->plan->groups[0].members[0]] = 1;
	for (i = 0; i < 6; i++)
		honest(&rec[i], i == 5 ? other : pk, bits, r);
	maul(&rec[3]);
	/* slot 0 now encrypts 2; its (honest) proofs were for 1 */
	tv_point_add(rec[4].ct + 32, rec[4].ct + 32, tv_generator);
	/* a device that lies about its plan: two members set, proven sum 2 */
	bits[c->plan->groups[0].members[1]] = 1;
	c->plan->groups[0].sum = 2;
	honest(&rec[6], pk, bits, r);
	c->plan->groups[0].sum = 1;
	sodium_memzero(r, sizeof r);
	seal_to(argv[2], "forged.tvb", 1, rec, NREC);
	reuse = rec[0];
	randombytes_buf(reuse.id, 16);
	if ((reuse.ct = malloc(TV_CT_BYTES(c->k))) == NULL)
		fail("out of memory");
	memcpy(reuse.ct, rec[0].ct, TV_CT_BYTES(c->k));
	tv_point_add(reuse.ct + 32, reuse.ct + 32, tv_generator);
	seal_to(argv[2], "reuse.tvb", 2, &reuse, 1);
	memcpy(reuse.ct, rec[0].ct, TV_CT_BYTES(c->k));
	seal_to(argv[2], "again.tvb", 3, &reuse, 1);
	free(reuse.ct);
	sodium_bin2hex(hex, sizeof hex, pk, 32);
	snprintf(path, sizeof path, "%s/device.pub", argv[2]);
	if ((f = fopen(path, "w")) == NULL || fprintf(f, "%s\n", hex) < 0 ||
	    fclose(f) != 0)
		fail("cannot write the key");
	printf("forged batch: %d records, 4 of them must be quarantined\n",
	    NREC);
	for (i = 0; i < NREC; i++) {
		free(rec[i].ct);
		free(rec[i].proofs);
	}
	tv_campaign_free(c);
	return 0;
}
