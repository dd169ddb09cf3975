/* SPDX-License-Identifier: MIT */
/*
 * hierarchy.h - the additive relations between the cells of a release
 * request: all sites = the sum of the sites (for each period); a month =
 * the sum of its weeks (a week counts in the month of its Thursday); a
 * quarter = the sum of its months; the campaign = the sum of its
 * quarters.  Secondary suppression walks them, on cells (the trustees,
 * trustee/ledger.c) and on values (the publisher's min_cell rules,
 * aggregator/min_cell.c: relation_protect, called by cmd_publish.c through
 * min_cell_protect).
 */
#ifndef TV_HIERARCHY_H
#define TV_HIERARCHY_H

#include <stdint.h>

#include "proto/release.h"

/* A relation's parent when its total is no cell of the request but a sum
 * known from earlier releases (an equation, trustee/derived.h); the
 * global check (release/pinned.h) takes such relations too. */
#define TV_REL_KNOWN UINT32_MAX

struct tv_relation {
	uint32_t parent;	/* index of the total in the request, or
				 * TV_REL_KNOWN */
	uint32_t n;
	uint32_t *kids;		/* indexes of its parts */
};

/* Every relation among req's cells, in *out (tv_relations_free), their
 * number in *n: 0 or TV_ERR_NOMEM (then *out is NULL). */
int tv_relations_build(const struct tv_request *req, uint32_t nsites,
    struct tv_relation **out, uint32_t *n);
/* Accepts NULL. */
void tv_relations_free(struct tv_relation *r, uint32_t n);

#endif
