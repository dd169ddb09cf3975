/* SPDX-License-Identifier: MIT */
/*
 * statement.h - a trustee's ledger chain and the signed statement that
 * every partial decryption carries, so that nobody -- the trustee itself
 * included -- can quietly restart or roll back a ledger
 * (docs/formats.md Part V.3).
 *
 * A ledger is a list of entries (its own business: docs/formats.md says
 * what they hold); the chain publishes only their hashes
 * e_n = BLAKE2b-256(entry n's bytes) and heads
 *   head_0 = 32 zero bytes
 *   head_n = BLAKE2b-256("tallyvan/ledger/v1" NUL || head_{n-1} || e_n).
 * With its partial decryptions of a request, trustee j signs with its
 * Ed25519 key (the one in the campaign bundle)
 *   "tallyvan/partial/v1" NUL || campaign_id (32) || u32le j ||
 *   request hash (32: BLAKE2b-256 of the request file) ||
 *   u64le length || head_length
 * and shows e_1 .. e_length.  A later statement of the same trustee must
 * show those same hashes first: a ledger that forgot, or was restored
 * from an older copy, cannot produce that.
 */
#ifndef TV_STATEMENT_H
#define TV_STATEMENT_H

#include <stdint.h>

#include <jansson.h>

#include "proto/campaign.h"
#include "release/verdict.h"

#define TV_LEDGER_MAX_ENTRIES 100000	/* releases and refusals */

struct tv_statement {
	uint32_t trustee;	/* index in the campaign, 1..n */
	uint8_t request[32];
	uint64_t length;
	uint8_t head[32];
	uint8_t sig[64];
	uint8_t (*entries)[32];	/* length hashes, or NULL if not shown */
};

/* head = next link of the chain after prev, for entry hash e. */
void tv_ledger_link(uint8_t head[32], const uint8_t prev[32],
    const uint8_t e[32]);
/* The head of a chain of n entry hashes (zeros for none). */
void tv_ledger_head(uint8_t head[32], const uint8_t (*e)[32], uint64_t n);

/* Sign s (trustee, request, length, head set) with the trustee's Ed25519
 * secret key: fills s->sig.  0 or TV_ERR_CRYPTO. */
int tv_statement_sign(struct tv_statement *s, const uint8_t campaign_id[32],
    const uint8_t sk[64]);
/* 0 iff s is signed by trustee s->trustee of c and, when its entries are
 * shown, head is their chain's head; TV_ERR_NOTFOUND (no such trustee),
 * TV_ERR_BADSIG, TV_ERR_MISMATCH (head and entries disagree). */
int tv_statement_verify(const struct tv_statement *s,
    const struct tv_campaign *c);
/* 1 iff both show their entries and later's begin with all of earlier's. */
int tv_statement_extends(const struct tv_statement *earlier,
    const struct tv_statement *later);

/* JSON form: {"trustee": j, "request": hex, "length": n, "head": hex,
 * "signature": hex, "entries": [hex, ...]} ("entries" left out when with
 * = 0).  NULL if out of memory. */
json_t *tv_statement_json(const struct tv_statement *s, int with);
/* Read that form (entries optional, at most TV_LEDGER_MAX_ENTRIES and
 * exactly length when present); 0, TV_ERR_FORMAT, TV_ERR_TOOBIG or
 * TV_ERR_NOMEM.  Nothing is verified: see tv_statement_verify. */
int tv_statement_from_json(struct tv_statement *s, const json_t *o);
/* Frees the entries; accepts NULL. */
void tv_statement_clear(struct tv_statement *s);

/* A decision entry is at most this long (one digit a cell, 10^6 cells). */
#define TV_DECISION_MAX (1u << 21)

/*
 * The trustee's decision on a request, vouched for by its statement
 * (docs/formats.md V.3): entry (len bytes) is the ledger's "release"
 * entry that decided the request reqhash -- its hash one of s's shown
 * entries, at its own "seq"; its "verdicts" one digit per cell, ncells of
 * them, each a trustee's verdict (release/verdict.h), into v.  0, or
 * TV_ERR_MISMATCH (not one of s's entries, another request, not a
 * release entry), TV_ERR_FORMAT, TV_ERR_TOOBIG.  Publish and verify both
 * read a trustee's verdicts so.
 */
int tv_statement_decision(const struct tv_statement *s, const char *entry,
    size_t len, const uint8_t reqhash[32], uint32_t ncells,
    enum tv_verdict *v);

#endif
