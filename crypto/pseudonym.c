/* SPDX-License-Identifier: MIT */
/*
 * pseudonym.c - normalised identities, keyed pseudonyms, receipts and the
 * tags of the collector's pseudonym index (byte formats: docs/formats.md).
 *
 * Every Unicode table comes from libunistring.  Buffers that hold an
 * identity (ours, and any libunistring had to malloc) are wiped before
 * they are released, on every path.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "crypto/err.h"
#include "crypto/pseudonym.h"

/* Case folding under NFKD may grow a string ("ß" -> "ss", U+FDFA -> 33
 * bytes from 3).  This covers ordinary growth on the stack; libunistring
 * mallocs beyond it, and that copy is wiped as well. */
#define FOLD_CAP (4 * TV_IDENTITY_MAX)

static const char pseudonym_domain[] = "tallyvan/pseudonym/v1";
static const char receipt_domain[] = "tallyvan/receipt/v1";
static const char index_domain[] = "tallyvan/index/v1";
static const char history_domain[] = "tallyvan/history/v1";
static const char history_key_domain[] = "tallyvan/history-key/v1";
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
store_le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

/* Release a libunistring result unless it is the buffer we lent it. */
static void
wipe_result(uint8_t *r, size_t len, const void *lent)
{
	if (r == NULL || r == (const uint8_t *)lent)
		return;
	sodium_memzero(r, len);
	free(r);
}

/* Characters that separate the words of a name: all white space, dash
 * punctuation (the hyphen and its typographic variants), apostrophes,
 * dots and underscores. */
static int
is_separator(ucs4_t uc)
{
	return uc == '\'' || uc == 0x2019 || uc == '.' || uc == '_' ||
	    uc == '-' || uc_is_space(uc) || uc_is_property_white_space(uc) ||
	    uc_is_general_category(uc, UC_CATEGORY_Pd);
}

/* Invisible or accent-only: combining marks (what is left of an accent
 * after decomposition) and default-ignorable code points such as the
 * soft hyphen or a zero-width space. */
static int
is_dropped(ucs4_t uc)
{
	return uc_is_general_category(uc, UC_CATEGORY_Mn) ||
	    uc_is_property_default_ignorable_code_point(uc);
}

/* Drop marks, turn each run of separators into one space (a name) or
 * into nothing (a code), trim both ends.  Works in place: the output is
 * never longer than the input. */
static size_t
squeeze(uint8_t *s, size_t n, int keep_spaces)
{
	size_t r = 0, w = 0;
	int k, space = 0;
	ucs4_t uc;

	while (r < n) {
		k = u8_mbtouc(&uc, s + r, n - r);
		if (is_dropped(uc) || is_separator(uc)) {
			space |= keep_spaces && is_separator(uc) && w > 0;
			r += (size_t)k;
			continue;
		}
		/* A pending space was read from >= 1 byte: w < r here. */
		if (space)
			s[w++] = ' ';
		space = 0;
		memmove(s + w, s + r, (size_t)k);
		w += (size_t)k;
		r += (size_t)k;
	}
	return w;
}

/* A date field arrives already written YYYY-MM-DD by tv_date_parse()
 * (proto/calendar.h); here it is only checked for that shape, and kept
 * byte for byte. */
static int
normalise_date(char *out, size_t cap, const char *in, size_t inlen)
{
	size_t i;

	if (inlen != 10 || cap < 11)
		return inlen > TV_IDENTITY_MAX ? TV_ERR_TOOBIG : TV_ERR_FORMAT;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (in[i] != '-')
				return TV_ERR_FORMAT;
		} else if (in[i] < '0' || in[i] > '9') {
			return TV_ERR_FORMAT;
		}
	}
	memcpy(out, in, 10);
	out[10] = '\0';
	return 0;
}

int
tv_identity_normalise(char *out, size_t cap, const char *in, size_t inlen)
{
	return tv_identity_normalise_kind(out, cap, in, inlen, TV_IDKIND_NAME);
}

int
tv_identity_normalise_kind(char *out, size_t cap, const char *in,
    size_t inlen, enum tv_idkind kind)
{
	uint8_t fold[FOLD_CAP], *f = NULL, *r = NULL;
	size_t flen = sizeof fold, rlen = 0;
	int rc = TV_ERR_TOOBIG;

	if (cap == 0 || inlen > TV_IDENTITY_MAX)
		goto out;
	if (kind == TV_IDKIND_DATE) {
		rc = normalise_date(out, cap, in, inlen);
		goto out;
	}
	rc = TV_ERR_FORMAT;
	/* A NUL would make the NUL-terminated output ambiguous. */
	if (u8_check((const uint8_t *)in, inlen) != NULL ||
	    memchr(in, '\0', inlen) != NULL)
		goto out;
	rc = TV_ERR_NOMEM;
	if ((f = u8_casefold((const uint8_t *)in, inlen, NULL, UNINORM_NFKD,
	    fold, &flen)) == NULL)
		goto out;
	flen = squeeze(f, flen, kind != TV_IDKIND_CODE);
	rlen = cap - 1;
	if ((r = u8_normalize(UNINORM_NFC, f, flen, (uint8_t *)out,
	    &rlen)) == NULL)
		goto out;
	rc = TV_ERR_TOOBIG;
	if (r != (uint8_t *)out || rlen > TV_IDENTITY_MAX)
		goto out;
	out[rlen] = '\0';
	rc = 0;
out:
	if (rc != 0 && cap > 0)
		sodium_memzero(out, cap);
	wipe_result(r, rlen, out);
	wipe_result(f, flen, fold);
	sodium_memzero(fold, sizeof fold);
	return rc;
}

/* Absorb u32le(len) || normalised field: the length keeps the boundary
 * between fields ("ab","c" and "a","bc" differ). */
static int
absorb_field(crypto_generichash_state *st, const char *field,
    enum tv_idkind kind, char norm[TV_IDENTITY_MAX + 1])
{
	uint8_t le[4];
	size_t len;
	int rc;

	if (field == NULL)
		return TV_ERR_FORMAT;
	len = strnlen(field, TV_IDENTITY_MAX + 1);
	if ((rc = tv_identity_normalise_kind(norm, TV_IDENTITY_MAX + 1, field,
	    len, kind)) != 0)
		return rc;
	len = strlen(norm);
	store_le32(le, (uint32_t)len);
	if (crypto_generichash_update(st, le, sizeof le) != 0 ||
	    crypto_generichash_update(st, (const uint8_t *)norm, len) != 0)
		return TV_ERR_CRYPTO;
	return 0;
}

int
tv_pseudonym(uint8_t out[TV_PSEUDONYM_BYTES],
    const uint8_t key[TV_PSEUDONYM_KEYBYTES], const char *const *fields,
    size_t n)
{
	return tv_pseudonym_kinds(out, key, fields, NULL, n);
}

int
tv_pseudonym_kinds(uint8_t out[TV_PSEUDONYM_BYTES],
    const uint8_t key[TV_PSEUDONYM_KEYBYTES], const char *const *fields,
    const enum tv_idkind *kinds, size_t n)
{
	crypto_generichash_state st;
	char norm[TV_IDENTITY_MAX + 1];
	size_t i;
	int rc = TV_ERR_CRYPTO;

	if (crypto_generichash_init(&st, key, TV_PSEUDONYM_KEYBYTES,
	    TV_PSEUDONYM_BYTES) != 0 ||
	    crypto_generichash_update(&st, (const uint8_t *)pseudonym_domain,
	    sizeof pseudonym_domain - 1) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = absorb_field(&st, fields[i], kinds != NULL ?
		    kinds[i] : TV_IDKIND_NAME, norm)) != 0)
			goto out;
	rc = TV_ERR_CRYPTO;
	if (crypto_generichash_final(&st, out, TV_PSEUDONYM_BYTES) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		sodium_memzero(out, TV_PSEUDONYM_BYTES);
	sodium_memzero(&st, sizeof st);
	sodium_memzero(norm, sizeof norm);
	return rc;
}

void
tv_receipt_code(char out[TV_RECEIPT_LEN + 2],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES])
{
	crypto_generichash_state st;
	uint8_t h[32];
	uint64_t v = 0;
	size_t i, j = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)receipt_domain,
	    sizeof receipt_domain - 1);
	crypto_generichash_update(&st, pseudonym, TV_PSEUDONYM_BYTES);
	crypto_generichash_final(&st, h, sizeof h);
	/* The first 50 bits of h, most significant first. */
	for (i = 0; i < 7; i++)
		v = v << 8 | h[i];
	v >>= 6;
	for (i = 0; i < TV_RECEIPT_LEN; i++) {
		if (i == TV_RECEIPT_LEN / 2)
			out[j++] = '-';
		out[j++] = crockford[(v >> (5 * (TV_RECEIPT_LEN - 1 - i))) &
		    31];
	}
	out[j] = '\0';
	sodium_memzero(h, sizeof h);
	sodium_memzero(&st, sizeof st);
}

/* BLAKE2b-256 keyed with key over domain || pseudonym || tail: the tags of
 * the collector's index and histories (formats.md Part I §3.4, §3.4b). */
static void
keyed_tag(uint8_t tag[32], const uint8_t key[32], const char *domain,
    size_t dlen, const uint8_t pseudonym[TV_PSEUDONYM_BYTES],
    const uint8_t *tail, size_t tlen)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, 32, 32);
	crypto_generichash_update(&st, (const uint8_t *)domain, dlen);
	crypto_generichash_update(&st, pseudonym, TV_PSEUDONYM_BYTES);
	crypto_generichash_update(&st, tail, tlen);
	crypto_generichash_final(&st, tag, 32);
	sodium_memzero(&st, sizeof st);
}

void
tv_index_tag(uint8_t tag[32], const uint8_t index_key[32],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES], uint32_t indicator,
    uint32_t period_kind, int32_t period_id, uint32_t site)
{
	uint8_t tail[16];

	store_le32(tail, indicator);
	store_le32(tail + 4, period_kind);
	store_le32(tail + 8, (uint32_t)period_id);
	store_le32(tail + 12, site);
	keyed_tag(tag, index_key, index_domain, sizeof index_domain - 1,
	    pseudonym, tail, sizeof tail);
}

void
tv_history_tag(uint8_t tag[32], const uint8_t index_key[32],
    const uint8_t pseudonym[TV_PSEUDONYM_BYTES], uint32_t site)
{
	uint8_t tail[4];

	store_le32(tail, site);
	keyed_tag(tag, index_key, history_domain, sizeof history_domain - 1,
	    pseudonym, tail, sizeof tail);
}

void
tv_history_key(uint8_t key[32], const uint8_t index_key[32])
{
	crypto_generichash(key, 32, (const uint8_t *)history_key_domain,
	    sizeof history_key_domain - 1, index_key, 32);
}
