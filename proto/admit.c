/* SPDX-License-Identifier: MIT */
/*
 * Batch admission: the rule shared by ingest and every recount (admit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/admit.h"
#include "proto/plan.h"
#include "proto/record_proof.h"

int
tv_admit_seq(const struct tv_admit_device *d, uint64_t seq, char *why,
    size_t whylen)
{
	if (!d->revoked || seq <= d->last_seq)
		return 0;
	snprintf(why, whylen, "device revoked after batch %llu (this is "
	    "batch %llu)", (unsigned long long)d->last_seq,
	    (unsigned long long)seq);
	return TV_ERR_REVOKED;
}

/* 0, or TV_ERR_RANGE with the first record outside the campaign or the
 * certificate named in a->why: the whole batch is refused, since a
 * record there is not a record of this campaign from this device. */
static int
records_in_range(struct tv_admission *a, const struct tv_campaign *c,
    const struct tv_cert *cert)
{
	const struct tv_plan *p = c->plan;
	const struct tv_record *r;
	const char *where = NULL;
	char hex[2 * TV_RECORD_ID_BYTES + 1];
	uint32_t i;

	for (i = 0; i < a->b->nrecords && where == NULL; i++) {
		r = &a->b->records[i];
		if (r->site >= p->nsites || r->day < p->start_day ||
		    r->day > p->end_day)
			where = "the campaign";
		else if (!tv_cert_has_site(cert, r->site) ||
		    r->day < cert->valid_from || r->day > cert->valid_until)
			where = "the device's certificate";
	}
	if (where == NULL)
		return 0;
	sodium_bin2hex(hex, sizeof hex, a->b->records[i - 1].id,
	    TV_RECORD_ID_BYTES);
	snprintf(a->why, sizeof a->why, "record %s: site or day outside %s",
	    hex, where);
	return TV_ERR_RANGE;
}

/* Proofs, record by record: a record whose proofs fail is set aside with
 * its reason, never counted; the others are not affected. */
static int
records_prove(struct tv_admission *a, const struct tv_campaign *c,
    const uint8_t device[32])
{
	char why[TV_ADMIT_WHY];
	uint32_t i, n = a->b->nrecords;

	for (i = 0; i < n; i++) {
		if (tv_record_verify(&a->b->records[i], c, device, why,
		    sizeof why) == 0)
			continue;
		if (a->quarantine == NULL &&
		    (a->quarantine = calloc(n, sizeof *a->quarantine)) == NULL)
			return TV_ERR_NOMEM;
		memcpy(a->quarantine[i], why, sizeof why);
		a->nquarantined++;
	}
	return 0;
}

/* Signature, then decompression and every check of tv_batch_decode. */
static int
batch_open(struct tv_admission *a, const struct tv_envelope *env,
    const struct tv_campaign *c)
{
	int rc;

	if ((rc = tv_envelope_verify(env)) == 0) {
		a->authentic = 1;
		rc = tv_batch_decode(&a->b, env, c->id, c->k);
	}
	if (rc != 0)
		snprintf(a->why, sizeof a->why, "%s", tv_strerror(rc));
	return rc;
}

int
tv_batch_admit(struct tv_admission *a, const struct tv_envelope *env,
    const struct tv_campaign *c, const struct tv_admit_device *d)
{
	int rc;

	memset(a, 0, sizeof *a);
	if (memcmp(d->cert->device, env->device_id, 32) != 0) {
		snprintf(a->why, sizeof a->why, "the certificate is another "
		    "device's");
		rc = TV_ERR_MISMATCH;
	} else if ((rc = tv_admit_seq(d, env->seq, a->why,
	    sizeof a->why)) == 0 && (rc = batch_open(a, env, c)) == 0 &&
	    (rc = records_in_range(a, c, d->cert)) == 0 &&
	    (rc = records_prove(a, c, env->device_id)) != 0) {
		snprintf(a->why, sizeof a->why, "%s", tv_strerror(rc));
	}
	return rc;
}

const char *
tv_admission_why(const struct tv_admission *a, uint32_t i)
{
	return a->quarantine == NULL ? "" : a->quarantine[i];
}

void
tv_admission_release(struct tv_admission *a)
{
	tv_batch_free(a->b);
	free(a->quarantine);
	a->b = NULL;
	a->quarantine = NULL;
	a->nquarantined = 0;
}
