/* SPDX-License-Identifier: MIT */
/*
 * ledger.h - a trustee's own memory of what it released, and the policy it
 * applies before it computes any partial decryption.
 *
 * The ledger is an LMDB store (db "cells": cell name -> sorted record ids
 * of the record set released for it).  Policy, cell by cell, coarsest
 * first (campaign, then months, then weeks; all sites before each site):
 *   - not closed yet                              -> withheld, not_closed
 *   - fewer than min_cohort records               -> suppressed, min_cohort
 *   - released before with another record set     -> withheld, released_before
 *   - its record set differs from one released
 *     (earlier, or earlier in this request) by
 *     1 .. min_cohort-1 records                   -> suppressed, differencing
 *   - else                                        -> released
 * The differencing rule stops a small group's values from being obtained
 * by subtracting one released cell from another.  Then secondary
 * suppression, over the additive relations of the hierarchy (all sites =
 * sum of sites; month = sum of its weeks; quarter = sum of months;
 * campaign = sum of quarters), until nothing changes:
 *   - a released total whose unreleased parts hold 1 .. min_cohort-1
 *     records: suppress its smallest part not released before (or, if
 *     all were, the total)                       -> suppressed, secondary
 *   - a total suppressed for privacy whose parts are all released: it
 *     could be added up, so suppress its smallest part -> secondary
 */
#ifndef TV_LEDGER_H
#define TV_LEDGER_H

#include <stdint.h>

#include "common/rebuild.h"
#include "proto/store.h"

enum verdict {
	V_RELEASE = 0,
	V_NOT_CLOSED,
	V_MIN_COHORT,
	V_RELEASED_BEFORE,
	V_DIFFERENCING,
	V_SECONDARY,
};

const char *verdict_status(enum verdict v);	/* released, ... */
const char *verdict_reason(enum verdict v);	/* "", min_cohort, ... */

struct ledger;

/* Open (create) the ledger in dir, or die. */
struct ledger *ledger_open(const char *dir);
void ledger_close(struct ledger *l);

/* One verdict per cell of the request. */
void policy_decide(enum verdict *v, struct ledger *l,
    const struct tv_request *req, const struct rebuilt *rb,
    const struct tv_plan *p, int32_t today);

/* Remember the released cells' record sets.  0 or a TV_ERR_*. */
int ledger_record(struct ledger *l, const struct tv_request *req,
    const struct rebuilt *rb, const enum verdict *v);

#endif
