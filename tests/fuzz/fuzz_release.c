/* SPDX-License-Identifier: MIT */
/*
 * fuzz_release - release.json read a cell at a time (release/reader.c),
 * as `trustee verify` reads it.  Oracle: whatever the reader accepts
 * (every cell, then the frame) is what jansson reads of the whole input
 * -- the same cells in the same order and the same other members -- so
 * no layout can make the verifier check something other than what a
 * plain JSON reader of the release sees.  Every refusal is a documented
 * code.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crypto/err.h"
#include "release/reader.h"
#include "tests/fuzz/fuzz.h"

#define CELLS_MAX 64

static int
known(int rc)
{
	return rc == TV_ERR_FORMAT || rc == TV_ERR_TOOBIG || rc == TV_ERR_IO ||
	    rc == TV_ERR_NOMEM;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *cells[CELLS_MAX], *frame = NULL, *whole;
	struct tv_release_reader *r = NULL;
	size_t n = 0, i;
	FILE *f;
	int rc;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if ((rc = tv_release_reader_open(&r, f)) != 0)
		goto out;
	for (;;) {
		if ((rc = tv_release_reader_cell(r, 4096, &cells[n])) != 0 ||
		    cells[n] == NULL)
			break;
		fuzz_assert(json_is_object(cells[n]));
		if (++n == CELLS_MAX)
			goto out;
	}
	if (rc == 0)
		rc = tv_release_reader_frame(r, 1 << 20, &frame);
	if (rc == 0) {
		whole = json_loadb((const char *)data, size,
		    JSON_REJECT_DUPLICATES, NULL);
		fuzz_assert(json_is_object(whole));
		fuzz_assert(json_array_size(json_object_get(whole, "cells")) ==
		    n);
		for (i = 0; i < n; i++)
			fuzz_assert(json_equal(cells[i], json_array_get(
			    json_object_get(whole, "cells"), i)));
		json_object_set_new(whole, "cells", json_array());
		fuzz_assert(json_equal(whole, frame));
		json_decref(whole);
	}
out:
	fuzz_assert(rc == 0 || known(rc));
	for (i = 0; i < n; i++)
		json_decref(cells[i]);
	json_decref(frame);
	tv_release_reader_free(r);
	fclose(f);
	return 0;
}
