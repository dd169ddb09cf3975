/* SPDX-License-Identifier: MIT */
/*
 * rebuild.h - recount a release request from its signed batches.
 *
 * Used by every key holder before it decrypts anything (it must never
 * decrypt a sum it did not derive, crypto-notes §5.4), by the aggregator
 * to publish, and by anyone who verifies a published release.
 */
#ifndef TV_REBUILD_H
#define TV_REBUILD_H

#include <stdint.h>
#include <stdio.h>

#include "proto/campaign.h"
#include "proto/release.h"

struct rebuilt {
	struct tv_cell *cells;	/* as the request's, with our count/ct */
	uint8_t **ids;		/* per cell: sorted record ids, 16 bytes */
	uint64_t records, quarantined, batches;
};

/*
 * Refuse a request whose cells are not the release hierarchy's
 * (tv_request_cells_check), then verify every device certificate and
 * revocation the request carries against the bundle (t distinct trustees
 * each; one certificate per device): any invalid one refuses the request.
 * Then read the envelopes that follow the request head in f; an envelope
 * counts only if its device has a certificate there (the request's device
 * list is never trusted); a batch with seq above its device's revocation,
 * or a record outside its certificate's sites or days, refuses the
 * request.  Verify each signature, decode, set aside records whose proofs
 * fail (exactly as the aggregator does at ingest), refuse a repeated
 * batch, record id or R, and rebuild every requested cell.
 * 0, or 1 with the reason printed (the request must then be refused).
 */
int rebuild_request(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct rebuilt *out);
void rebuilt_release(struct rebuilt *rb, uint32_t ncells);

/* 1 iff rebuilt cell i equals the request's claim (count and sum). */
int rebuilt_agrees(const struct rebuilt *rb, const struct tv_request *req,
    uint32_t k);

#endif
