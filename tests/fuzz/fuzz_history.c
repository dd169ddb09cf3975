/* SPDX-License-Identifier: MIT */
/*
 * fuzz_history - a collector's sealed visit history (proto/history.c):
 * the input is taken as the plaintext of a state (cut or zero-padded to
 * its fixed size), sealed as formats.md Part III §III.3 says with the
 * input's own AEAD (libsodium, not tallyvan's sealing code), then
 * opened with tv_history_open().  The authentication is thereby passed,
 * so the fuzzer reaches the decoding behind it.  Oracles: a documented
 * code; what opens has at most 32 visits in day order, seals and opens
 * again to the same state, and answers every condition without fault;
 * adding a visit keeps it in order and within the caps.
 */
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/history.h"
#include "proto/store.h"
#include "tests/fuzz/fuzz.h"

static void
check_state(const struct tv_history *h)
{
	struct tv_window w = { TV_PERIOD_MONTH, 0 };
	uint8_t i;

	fuzz_assert(h->n <= TV_HISTORY_MAX_VISITS);
	for (i = 1; i < h->n; i++)
		fuzz_assert(h->v[i - 1].day <= h->v[i].day);
	fuzz_sink += tv_history_ordinal(h, h->n ? h->v[0].day : 0);
	fuzz_sink += tv_history_since_first(h, INT32_MAX);
	fuzz_sink += (uint64_t)tv_history_seen(h, &w, 3, h->first_day);
	w.kind = TV_PERIOD_NONE;
	w.days = 366;
	fuzz_sink += (uint64_t)tv_history_seen(h, &w, -1, INT32_MIN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[32] = { 1 }, tag[32] = { 2 };
	uint8_t plain[TV_HISTORY_PLAIN_BYTES] = { 0 }, ad[36];
	uint8_t box[TV_HISTORY_VALUE_BYTES], again[TV_HISTORY_VALUE_BYTES];
	struct tv_history h, h2;
	int32_t expiry;
	int rc;

	memcpy(plain, data, size < sizeof plain ? size : sizeof plain);
	tv_be32_put(box, 77);
	memset(box + 4, 9, 24);
	memcpy(ad, tag, 32);
	memcpy(ad + 32, box, 4);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + 28, NULL, plain,
	    sizeof plain, ad, sizeof ad, NULL, box + 4, key);
	rc = tv_history_open(&h, &expiry, box, sizeof box, key, tag);
	fuzz_assert(rc == 0 || rc == TV_ERR_FORMAT);
	if (rc != 0)
		return 0;
	fuzz_assert(expiry == 77);
	check_state(&h);
	tv_history_seal(again, &h, expiry, key, tag);
	fuzz_assert(tv_history_open(&h2, &expiry, again, sizeof again, key,
	    tag) == 0);
	fuzz_assert(h2.n == h.n && h2.dropped == h.dropped &&
	    h2.first_day == h.first_day &&
	    memcmp(h2.v, h.v, h.n * sizeof h.v[0]) == 0);
	tv_history_add(&h, size > 8 ? (int32_t)data[8] << 8 : 0,
	    (uint16_t)size);
	check_state(&h);
	return 0;
}
