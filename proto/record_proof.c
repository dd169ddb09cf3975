/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "proto/record_proof.h"

size_t
tv_record_proofs_len(const struct tv_campaign *c)
{
	if (!c->plan->proofs)
		return 0;
	return (size_t)c->k * TV_PROOF01_BYTES +
	    (size_t)c->plan->ngroups * TV_PROOFSUM_BYTES;
}

uint32_t
tv_record_batch_size(const struct tv_campaign *c)
{
	/* 43: the record's id, site, day and protobuf framing. */
	size_t per = 43 + TV_CT_BYTES(c->k) + tv_record_proofs_len(c);
	size_t n = ((size_t)1 << 20) / per;

	return n > 2000 ? 2000 : n < 1 ? 1 : (uint32_t)n;
}

/* X_S and C_S of group g: public sums, added decoded (crypto/gpoint.h)
 * and encoded once each. */
static int
group_sums(const struct tv_campaign *c, const uint8_t *ct, uint32_t g,
    uint8_t XS[32], uint8_t CS[32])
{
	const struct tv_group *grp = &c->plan->groups[g];
	struct tv_gpoint xs, cs, p;
	uint32_t j, i;

	tv_gpoint_identity(&xs);
	tv_gpoint_identity(&cs);
	for (j = 0; j < grp->n; j++) {
		i = grp->members[j];
		if (tv_gpoint_decode(&p, c->keys + 32 * i) != 0)
			return TV_ERR_CRYPTO;
		tv_gpoint_add(&xs, &xs, &p);
		if (tv_gpoint_decode(&p, ct + 32 * (i + 1)) != 0)
			return TV_ERR_CRYPTO;
		tv_gpoint_add(&cs, &cs, &p);
	}
	tv_gpoint_encode(XS, &xs);
	tv_gpoint_encode(CS, &cs);
	return 0;
}

int
tv_record_prove(struct tv_record *rec, const struct tv_campaign *c,
    const uint8_t device[32], const uint8_t r[32], const uint8_t *bits)
{
	size_t len = tv_record_proofs_len(c);
	uint8_t *p, *q, XS[32], CS[32];
	uint32_t i, g, sum;
	int rc = 0;

	rec->proofs = NULL;
	rec->proofs_len = 0;
	if (len == 0)
		return 0;
	if ((p = malloc(len)) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < c->k && rc == 0; i++)
		rc = tv_proof01_prove(p + (size_t)i * TV_PROOF01_BYTES, c->id,
		    device, i, c->keys + 32 * i, rec->ct,
		    rec->ct + 32 * (i + 1), r, bits[i]);
	q = p + (size_t)c->k * TV_PROOF01_BYTES;
	for (g = 0; g < c->plan->ngroups && rc == 0; g++) {
		for (i = 0, sum = 0; i < c->plan->groups[g].n; i++)
			sum += bits[c->plan->groups[g].members[i]];
		if (sum != c->plan->groups[g].sum)
			rc = TV_ERR_RANGE;
		else if ((rc = group_sums(c, rec->ct, g, XS, CS)) == 0)
			rc = tv_proofsum_prove(q + (size_t)g *
			    TV_PROOFSUM_BYTES, c->id, device, g, sum, XS,
			    rec->ct, CS, r);
	}
	if (rc != 0) {
		free(p);
		return rc;
	}
	rec->proofs = p;
	rec->proofs_len = len;
	return 0;
}

int
tv_record_verify(const struct tv_record *rec, const struct tv_campaign *c,
    const uint8_t device[32], char *why, size_t whylen)
{
	size_t len = tv_record_proofs_len(c);
	const uint8_t *q;
	uint8_t XS[32], CS[32];
	uint32_t i, g;

	if (rec->proofs_len != len)
		return snprintf(why, whylen, len ? "proofs missing or of the "
		    "wrong size" : "unexpected proofs"), TV_ERR_BADSIG;
	for (i = 0; i < c->k && len > 0; i++)
		if (tv_proof01_verify(rec->proofs + (size_t)i *
		    TV_PROOF01_BYTES, c->id, device, i, c->keys + 32 * i,
		    rec->ct, rec->ct + 32 * (i + 1)) != 0)
			return snprintf(why, whylen, "indicator '%s': the 0/1 "
			    "proof does not verify", c->plan->indicators[i].id),
			    TV_ERR_BADSIG;
	q = rec->proofs + (size_t)c->k * TV_PROOF01_BYTES;
	for (g = 0; g < c->plan->ngroups && len > 0; g++)
		if (group_sums(c, rec->ct, g, XS, CS) != 0 ||
		    tv_proofsum_verify(q + (size_t)g * TV_PROOFSUM_BYTES,
		    c->id, device, g, c->plan->groups[g].sum, XS, rec->ct,
		    CS) != 0)
			return snprintf(why, whylen, "group '%s': the proof "
			    "that it adds up to %u does not verify",
			    c->plan->groups[g].id, c->plan->groups[g].sum),
			    TV_ERR_BADSIG;
	return 0;
}
