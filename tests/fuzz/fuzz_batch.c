/* SPDX-License-Identifier: MIT */
/*
 * fuzz_batch - the Batch protobuf message, without compression:
 * tv_batch_unpack() as if the bytes came out of a verified envelope of the
 * fixed fuzz device, seq 1, for the fuzz campaign.  Exercises the budgeted
 * allocator, the record-count cap, record and point checks and the
 * duplicate checks.  Oracles: a decoded batch respects every documented
 * invariant (count cap, ct points valid, R not the identity, ids and Rs
 * unique).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/fuzz/fuzz.h"

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void
check_batch(const struct tv_batch *b, uint32_t k)
{
	uint8_t *ids;
	uint32_t i, j;

	fuzz_assert(b->nrecords <= TV_BATCH_RECORDS_MAX && b->k == k);
	ids = malloc((size_t)b->nrecords * 16 + 1);
	fuzz_assert(ids != NULL);
	for (i = 0; i < b->nrecords; i++) {
		fuzz_assert(tv_point_ok_nonid(b->records[i].ct));
		for (j = 1; j <= k; j++)
			fuzz_assert(tv_point_ok(b->records[i].ct + 32 * j));
		memcpy(ids + 16 * (size_t)i, b->records[i].id, 16);
		fuzz_sink += b->records[i].site + (uint32_t)b->records[i].day;
	}
	qsort(ids, b->nrecords, 16, cmp16);
	for (i = 1; i < b->nrecords; i++)
		fuzz_assert(memcmp(ids + 16 * (size_t)(i - 1),
		    ids + 16 * (size_t)i, 16) != 0);
	free(ids);
}

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
	rc = tv_batch_unpack(&b, data, size, &env, c->id, c->k);
	if (rc == 0)
		check_batch(b, c->k);
	else
		fuzz_assert(b == NULL && (rc == TV_ERR_FORMAT ||
		    rc == TV_ERR_TOOBIG || rc == TV_ERR_MISMATCH ||
		    rc == TV_ERR_NOMEM));
	tv_batch_free(b);
	return 0;
}
