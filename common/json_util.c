/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "common/json_util.h"
#include "common/util.h"

json_t *
json_hex(const uint8_t *b, size_t n)
{
	char *h = xmalloc(2 * n + 1);
	json_t *s;

	hex_encode(h, b, n);
	s = json_string(h);
	free(h);
	return s;
}

int
json_unhex(json_t *s, uint8_t *out, size_t n)
{
	const char *h = json_string_value(s);

	return hex_decode(out, n, h != NULL ? h : "");
}

const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}
