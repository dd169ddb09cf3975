/* SPDX-License-Identifier: MIT */
/*
 * publish.h - combining trustees' partial decryptions and writing the
 * release: tidy CSV for evaluators, and JSON that is also the verifiable
 * release record (with campaign.json and request.tvr beside it).
 */
#ifndef TV_PUBLISH_H
#define TV_PUBLISH_H

#include <stdint.h>

#include <jansson.h>

#include "release/recount.h"
#include "crypto/shamir.h"
#include "proto/campaign.h"
#include "release/verdict.h"

struct cell_result {
	enum tv_verdict v;	/* the cell's */
	uint32_t nq;		/* trustees combined (== t when released) */
	uint32_t quorum[TV_SHAMIR_MAX];
	int64_t *values;	/* k (negative only with noise) */
	/* k: a released cell's value shown (TV_V_RELEASE), or hidden as
	 * under the plan's min_cell (TV_V_MIN_CELL) or to keep such a value
	 * from being recomputed (TV_V_SECONDARY) */
	uint8_t *small;
	uint8_t *d;		/* k x 32: combined x_i * R* */
	uint8_t *pd;		/* nq x k x 32: the trustees' D_ij */
	uint8_t *proofs;	/* nq x k x 64: their DLEQ proofs */
};

struct audit_release;
/* What release.json says of res (cells by status, the trustees whose
 * partials it shows, its as-of day) for the audit log. */
void publish_summary(struct audit_release *sum, const struct tv_request *req,
    const struct cell_result *res, uint32_t k);

/* Hide the values that would let one under min (the plan's min_cell) be
 * recomputed from totals and subtotals (aggregator/min_cell.c). */
void min_cell_protect(struct cell_result *res, const struct tv_request *req,
    uint32_t nsites, uint32_t k, uint32_t min);

/* release-codebook.csv (docs/formats.md III.9.2a): one row per indicator
 * of the plan, its id, labels and a definition written from its rule;
 * malloc'd, *len bytes (aggregator/codebook.c). */
struct tv_plan;
char *codebook_csv(const struct tv_plan *p, size_t *len);

/* Write dir/release.csv, release-codebook.csv and release.json (created
 * exclusively, mode 0644 in a directory of mode 0755);
 * noise (may be NULL) describes the noise added, and chain's members
 * ("request", "previous", "ledgers": docs/formats.md) go into the JSON. */
int publish_release(const char *dir, const struct tv_campaign *c,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct cell_result *res, json_t *noise, json_t *chain);

#endif
