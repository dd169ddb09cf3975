/* SPDX-License-Identifier: MIT */
/*
 * release/reader.h on documents whose reading is known: the cells and
 * the frame a whole-document parse (jansson) gives, in any layout and
 * member order; and the documents it must refuse -- a "cells" key nested
 * before the top-level one (the attacker's way to hide cells from a
 * plain JSON reader), a second top-level "cells", text after the
 * document, a cell that is not an object or over its cap, a missing
 * separator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto/err.h"
#include "release/reader.h"
#include "tests/unit/tap.h"

/* Read doc with the reader: cells and frame must equal what jansson reads
 * of the whole document (a document jansson refuses must be refused).
 * The first error code, or 0. */
static int
read_doc(const char *doc, size_t cap, size_t *ncells)
{
	FILE *f = fmemopen((void *)doc, strlen(doc), "r");
	json_t *whole = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
	json_t *cell = NULL, *frame = NULL, *want;
	struct tv_release_reader *r = NULL;
	int rc;

	*ncells = 0;
	if ((rc = tv_release_reader_open(&r, f)) != 0)
		goto out;
	for (;;) {
		if ((rc = tv_release_reader_cell(r, cap, &cell)) != 0 ||
		    cell == NULL)
			break;
		want = json_array_get(json_object_get(whole, "cells"),
		    *ncells);
		if (whole != NULL && !json_equal(want, cell))
			rc = 99;	/* not what a whole parse reads */
		json_decref(cell);
		++*ncells;
		if (rc)
			goto out;
	}
	if (rc == 0 && (rc = tv_release_reader_frame(r, 1 << 20,
	    &frame)) == 0) {
		json_object_set_new(whole, "cells", json_array());
		if (!json_equal(whole, frame))
			rc = 98;	/* (also when whole is not JSON) */
	}
out:
	json_decref(frame);
	json_decref(whole);
	tv_release_reader_free(r);
	fclose(f);
	return rc;
}

int
main(void)
{
	size_t n;

	is_int(0, read_doc("{\n \"format\": \"x\",\n \"cells\": [\n  {\"a\": 1},"
	    "\n  {\"b\": [1, 2]}\n ],\n \"ledgers\": []\n}", 100, &n),
	    "publish's layout");
	is_int(2, n, "... two cells");
	is_int(0, read_doc("{\"ledgers\":[{\"x\":\"a \\\"cells\\\": [\"}],"
	    "\"cells\":[{\"c\":{}},{}],\"format\":\"x\"}", 100, &n),
	    "compact, other order, the key's text inside a string before it");
	is_int(2, n, "... two cells");
	is_int(0, read_doc("{ \"cells\" :\t[ ] }", 100, &n), "no cells");
	is_int(0, (int)n, "... none");
	is_int(0, read_doc("{\"cells\":[{\"s\":\"}]\"}]}", 100, &n),
	    "a bracket inside a cell's string");
	is_int(1, n, "... one cell");

	is_int(TV_ERR_FORMAT, read_doc("{\"x\": {\"cells\": [{\"a\": 1}]},"
	    "\"cells\": []}", 100, &n),
	    "a nested cells key first: refused (a plain reader sees none)");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{\"a\": 1}],"
	    "\"cells\": []}", 100, &n), "two top-level cells: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{\"a\": 1}]} {}", 100,
	    &n), "text after the document: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [1]}", 100, &n),
	    "a cell that is not an object: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{} {}]}", 100, &n),
	    "no comma between cells: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{},]}", 100, &n),
	    "a trailing comma: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{\"a\": 1, \"a\": 2}]}",
	    100, &n), "a duplicate key in a cell: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cells\": [{}]", 100, &n),
	    "the document not closed: refused");
	is_int(TV_ERR_FORMAT, read_doc("[{\"cells\": [{}]}]", 100, &n),
	    "not an object: refused");
	is_int(TV_ERR_FORMAT, read_doc("{\"cell\": []}", 100, &n),
	    "no cells: refused");
	is_int(TV_ERR_TOOBIG, read_doc("{\"cells\": [{\"a\": \"0123456789\"}]}",
	    10, &n), "a cell over its cap: refused");
	is_int(0, read_doc("{\"cells\": [{\"a\": \"012345\"}]}", 15, &n),
	    "a cell of exactly its cap");
	return tap_done();
}
