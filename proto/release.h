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
#include "proto/plan.h"
#include "proto/statement.h"
#include "proto/cert.h"

#define TV_REQUEST_HEAD_MAX (64u << 20)
#define TV_REQUEST_MAX_CELLS 1000000
#define TV_REQUEST_MAX_DEVICES 100000
#define TV_REQUEST_MAX_STATEMENTS TV_TRUSTEES_MAX
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
	int has_previous;	/* names the release it follows */
	uint8_t previous[32];	/* BLAKE2b-256 of its release.json */
	uint32_t nprev;		/* its trustees' ledger statements */
	struct tv_statement *prev;	/* entries not shown (NULL) */
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

/*
 * The cells a release request may hold -- a function of the signed plan,
 * the calendar and the request's as_of alone, so that the aggregator
 * cannot choose what a cell covers: each site (site = index + 1) and all
 * sites (site = 0), in that order, x week, month, quarter and campaign
 * (tv_hier_bounds: a week counts in the month of its Thursday), periods
 * in calendar order, each cell present when it is closed on as_of
 * (tv_cell_closed).  Counts and sums are left as they are.  Returns how
 * many; fills out (room for that many) unless it is NULL.  A parent
 * period ends no earlier than its parts, so when a total is present all
 * its parts are: no relation of the hierarchy is ever incomplete.
 */
#define TV_HIER_KINDS 4
/* The period kinds of the release hierarchy, finest first. */
extern const enum tv_period tv_hier_kinds[TV_HIER_KINDS];
uint32_t tv_request_cells(const struct tv_plan *p, int32_t as_of,
    struct tv_cell *out);
/* 0 iff req's cells are exactly tv_request_cells(p, req->as_of) in that
 * order (site, period, id and day range); else TV_ERR_FORMAT and *bad the
 * first cell that differs (== req->ncells: cells missing at the end), or
 * TV_ERR_NOMEM. */
int tv_request_cells_check(const struct tv_request *req,
    const struct tv_plan *p, uint32_t *bad);

/* "site/period/period_id", e.g. "0/3/24262": a cell's stable name. */
void tv_cell_name(char out[48], const struct tv_cell *cell);

#endif
