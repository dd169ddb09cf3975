/* SPDX-License-Identifier: MIT */
/*
 * From a typed visit to one encrypted record: the only place where the
 * plaintext form meets the keys.  What is stored: the record (ciphertext,
 * site, day, random id) and, for distinct-person indicators, index tags
 * keyed with the index key -- never the identity, the pseudonym or a bit.
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

static int
indicators_eval(struct tv_txn *t, const struct device *d,
    const struct visit *v, const uint8_t *pseudo, uint8_t *bits)
{
	const struct tv_plan *p = d->c->plan;
	uint32_t i;
	int rc, first;

	for (i = 0; i < p->nindicators; i++) {
		bits[i] = (uint8_t)tv_pred_eval(&p->indicators[i].when,
		    v->values);
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
	int rc;

	rc = visit_pseudonym(d, v, pseudo);
	if (rc == 0)
		rc = indicators_eval(t, d, v, pseudo, bits);
	if (rc == 0 && receipt != NULL)
		tv_receipt_code(receipt, pseudo);
	if (rc == 0)
		rc = record_store(t, d, v, bits);
	sodium_memzero(pseudo, sizeof pseudo);
	sodium_memzero(bits, sizeof bits);
	return rc;
}
