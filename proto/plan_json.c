/* SPDX-License-Identifier: MIT */
/*
 * plan_json.c - the plan parser's reading of JSON: paths, messages and
 * typed members.
 *
 * Every section of the plan (plan.c, plan_fields.c, plan_predicate.c,
 * plan_groups.c, plan_policy.c) reads its values through these: they keep
 * the JSON path of the value being read, so that an error names the
 * place to fix, quote user strings as printable ASCII, and refuse unknown
 * keys.  They know no section of the plan, so they stand apart from all.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/plan.h"
#include "proto/plan_internal.h"

static const char *const kind_names[] = {
	[K_STRING] = "a string",
	[K_INTEGER] = "an integer",
	[K_BOOLEAN] = "a boolean",
	[K_OBJECT] = "an object",
	[K_ARRAY] = "an array",
};

static const char *const label_keys[] = { "fr", "en", NULL };

/*
 * Messages and paths.
 */

/* Copy at most n bytes of s for an error message: printable ASCII only,
 * so that a hostile plan cannot put escape sequences on a terminal. */
const char *
plan_quote_n(char *buf, size_t cap, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0' && i + 1 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	if (i + 1 == cap && i < n && s[i] != '\0' && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

const char *
plan_quote(char *buf, size_t cap, const char *s)
{
	return plan_quote_n(buf, cap, s, strlen(s));
}

void
plan_path_pop(struct ctx *c, size_t save)
{
	c->pathlen = save;
	c->path[save] = '\0';
}

/* Append seg (already formatted) to the path; returns the length to pop
 * back to.  A path that does not fit is cut, never overflowed. */
static size_t
path_append(struct ctx *c, const char *seg)
{
	size_t save = c->pathlen, n = strlen(seg);

	if (n > PATH_CAP - 1 - save)
		n = PATH_CAP - 1 - save;
	memcpy(c->path + save, seg, n);
	c->pathlen += n;
	c->path[c->pathlen] = '\0';
	return save;
}

size_t
plan_path_key(struct ctx *c, const char *key)
{
	char seg[QUOTE_CAP + 1];

	seg[0] = '.';
	plan_quote(seg + 1, sizeof seg - 1, key);
	return path_append(c, seg);
}

size_t
plan_path_index(struct ctx *c, size_t i)
{
	char seg[32];

	snprintf(seg, sizeof seg, "[%zu]", i);
	return path_append(c, seg);
}

__attribute__((format(__printf__, 3, 0))) static int
failv(struct ctx *c, int code, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (c->err != NULL && c->errlen > 0)
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	return code;
}

__attribute__((format(__printf__, 3, 4))) int
plan_fail_code(struct ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = failv(c, code, fmt, ap);
	va_end(ap);
	return code;
}

__attribute__((format(__printf__, 2, 3))) int
plan_fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = failv(c, TV_ERR_FORMAT, fmt, ap);
	va_end(ap);
	return code;
}

/* Fail at member key of the current value. */
__attribute__((format(__printf__, 3, 4))) int
plan_fail_at(struct ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	int code;

	plan_path_key(c, key);
	va_start(ap, fmt);
	code = failv(c, TV_ERR_FORMAT, fmt, ap);
	va_end(ap);
	return code;
}

int
plan_nomem(struct ctx *c)
{
	return plan_fail_code(c, TV_ERR_NOMEM, "out of memory");
}

/*
 * Typed access to members.
 */

const char *
plan_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:	return "an integer";
	case JSON_REAL:		return "a number with a fraction or exponent";
	case JSON_TRUE:		return "true";
	case JSON_FALSE:	return "false";
	case JSON_NULL:		return "null";
	}
	return "an unknown value";
}

static int
is_kind(const json_t *v, enum kind k)
{
	switch (k) {
	case K_STRING:	return json_is_string(v);
	case K_INTEGER:	return json_is_integer(v);
	case K_BOOLEAN:	return json_is_boolean(v);
	case K_OBJECT:	return json_is_object(v);
	case K_ARRAY:	return json_is_array(v);
	}
	return 0;
}

/* Check the type of v, which the path already names. */
int
plan_expect(struct ctx *c, const json_t *v, enum kind k)
{
	if (is_kind(v, k))
		return 0;
	return plan_fail(c, "expected %s, got %s", kind_names[k],
	    plan_json_kind(v));
}

/* *out = member key of obj (NULL when absent and optional). */
int
plan_member(struct ctx *c, json_t *obj, const char *key, enum kind k,
    int required, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	size_t save = plan_path_key(c, key);
	int rc;

	*out = NULL;
	if (v == NULL && required)
		return plan_fail(c, "required key is missing");
	if (v != NULL && (rc = plan_expect(c, v, k)) != 0)
		return rc;
	plan_path_pop(c, save);
	*out = v;
	return 0;
}

int
plan_check_keys(struct ctx *c, json_t *obj, const char *const *allowed)
{
	char list[160] = "";
	const char *key;
	json_t *v;
	size_t i, n;

	json_object_foreach(obj, key, v) {
		(void)v;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		for (i = n = 0; allowed[i] != NULL && n < sizeof list; i++)
			n += (size_t)snprintf(list + n, sizeof list - n,
			    "%s%s", i > 0 ? ", " : "", allowed[i]);
		plan_path_key(c, key);
		return plan_fail(c, "unknown key (allowed: %s)", list);
	}
	return 0;
}

int
plan_dup_str(struct ctx *c, const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL)
		return plan_nomem(c);
	return 0;
}

static int
id_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > TV_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i == 0 || (s[i] != '_' && s[i] != '-'))
			return 0;
	}
	return 1;
}

int
plan_get_id(struct ctx *c, json_t *obj, const char *key, char **out)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = plan_member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (!id_valid(json_string_value(v)))
		return plan_fail_at(c, key, "invalid id '%s' (1 to %d "
		    "characters of a-z 0-9 _ -, starting with a letter or "
		    "digit)",
		    plan_quote(q, sizeof q, json_string_value(v)), TV_ID_MAX);
	return plan_dup_str(c, json_string_value(v), out);
}

static int
get_text(struct ctx *c, json_t *obj, const char *key, char **out)
{
	json_t *v;
	int rc;

	if ((rc = plan_member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (json_string_length(v) == 0)
		return plan_fail_at(c, key, "must not be empty");
	return plan_dup_str(c, json_string_value(v), out);
}

int
plan_get_label(struct ctx *c, json_t *obj, const char *key, struct tv_label *l)
{
	json_t *v;
	size_t save;
	int rc;

	if ((rc = plan_member(c, obj, key, K_OBJECT, 1, &v)) != 0)
		return rc;
	save = plan_path_key(c, key);
	if ((rc = plan_check_keys(c, v, label_keys)) != 0 ||
	    (rc = get_text(c, v, "fr", &l->fr)) != 0 ||
	    (rc = get_text(c, v, "en", &l->en)) != 0)
		return rc;
	plan_path_pop(c, save);
	return 0;
}

int
plan_get_uint(struct ctx *c, json_t *obj, const char *key, uint32_t min,
    uint32_t max, uint32_t *out)
{
	json_int_t n;
	json_t *v;
	int rc;

	if ((rc = plan_member(c, obj, key, K_INTEGER, 0, &v)) != 0 || v == NULL)
		return rc;
	n = json_integer_value(v);
	if (n < (json_int_t)min || n > (json_int_t)max)
		return plan_fail_at(c, key, "must be between %u and %u, got "
		    "%lld", min, max, (long long)n);
	*out = (uint32_t)n;
	return 0;
}

int
plan_get_day(struct ctx *c, json_t *obj, const char *key, int32_t *day)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = plan_member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (tv_day_parse(json_string_value(v), day) != 0)
		return plan_fail_at(c, key, "expected a date YYYY-MM-DD, got "
		    "'%s'", plan_quote(q, sizeof q, json_string_value(v)));
	return 0;
}

/* Member key of obj, an array of min..max entries; pushes key on the path
 * (the caller pops *save when done). */
int
plan_open_list(struct ctx *c, json_t *obj, const char *key, size_t min,
    size_t max, json_t **arr, size_t *save)
{
	size_t n;
	int rc;

	if ((rc = plan_member(c, obj, key, K_ARRAY, 1, arr)) != 0)
		return rc;
	*save = plan_path_key(c, key);
	n = json_array_size(*arr);
	if (n == 0 && min > 0)
		return plan_fail(c, "must not be empty");
	if (n < min || n > max)
		return plan_fail_code(c, n > max ? TV_ERR_TOOBIG :
		    TV_ERR_FORMAT, "expected %zu to %zu entries, got %zu",
		    min, max, n);
	return 0;
}

/* Entry i of the current list: an object with only the allowed keys;
 * pushes [i] on the path (the caller pops *save). */
int
plan_open_entry(struct ctx *c, json_t *o, size_t i, const char *const *keys,
    size_t *save)
{
	int rc;

	*save = plan_path_index(c, i);
	if ((rc = plan_expect(c, o, K_OBJECT)) != 0)
		return rc;
	return plan_check_keys(c, o, keys);
}
