/* SPDX-License-Identifier: MIT */
/*
 * admit.h - the one rule that admits a batch.
 *
 * The aggregator applies it at ingest (aggregator/ingest.c); every key
 * holder applies it again in its recount (release/recount.c: trustee
 * release, aggregator publish, trustee verify).  The trustees refuse a
 * request whose sums differ from theirs by one record, so the two sides
 * must reach the same verdict on every envelope: they both call this.
 *
 * The verdict on an envelope whose device the caller has found:
 *   refused    the device is revoked at this batch's seq, the signature
 *              does not verify, the batch does not decode (tv_batch_decode),
 *              or a record lies outside the campaign's sites and days or
 *              outside its device's certificate;
 *   admitted   otherwise; then each record is either counted or set aside
 *              (quarantined) because its proofs do not verify.
 * What depends on other envelopes (a batch, record id or R seen before)
 * is the caller's: a store answers it at ingest, a request at recount.
 * Byte formats and the rule in prose: docs/formats.md Part II §4.
 */
#ifndef TV_ADMIT_H
#define TV_ADMIT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/cert.h"

/* What the trustees said about the envelope's device. */
struct tv_admit_device {
	const struct tv_cert *cert;	/* its certificate */
	int revoked;
	uint64_t last_seq;	/* if revoked: later batches do not count */
};

#define TV_ADMIT_WHY 96		/* bytes of a quarantine reason, with NUL */

struct tv_admission {
	struct tv_batch *b;	/* the decoded batch (refused: if it decoded) */
	int authentic;		/* the signature verified */
	/* Per record: NULL while every record counts, else a reason per
	 * record, "" for one that counts. */
	char (*quarantine)[TV_ADMIT_WHY];
	uint32_t nquarantined;
	char why[160];		/* if refused: why, as a sentence */
};

/* The revocation rule alone: 0 if batch seq of device d counts, else
 * TV_ERR_REVOKED with the reason in why (a retried batch the aggregator
 * stored before is checked with this only). */
int tv_admit_seq(const struct tv_admit_device *d, uint64_t seq, char *why,
    size_t whylen);

/*
 * Admit env, a parsed envelope (tv_envelope_parse) whose device is d (the
 * caller looked it up by env->device_id; TV_ERR_MISMATCH if the
 * certificate names another key).  On 0, a->b holds the batch and
 * a->quarantine the records set aside.  Otherwise nothing of the batch
 * counts (a->b, if set, is only there to say how many records it held),
 * a->why says why and the
 * code is TV_ERR_REVOKED, TV_ERR_BADSIG, TV_ERR_RANGE (a record outside
 * the campaign or the certificate), a tv_batch_decode() code, or
 * TV_ERR_NOMEM.  a is cleared first; release it with
 * tv_admission_release() in every case.
 */
int tv_batch_admit(struct tv_admission *a, const struct tv_envelope *env,
    const struct tv_campaign *c, const struct tv_admit_device *d);

/* "" if record i counts, else why it is set aside. */
const char *tv_admission_why(const struct tv_admission *a, uint32_t i);

/* Accepts a zeroed or already released admission. */
void tv_admission_release(struct tv_admission *a);

#endif
