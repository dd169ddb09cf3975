/* SPDX-License-Identifier: MIT */
/*
 * pseudonym.h - keyed pseudonyms from normalised identity fields.
 *
 * normalise: NFKC, Unicode case fold, accents removed (decompose, drop
 * combining marks, recompose), every run of white space (and - ' . _)
 * collapsed to one space, trimmed.  So "Élodie  DUPONT" and "elodie dupont"
 * agree.  Done with libunistring; no hand-written tables.
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

/* Normalise in (UTF-8, inlen bytes) into out (cap bytes, NUL-terminated).
 * TV_ERR_FORMAT if in is not valid UTF-8, TV_ERR_TOOBIG if too long. */
int tv_identity_normalise(char *out, size_t cap, const char *in, size_t inlen);

/* Pseudonym of n identity fields (NUL-terminated UTF-8, raw: this function
 * normalises them). */
int tv_pseudonym(uint8_t out[TV_PSEUDONYM_BYTES],
    const uint8_t key[TV_PSEUDONYM_KEYBYTES], const char *const *fields,
    size_t n);

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

#endif
