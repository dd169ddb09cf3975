/* SPDX-License-Identifier: MIT */
/* Hex byte strings in JSON (json_hex.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/json_hex.h"

json_t *
tv_json_hex(const uint8_t *b, size_t n)
{
	char *h = malloc(2 * n + 1);
	json_t *s = NULL;

	if (h != NULL) {
		sodium_bin2hex(h, 2 * n + 1, b, n);
		s = json_string(h);
	}
	free(h);
	return s;
}

int
tv_json_unhex(const json_t *s, uint8_t *out, size_t n)
{
	const char *h = json_string_value(s);
	size_t got = 0;

	if (h == NULL || strlen(h) != 2 * n ||
	    sodium_hex2bin(out, n, h, 2 * n, NULL, &got, NULL) != 0 ||
	    got != n)
		return TV_ERR_FORMAT;
	return 0;
}

const char *
tv_json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}
