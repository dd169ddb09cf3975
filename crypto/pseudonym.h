/* SPDX-License-Identifier: MIT */
/*
 * pseudonym.h - keyed pseudonyms from normalised identity fields.
 *
 * normalise: NFKC, Unicode case fold, accents removed (decompose, drop
 * combining marks, recompose), every run of white space (and - ' . _)
 * collapsed to one space (dropped in a code), trimmed; a date is kept as
 * the YYYY-MM-DD its caller parsed it to.  So "Élodie  DUPONT" and
 * "elodie dupont" agree.  Done with libunistring; no hand-written tables.
 *
 * pseudonym = BLAKE2b-256(key = pseudonym key,
 *                         "tallyvan/pseudonym/v1" || for each field:
 *                         u32le len || normalised bytes)
 *
 * Buffers holding identities are wiped before they are freed.
 */
#ifndef TV_PSEUDONYM_H
#define TV_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#define TV_PSEUDONYM_BYTES 32
#define TV_PSEUDONYM_KEYBYTES 32
#define TV_IDENTITY_MAX 256	/* bytes per field, before and after */
#define TV_RECEIPT_LEN 10	/* "XXXXX-XXXXX", without the dash */

/* What an identity field holds (the plan's "kind", docs/formats.md
 * Part I §1.6), which decides its normalisation (§3.1). */
enum tv_idkind {
	TV_IDKIND_NAME = 0,	/* words: separators become one space */
	TV_IDKIND_CODE = 1,	/* a code: separators are dropped */
	TV_IDKIND_DATE = 2,	/* already YYYY-MM-DD (tv_date_parse) */
};

/* Normalise in (UTF-8, inlen bytes) into out (cap bytes, NUL-terminated).
 * TV_ERR_FORMAT if in is not valid UTF-8 (or, for a date, not exactly
 * YYYY-MM-DD), TV_ERR_TOOBIG if too long.  tv_identity_normalise() is the
 * NAME kind. */
int tv_identity_normalise(char *out, size_t cap, const char *in, size_t inlen);
int tv_identity_normalise_kind(char *out, size_t cap, const char *in,
    size_t inlen, enum tv_idkind kind);

/* Pseudonym of n identity fields (NUL-terminated UTF-8, raw: this function
 * normalises them, field i as kinds[i]; kinds NULL: all NAME, which is
 * what tv_pseudonym() does). */
int tv_pseudonym(uint8_t out[TV_PSEUDONYM_BYTES],
    const uint8_t key[TV_PSEUDONYM_KEYBYTES], const char *const *fields,
    size_t n);
int tv_pseudonym_kinds(uint8_t out[TV_PSEUDONYM_BYTES],
    const uint8_t key[TV_PSEUDONYM_KEYBYTES], const char *const *fields,
    const enum tv_idkind *kinds, size_t n);

/* A short code the person can keep, derived one-way from the pseudonym:
 * 10 characters of Crockford base32, written "ABCDE-FGHIJ" (12 bytes with
 * the NUL). */
void tv_receipt_code(char out[TV_RECEIPT_LEN + 2],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES]);

/* Tag under which the collector's pseudonym index remembers that this
 * person already counted for (indicator, period, site).  Keyed with the
 * index key, so the index reveals neither the pseudonym nor the person. */
void tv_index_tag(uint8_t tag[32], const uint8_t index_key[32],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES], uint32_t indicator,
    uint32_t period_kind, int32_t period_id, uint32_t site);

/* Tag under which the collector keeps this person's visit history (for
 * the plan's history conditions) in one scope: site index, or UINT32_MAX
 * for the whole collector.  Same key, another domain than tv_index_tag. */
void tv_history_tag(uint8_t tag[32], const uint8_t index_key[32],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES], uint32_t site);
/* The key that seals history states, derived from the index key. */
void tv_history_key(uint8_t key[32], const uint8_t index_key[32]);

#endif
