/* SPDX-License-Identifier: MIT */
/*
 * noise_file.h - trustees' noise contributions (crypto-notes §7.3).
 *
 * When the plan asks for noise, each trustee of the quorum first draws,
 * for every cell of a release request, integer noise eta_i per indicator
 * and encrypts it like a record: (rho*G, rho*X_i + eta_i*G).  The file is
 * signed with the trustee's Ed25519 key.  Every trustee adds all the
 * contributions to the cell sums before it decrypts, so the released
 * values are true + sum of eta, and each trustee knows only its own eta.
 * Noise values and their seeds are never written anywhere.
 *
 * File (JSON, "tallyvan-noise/1"): campaign_id, trustee, request (hex
 * BLAKE2b-256 of the request file), cells [{cell, ct}], signature over
 * "tallyvan/noise/v1" NUL || campaign_id || request || u32le trustee ||
 * for each cell: u32le len(name) || name || ct.
 */
#ifndef TV_NOISE_FILE_H
#define TV_NOISE_FILE_H

#include <stdint.h>

#include "crypto/shamir.h"
#include "proto/campaign.h"
#include "proto/release.h"

#define TV_NOISE_FILE_MAX (256u << 20)	/* bytes of one file */

struct tv_noise_set {
	uint32_t n;
	uint32_t trustee[TV_SHAMIR_MAX];
	uint8_t *ct[TV_SHAMIR_MAX];	/* ncells x TV_CT_BYTES(k) each */
};

/* Draw, encrypt and sign trustee sk's contribution for req: *json is the
 * file's text, malloc'd (free()).  0, TV_ERR_NOTFOUND (sk is not one of
 * the campaign's trustees), TV_ERR_NOMEM, or a noise-drawing code.  The
 * noise and its randomness are wiped, never returned. */
int tv_noise_make(char **json, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32],
    const uint8_t *sk);

/* Check one contribution (a file's len bytes) and add it to ns (zeroed
 * before the first): 0; TV_ERR_FORMAT (not a contribution to this
 * campaign, request and cells, or an invalid point), TV_ERR_BADSIG (not
 * signed by the trustee it names), TV_ERR_EXISTS (a second one from that
 * trustee), TV_ERR_TOOBIG (more contributions than trustees),
 * TV_ERR_NOMEM.  *trustee: the index it names, 0 if none. */
int tv_noise_add(struct tv_noise_set *ns, const uint8_t *buf, size_t len,
    const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32], uint32_t *trustee);
/* cells[i].ct += every contribution's ct for cell i: 0 or TV_ERR_CRYPTO. */
int tv_noise_apply(const struct tv_noise_set *ns, struct tv_cell *cells,
    uint32_t ncells, uint32_t k);
/* 1 iff trustee j contributed. */
int tv_noise_has(const struct tv_noise_set *ns, uint32_t j);
/* The offset B such that |total noise| <= B except with probability
 * below 2^-100 (Gaussian: 12 sigma of the sum; Laplace: 70 b per
 * contributor). */
uint64_t tv_noise_bound(const struct tv_noise_policy *p,
    uint32_t contributors);
/* Accepts a zeroed set. */
void tv_noise_free(struct tv_noise_set *ns);

#endif
