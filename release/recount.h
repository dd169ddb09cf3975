/* SPDX-License-Identifier: MIT */
/*
 * recount.h - recount a release request from its signed batches.
 *
 * Used by every key holder before it decrypts anything (it must never
 * decrypt a sum it did not derive, crypto-notes §5.4), by the aggregator
 * to publish, and by anyone who verifies a published release.  Nothing
 * the aggregator claims is used: only the envelopes, their signatures and
 * proofs, the device certificates and revocations signed by the trustees,
 * and the campaign bundle.
 */
#ifndef TV_RECOUNT_H
#define TV_RECOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/campaign.h"
#include "proto/release.h"

struct tv_recount {
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
 * list, field 4, is never trusted), and then by the one admission rule
 * (proto/admit.h: revocation, signature, decoding, ranges, proofs), which
 * the aggregator applied at ingest; a repeated batch, or a counted
 * record's repeated id or R, refuses the request.  Then rebuild every
 * requested cell.
 * 0; TV_ERR_REFUSED (the request must be refused) or a system code
 * (TV_ERR_NOMEM, TV_ERR_IO), with the reason in why either way.  out is
 * released with tv_recount_release() in every case.
 */
int tv_recount(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct tv_recount *out, char *why,
    size_t whylen);
void tv_recount_release(struct tv_recount *rb, uint32_t ncells);

/* 1 iff every rebuilt cell equals the request's claim (count and sum);
 * else 0 with the first difference and their number in why. */
int tv_recount_agrees(const struct tv_recount *rb,
    const struct tv_request *req, uint32_t k, char *why, size_t whylen);

/* tv_recount(), then tv_recount_agrees(): what every reader of a request
 * checks before it uses a sum.  The same codes, and TV_ERR_REFUSED when
 * the aggregator's claims differ from the recount. */
int tv_recount_claims(FILE *f, const struct tv_request *req,
    const struct tv_campaign *c, struct tv_recount *out, char *why,
    size_t whylen);

#endif
