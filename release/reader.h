/* SPDX-License-Identifier: MIT */
/*
 * reader.h - release.json and the trustees' partial files read one cell
 * at a time (docs/formats.md III.9.5), so that publishing or checking a
 * national release does not hold every cell's record ids, partial
 * decryptions and proofs at once.
 *
 * The document is one JSON object whose member "cells" is an array of
 * cell objects.  The reader finds that member's '[' (the first
 * `"cells"` key followed by ':' and '['; it must be the top-level
 * object's: the text before it, closed by "]}", must parse), hands out
 * the array's elements one by one, each parsed by jansson alone, and at
 * the end parses the rest of the document with an empty "cells" array in
 * their place ("the frame").  Every piece is parsed with
 * JSON_REJECT_DUPLICATES and read under a size cap.  The result is the
 * document as a whole JSON parser would read it, cells and frame
 * together.
 */
#ifndef TV_READER_H
#define TV_READER_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The text before the cells (format, labels, ...), and the rest after
 * them (ledger statements of at most 16 trustees with at most 100,000
 * entries each, noise): at most these. */
#define TV_RELEASE_HEAD_MAX (16u << 20)
#define TV_RELEASE_REST_MAX (256u << 20)

struct tv_release_reader;

/*
 * Start reading release.json from f (positioned at its first byte; the
 * reader reads f from there on and does not close it).  0, or
 * TV_ERR_FORMAT (no top-level "cells" array within TV_RELEASE_HEAD_MAX
 * bytes, or the text before it is not JSON), TV_ERR_IO, TV_ERR_NOMEM.
 */
int tv_release_reader_open(struct tv_release_reader **r, FILE *f);

/*
 * The next cell into *cell (a new reference), or *cell = NULL when the
 * array has ended.  The cell's text is at most cap bytes.  0, or
 * TV_ERR_FORMAT (not a JSON object, or no ',' or ']' after it),
 * TV_ERR_TOOBIG, TV_ERR_IO, TV_ERR_NOMEM.
 */
int tv_release_reader_cell(struct tv_release_reader *r, size_t cap,
    json_t **cell);

/*
 * After the last cell (tv_release_reader_cell gave NULL): the rest of
 * the document, at most cap bytes, parsed with the head and an empty
 * "cells" array into *frame (a new reference); nothing may follow it.
 * 0, or TV_ERR_FORMAT, TV_ERR_TOOBIG, TV_ERR_IO, TV_ERR_NOMEM.
 */
int tv_release_reader_frame(struct tv_release_reader *r, size_t cap,
    json_t **frame);

/*
 * The whole document but its cells, from f at its first byte: each cell
 * read (at most TV_RELEASE_CELL_MAX bytes) and dropped, then the frame
 * into *frame.  For readers that need only the top-level members
 * (format, campaign, ledgers).  The codes of the functions above.
 */
#define TV_RELEASE_CELL_MAX (1u << 30)
int tv_release_frame_read(FILE *f, json_t **frame);

/* Cells read so far. */
size_t tv_release_reader_count(const struct tv_release_reader *r);

/* Accepts NULL. */
void tv_release_reader_free(struct tv_release_reader *r);

#endif
