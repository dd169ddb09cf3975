/* SPDX-License-Identifier: MIT */
/*
 * campaign.h - the public campaign bundle: plan + indicator public keys.
 *
 * The campaign id names the exact plan and keys:
 *   id = BLAKE2b-256("tallyvan/campaign/v1" || u32le len(plan) || plan
 *                    || u32le K || X_1 .. X_K)
 * where plan is the plan's canonical JSON (plan.h).  Every record, batch and
 * release names it; loading a bundle recomputes it and refuses a mismatch.
 *
 * Bundle (JSON): {"format": "tallyvan-campaign/1", "campaign_id": hex,
 *   "plan": {...}, "indicator_keys": [{"indicator": id, "key": hex}, ...]}
 *
 * The key holder's secret file (keyfile.h, kind "holder") holds
 *   campaign_id (32) || u32le K || x_1 .. x_K (32 each).
 */
#ifndef TV_CAMPAIGN_H
#define TV_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "proto/plan.h"

#define TV_CAMPAIGN_MAX_BYTES (2u << 20)

struct tv_campaign {
	struct tv_plan *plan;
	uint32_t k;		/* == plan->nindicators */
	uint8_t *keys;		/* k * 32: X_1 .. X_K */
	uint8_t id[32];
};

void tv_campaign_id(uint8_t id[32], const struct tv_plan *p,
    const uint8_t *keys, uint32_t k);

/* Build the bundle JSON text (malloc'd, NUL-terminated) for plan p and
 * public keys; c->id is set.  Takes no ownership. */
int tv_campaign_bundle(char **json, uint8_t id[32], const struct tv_plan *p,
    const uint8_t *keys);

/* 1 iff a cell ending on last_day can be released on day today: no record
 * can still arrive for it (its end, or the campaign's if earlier, plus the
 * plan's grace days, is past). */
int tv_cell_closed(const struct tv_plan *p, int32_t last_day, int32_t today);

/* Load and check a bundle (plan valid, keys valid non-identity points, one
 * per indicator, id matches).  err gets "<path>: <problem>". */
int tv_campaign_load(struct tv_campaign **out, const char *path, char *err,
    size_t errlen);
/* Accepts NULL. */
void tv_campaign_free(struct tv_campaign *c);

#endif
