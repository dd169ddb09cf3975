/* SPDX-License-Identifier: MIT */
/*
 * From a typed visit to one encrypted record: the only place where the
 * plaintext form meets the keys.  What is stored: the record (ciphertext,
 * site, day, random id) and, for distinct-person indicators, index tags
 * keyed with the index key, and for history conditions the person's
 * sealed visit history -- never the identity, the pseudonym or a bit.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/calendar.h"
#include "proto/record_proof.h"

/* Has this person already counted for indicator i in this period?  If
 * not, remember that they now have. */
static int
first_in_period(struct tv_txn *t, const struct device *d,
    const struct visit *v, uint32_t i, const uint8_t *pseudo, int *first)
{
	const struct tv_plan *p = d->c->plan;
	const struct tv_indicator *ind = &p->indicators[i];
	int32_t pid = tv_hier_period_id(ind->distinct, v->day), lo, hi;
	uint8_t tag[32], expiry[4];
	const void *val;
	size_t vlen;
	int rc;

	tv_index_tag(tag, DEVICE_INDEX_KEY(d), pseudo, i, ind->distinct, pid,
	    ind->scope == TV_SCOPE_SITE ? v->site : UINT32_MAX);
	rc = tv_txn_get(t, DB_PINDEX, tag, sizeof tag, &val, &vlen);
	if (rc == 0) {
		*first = 0;
		return 0;
	}
	if (rc != TV_ERR_NOTFOUND)
		return rc;
	/* Kept until the period ends plus the retention time. */
	tv_hier_bounds(ind->distinct, pid, p->start_day, p->end_day, &lo,
	    &hi);
	tv_be32_put(expiry, (uint32_t)(hi + (int32_t)p->policy.retention_days));
	*first = 1;
	return tv_txn_put(t, DB_PINDEX, tag, sizeof tag, expiry, sizeof expiry,
	    0);
}

/* The person's earlier visits in each scope the plan's history conditions
 * look at: h[TV_SCOPE_COLLECTOR] on this collector, h[TV_SCOPE_SITE] at
 * this visit's site.  Empty for a scope no condition looks at. */
struct histories {
	struct tv_history h[2];
	uint8_t tag[2][32];
};

static int
histories_load(struct tv_txn *t, const struct device *d,
    const struct visit *v, const uint8_t *pseudo, struct histories *hs)
{
	const struct tv_plan *p = d->c->plan;
	unsigned s;
	int rc = 0;

	memset(hs, 0, sizeof *hs);
	for (s = 0; s < 2 && rc == 0; s++)
		if (p->history_scopes & 1u << s) {
			tv_history_tag(hs->tag[s], DEVICE_INDEX_KEY(d), pseudo,
			    s == TV_SCOPE_SITE ? v->site : UINT32_MAX);
			rc = history_load(t, d, hs->tag[s], &hs->h[s]);
		}
	return rc;
}

/* After the indicators: this visit joins the person's histories. */
static int
histories_add(struct tv_txn *t, const struct device *d,
    const struct visit *v, struct histories *hs)
{
	const struct tv_plan *p = d->c->plan;
	uint16_t match = tv_history_match(p, v->values);
	unsigned s;
	int rc = 0;

	for (s = 0; s < 2 && rc == 0; s++)
		if (p->history_scopes & 1u << s) {
			tv_history_add(&hs->h[s], v->day, match);
			rc = history_save(t, d, hs->tag[s], &hs->h[s]);
		}
	return rc;
}

static int
indicators_eval(struct tv_txn *t, const struct device *d,
    const struct visit *v, const uint8_t *pseudo,
    const struct histories *hs, uint8_t *bits)
{
	const struct tv_plan *p = d->c->plan;
	uint32_t i;
	int rc, first;

	for (i = 0; i < p->nindicators; i++) {
		bits[i] = (uint8_t)tv_pred_eval_at(&p->indicators[i].when,
		    v->values, &hs->h[p->indicators[i].scope], v->day);
		if (!bits[i] || p->indicators[i].distinct == TV_PERIOD_NONE)
			continue;
		if ((rc = first_in_period(t, d, v, i, pseudo, &first)) != 0)
			return rc;
		bits[i] = (uint8_t)first;
	}
	return 0;
}

static int
record_store(struct tv_txn *t, const struct device *d,
    const struct visit *v, const uint8_t *bits)
{
	uint32_t k = d->c->k;
	struct tv_record r = { .site = v->site, .day = v->day };
	uint8_t *packed = NULL, key[8], rnd[32];
	size_t len;
	uint64_t n;
	int rc;

	if ((rc = meta_next(t, "next_record", &n)) != 0)
		return rc;
	randombytes_buf(r.id, sizeof r.id);
	r.ct = xmalloc(TV_CT_BYTES(k));
	rc = tv_elgamal_encrypt_r(r.ct, rnd, d->c->keys, bits, k,
	    DEVICE_NONCE_KEY(d), n);
	/* Proofs that each bit is 0 or 1 and each group adds up, made with
	 * the randomness r, which is wiped right after. */
	if (rc == 0)
		rc = tv_record_prove(&r, d->c, d->pk, rnd, bits);
	sodium_memzero(rnd, sizeof rnd);
	if (rc == 0)
		rc = tv_record_pack(&packed, &len, &r, k);
	if (rc == 0) {
		tv_be64_put(key, n);
		rc = tv_txn_put(t, DB_OUTBOX, key, sizeof key, packed, len,
		    TV_PUT_NOOVERWRITE);
	}
	free(packed);
	free(r.proofs);
	free(r.ct);
	return rc;
}

int
capture_txn(struct tv_txn *t, const struct device *d, const struct visit *v,
    char *receipt)
{
	uint8_t pseudo[TV_PSEUDONYM_BYTES], bits[TV_INDICATORS_MAX];
	struct histories hs;
	int rc;

	memset(&hs, 0, sizeof hs);
	rc = visit_pseudonym(d, v, pseudo);
	if (rc == 0)
		rc = histories_load(t, d, v, pseudo, &hs);
	if (rc == 0)
		rc = indicators_eval(t, d, v, pseudo, &hs, bits);
	if (rc == 0)
		rc = histories_add(t, d, v, &hs);
	if (rc == 0 && receipt != NULL)
		tv_receipt_code(receipt, pseudo);
	if (rc == 0)
		rc = record_store(t, d, v, bits);
	sodium_memzero(pseudo, sizeof pseudo);
	sodium_memzero(bits, sizeof bits);
	sodium_memzero(&hs, sizeof hs);
	return rc;
}
