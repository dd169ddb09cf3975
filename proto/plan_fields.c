/* SPDX-License-Identifier: MIT */
/*
 * plan_fields.c - the form fields: their declaration in the plan and the
 * reading of their values.
 *
 * $.fields gives each field a type (enum, set or bool) and its choices;
 * tv_field_parse() reads a value typed for that field (a CSV cell, a form
 * entry) into the bit mask over those choices.  Both sides know the
 * choices and the bool words, and nothing else of the plan, so they are
 * kept together here.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/plan.h"
#include "proto/plan_internal.h"

static const char *const field_keys[] = { "id", "type", "label", "choices",
	"required", NULL };
static const char *const choice_keys[] = { "id", "label", NULL };

const char *const plan_type_names[] = {
	[TV_FIELD_ENUM] = "enum",
	[TV_FIELD_SET] = "set",
	[TV_FIELD_BOOL] = "bool",
};

static int
parse_choice(struct ctx *c, json_t *o, struct tv_field *f, size_t i)
{
	struct tv_choice *ch = &f->choices[i];
	size_t save;
	int rc, dup;

	if ((rc = plan_open_entry(c, o, i, choice_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &ch->id)) != 0)
		return rc;
	if ((dup = tv_field_choice_index(f, ch->id)) >= 0 && (size_t)dup < i)
		return plan_fail_at(c, "id", "duplicate choice '%s' (also "
		    "choices[%d])", ch->id, dup);
	if ((rc = plan_get_label(c, o, "label", &ch->label)) != 0)
		return rc;
	plan_path_pop(c, save);
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
		return plan_nomem(c);
	f->nchoices = 2;
	for (i = 0; i < 2; i++) {
		struct tv_choice *ch = &f->choices[i];

		if ((rc = plan_dup_str(c, text[i][0], &ch->id)) != 0 ||
		    (rc = plan_dup_str(c, text[i][1], &ch->label.fr)) != 0 ||
		    (rc = plan_dup_str(c, text[i][2], &ch->label.en)) != 0)
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
			return plan_fail_at(c, "choices", "not allowed for a "
			    "bool field (its choices are no and yes)");
		return bool_choices(c, f);
	}
	if ((rc = plan_open_list(c, o, "choices", 1, TV_PLAN_MAX_CHOICES, &a,
	    &save)) != 0)
		return rc;
	if ((f->choices = calloc(json_array_size(a),
	    sizeof *f->choices)) == NULL)
		return plan_nomem(c);
	f->nchoices = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, co)
		if ((rc = parse_choice(c, co, f, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_field_type(struct ctx *c, json_t *o, struct tv_field *f)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc, t;

	if ((rc = plan_member(c, o, "type", K_STRING, 1, &v)) != 0)
		return rc;
	for (t = TV_FIELD_ENUM; t <= TV_FIELD_BOOL; t++)
		if (strcmp(json_string_value(v), plan_type_names[t]) == 0) {
			f->type = (enum tv_field_type)t;
			return 0;
		}
	return plan_fail_at(c, "type", "unknown type '%s' (expected enum, set "
	    "or bool)", plan_quote(q, sizeof q, json_string_value(v)));
}

/* Sets are never required: "nothing ticked" is a valid answer. */
static int
parse_required(struct ctx *c, json_t *o, struct tv_field *f)
{
	json_t *v;
	int rc;

	f->required = f->type != TV_FIELD_SET;
	if ((rc = plan_member(c, o, "required", K_BOOLEAN, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	if (f->type == TV_FIELD_SET && json_is_true(v))
		return plan_fail_at(c, "required", "a set field cannot be "
		    "required");
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

	if ((rc = plan_open_entry(c, o, i, field_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &f->id)) != 0)
		return rc;
	if ((dup = tv_plan_field_index(c->p, f->id)) >= 0 && (size_t)dup < i)
		return plan_fail_at(c, "id", "duplicate id '%s' (also "
		    "$.fields[%d])", f->id, dup);
	if ((dup = tv_plan_identity_index(c->p, f->id)) >= 0)
		return plan_fail_at(c, "id", "id '%s' is already used by "
		    "$.identity[%d]", f->id, dup);
	if ((rc = parse_field_type(c, o, f)) != 0 ||
	    (rc = plan_get_label(c, o, "label", &f->label)) != 0 ||
	    (rc = parse_choices(c, o, f)) != 0 ||
	    (rc = parse_required(c, o, f)) != 0)
		return rc;
	plan_path_pop(c, save);
	return 0;
}

int
plan_parse_fields(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, n, save;
	int rc;

	if ((rc = plan_open_list(c, root, "fields", 0, TV_PLAN_MAX_FIELDS, &a,
	    &save)) != 0)
		return rc;
	/* calloc(0) may return NULL: keep one spare slot. */
	n = json_array_size(a);
	if ((p->fields = calloc(n + (n == 0), sizeof *p->fields)) == NULL)
		return plan_nomem(c);
	p->nfields = (uint32_t)n;
	json_array_foreach(a, i, o)
		if ((rc = parse_field(c, o, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
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
	    "'%s' (expected yes or no)", plan_quote_n(q, sizeof q, s, n),
	    f->id);
}

static int
choice_bit(const struct tv_field *f, const char *s, size_t n,
    uint64_t *mask, char *err, size_t errlen)
{
	char q[QUOTE_CAP];
	int k;

	if ((k = choice_index_n(f, s, n)) < 0)
		return value_error(err, errlen, "unknown choice '%s' for field "
		    "'%s'", plan_quote_n(q, sizeof q, s, n), f->id);
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
