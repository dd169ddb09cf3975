/* SPDX-License-Identifier: MIT */
/*
 * plan.c - parse and validate the evaluation plan (docs/formats.md).
 *
 * The parser walks the jansson tree once, keeping the JSON path of the
 * value it looks at in a small buffer, so that every error can name the
 * exact place a DPO must fix ("$.indicators[2].when.field: ...").  Unknown
 * keys are refused everywhere: a typo must not be signed silently.
 *
 * The plan is built inside a calloc'd struct whose counts are set as soon
 * as each array is allocated; tv_plan_free() therefore releases a plan cut
 * short by any error, and every parse_* function may simply return.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/err.h"
#include "proto/plan.h"

#define PLAN_FORMAT "tallyvan-plan/1"
#define PATH_CAP 256
#define QUOTE_CAP 48		/* echoed user strings are cut to this */
#define DAYS_MAX 36500		/* retention, grace: day sums stay in range */

struct ctx {
	struct tv_plan *p;
	char *err;
	size_t errlen;
	uint32_t nodes;		/* predicate nodes so far */
	size_t pathlen;
	char path[PATH_CAP];
};

enum kind { K_STRING, K_INTEGER, K_BOOLEAN, K_OBJECT, K_ARRAY };

static const char *const kind_names[] = {
	[K_STRING] = "a string",
	[K_INTEGER] = "an integer",
	[K_BOOLEAN] = "a boolean",
	[K_OBJECT] = "an object",
	[K_ARRAY] = "an array",
};

static const char *const top_keys[] = { "format", "campaign", "title",
	"period", "sites", "identity", "fields", "indicators", "groups",
	"proofs", "policy", NULL };
static const char *const group_keys[] = { "id", "indicators", "sum", NULL };
static const char *const label_keys[] = { "fr", "en", NULL };
static const char *const period_keys[] = { "start", "end", NULL };
static const char *const site_keys[] = { "id", "town", "label", NULL };
static const char *const idfield_keys[] = { "id", "label", NULL };
static const char *const field_keys[] = { "id", "type", "label", "choices",
	"required", NULL };
static const char *const choice_keys[] = { "id", "label", NULL };
static const char *const indicator_keys[] = { "id", "label", "when",
	"distinct", "scope", NULL };
static const char *const noise_keys[] = { "mechanism", "variance", "scale",
	"budget", NULL };
static const char *const policy_keys[] = { "noise", "min_cohort", "min_cell",
	"retention_days", "grace_days", NULL };
static const char *const leaf_keys[] = { "field", "eq", "in", "contains",
	"is", NULL };

/* Which field types each leaf operator accepts, as bits of the type. */
static const struct {
	const char *name;
	unsigned types;
	const char *what;
} leaf_ops[] = {
	{ "eq", 1u << TV_FIELD_ENUM, "an enum" },
	{ "in", 1u << TV_FIELD_ENUM | 1u << TV_FIELD_SET, "an enum or set" },
	{ "contains", 1u << TV_FIELD_SET, "a set" },
	{ "is", 1u << TV_FIELD_BOOL, "a bool" },
};
#define NLEAF_OPS (sizeof leaf_ops / sizeof leaf_ops[0])

static const char *const type_names[] = {
	[TV_FIELD_ENUM] = "enum",
	[TV_FIELD_SET] = "set",
	[TV_FIELD_BOOL] = "bool",
};
static const char *const type_articles[] = {
	[TV_FIELD_ENUM] = "an",
	[TV_FIELD_SET] = "a",
	[TV_FIELD_BOOL] = "a",
};

static int parse_pred(struct ctx *, json_t *, unsigned, struct tv_pred *);
static int indicator_index(const struct tv_plan *, const char *);

/*
 * Messages and paths.
 */

/* Copy at most n bytes of s for an error message: printable ASCII only,
 * so that a hostile plan cannot put escape sequences on a terminal. */
static const char *
quote_n(char *buf, size_t cap, const char *s, size_t n)
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

static const char *
quote(char *buf, size_t cap, const char *s)
{
	return quote_n(buf, cap, s, strlen(s));
}

static void
path_pop(struct ctx *c, size_t save)
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

static size_t
path_key(struct ctx *c, const char *key)
{
	char seg[QUOTE_CAP + 1];

	seg[0] = '.';
	quote(seg + 1, sizeof seg - 1, key);
	return path_append(c, seg);
}

static size_t
path_index(struct ctx *c, size_t i)
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

__attribute__((format(__printf__, 3, 4))) static int
fail_code(struct ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = failv(c, code, fmt, ap);
	va_end(ap);
	return code;
}

__attribute__((format(__printf__, 2, 3))) static int
fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = failv(c, TV_ERR_FORMAT, fmt, ap);
	va_end(ap);
	return code;
}

/* Fail at member key of the current value. */
__attribute__((format(__printf__, 3, 4))) static int
fail_at(struct ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	int code;

	path_key(c, key);
	va_start(ap, fmt);
	code = failv(c, TV_ERR_FORMAT, fmt, ap);
	va_end(ap);
	return code;
}

static int
nomem(struct ctx *c)
{
	return fail_code(c, TV_ERR_NOMEM, "out of memory");
}

/*
 * Typed access to members.
 */

static const char *
json_kind(const json_t *v)
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
static int
expect(struct ctx *c, const json_t *v, enum kind k)
{
	if (is_kind(v, k))
		return 0;
	return fail(c, "expected %s, got %s", kind_names[k], json_kind(v));
}

/* *out = member key of obj (NULL when absent and optional). */
static int
member(struct ctx *c, json_t *obj, const char *key, enum kind k,
    int required, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	size_t save = path_key(c, key);
	int rc;

	*out = NULL;
	if (v == NULL && required)
		return fail(c, "required key is missing");
	if (v != NULL && (rc = expect(c, v, k)) != 0)
		return rc;
	path_pop(c, save);
	*out = v;
	return 0;
}

static int
check_keys(struct ctx *c, json_t *obj, const char *const *allowed)
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
		path_key(c, key);
		return fail(c, "unknown key (allowed: %s)", list);
	}
	return 0;
}

static int
dup_str(struct ctx *c, const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL)
		return nomem(c);
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

static int
get_id(struct ctx *c, json_t *obj, const char *key, char **out)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (!id_valid(json_string_value(v)))
		return fail_at(c, key, "invalid id '%s' (1 to %d characters "
		    "of a-z 0-9 _ -, starting with a letter or digit)",
		    quote(q, sizeof q, json_string_value(v)), TV_ID_MAX);
	return dup_str(c, json_string_value(v), out);
}

static int
get_text(struct ctx *c, json_t *obj, const char *key, char **out)
{
	json_t *v;
	int rc;

	if ((rc = member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (json_string_length(v) == 0)
		return fail_at(c, key, "must not be empty");
	return dup_str(c, json_string_value(v), out);
}

static int
get_label(struct ctx *c, json_t *obj, const char *key, struct tv_label *l)
{
	json_t *v;
	size_t save;
	int rc;

	if ((rc = member(c, obj, key, K_OBJECT, 1, &v)) != 0)
		return rc;
	save = path_key(c, key);
	if ((rc = check_keys(c, v, label_keys)) != 0 ||
	    (rc = get_text(c, v, "fr", &l->fr)) != 0 ||
	    (rc = get_text(c, v, "en", &l->en)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
get_uint(struct ctx *c, json_t *obj, const char *key, uint32_t min,
    uint32_t max, uint32_t *out)
{
	json_int_t n;
	json_t *v;
	int rc;

	if ((rc = member(c, obj, key, K_INTEGER, 0, &v)) != 0 || v == NULL)
		return rc;
	n = json_integer_value(v);
	if (n < (json_int_t)min || n > (json_int_t)max)
		return fail_at(c, key, "must be between %u and %u, got %lld",
		    min, max, (long long)n);
	*out = (uint32_t)n;
	return 0;
}

static int
get_day(struct ctx *c, json_t *obj, const char *key, int32_t *day)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	if (tv_day_parse(json_string_value(v), day) != 0)
		return fail_at(c, key, "expected a date YYYY-MM-DD, got '%s'",
		    quote(q, sizeof q, json_string_value(v)));
	return 0;
}

/* Member key of obj, an array of min..max entries; pushes key on the path
 * (the caller pops *save when done). */
static int
open_list(struct ctx *c, json_t *obj, const char *key, size_t min,
    size_t max, json_t **arr, size_t *save)
{
	size_t n;
	int rc;

	if ((rc = member(c, obj, key, K_ARRAY, 1, arr)) != 0)
		return rc;
	*save = path_key(c, key);
	n = json_array_size(*arr);
	if (n == 0 && min > 0)
		return fail(c, "must not be empty");
	if (n < min || n > max)
		return fail_code(c, n > max ? TV_ERR_TOOBIG : TV_ERR_FORMAT,
		    "expected %zu to %zu entries, got %zu", min, max, n);
	return 0;
}

/* Entry i of the current list: an object with only the allowed keys;
 * pushes [i] on the path (the caller pops *save). */
static int
open_entry(struct ctx *c, json_t *o, size_t i, const char *const *keys,
    size_t *save)
{
	int rc;

	*save = path_index(c, i);
	if ((rc = expect(c, o, K_OBJECT)) != 0)
		return rc;
	return check_keys(c, o, keys);
}

/*
 * Predicates.
 */

static int
choice_mask(struct ctx *c, const struct tv_field *f, json_t *v,
    uint64_t *mask)
{
	char q[QUOTE_CAP];
	int k, rc;

	if ((rc = expect(c, v, K_STRING)) != 0)
		return rc;
	if ((k = tv_field_choice_index(f, json_string_value(v))) < 0)
		return fail(c, "unknown choice '%s' for field '%s'",
		    quote(q, sizeof q, json_string_value(v)), f->id);
	*mask |= UINT64_C(1) << k;
	return 0;
}

static int
leaf_value(struct ctx *c, const struct tv_field *f, const char *op,
    json_t *v, uint64_t *mask)
{
	json_t *e;
	size_t i, save;
	int rc;

	if (strcmp(op, "is") == 0) {
		if ((rc = expect(c, v, K_BOOLEAN)) != 0)
			return rc;
		*mask = json_is_true(v) ? 2 : 1;
		return 0;
	}
	if (strcmp(op, "in") != 0)
		return choice_mask(c, f, v, mask);
	if ((rc = expect(c, v, K_ARRAY)) != 0)
		return rc;
	if (json_array_size(v) == 0)
		return fail(c, "must not be empty");
	json_array_foreach(v, i, e) {
		save = path_index(c, i);
		if ((rc = choice_mask(c, f, e, mask)) != 0)
			return rc;
		path_pop(c, save);
	}
	return 0;
}

/* The one operator key of leaf j; *k indexes leaf_ops. */
static int
leaf_op(struct ctx *c, json_t *j, size_t *k)
{
	size_t i, n = 0;

	for (i = 0; i < NLEAF_OPS; i++)
		if (json_object_get(j, leaf_ops[i].name) != NULL) {
			if (n++ > 0)
				return fail_at(c, leaf_ops[i].name,
				    "only one operator per condition");
			*k = i;
		}
	if (n == 0)
		return fail(c, "missing operator (eq, in, contains or is)");
	return 0;
}

static int
leaf_field(struct ctx *c, json_t *j, uint32_t *index)
{
	char q[QUOTE_CAP];
	const char *name;
	json_t *v;
	int k, rc;

	if ((rc = member(c, j, "field", K_STRING, 1, &v)) != 0)
		return rc;
	name = json_string_value(v);
	if ((k = tv_plan_field_index(c->p, name)) >= 0) {
		*index = (uint32_t)k;
		return 0;
	}
	if (tv_plan_identity_index(c->p, name) >= 0)
		return fail_at(c, "field", "'%s' is an identity field; "
		    "conditions may only use form fields", name);
	return fail_at(c, "field", "unknown field '%s'",
	    quote(q, sizeof q, name));
}

static int
parse_leaf(struct ctx *c, json_t *j, struct tv_pred *out)
{
	const struct tv_field *f;
	size_t k = 0, save;
	int rc;

	if ((rc = check_keys(c, j, leaf_keys)) != 0 ||
	    (rc = leaf_field(c, j, &out->field)) != 0 ||
	    (rc = leaf_op(c, j, &k)) != 0)
		return rc;
	f = &c->p->fields[out->field];
	save = path_key(c, leaf_ops[k].name);
	if ((leaf_ops[k].types & 1u << f->type) == 0)
		return fail(c, "needs %s field; '%s' is %s %s",
		    leaf_ops[k].what, f->id, type_articles[f->type],
		    type_names[f->type]);
	if ((rc = leaf_value(c, f, leaf_ops[k].name,
	    json_object_get(j, leaf_ops[k].name), &out->mask)) != 0)
		return rc;
	path_pop(c, save);
	out->op = TV_PRED_MEETS;
	return 0;
}

/* {"all": [...]}, {"any": [...]} or {"not": p}. */
static int
parse_group(struct ctx *c, json_t *j, const char *key, unsigned depth,
    struct tv_pred *out)
{
	const char *const keys[] = { key, NULL };
	json_t *v = json_object_get(j, key), *e;
	size_t i, n, save, esave;
	int rc, is_not = strcmp(key, "not") == 0;

	if ((rc = check_keys(c, j, keys)) != 0)
		return rc;
	save = path_key(c, key);
	if (!is_not && (rc = expect(c, v, K_ARRAY)) != 0)
		return rc;
	if ((n = is_not ? 1 : json_array_size(v)) == 0)
		return fail(c, "must not be empty");
	if (n > TV_PLAN_MAX_NODES - c->nodes)
		return fail_code(c, TV_ERR_TOOBIG, "more than %d conditions "
		    "in the plan", TV_PLAN_MAX_NODES);
	if ((out->kids = calloc(n, sizeof *out->kids)) == NULL)
		return nomem(c);
	out->nkids = (uint32_t)n;
	for (i = 0; i < n; i++) {
		e = is_not ? v : json_array_get(v, i);
		esave = is_not ? c->pathlen : path_index(c, i);
		if ((rc = parse_pred(c, e, depth + 1, &out->kids[i])) != 0)
			return rc;
		path_pop(c, esave);
	}
	path_pop(c, save);
	return 0;
}

/* Recursion is bounded by TV_PLAN_MAX_DEPTH: checked on entry. */
static int
parse_pred(struct ctx *c, json_t *j, unsigned depth, struct tv_pred *out)
{
	if (depth > TV_PLAN_MAX_DEPTH)
		return fail(c, "conditions nested deeper than %d levels",
		    TV_PLAN_MAX_DEPTH);
	if (++c->nodes > TV_PLAN_MAX_NODES)
		return fail_code(c, TV_ERR_TOOBIG, "more than %d conditions "
		    "in the plan", TV_PLAN_MAX_NODES);
	if (json_is_true(j)) {
		out->op = TV_PRED_TRUE;
		return 0;
	}
	if (!json_is_object(j))
		return fail(c, "expected true or an object, got %s",
		    json_kind(j));
	if (json_object_get(j, "all") != NULL) {
		out->op = TV_PRED_ALL;
		return parse_group(c, j, "all", depth, out);
	}
	if (json_object_get(j, "any") != NULL) {
		out->op = TV_PRED_ANY;
		return parse_group(c, j, "any", depth, out);
	}
	if (json_object_get(j, "not") != NULL) {
		out->op = TV_PRED_NOT;
		return parse_group(c, j, "not", depth, out);
	}
	if (json_object_get(j, "field") != NULL)
		return parse_leaf(c, j, out);
	return fail(c, "expected a condition: true, or an object with "
	    "all, any, not or field");
}

/*
 * Sections of the plan.
 */

static int
parse_format(struct ctx *c, json_t *root)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = member(c, root, "format", K_STRING, 1, &v)) != 0)
		return rc;
	if (strcmp(json_string_value(v), PLAN_FORMAT) != 0)
		return fail_at(c, "format", "unsupported format '%s' "
		    "(expected '" PLAN_FORMAT "')",
		    quote(q, sizeof q, json_string_value(v)));
	return 0;
}

static int
parse_period(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	char day[11];
	json_t *v;
	size_t save;
	int rc;

	if ((rc = member(c, root, "period", K_OBJECT, 1, &v)) != 0)
		return rc;
	save = path_key(c, "period");
	if ((rc = check_keys(c, v, period_keys)) != 0 ||
	    (rc = get_day(c, v, "start", &p->start_day)) != 0 ||
	    (rc = get_day(c, v, "end", &p->end_day)) != 0)
		return rc;
	if (p->end_day < p->start_day) {
		tv_day_format(day, p->start_day);
		return fail_at(c, "end", "ends before the start (%s)", day);
	}
	path_pop(c, save);
	return 0;
}

static int
parse_site(struct ctx *c, json_t *o, size_t i)
{
	struct tv_site *s = &c->p->sites[i];
	json_t *town;
	size_t save;
	int rc, dup;

	if ((rc = open_entry(c, o, i, site_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &s->id)) != 0)
		return rc;
	if ((dup = tv_plan_site_index(c->p, s->id)) >= 0 && (size_t)dup < i)
		return fail_at(c, "id", "duplicate id '%s' (also $.sites[%d])",
		    s->id, dup);
	if ((rc = member(c, o, "town", K_STRING, 0, &town)) != 0 ||
	    (town != NULL &&
	    (rc = dup_str(c, json_string_value(town), &s->town)) != 0) ||
	    (rc = get_label(c, o, "label", &s->label)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_sites(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = open_list(c, root, "sites", 1, TV_PLAN_MAX_SITES, &a,
	    &save)) != 0)
		return rc;
	if ((p->sites = calloc(json_array_size(a), sizeof *p->sites)) == NULL)
		return nomem(c);
	p->nsites = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_site(c, o, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_idfield(struct ctx *c, json_t *o, size_t i)
{
	struct tv_idfield *f = &c->p->identity[i];
	size_t save;
	int rc, dup;

	if ((rc = open_entry(c, o, i, idfield_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &f->id)) != 0)
		return rc;
	if ((dup = tv_plan_identity_index(c->p, f->id)) >= 0 &&
	    (size_t)dup < i)
		return fail_at(c, "id", "duplicate id '%s' (also "
		    "$.identity[%d])", f->id, dup);
	if ((rc = get_label(c, o, "label", &f->label)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_identity(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = open_list(c, root, "identity", 1, TV_PLAN_MAX_IDENTITY, &a,
	    &save)) != 0)
		return rc;
	if ((p->identity = calloc(json_array_size(a),
	    sizeof *p->identity)) == NULL)
		return nomem(c);
	p->nidentity = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_idfield(c, o, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_choice(struct ctx *c, json_t *o, struct tv_field *f, size_t i)
{
	struct tv_choice *ch = &f->choices[i];
	size_t save;
	int rc, dup;

	if ((rc = open_entry(c, o, i, choice_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &ch->id)) != 0)
		return rc;
	if ((dup = tv_field_choice_index(f, ch->id)) >= 0 && (size_t)dup < i)
		return fail_at(c, "id", "duplicate choice '%s' (also "
		    "choices[%d])", ch->id, dup);
	if ((rc = get_label(c, o, "label", &ch->label)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

/* A bool is an enum of two implicit choices: bit 0 "no", bit 1 "yes". */
static int
bool_choices(struct ctx *c, struct tv_field *f)
{
	static const char *const text[2][3] = {
		{ "no", "non", "no" },
		{ "yes", "oui", "yes" },
	};
	uint32_t i;
	int rc;

	if ((f->choices = calloc(2, sizeof *f->choices)) == NULL)
		return nomem(c);
	f->nchoices = 2;
	for (i = 0; i < 2; i++) {
		struct tv_choice *ch = &f->choices[i];

		if ((rc = dup_str(c, text[i][0], &ch->id)) != 0 ||
		    (rc = dup_str(c, text[i][1], &ch->label.fr)) != 0 ||
		    (rc = dup_str(c, text[i][2], &ch->label.en)) != 0)
			return rc;
	}
	return 0;
}

static int
parse_choices(struct ctx *c, json_t *o, struct tv_field *f)
{
	json_t *a, *co;
	size_t i, save;
	int rc;

	if (f->type == TV_FIELD_BOOL) {
		if (json_object_get(o, "choices") != NULL)
			return fail_at(c, "choices", "not allowed for a bool "
			    "field (its choices are no and yes)");
		return bool_choices(c, f);
	}
	if ((rc = open_list(c, o, "choices", 1, TV_PLAN_MAX_CHOICES, &a,
	    &save)) != 0)
		return rc;
	if ((f->choices = calloc(json_array_size(a),
	    sizeof *f->choices)) == NULL)
		return nomem(c);
	f->nchoices = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, co)
		if ((rc = parse_choice(c, co, f, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_field_type(struct ctx *c, json_t *o, struct tv_field *f)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc, t;

	if ((rc = member(c, o, "type", K_STRING, 1, &v)) != 0)
		return rc;
	for (t = TV_FIELD_ENUM; t <= TV_FIELD_BOOL; t++)
		if (strcmp(json_string_value(v), type_names[t]) == 0) {
			f->type = (enum tv_field_type)t;
			return 0;
		}
	return fail_at(c, "type", "unknown type '%s' (expected enum, set "
	    "or bool)", quote(q, sizeof q, json_string_value(v)));
}

/* Sets are never required: "nothing ticked" is a valid answer. */
static int
parse_required(struct ctx *c, json_t *o, struct tv_field *f)
{
	json_t *v;
	int rc;

	f->required = f->type != TV_FIELD_SET;
	if ((rc = member(c, o, "required", K_BOOLEAN, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	if (f->type == TV_FIELD_SET && json_is_true(v))
		return fail_at(c, "required", "a set field cannot be required");
	if (f->type != TV_FIELD_SET)
		f->required = json_is_true(v);
	return 0;
}

static int
parse_field(struct ctx *c, json_t *o, size_t i)
{
	struct tv_field *f = &c->p->fields[i];
	size_t save;
	int rc, dup;

	if ((rc = open_entry(c, o, i, field_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &f->id)) != 0)
		return rc;
	if ((dup = tv_plan_field_index(c->p, f->id)) >= 0 && (size_t)dup < i)
		return fail_at(c, "id", "duplicate id '%s' (also $.fields[%d])",
		    f->id, dup);
	if ((dup = tv_plan_identity_index(c->p, f->id)) >= 0)
		return fail_at(c, "id", "id '%s' is already used by "
		    "$.identity[%d]", f->id, dup);
	if ((rc = parse_field_type(c, o, f)) != 0 ||
	    (rc = get_label(c, o, "label", &f->label)) != 0 ||
	    (rc = parse_choices(c, o, f)) != 0 ||
	    (rc = parse_required(c, o, f)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_fields(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, n, save;
	int rc;

	if ((rc = open_list(c, root, "fields", 0, TV_PLAN_MAX_FIELDS, &a,
	    &save)) != 0)
		return rc;
	/* calloc(0) may return NULL: keep one spare slot. */
	n = json_array_size(a);
	if ((p->fields = calloc(n + (n == 0), sizeof *p->fields)) == NULL)
		return nomem(c);
	p->nfields = (uint32_t)n;
	json_array_foreach(a, i, o)
		if ((rc = parse_field(c, o, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_distinct(struct ctx *c, json_t *o, struct tv_indicator *ind)
{
	char q[QUOTE_CAP];
	json_t *v;
	int k, rc;

	ind->distinct = TV_PERIOD_NONE;
	if ((rc = member(c, o, "distinct", K_STRING, 0, &v)) != 0 || v == NULL)
		return rc;
	/* "none" and "day" are calendar names, not plan values. */
	if ((k = tv_period_from_name(json_string_value(v))) < TV_PERIOD_WEEK)
		return fail_at(c, "distinct", "unknown period '%s' (expected "
		    "week, month, quarter, year or campaign)",
		    quote(q, sizeof q, json_string_value(v)));
	ind->distinct = (enum tv_period)k;
	return 0;
}

static int
parse_scope(struct ctx *c, json_t *o, struct tv_indicator *ind)
{
	char q[QUOTE_CAP];
	const char *s;
	json_t *v;
	int rc;

	ind->scope = TV_SCOPE_COLLECTOR;
	if ((rc = member(c, o, "scope", K_STRING, 0, &v)) != 0 || v == NULL)
		return rc;
	s = json_string_value(v);
	if (strcmp(s, "site") == 0)
		ind->scope = TV_SCOPE_SITE;
	else if (strcmp(s, "collector") != 0)
		return fail_at(c, "scope", "unknown scope '%s' (expected "
		    "collector or site)", quote(q, sizeof q, s));
	return 0;
}

static int
parse_indicator(struct ctx *c, json_t *o, size_t i)
{
	struct tv_indicator *ind = &c->p->indicators[i];
	json_t *when;
	size_t save, wsave;
	int rc, dup;

	if ((rc = open_entry(c, o, i, indicator_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &ind->id)) != 0)
		return rc;
	if ((dup = indicator_index(c->p, ind->id)) >= 0 &&
	    (size_t)dup < i)
		return fail_at(c, "id", "duplicate id '%s' (also "
		    "$.indicators[%d])", ind->id, dup);
	if ((rc = get_label(c, o, "label", &ind->label)) != 0)
		return rc;
	if ((when = json_object_get(o, "when")) == NULL)
		return fail_at(c, "when", "required key is missing");
	wsave = path_key(c, "when");
	if ((rc = parse_pred(c, when, 1, &ind->when)) != 0)
		return rc;
	path_pop(c, wsave);
	if ((rc = parse_distinct(c, o, ind)) != 0 ||
	    (rc = parse_scope(c, o, ind)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_indicators(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = open_list(c, root, "indicators", 1, TV_PLAN_MAX_INDICATORS,
	    &a, &save)) != 0)
		return rc;
	if ((p->indicators = calloc(json_array_size(a),
	    sizeof *p->indicators)) == NULL)
		return nomem(c);
	p->nindicators = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_indicator(c, o, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_group_members(struct ctx *c, json_t *o, struct tv_group *g)
{
	char q[QUOTE_CAP];
	json_t *a, *v;
	size_t i, save;
	int rc, ind;

	if ((rc = open_list(c, o, "indicators", 1, TV_PLAN_MAX_INDICATORS, &a,
	    &save)) != 0)
		return rc;
	if ((g->members = calloc(json_array_size(a), sizeof *g->members)) ==
	    NULL)
		return nomem(c);
	json_array_foreach(a, i, v) {
		size_t isave = path_index(c, i);

		if ((rc = expect(c, v, K_STRING)) != 0)
			return rc;
		if ((ind = indicator_index(c->p, json_string_value(v))) < 0)
			return fail(c, "unknown indicator '%s'", quote(q,
			    sizeof q, json_string_value(v)));
		for (size_t j = 0; j < g->n; j++)
			if (g->members[j] == (uint32_t)ind)
				return fail(c, "indicator listed twice");
		g->members[g->n++] = (uint32_t)ind;
		path_pop(c, isave);
	}
	path_pop(c, save);
	return 0;
}

static int
parse_sum_group(struct ctx *c, json_t *o, size_t i)
{
	struct tv_group *g = &c->p->groups[i];
	size_t save;
	int rc;

	if ((rc = open_entry(c, o, i, group_keys, &save)) != 0 ||
	    (rc = get_id(c, o, "id", &g->id)) != 0 ||
	    (rc = parse_group_members(c, o, g)) != 0)
		return rc;
	g->sum = 1;
	if ((rc = get_uint(c, o, "sum", 0, g->n, &g->sum)) != 0)
		return rc;
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->p->groups[j].id, g->id) == 0)
			return fail_at(c, "id", "duplicate id '%s'", g->id);
	path_pop(c, save);
	return 0;
}

static int
parse_groups(struct ctx *c, json_t *root)
{
	json_t *a, *o, *v;
	size_t i, save;
	int rc;

	if ((rc = member(c, root, "proofs", K_BOOLEAN, 0, &v)) != 0)
		return rc;
	c->p->proofs = v != NULL && json_is_true(v);
	if (json_object_get(root, "groups") == NULL)
		return 0;
	if ((rc = open_list(c, root, "groups", 0, TV_PLAN_MAX_GROUPS, &a,
	    &save)) != 0)
		return rc;
	if ((c->p->groups = calloc(json_array_size(a) + 1,
	    sizeof *c->p->groups)) == NULL)
		return nomem(c);
	c->p->ngroups = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_sum_group(c, o, i)) != 0)
			return rc;
	path_pop(c, save);
	return 0;
}

/* "n/d" or "n", 1 <= n, d <= 10^9: exact rationals, never floats. */
static int
get_ratio(struct ctx *c, json_t *obj, const char *key, uint64_t *num,
    uint64_t *den)
{
	unsigned long long n, d = 1;
	char tail, q[QUOTE_CAP];
	const char *t;
	json_t *v;
	int rc, got;

	if ((rc = member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	t = json_string_value(v);
	got = sscanf(t, "%llu/%llu%c", &n, &d, &tail);
	if (got < 1 || got == 3 || (got == 1 && strchr(t, '/') != NULL) ||
	    strspn(t, "0123456789/") != strlen(t) || n < 1 || d < 1 ||
	    n > 1000000000ULL || d > 1000000000ULL)
		return fail_at(c, key, "want a fraction \"n/d\" of whole numbers "
		    "from 1 to 10^9, not '%s'", quote(q, sizeof q, t));
	*num = n;
	*den = d;
	return 0;
}

static int
parse_noise(struct ctx *c, json_t *pol)
{
	struct tv_noise_policy *n = &c->p->policy.noise;
	const char *mech;
	json_t *v, *m;
	size_t save;
	int rc;

	n->mech = TV_NOISE_NONE;
	if ((rc = member(c, pol, "noise", K_OBJECT, 0, &v)) != 0 || v == NULL)
		return rc;
	save = path_key(c, "noise");
	if ((rc = check_keys(c, v, noise_keys)) != 0 ||
	    (rc = member(c, v, "mechanism", K_STRING, 1, &m)) != 0)
		return rc;
	mech = json_string_value(m);
	if (strcmp(mech, "gaussian") == 0) {
		n->mech = TV_NOISE_GAUSSIAN;
		rc = get_ratio(c, v, "variance", &n->num, &n->den);
	} else if (strcmp(mech, "laplace") == 0) {
		n->mech = TV_NOISE_LAPLACE;
		rc = get_ratio(c, v, "scale", &n->num, &n->den);
	} else {
		return fail_at(c, "mechanism", "want gaussian or laplace");
	}
	if (rc == 0)
		rc = get_ratio(c, v, "budget", &n->cap_num, &n->cap_den);
	if (rc == 0)
		path_pop(c, save);
	return rc;
}

static int
parse_policy(struct ctx *c, json_t *root)
{
	struct tv_policy *pol = &c->p->policy;
	json_t *v;
	size_t save;
	int rc;

	pol->min_cohort = 11;
	pol->min_cell = 0;
	pol->retention_days = 365;
	pol->grace_days = 0;
	if ((rc = member(c, root, "policy", K_OBJECT, 0, &v)) != 0 || v == NULL)
		return rc;
	save = path_key(c, "policy");
	if ((rc = check_keys(c, v, policy_keys)) != 0 ||
	    (rc = get_uint(c, v, "min_cohort", 1, INT32_MAX,
	    &pol->min_cohort)) != 0 ||
	    (rc = get_uint(c, v, "min_cell", 0, INT32_MAX,
	    &pol->min_cell)) != 0 ||
	    (rc = get_uint(c, v, "retention_days", 1, DAYS_MAX,
	    &pol->retention_days)) != 0 ||
	    (rc = get_uint(c, v, "grace_days", 0, DAYS_MAX,
	    &pol->grace_days)) != 0 ||
	    (rc = parse_noise(c, v)) != 0)
		return rc;
	path_pop(c, save);
	return 0;
}

static int
parse_root(struct ctx *c, json_t *root)
{
	int rc;

	if ((rc = expect(c, root, K_OBJECT)) != 0 ||
	    (rc = check_keys(c, root, top_keys)) != 0 ||
	    (rc = parse_format(c, root)) != 0 ||
	    (rc = get_id(c, root, "campaign", &c->p->campaign)) != 0 ||
	    (rc = get_label(c, root, "title", &c->p->title)) != 0 ||
	    (rc = parse_period(c, root)) != 0 ||
	    (rc = parse_sites(c, root)) != 0 ||
	    (rc = parse_identity(c, root)) != 0 ||
	    (rc = parse_fields(c, root)) != 0 ||
	    (rc = parse_indicators(c, root)) != 0 ||
	    (rc = parse_groups(c, root)) != 0 ||
	    (rc = parse_policy(c, root)) != 0)
		return rc;
	return 0;
}

/* The bytes hashed into the campaign id: compact, sorted keys, ASCII.
 * Copied into our own malloc so that tv_plan_free() never depends on
 * jansson's allocator settings. */
static int
canonicalise(struct ctx *c, json_t *root)
{
	const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII;
	size_t n = json_dumpb(root, NULL, 0, flags);

	if (n == 0 || (c->p->canonical = malloc(n + 1)) == NULL)
		return nomem(c);
	if (json_dumpb(root, c->p->canonical, n, flags) != n)
		return nomem(c);
	c->p->canonical[n] = '\0';
	c->p->canonical_len = n;
	return 0;
}

static json_t *
load_json(struct ctx *c, const char *json, size_t len, int *rc)
{
	char q[JSON_ERROR_TEXT_LENGTH];
	json_error_t je;
	json_t *root;

	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je)) != NULL)
		return root;
	*rc = json_error_code(&je) == json_error_out_of_memory ?
	    TV_ERR_NOMEM : TV_ERR_FORMAT;
	/* jansson quotes the input near the error: make it printable. */
	if (c->err != NULL && c->errlen > 0)
		snprintf(c->err, c->errlen, "line %d, column %d: %s", je.line,
		    je.column, quote(q, sizeof q, je.text));
	return NULL;
}

int
tv_plan_parse(struct tv_plan **out, const char *json, size_t len,
    char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen, .pathlen = 1,
		.path = "$" };
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > TV_PLAN_MAX_BYTES) {
		rc = fail_code(&c, TV_ERR_TOOBIG, "plan larger than %u bytes",
		    TV_PLAN_MAX_BYTES);
		goto out;
	}
	if ((root = load_json(&c, json, len, &rc)) == NULL)
		goto out;
	if ((c.p = calloc(1, sizeof *c.p)) == NULL) {
		rc = nomem(&c);
		goto out;
	}
	if ((rc = parse_root(&c, root)) != 0 ||
	    (rc = canonicalise(&c, root)) != 0)
		goto out;
	*out = c.p;
	c.p = NULL;
out:
	tv_plan_free(c.p);
	json_decref(root);
	return rc;
}

/*
 * Loading from a file.
 */

static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < cap) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return TV_ERR_IO;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

/* The whole file in *buf, after checking its size against the cap. */
static int
read_capped(const char *path, char **buf, size_t *len, char *msg,
    size_t msglen)
{
	struct stat st;
	int fd, rc = TV_ERR_IO;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = TV_ERR_FORMAT;
		snprintf(msg, msglen, "not a regular file");
		goto out;
	}
	if (st.st_size > (off_t)TV_PLAN_MAX_BYTES) {
		rc = TV_ERR_TOOBIG;
		snprintf(msg, msglen, "larger than %u bytes",
		    TV_PLAN_MAX_BYTES);
		goto out;
	}
	/* One spare byte tells a file that grew since fstat(). */
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = TV_ERR_NOMEM;
		snprintf(msg, msglen, "out of memory");
		goto out;
	}
	if ((rc = read_fd(fd, *buf, (size_t)st.st_size + 1, len)) != 0)
		snprintf(msg, msglen, "%s", strerror(errno));
	else if (*len > (size_t)st.st_size) {
		rc = TV_ERR_IO;
		snprintf(msg, msglen, "file changed while being read");
	}
out:
	close(fd);
	return rc;
}

int
tv_plan_load(struct tv_plan **out, const char *path, char *err,
    size_t errlen)
{
	char msg[512] = "";
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = read_capped(path, &buf, &len, msg, sizeof msg)) == 0)
		rc = tv_plan_parse(out, buf, len, msg, sizeof msg);
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(buf);
	return rc;
}

/*
 * Freeing and lookups.
 */

static void
label_free(struct tv_label *l)
{
	free(l->fr);
	free(l->en);
}

static void
pred_free(struct tv_pred *p)
{
	uint32_t i;

	for (i = 0; i < p->nkids; i++)
		pred_free(&p->kids[i]);
	free(p->kids);
}

static void
field_free(struct tv_field *f)
{
	uint32_t i;

	for (i = 0; i < f->nchoices; i++) {
		free(f->choices[i].id);
		label_free(&f->choices[i].label);
	}
	free(f->choices);
	free(f->id);
	label_free(&f->label);
}

void
tv_plan_free(struct tv_plan *p)
{
	uint32_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsites; i++) {
		free(p->sites[i].id);
		free(p->sites[i].town);
		label_free(&p->sites[i].label);
	}
	for (i = 0; i < p->nidentity; i++) {
		free(p->identity[i].id);
		label_free(&p->identity[i].label);
	}
	for (i = 0; i < p->nfields; i++)
		field_free(&p->fields[i]);
	for (i = 0; i < p->nindicators; i++) {
		free(p->indicators[i].id);
		label_free(&p->indicators[i].label);
		pred_free(&p->indicators[i].when);
	}
	free(p->sites);
	free(p->identity);
	free(p->fields);
	free(p->indicators);
	for (i = 0; p->groups != NULL && i < p->ngroups; i++) {
		free(p->groups[i].id);
		free(p->groups[i].members);
	}
	free(p->groups);
	free(p->campaign);
	label_free(&p->title);
	free(p->canonical);
	free(p);
}

/* Entries not yet parsed have a NULL id: skipped, so these lookups also
 * serve the duplicate checks of a plan being built. */
int
tv_plan_site_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nsites; i++)
		if (p->sites[i].id != NULL && strcmp(p->sites[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
tv_plan_field_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nfields; i++)
		if (p->fields[i].id != NULL && strcmp(p->fields[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
tv_plan_identity_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nidentity; i++)
		if (p->identity[i].id != NULL &&
		    strcmp(p->identity[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
indicator_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nindicators; i++)
		if (p->indicators[i].id != NULL &&
		    strcmp(p->indicators[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
choice_index_n(const struct tv_field *f, const char *id, size_t n)
{
	uint32_t i;

	for (i = 0; i < f->nchoices; i++)
		if (f->choices[i].id != NULL &&
		    strncmp(f->choices[i].id, id, n) == 0 &&
		    f->choices[i].id[n] == '\0')
			return (int)i;
	return -1;
}

int
tv_field_choice_index(const struct tv_field *f, const char *id)
{
	return choice_index_n(f, id, strlen(id));
}

/*
 * Typed values.
 */

__attribute__((format(__printf__, 3, 4))) static int
value_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return TV_ERR_FORMAT;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* [*s, *e) without surrounding blanks. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

/* ASCII only: a locale must not change what "I" means (Turkish i). */
static int
ascii_eq_nocase(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char a = s[i], b = word[i];

		if (b == '\0')
			return 0;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return word[n] == '\0';
}

static int
parse_bool(const struct tv_field *f, const char *s, size_t n,
    uint64_t *mask, char *err, size_t errlen)
{
	static const char *const words[2][4] = {
		{ "no", "false", "0", "non" },
		{ "yes", "true", "1", "oui" },
	};
	char q[QUOTE_CAP];
	size_t v, i;

	for (v = 0; v < 2; v++)
		for (i = 0; i < 4; i++)
			if (ascii_eq_nocase(s, n, words[v][i])) {
				*mask = UINT64_C(1) << v;
				return 0;
			}
	return value_error(err, errlen, "invalid value '%s' for bool field "
	    "'%s' (expected yes or no)", quote_n(q, sizeof q, s, n), f->id);
}

static int
choice_bit(const struct tv_field *f, const char *s, size_t n,
    uint64_t *mask, char *err, size_t errlen)
{
	char q[QUOTE_CAP];
	int k;

	if ((k = choice_index_n(f, s, n)) < 0)
		return value_error(err, errlen, "unknown choice '%s' for field "
		    "'%s'", quote_n(q, sizeof q, s, n), f->id);
	*mask |= UINT64_C(1) << k;
	return 0;
}

static int
parse_set(const struct tv_field *f, const char *s, const char *e,
    uint64_t *mask, char *err, size_t errlen)
{
	const char *ts, *te;
	int rc;

	for (;;) {
		ts = s;
		te = memchr(s, '|', (size_t)(e - s));
		if (te == NULL)
			te = e;
		s = te;
		trim(&ts, &te);
		if (ts == te)
			return value_error(err, errlen, "empty choice in the "
			    "value of set field '%s'", f->id);
		if ((rc = choice_bit(f, ts, (size_t)(te - ts), mask, err,
		    errlen)) != 0)
			return rc;
		if (s == e)
			return 0;
		s++;
	}
}

int
tv_field_parse(const struct tv_field *f, const char *text, uint64_t *mask,
    char *err, size_t errlen)
{
	const char *s = text, *e = text + strlen(text);

	*mask = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	trim(&s, &e);
	/* Empty means "not given": fine unless the plan requires it. */
	if (s == e)
		return f->required ? value_error(err, errlen, "field '%s' is "
		    "required", f->id) : 0;
	switch (f->type) {
	case TV_FIELD_ENUM:
		return choice_bit(f, s, (size_t)(e - s), mask, err, errlen);
	case TV_FIELD_SET:
		return parse_set(f, s, e, mask, err, errlen);
	case TV_FIELD_BOOL:
		return parse_bool(f, s, (size_t)(e - s), mask, err, errlen);
	}
	return value_error(err, errlen, "field '%s' has no type", f->id);
}

int
tv_pred_eval(const struct tv_pred *p, const uint64_t *values)
{
	uint32_t i;

	switch (p->op) {
	case TV_PRED_TRUE:
		return 1;
	case TV_PRED_MEETS:
		return (values[p->field] & p->mask) != 0;
	case TV_PRED_ALL:
		for (i = 0; i < p->nkids; i++)
			if (!tv_pred_eval(&p->kids[i], values))
				return 0;
		return 1;
	case TV_PRED_ANY:
		for (i = 0; i < p->nkids; i++)
			if (tv_pred_eval(&p->kids[i], values))
				return 1;
		return 0;
	case TV_PRED_NOT:
		return !tv_pred_eval(&p->kids[0], values);
	}
	return 0;
}
