/* SPDX-License-Identifier: MIT */
/*
 * history.c - a person's visit history: the conditions over it, how a
 * visit is added and old ones let go, and its sealed bytes (formats.md
 * Part I §1.9b and Part III §III.3).
 */
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/history.h"
#include "proto/store.h"

#define HISTORY_VERSION 1
/* 1900-01-01 and 9999-12-31: every day a plan can name, and far from
 * int32's ends, where the calendar's arithmetic would overflow. */
#define DAY_MIN (-25567)
#define DAY_MAX 2932896

uint16_t
tv_history_match(const struct tv_plan *p, const uint64_t *values)
{
	uint16_t m = 0;
	uint32_t j;

	for (j = 0; j < p->ntracked; j++)
		if (tv_pred_eval(p->tracked[j], values))
			m |= (uint16_t)(1u << j);
	return m;
}

/* Is an earlier visit on day e inside window w of a visit on day d? */
static int
in_window(const struct tv_window *w, int32_t e, int32_t d)
{
	if (e > d)
		return 0;
	switch (w->kind) {
	case TV_PERIOD_NONE:
		return (int64_t)d - e <= (int64_t)w->days;
	case TV_PERIOD_CAMPAIGN:
		return 1;
	default:
		return tv_hier_period_id(w->kind, e) ==
		    tv_hier_period_id(w->kind, d);
	}
}

int
tv_history_seen(const struct tv_history *h, const struct tv_window *w,
    int track, int32_t day)
{
	uint8_t i;

	for (i = 0; h != NULL && i < h->n; i++)
		if ((track < 0 || (h->v[i].match >> track & 1)) &&
		    in_window(w, h->v[i].day, day))
			return 1;
	return 0;
}

uint32_t
tv_history_ordinal(const struct tv_history *h, int32_t day)
{
	uint32_t k = 1;
	uint8_t i;

	if (h == NULL)
		return 1;
	k += h->dropped;
	for (i = 0; i < h->n; i++)
		k += h->v[i].day <= day;
	return k;
}

uint32_t
tv_history_since_first(const struct tv_history *h, int32_t day)
{
	int64_t d;

	if (h == NULL || h->n + h->dropped == 0 || h->first_day >= day)
		return 0;
	d = (int64_t)day - h->first_day;	/* any two int32 days */
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void
drop_oldest(struct tv_history *h)
{
	memmove(&h->v[0], &h->v[1], (size_t)(h->n - 1) * sizeof h->v[0]);
	h->n--;
	if (h->dropped < UINT16_MAX)
		h->dropped++;
}

void
tv_history_add(struct tv_history *h, int32_t day, uint16_t match)
{
	uint8_t i;

	if (h->n + h->dropped == 0 || day < h->first_day)
		h->first_day = day;
	if (h->n == TV_HISTORY_MAX_VISITS) {
		if (day < h->v[0].day) {	/* it is the oldest: let it go */
			h->dropped += h->dropped < UINT16_MAX;
			return;
		}
		drop_oldest(h);
	}
	/* After every visit of the same or an earlier day: capture order
	 * within a day. */
	for (i = h->n; i > 0 && h->v[i - 1].day > day; i--)
		h->v[i] = h->v[i - 1];
	h->v[i].day = day;
	h->v[i].match = match;
	h->n++;
}

int32_t
tv_history_expiry(const struct tv_history *h, const struct tv_plan *p)
{
	int64_t until = p->end_day;

	if (!p->history_whole && p->history_horizon != TV_HORIZON_ALL &&
	    h->n > 0 && (int64_t)h->v[h->n - 1].day + p->history_horizon <
	    until)
		until = (int64_t)h->v[h->n - 1].day + p->history_horizon;
	return (int32_t)(until + p->policy.retention_days);
}

/* version | i32 first_day | u16 dropped | u8 n | n x (i32 day | u16
 * match), little-endian, zero-padded to TV_HISTORY_PLAIN_BYTES so that
 * the length says nothing of the number of visits. */
static void
plain_write(uint8_t *b, const struct tv_history *h)
{
	uint8_t i;

	memset(b, 0, TV_HISTORY_PLAIN_BYTES);
	b[0] = HISTORY_VERSION;
	tv_le32_put(b + 1, (uint32_t)h->first_day);
	b[5] = (uint8_t)h->dropped;
	b[6] = (uint8_t)(h->dropped >> 8);
	b[7] = h->n;
	for (i = 0; i < h->n; i++) {
		tv_le32_put(b + 8 + 6 * i, (uint32_t)h->v[i].day);
		b[12 + 6 * i] = (uint8_t)h->v[i].match;
		b[13 + 6 * i] = (uint8_t)(h->v[i].match >> 8);
	}
}

static int
plain_read(struct tv_history *h, const uint8_t *b)
{
	uint8_t i;

	if (b[0] != HISTORY_VERSION || b[7] > TV_HISTORY_MAX_VISITS)
		return TV_ERR_FORMAT;
	memset(h, 0, sizeof *h);
	h->first_day = (int32_t)tv_le32_get(b + 1);
	h->dropped = (uint16_t)(b[5] | b[6] << 8);
	h->n = b[7];
	if (h->first_day < DAY_MIN || h->first_day > DAY_MAX)
		return TV_ERR_FORMAT;
	for (i = 0; i < h->n; i++) {
		h->v[i].day = (int32_t)tv_le32_get(b + 8 + 6 * i);
		h->v[i].match = (uint16_t)(b[12 + 6 * i] | b[13 + 6 * i] << 8);
		if (h->v[i].day < DAY_MIN || h->v[i].day > DAY_MAX ||
		    (i > 0 && h->v[i].day < h->v[i - 1].day))
			return TV_ERR_FORMAT;
	}
	return 0;
}

static void
ad_make(uint8_t ad[36], const uint8_t tag[32], const uint8_t *expiry_be)
{
	memcpy(ad, tag, 32);
	memcpy(ad + 32, expiry_be, 4);
}

void
tv_history_seal(uint8_t out[TV_HISTORY_VALUE_BYTES],
    const struct tv_history *h, int32_t expiry, const uint8_t key[32],
    const uint8_t tag[32])
{
	uint8_t plain[TV_HISTORY_PLAIN_BYTES], ad[36];

	tv_be32_put(out, (uint32_t)expiry);
	randombytes_buf(out + 4, 24);
	plain_write(plain, h);
	ad_make(ad, tag, out);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 28, NULL, plain,
	    sizeof plain, ad, sizeof ad, NULL, out + 4, key);
	sodium_memzero(plain, sizeof plain);
}

int
tv_history_open(struct tv_history *h, int32_t *expiry, const uint8_t *in,
    size_t len, const uint8_t key[32], const uint8_t tag[32])
{
	uint8_t plain[TV_HISTORY_PLAIN_BYTES], ad[36];
	int rc;

	if (len != TV_HISTORY_VALUE_BYTES)
		return TV_ERR_FORMAT;
	ad_make(ad, tag, in);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL,
	    in + 28, len - 28, ad, sizeof ad, in + 4, key) != 0)
		return TV_ERR_BADSIG;
	*expiry = (int32_t)tv_be32_get(in);
	rc = plain_read(h, plain);
	sodium_memzero(plain, sizeof plain);
	return rc;
}
