/* SPDX-License-Identifier: MIT */
/*
 * fuzz_zstd - bounded decompression: the input is the payload of an
 * (already verified) envelope of the fixed fuzz device, seq 1, and goes
 * through tv_batch_decode(): one zstd frame, nothing after it, window at
 * most 2^23, output capped for K, then the Batch checks.  Bombs in the
 * seed corpus (1 GiB of zeros declared and streamed, window 2^30,
 * two frames, trailing bytes) must be refused without the memory: the
 * replay main fails on a peak RSS over its limit, libFuzzer on
 * -rss_limit_mb / -malloc_limit_mb.
 */
#include <string.h>

#include "crypto/err.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tv_campaign *c = fuzz_campaign();
	struct tv_envelope env;
	struct tv_batch *b = NULL;
	uint8_t sk[64];
	int rc;

	memset(&env, 0, sizeof env);
	fuzz_device(env.device_id, sk);
	env.seq = 1;
	env.payload = data;
	env.payload_len = size;
	rc = tv_batch_decode(&b, &env, c->id, c->k);
	if (rc == 0) {
		fuzz_assert(b != NULL && b->nrecords <= TV_BATCH_RECORDS_MAX);
		fuzz_sink += b->nrecords + b->seq;
	} else {
		fuzz_assert(b == NULL);
	}
	tv_batch_free(b);
	return 0;
}
