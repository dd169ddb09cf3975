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

struct noise_set {
	uint32_t n;
	uint32_t trustee[TV_SHAMIR_MAX];
	uint8_t *ct[TV_SHAMIR_MAX];	/* ncells x TV_CT_BYTES(k) each */
};

/* Draw, encrypt, sign and write trustee sk's contribution for req. */
void noise_write(const char *path, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32],
    const uint8_t *sk);

/* Load and check contributions (signature by a campaign trustee, this
 * campaign and request, every cell); die on any problem. */
void noise_load(struct noise_set *ns, char *const *paths, uint32_t n,
    const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32]);
/* cells[i].ct += every contribution's ct for cell i. */
void noise_apply(const struct noise_set *ns, struct tv_cell *cells,
    uint32_t ncells, uint32_t k);
/* 1 iff trustee j contributed. */
int noise_has(const struct noise_set *ns, uint32_t j);
/* The offset B such that |total noise| <= B except with probability
 * below 2^-100 (Gaussian: 12 sigma of the sum; Laplace: 70 b per
 * contributor). */
uint64_t noise_bound(const struct tv_noise_policy *p, uint32_t contributors);
void noise_free(struct noise_set *ns);

#endif
