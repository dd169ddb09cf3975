/* SPDX-License-Identifier: MIT */
/*
 * The body of a POST, decoded by libmicrohttpd's post processor into
 * guarded memory: keys and values side by side in one arena, each
 * NUL-terminated.  It holds what the counsellor typed, so it is wiped when
 * freed (sodium_free) and never printed.
 */
#include <string.h>

#include <sodium.h>

#include "collector/form.h"
#include "common/util.h"

struct form_body *
form_body_new(void)
{
	struct form_body *b = sodium_malloc(sizeof *b);

	if (b == NULL)
		return NULL;
	memset(b, 0, sizeof *b);
	return b;
}

void
form_body_free(struct form_body *b)
{
	if (b != NULL)
		sodium_free(b);
}

static int
arena_put(struct form_body *b, const char *s, size_t n)
{
	if (b->used >= sizeof b->arena || n >= sizeof b->arena - b->used) {
		b->bad = 1;
		return -1;
	}
	memcpy(b->arena + b->used, s, n);
	b->used += n;
	b->arena[b->used] = 0;	/* the next chunk overwrites it */
	return 0;
}

int
form_body_add(struct form_body *b, const char *key, const char *data,
    uint64_t off, size_t size)
{
	if (b->bad || key == NULL || key[0] == 0 ||
	    (size > 0 && memchr(data, 0, size) != NULL)) {
		b->bad = 1;	/* empty key or NUL in a value: not a form */
		return -1;
	}
	if (off == 0 || b->n == 0) {
		if (b->n == FORM_PAIRS_MAX) {
			b->bad = 1;
			return -1;
		}
		if (b->n > 0)
			b->used++;	/* keep the last value's NUL */
		b->e[b->n].key = (uint32_t)b->used;
		if (arena_put(b, key, strlen(key)) != 0)
			return -1;
		b->used++;	/* keep the key's NUL */
		b->e[b->n].val = (uint32_t)b->used;
		b->e[b->n].vlen = 0;
		b->n++;
	}
	if (size == 0) {
		if (b->used == sizeof b->arena)
			return b->bad = 1, -1;
		b->arena[b->used] = 0;
		return 0;
	}
	if (arena_put(b, data, size) != 0)
		return -1;
	b->e[b->n - 1].vlen += (uint32_t)size;
	return 0;
}

const char *
form_body_nth(const struct form_body *b, const char *key, unsigned i)
{
	size_t k;

	if (b == NULL)
		return NULL;
	for (k = 0; k < b->n; k++)
		if (!strcmp(b->arena + b->e[k].key, key) && i-- == 0)
			return b->arena + b->e[k].val;
	return NULL;
}

const char *
form_body_get(const struct form_body *b, const char *key, unsigned *count)
{
	unsigned c = 0;
	size_t k;

	if (b != NULL)
		for (k = 0; k < b->n; k++)
			if (!strcmp(b->arena + b->e[k].key, key))
				c++;
	if (count != NULL)
		*count = c;
	return form_body_nth(b, key, 0);
}
