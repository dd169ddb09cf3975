/* SPDX-License-Identifier: MIT */
/*
 * trustee.h - the key holder's program: creates a campaign's keys and
 * releases cells.  It never trusts the aggregator: it verifies every
 * signed batch and rebuilds every sum it is asked to decrypt.
 */
#ifndef TV_TRUSTEE_H
#define TV_TRUSTEE_H

#include <stdint.h>

#include "proto/campaign.h"
#include "proto/release.h"

int cmd_create(int argc, char **argv);
int cmd_release(int argc, char **argv);

/* Secret keys x_1..x_K of the campaign from the holder's key file, in
 * sodium_malloc memory (sodium_free).  Dies on failure. */
uint8_t *holder_load(const char *path, const char *passfile,
    const struct tv_campaign *c);

/* Result of one cell after the policy and decryption. */
enum cell_status {
	CELL_RELEASED = 0,
	CELL_SUPPRESSED = 1,	/* fewer records than min_cohort: never
				 * decrypted */
	CELL_OPEN = 2,		/* not closed yet: never decrypted */
};

struct cell_result {
	enum cell_status status;
	uint64_t *values;	/* k values, when released */
	uint8_t *shares;	/* k decryption shares D_i, when released */
	uint8_t *small;		/* per value: 1 = under min_cell */
};

/* Verify every envelope of the request (read from f after the head) and
 * rebuild each requested cell's count and sum into rebuilt (same order as
 * req->cells, cts allocated by the caller).  0, or 1 with a message
 * printed when something does not verify. */
int rebuild_cells(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct tv_cell *rebuilt);

/* Write release.csv and release.json into dir. */
int publish_release(const char *dir, const struct tv_campaign *c,
    const struct tv_request *req, const struct tv_cell *cells,
    const struct cell_result *res);

#endif
