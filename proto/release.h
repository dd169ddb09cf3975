/* SPDX-License-Identifier: MIT */
/*
 * release.h - the release request the aggregator hands to the key holders.
 *
 * File = frame(ReleaseRequest) || frame(Envelope) x envelopes, each frame a
 * u32 BE length then the bytes (batch.h tv_frame_*).  The request names the
 * cells to release with the aggregator's own count and ciphertext sum; the
 * envelopes are every signed batch the aggregator stored, so each key
 * holder can verify them and rebuild every sum itself (crypto-notes §5.4:
 * a key holder never decrypts an R it did not derive).
 */
#ifndef TV_RELEASE_H
#define TV_RELEASE_H

#include <stdint.h>
#include <stdio.h>

#include "proto/calendar.h"
#include "proto/cert.h"

#define TV_REQUEST_HEAD_MAX (64u << 20)
#define TV_REQUEST_MAX_CELLS 1000000
#define TV_REQUEST_MAX_DEVICES 100000
#define TV_REQUEST_MAX_CERTS TV_REQUEST_MAX_DEVICES
#define TV_REQUEST_MAX_REVOCATIONS TV_REQUEST_MAX_DEVICES

struct tv_cell {
	uint32_t site;		/* site index + 1; 0 = all sites */
	enum tv_period period;
	int32_t period_id;
	int32_t first_day, last_day;
	uint64_t count;
	uint8_t *ct;		/* TV_CT_BYTES(k) */
};

struct tv_request {
	uint8_t campaign_id[32];
	int32_t as_of;
	uint32_t ndevices;
	uint8_t (*devices)[32];	/* information only: nothing trusts it */
	uint32_t ncerts;
	struct tv_cert *certs;	/* as carried: the reader verifies them */
	uint32_t nrevs;
	struct tv_revocation *revs;
	uint32_t ncells;
	struct tv_cell *cells;
	uint64_t nenvelopes;
};

/* Write the head frame.  0 or TV_ERR_IO / TV_ERR_TOOBIG / TV_ERR_NOMEM. */
int tv_request_write(FILE *f, const struct tv_request *r, uint32_t k);
/* Read and check the head frame (cts of length TV_CT_BYTES(k), valid
 * points, device keys 32 bytes, periods known, first <= last, every
 * certificate and revocation well formed -- parsed, NOT verified: that is
 * the reader's job, against its campaign bundle). */
int tv_request_read(FILE *f, struct tv_request **out, uint32_t k);
/* Allocate a request with room for ndevices and ncells (cts allocated,
 * zeroed = identity sums); no certificate or revocation (the caller sets
 * certs/ncerts and revs/nrevs, malloc'd: tv_request_free frees them). */
int tv_request_alloc(struct tv_request **out, uint32_t ndevices,
    uint32_t ncells, uint32_t k);
/* Accepts NULL. */
void tv_request_free(struct tv_request *r);

/* The hash naming one cell's aggregate in partial decryptions and their
 * proofs: BLAKE2b-256("tallyvan/aggregate/v1" NUL || campaign id ||
 * u32le site || u32le period || i32le period_id || i32le first_day ||
 * i32le last_day || u64le count || ct sum). */
void tv_cell_agg_hash(uint8_t h[32], const uint8_t campaign_id[32],
    uint32_t k, const struct tv_cell *cell);

/* "site/period/period_id", e.g. "0/3/24262": a cell's stable name. */
void tv_cell_name(char out[48], const struct tv_cell *cell);

#endif
