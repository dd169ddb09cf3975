/* SPDX-License-Identifier: MIT */
/*
 * release.json one cell at a time (release/reader.h).  jansson parses
 * every piece; the reader only finds where the cells array starts and
 * reads the ',' and ']' between its elements.  jansson is fed one byte
 * per call, so that it never reads past the value it parses and the file
 * is left just after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "release/reader.h"

#define CELLS_KEY "\"cells\""

struct tv_release_reader {
	FILE *f;
	char *head;		/* the text up to and including the '[' */
	size_t head_len;
	size_t cells;		/* elements read */
	int ended;		/* the array's ']' read */
	size_t left;		/* bytes the current parse may still read */
};

static int
read_error(FILE *f)
{
	return ferror(f) ? TV_ERR_IO : TV_ERR_FORMAT;
}

/* The next byte that is not JSON whitespace, or EOF. */
static int
next_token_byte(FILE *f)
{
	int c;

	do
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	return c;
}

/* buf[0..len) ends with `"cells"` ws ':' ws '[' (the '[' just read). */
static int
ends_with_cells_key(const char *buf, size_t len)
{
	size_t i = len - 1;	/* the '[' */

	while (i > 0 && strchr(" \t\n\r", buf[i - 1]) != NULL)
		i--;
	if (i == 0 || buf[--i] != ':')
		return 0;
	while (i > 0 && strchr(" \t\n\r", buf[i - 1]) != NULL)
		i--;
	return i >= sizeof CELLS_KEY - 1 && memcmp(buf + i - (sizeof CELLS_KEY
	    - 1), CELLS_KEY, sizeof CELLS_KEY - 1) == 0;
}

/* The head ends at the first cells key's '['; it and "]}" must be JSON:
 * that key is then the top-level object's. */
static int
head_read(struct tv_release_reader *r)
{
	size_t cap = 4096;
	json_t *o;
	int c;

	if ((r->head = malloc(cap + 3)) == NULL)
		return TV_ERR_NOMEM;
	for (;;) {
		if ((c = getc(r->f)) == EOF)
			return read_error(r->f);
		if (r->head_len == cap) {
			char *p;

			if (cap >= TV_RELEASE_HEAD_MAX)
				return TV_ERR_FORMAT;
			cap *= 2;
			if ((p = realloc(r->head, cap + 3)) == NULL)
				return TV_ERR_NOMEM;
			r->head = p;
		}
		r->head[r->head_len++] = (char)c;
		if (c == '[' && ends_with_cells_key(r->head, r->head_len))
			break;
	}
	memcpy(r->head + r->head_len, "]}", 3);
	o = json_loads(r->head, JSON_REJECT_DUPLICATES, NULL);
	r->head[r->head_len] = 0;
	if (!json_is_object(o)) {
		json_decref(o);
		return TV_ERR_FORMAT;
	}
	json_decref(o);
	return 0;
}

int
tv_release_reader_open(struct tv_release_reader **out, FILE *f)
{
	struct tv_release_reader *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (r == NULL)
		return TV_ERR_NOMEM;
	r->f = f;
	if ((rc = head_read(r)) != 0) {
		tv_release_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* jansson's input: one byte a call, at most r->left in all. */
static size_t
one_byte(void *buf, size_t len, void *data)
{
	struct tv_release_reader *r = data;
	int c;

	if (len == 0 || r->left == 0 || (c = getc(r->f)) == EOF)
		return (size_t)-1;
	r->left--;
	*(char *)buf = (char)c;
	return 1;
}

int
tv_release_reader_cell(struct tv_release_reader *r, size_t cap,
    json_t **cell)
{
	json_t *o;
	int c;

	*cell = NULL;
	if (r->ended)
		return 0;
	c = next_token_byte(r->f);
	if (r->cells > 0 && c == ',')
		c = next_token_byte(r->f);
	else if (c == ']') {
		r->ended = 1;
		return 0;
	} else if (r->cells > 0)
		return c == EOF ? read_error(r->f) : TV_ERR_FORMAT;
	if (c != '{')
		return c == EOF ? read_error(r->f) : TV_ERR_FORMAT;
	if (ungetc(c, r->f) == EOF)
		return TV_ERR_IO;
	r->left = cap;
	o = json_load_callback(one_byte, r, JSON_DISABLE_EOF_CHECK |
	    JSON_REJECT_DUPLICATES, NULL);
	if (o == NULL)
		return r->left == 0 ? TV_ERR_TOOBIG : read_error(r->f);
	r->cells++;
	*cell = o;
	return 0;
}

int
tv_release_reader_frame(struct tv_release_reader *r, size_t cap,
    json_t **frame)
{
	size_t len = r->head_len, want = r->head_len + 2 + cap;
	char *text;
	json_t *o;
	int c, rc = TV_ERR_FORMAT;

	*frame = NULL;
	if (!r->ended)
		return TV_ERR_FORMAT;
	if ((text = malloc(want)) == NULL)
		return TV_ERR_NOMEM;
	memcpy(text, r->head, len);
	text[len++] = ']';
	while ((c = getc(r->f)) != EOF) {
		if (len == want - 1) {
			rc = TV_ERR_TOOBIG;
			goto out;
		}
		text[len++] = (char)c;
	}
	if (ferror(r->f)) {
		rc = TV_ERR_IO;
		goto out;
	}
	text[len] = 0;
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(o) && json_is_array(json_object_get(o, "cells")) &&
	    json_array_size(json_object_get(o, "cells")) == 0) {
		*frame = o;
		rc = 0;
	} else
		json_decref(o);
out:
	free(text);
	return rc;
}

int
tv_release_frame_read(FILE *f, json_t **frame)
{
	struct tv_release_reader *r = NULL;
	json_t *cell;
	int rc;

	*frame = NULL;
	if ((rc = tv_release_reader_open(&r, f)) != 0)
		return rc;
	while ((rc = tv_release_reader_cell(r, TV_RELEASE_CELL_MAX,
	    &cell)) == 0 && cell != NULL)
		json_decref(cell);
	if (rc == 0)
		rc = tv_release_reader_frame(r, TV_RELEASE_REST_MAX, frame);
	tv_release_reader_free(r);
	return rc;
}

size_t
tv_release_reader_count(const struct tv_release_reader *r)
{
	return r->cells;
}

void
tv_release_reader_free(struct tv_release_reader *r)
{
	if (r == NULL)
		return;
	free(r->head);
	free(r);
}
