/* SPDX-License-Identifier: MIT */
/*
 * history.h - what a collector remembers of one person's earlier visits,
 * for the plan's history conditions (docs/formats.md Part I §1.9b), and
 * the sealed bytes it is kept in (Part III §III.3, db `history`).
 *
 * A state is kept per person and scope (the whole collector, or one site)
 * under tv_history_tag().  It holds only what the conditions need: the day
 * of first contact, how many visits were let go, and the person's most
 * recent visits (day, and which of the plan's tracked conditions each
 * matched), at most TV_HISTORY_MAX_VISITS; the whole state expires the
 * plan's horizon after its newest visit (plus the retention).  Visits
 * older than the horizon are kept until then: a visit typed late still
 * sees them.  It never holds a form answer, only those
 * match bits.
 *
 * A visit's history is the visits captured before it that are dated on or
 * before its day: a visit entered late sees the earlier-dated ones, and
 * the records already captured keep their bits.
 */
#ifndef TV_HISTORY_H
#define TV_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "proto/plan.h"

#define TV_HISTORY_MAX_VISITS 32
#define TV_HISTORY_MAX_TRACKED 16	/* "earlier" conditions per plan */
#define TV_HISTORY_MAX_ORDINAL 32	/* visit_number bounds */
#define TV_HISTORY_MAX_DAYS 366		/* a "days" window */
#define TV_HISTORY_PLAIN_BYTES (8 + 6 * TV_HISTORY_MAX_VISITS)
/* u32 BE expiry | 24-byte nonce | AEAD of the padded plaintext. */
#define TV_HISTORY_VALUE_BYTES (4 + 24 + TV_HISTORY_PLAIN_BYTES + 16)

struct tv_history_visit {
	int32_t day;
	uint16_t match;		/* bit j: tracked condition j held */
};

struct tv_history {
	int32_t first_day;	/* meaningful when n + dropped > 0 */
	uint16_t dropped;	/* visits let go (saturates) */
	uint8_t n;
	struct tv_history_visit v[TV_HISTORY_MAX_VISITS];	/* by day */
};

/* Which tracked conditions (the "earlier" conditions' `when`) this visit's
 * answers meet: bit j for p->tracked[j]. */
uint16_t tv_history_match(const struct tv_plan *p, const uint64_t *values);

/* Remember a visit: inserted after the visits of the same or an earlier
 * day; the oldest beyond TV_HISTORY_MAX_VISITS is let go (counted in
 * dropped). */
void tv_history_add(struct tv_history *h, int32_t day, uint16_t match);

/* The conditions, for a visit on `day` (h may be NULL: no history).
 *   seen: an earlier visit within w (track < 0) or one that met tracked
 *     condition `track` within w;
 *   ordinal: 1 + the earlier visits (dropped ones included), at most
 *     UINT32_MAX;
 *   since_first: days from the first contact (0 for a first visit). */
int tv_history_seen(const struct tv_history *h, const struct tv_window *w,
    int track, int32_t day);
uint32_t tv_history_ordinal(const struct tv_history *h, int32_t day);
uint32_t tv_history_since_first(const struct tv_history *h, int32_t day);

/* The day after which the state may be deleted. */
int32_t tv_history_expiry(const struct tv_history *h, const struct tv_plan *p);

/* Seal into exactly TV_HISTORY_VALUE_BYTES (XChaCha20-Poly1305 under key,
 * with the tag and the expiry as associated data), and open; open returns
 * TV_ERR_FORMAT for a wrong length or version and TV_ERR_BADSIG when the
 * bytes do not authenticate (another tag's state, altered, wrong key). */
void tv_history_seal(uint8_t out[TV_HISTORY_VALUE_BYTES],
    const struct tv_history *h, int32_t expiry, const uint8_t key[32],
    const uint8_t tag[32]);
int tv_history_open(struct tv_history *h, int32_t *expiry,
    const uint8_t *in, size_t len, const uint8_t key[32],
    const uint8_t tag[32]);

#endif
