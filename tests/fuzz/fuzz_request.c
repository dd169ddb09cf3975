/* SPDX-License-Identifier: MIT */
/*
 * fuzz_request - the release request head reader (proto/release.c,
 * protobuf-c): tv_request_read() on any bytes, with the fuzz campaign's K.
 * Oracles: the result is a documented code; what parses respects its
 * caps, is judged by the cell rule (tv_request_cells_check) with a
 * documented code, and writes back to a head that reads again to the
 * same cells, certificates, revocations and previous-release statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/release.h"
#include "tests/fuzz/fuzz.h"

static int
read_code_ok(int rc)
{
	return rc == 0 || rc == TV_ERR_FORMAT || rc == TV_ERR_TOOBIG ||
	    rc == TV_ERR_NOMEM || rc == TV_ERR_NOTFOUND || rc == TV_ERR_IO ||
	    rc == TV_ERR_MISMATCH || rc == TV_ERR_RANGE;
}

static void
same_request(const struct tv_request *a, const struct tv_request *b,
    uint32_t k)
{
	uint32_t i;

	fuzz_assert(a->ncells == b->ncells && a->nprev == b->nprev &&
	    a->ncerts == b->ncerts && a->nrevs == b->nrevs &&
	    a->has_previous == b->has_previous && a->as_of == b->as_of &&
	    a->nenvelopes == b->nenvelopes);
	fuzz_assert(!a->has_previous || !memcmp(a->previous, b->previous, 32));
	for (i = 0; i < a->ncells; i++)
		fuzz_assert(a->cells[i].site == b->cells[i].site &&
		    a->cells[i].period == b->cells[i].period &&
		    a->cells[i].period_id == b->cells[i].period_id &&
		    a->cells[i].first_day == b->cells[i].first_day &&
		    a->cells[i].last_day == b->cells[i].last_day &&
		    a->cells[i].count == b->cells[i].count &&
		    !memcmp(a->cells[i].ct, b->cells[i].ct, TV_CT_BYTES(k)));
	for (i = 0; i < a->nprev; i++)
		fuzz_assert(a->prev[i].trustee == b->prev[i].trustee &&
		    a->prev[i].length == b->prev[i].length &&
		    !memcmp(a->prev[i].head, b->prev[i].head, 32) &&
		    !memcmp(a->prev[i].sig, b->prev[i].sig, 64));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tv_campaign *c = fuzz_campaign();
	struct tv_request *r = NULL, *again = NULL;
	char *buf = NULL;
	size_t len = 0;
	uint32_t bad;
	FILE *f;
	int rc;

	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	rc = tv_request_read(f, &r, c->k);
	fclose(f);
	fuzz_assert(read_code_ok(rc));
	if (rc != 0) {
		fuzz_assert(r == NULL);
		return 0;
	}
	fuzz_assert(r->ncells <= TV_REQUEST_MAX_CELLS &&
	    r->nprev <= TV_REQUEST_MAX_STATEMENTS);
	rc = tv_request_cells_check(r, c->plan, &bad);
	fuzz_assert(rc == 0 || (rc == TV_ERR_FORMAT && bad <= r->ncells));
	f = open_memstream(&buf, &len);
	fuzz_assert(f != NULL && tv_request_write(f, r, c->k) == 0);
	fclose(f);
	f = fmemopen(buf, len, "rb");
	fuzz_assert(f != NULL && tv_request_read(f, &again, c->k) == 0);
	fclose(f);
	same_request(r, again, c->k);
	tv_request_free(again);
	tv_request_free(r);
	free(buf);
	return 0;
}
