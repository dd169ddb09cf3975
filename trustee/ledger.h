/* SPDX-License-Identifier: MIT */
/*
 * ledger.h - a trustee's own memory of what it released, and the policy it
 * applies before it computes any partial decryption.
 *
 * The ledger is an LMDB store (db "cells": cell name '#' 16 hex digits of
 * the set's BLAKE2b-64 -> sorted record ids of a record set released for
 * it; a cell has one set per release of a new value).  Policy, cell by
 * cell, coarsest first (campaign, then months, then weeks; all sites
 * before each site):
 *   - not closed yet                              -> withheld, not_closed
 *   - fewer than min_cohort records               -> suppressed, min_cohort
 *   - released before with these very records     -> released (again)
 *   - released before, and records have gone since
 *     (retention, quarantine)                     -> withheld, released_before
 *   - released before, and only late records have
 *     come since: 1 .. min_cohort-1 of them       -> suppressed, differencing
 *                 min_cohort or more              -> released, revision
 *   - its record set differs from one released
 *     (earlier, or earlier in this request) by
 *     1 .. min_cohort-1 records                   -> suppressed, differencing
 *   - else                                        -> released
 * A revision publishes the cell's new total; with the value published
 * before, it gives the sum of the late records alone, which is why they
 * must be a cohort on their own.  The differencing rule stops a small
 * group's values from being obtained by subtracting one released cell
 * from another.  Then secondary suppression, over the additive relations
 * of the hierarchy (all sites = sum of sites; month = sum of its weeks;
 * quarter = sum of months; campaign = sum of quarters), until nothing
 * changes.  There a cell's "unknown part" is the number of its records
 * that no published value covers: all of them if it was never released,
 * else how far its record set is from the closest set released for it
 * (0 when released again as it was):
 *   - a total whose value is known (released now, or before as it is)
 *     and whose unreleased parts have unknown parts adding up to
 *     1 .. min_cohort-1 records, or that has one such part only (it
 *     would be the total minus the others): suppress its released part
 *     with the smallest unknown part (or, if there is none, the total)
 *                                                -> suppressed, secondary
 *   - a total suppressed for privacy whose parts are all known: it could
 *     be added up, so suppress its smallest new part  -> secondary
 * These rules look at one relation at a time; a value can also be pinned
 * by several together.  So when they are done, the whole system is solved
 * (release/pinned.h: which cells could anyone compute from the published
 * ones?), and while a cell hidden for privacy is computable, the released
 * cell with something new and the smallest unknown part in a relation with
 * it (or next to one) is suppressed too, and the rules run again.
 * Last, the unions of cells that the figures imply (a known total minus
 * its known parts; known parts added up) are compared with everything the
 * ledger remembers, like released cells, and remembered as derived sets
 * (trustee/derived.h); more cells are held back while one would
 * difference, and a remembered union that is still exactly its parts'
 * records is an equation the rules above take in.
 */
#ifndef TV_LEDGER_H
#define TV_LEDGER_H

#include <stdint.h>

#include "release/recount.h"
#include "proto/statement.h"
#include "proto/store.h"
#include "release/verdict.h"

struct ledger;

/*
 * Open the ledger in dir, or die.  It must exist and belong to the
 * campaign, unless first (--first-release), when it must not hold
 * anything yet and is created with its start entry.  A trustee never acts
 * on a history it does not have.
 *
 * Beside the record sets, the ledger is a hash chain of entries (db
 * "chain": be64 seq -> compact JSON with sorted keys, the first one
 * {"kind":"start","campaign":hex}; then "release" entries with the
 * request hash and one verdict digit per cell, and "refusal" entries with
 * the request hash and a reason), each with "seq", "prev" (the chain's
 * head before it, proto/statement.h) and "time"; db "requests": request
 * hash (or, with noise, the decision id of trustee/cmd_release.c) -> be64
 * seq of the entry that decided it.
 */
struct ledger *ledger_open(const char *dir, const uint8_t campaign_id[32],
    int first);
/* Accepts NULL. */
void ledger_close(struct ledger *l);

/* Entries in the chain. */
uint64_t ledger_length(const struct ledger *l);
/* 1 iff the chain, cut at length entries, has this head. */
int ledger_holds(const struct ledger *l, uint64_t length,
    const uint8_t head[32]);
/* Length, head and every entry hash of the chain now, into s (entries
 * allocated: tv_statement_clear). */
void ledger_statement(const struct ledger *l, struct tv_statement *s);
/* Record that the request was refused (a durable entry); 0 or TV_ERR_*. */
int ledger_refusal(struct ledger *l, const uint8_t reqhash[32],
    const char *reason);
/* If this decision (the request, and its noise: trustee/cmd_release.c)
 * was taken before (a release entry for it is in the chain: a rerun after
 * a crash, or the same request again), its verdicts into v and the
 * entry's seq; else 0. */
uint64_t ledger_decided(struct ledger *l, const uint8_t decision[32],
    enum tv_verdict *v, uint32_t ncells);

/* The stored text of the release entry that took this decision (recorded
 * before: ledger_record or a rerun), malloc'd; dies if there is none. */
char *ledger_decision_entry(struct ledger *l, const uint8_t decision[32]);

/* One verdict per cell of the request.  With noise (the plan's choice),
 * differencing and secondary suppression give way to the noise. */
void policy_decide(enum tv_verdict *v, struct ledger *l,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct tv_plan *p, int32_t today);

/*
 * Privacy budget (plans with noise).  The unit of privacy is one record:
 * it counts in at most BUDGET_LEVELS released cells (week, month, quarter,
 * campaign; its site and all sites), each with K bits, so its squared L2
 * sensitivity is BUDGET_LEVELS * K (and its L1 sensitivity the same).
 * A release then costs rho = BUDGET_LEVELS K / (2 var) (discrete
 * Gaussian, zCDP; the trustee counts only its own noise: conservative) or
 * eps = BUDGET_LEVELS K / scale (discrete Laplace).  Costs add up; a
 * release that would pass the plan's budget is refused.  Exact rationals.
 */
#define BUDGET_LEVELS 8

struct budget_entry {
	uint64_t charged_num, charged_den;
	uint64_t total_num, total_den;	/* after this release */
};

/* The cost of one release and the total it would bring; TV_ERR_FULL if
 * that total passes the cap. */
int budget_check(const struct ledger *l, const struct tv_plan *p,
    uint32_t k, struct budget_entry *e);

/* Remember the released cells' record sets, the release entry of the
 * chain (the verdicts, under the request's hash) and, if e is not NULL,
 * the budget entry (hash-chained) -- one durable transaction, committed
 * before any partial decryption exists.  0 or TV_ERR_*. */
int ledger_record(struct ledger *l, const struct tv_request *req,
    const struct tv_recount *rb, const enum tv_verdict *v,
    const struct budget_entry *e, const uint8_t reqhash[32],
    const uint8_t decision[32]);

/*
 * Revocations (db "revocations": device key -> be64 last_seq, the smallest
 * known).  A trustee remembers every valid revocation it has seen -- given
 * with --revocation, or in a request it accepted -- so that an aggregator
 * cannot make a revoked device count again by leaving its revocation out
 * of a later request.  learn: r[0..n) were verified by the caller; 0 or
 * TV_ERR_*.  missing: 1 and the device and last_seq of a revocation I
 * know that req does not carry (with that last_seq or a smaller one),
 * else 0.
 */
int ledger_revocations_learn(struct ledger *l, const struct tv_revocation *r,
    uint32_t n);
int ledger_revocation_missing(const struct ledger *l,
    const struct tv_request *req, uint8_t device[32], uint64_t *last_seq);

/* Print the chain's entries, check each names the head before it, print
 * the length and head; 0 or -1. */
int ledger_chain_show(const char *dir);

/* Print the budget entries, check the chain and the sums; 0 or -1.
 * unit names the figures in the summary line ("rho (zCDP, Gaussian
 * noise)"; NULL: not known without the campaign). */
int ledger_budget_show(const char *dir, const char *unit);

#endif
