/* SPDX-License-Identifier: MIT */
/*
 * campaign.h - the public campaign bundle: the plan, the trustees, and for
 * each indicator its public key X_i with Feldman commitments to the
 * trustees' shares (t-of-n; 1-of-1 is the same code path).
 *
 * campaign_id = BLAKE2b-256("tallyvan/campaign/v2" || u32le len(plan) ||
 *     plan || u32le K || u32le t || u32le n ||
 *     n x (u32le index || Ed25519 key (32) || u32le len(name) || name) ||
 *     K x (A_i,0 = X_i || A_i,1 .. A_i,t-1))
 * where plan is the plan's canonical JSON (plan.h).  Trustees accept a
 * campaign by signing "tallyvan/campaign/v2/accept" NUL || campaign_id with
 * their Ed25519 key; devices and the aggregator use a bundle only when all
 * n signatures are there and valid.  JSON layout: docs/formats.md Part III.
 */
#ifndef TV_CAMPAIGN_H
#define TV_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "proto/plan.h"

#define TV_CAMPAIGN_MAX_BYTES (4u << 20)
#define TV_TRUSTEES_MAX 16
#define TV_TRUSTEE_NAME_MAX 64

struct tv_trustee {
	uint32_t index;		/* 1..n: the Shamir evaluation point */
	char *name;
	uint8_t pk[32];		/* Ed25519 */
	int has_sig;
	uint8_t sig[64];
};

struct tv_campaign {
	struct tv_plan *plan;
	uint32_t k;		/* == plan->nindicators */
	uint8_t *keys;		/* k * 32: X_i (= commit[i][0]) */
	uint32_t t, n;		/* threshold, number of trustees */
	struct tv_trustee *trustees;	/* n, by index */
	uint8_t *commit;	/* k * t * 32: A_i,0 .. A_i,t-1 */
	uint8_t id[32];
};

/* A_i,j */
#define TV_COMMIT(c, i, j) ((c)->commit + ((size_t)(i) * (c)->t + (j)) * 32)

/* Compute c->id from everything else (keys = commitments A_i,0). */
void tv_campaign_hash(struct tv_campaign *c);
/* The message a trustee signs to accept campaign id. */
#define TV_ACCEPT_MSG_BYTES (sizeof "tallyvan/campaign/v2/accept" + 32)
void tv_campaign_accept_msg(uint8_t msg[TV_ACCEPT_MSG_BYTES],
    const uint8_t id[32]);
/* Check and attach a trustee's acceptance signature: 0, TV_ERR_NOTFOUND
 * (no such index), TV_ERR_BADSIG. */
int tv_campaign_add_sig(struct tv_campaign *c, uint32_t index,
    const uint8_t sig[64]);
/* 1 iff every trustee's signature is attached (each was verified). */
int tv_campaign_complete(const struct tv_campaign *c);
/* Trustee of this Ed25519 key, or NULL. */
const struct tv_trustee *tv_campaign_trustee(const struct tv_campaign *c,
    const uint8_t pk[32]);

/* S = trustee j's verification keys S_j,i = f_i(j)*G for every indicator
 * i < k (k * 32 bytes), from the commitments (tv_shamir_verkey): they
 * depend on the trustee and the indicator only, so a release computes
 * them once, not once per cell.  0 or TV_ERR_CRYPTO. */
int tv_campaign_verkeys(uint8_t *S, const struct tv_campaign *c, uint32_t j);

/* The bundle JSON (malloc'd), with whatever signatures are attached. */
int tv_campaign_bundle(char **json, const struct tv_campaign *c);

/* Load and check a bundle: plan valid, keys and commitments valid
 * non-identity points, id matches, every attached signature valid.
 * err gets "<path>: <problem>". */
int tv_campaign_load(struct tv_campaign **out, const char *path, char *err,
    size_t errlen);
/* Accepts NULL. */
void tv_campaign_free(struct tv_campaign *c);

/* 1 iff a cell ending on last_day can be released on day today: no record
 * can still arrive for it (its end, or the campaign's if earlier, plus the
 * plan's grace days, is past). */
int tv_cell_closed(const struct tv_plan *p, int32_t last_day, int32_t today);

#endif
