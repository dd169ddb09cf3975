/* SPDX-License-Identifier: MIT */
/*
 * plan_predicate.c - an indicator's "when": its parsing and evaluation.
 *
 * A condition is true, all/any/not of conditions, or a leaf (a form field
 * and one operator); parsing checks each leaf against the field's type and
 * bounds the tree by TV_PLAN_MAX_DEPTH and TV_PLAN_MAX_NODES.  The only
 * recursive part of the plan, and the one that the collector evaluates
 * for every visit (tv_pred_eval), so it is kept apart from the sections
 * that are read once.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/history.h"
#include "proto/plan.h"
#include "proto/plan_internal.h"

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

static const char *const type_articles[] = {
	[TV_FIELD_ENUM] = "an",
	[TV_FIELD_SET] = "a",
	[TV_FIELD_BOOL] = "a",
};

static int
choice_mask(struct ctx *c, const struct tv_field *f, json_t *v,
    uint64_t *mask)
{
	char q[QUOTE_CAP];
	int k, rc;

	if ((rc = plan_expect(c, v, K_STRING)) != 0)
		return rc;
	if ((k = tv_field_choice_index(f, json_string_value(v))) < 0)
		return plan_fail(c, "unknown choice '%s' for field '%s'",
		    plan_quote(q, sizeof q, json_string_value(v)), f->id);
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
		if ((rc = plan_expect(c, v, K_BOOLEAN)) != 0)
			return rc;
		*mask = json_is_true(v) ? 2 : 1;
		return 0;
	}
	if (strcmp(op, "in") != 0)
		return choice_mask(c, f, v, mask);
	if ((rc = plan_expect(c, v, K_ARRAY)) != 0)
		return rc;
	if (json_array_size(v) == 0)
		return plan_fail(c, "must not be empty");
	json_array_foreach(v, i, e) {
		save = plan_path_index(c, i);
		if ((rc = choice_mask(c, f, e, mask)) != 0)
			return rc;
		plan_path_pop(c, save);
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
				return plan_fail_at(c, leaf_ops[i].name,
				    "only one operator per condition");
			*k = i;
		}
	if (n == 0)
		return plan_fail(c, "missing operator (eq, in, contains or "
		    "is)");
	return 0;
}

static int
leaf_field(struct ctx *c, json_t *j, uint32_t *index)
{
	char q[QUOTE_CAP];
	const char *name;
	json_t *v;
	int k, rc;

	if ((rc = plan_member(c, j, "field", K_STRING, 1, &v)) != 0)
		return rc;
	name = json_string_value(v);
	if ((k = tv_plan_field_index(c->p, name)) >= 0) {
		*index = (uint32_t)k;
		return 0;
	}
	if (tv_plan_identity_index(c->p, name) >= 0)
		return plan_fail_at(c, "field", "'%s' is an identity field; "
		    "conditions may only use form fields", name);
	return plan_fail_at(c, "field", "unknown field '%s'",
	    plan_quote(q, sizeof q, name));
}

static int
parse_leaf(struct ctx *c, json_t *j, struct tv_pred *out)
{
	const struct tv_field *f;
	size_t k = 0, save;
	int rc;

	if ((rc = plan_check_keys(c, j, leaf_keys)) != 0 ||
	    (rc = leaf_field(c, j, &out->field)) != 0 ||
	    (rc = leaf_op(c, j, &k)) != 0)
		return rc;
	f = &c->p->fields[out->field];
	save = plan_path_key(c, leaf_ops[k].name);
	if ((leaf_ops[k].types & 1u << f->type) == 0)
		return plan_fail(c, "needs %s field; '%s' is %s %s",
		    leaf_ops[k].what, f->id, type_articles[f->type],
		    plan_type_names[f->type]);
	if ((rc = leaf_value(c, f, leaf_ops[k].name,
	    json_object_get(j, leaf_ops[k].name), &out->mask)) != 0)
		return rc;
	plan_path_pop(c, save);
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

	if ((rc = plan_check_keys(c, j, keys)) != 0)
		return rc;
	save = plan_path_key(c, key);
	if (!is_not && (rc = plan_expect(c, v, K_ARRAY)) != 0)
		return rc;
	if ((n = is_not ? 1 : json_array_size(v)) == 0)
		return plan_fail(c, "must not be empty");
	if (n > TV_PLAN_MAX_NODES - c->nodes)
		return plan_fail_code(c, TV_ERR_TOOBIG, "more than %d "
		    "conditions in the plan", TV_PLAN_MAX_NODES);
	if ((out->kids = calloc(n, sizeof *out->kids)) == NULL)
		return plan_nomem(c);
	out->nkids = (uint32_t)n;
	for (i = 0; i < n; i++) {
		e = is_not ? v : json_array_get(v, i);
		esave = is_not ? c->pathlen : plan_path_index(c, i);
		if ((rc = plan_parse_pred(c, e, depth + 1, &out->kids[i])) != 0)
			return rc;
		plan_path_pop(c, esave);
	}
	plan_path_pop(c, save);
	return 0;
}

/* Recursion is bounded by TV_PLAN_MAX_DEPTH: checked on entry. */
int
plan_parse_pred(struct ctx *c, json_t *j, unsigned depth, struct tv_pred *out)
{
	if (depth > TV_PLAN_MAX_DEPTH)
		return plan_fail(c, "conditions nested deeper than %d levels",
		    TV_PLAN_MAX_DEPTH);
	if (++c->nodes > TV_PLAN_MAX_NODES)
		return plan_fail_code(c, TV_ERR_TOOBIG, "more than %d "
		    "conditions in the plan", TV_PLAN_MAX_NODES);
	if (json_is_true(j)) {
		out->op = TV_PRED_TRUE;
		return 0;
	}
	if (!json_is_object(j))
		return plan_fail(c, "expected true or an object, got %s",
		    plan_json_kind(j));
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
	if (plan_is_history(j))
		return plan_parse_history(c, j, depth, out);
	if (json_object_get(j, "field") != NULL)
		return parse_leaf(c, j, out);
	return plan_fail(c, "expected a condition: true, or an object with "
	    "all, any, not, field, seen_before, earlier, visit_number or "
	    "days_since_first");
}

int
tv_pred_eval(const struct tv_pred *p, const uint64_t *values)
{
	return tv_pred_eval_at(p, values, NULL, 0);
}

int
tv_pred_has_history(const struct tv_pred *p)
{
	uint32_t i;

	if (p->op >= TV_PRED_SEEN)
		return 1;
	for (i = 0; i < p->nkids; i++)
		if (tv_pred_has_history(&p->kids[i]))
			return 1;
	return 0;
}

static int
in_bounds(uint32_t x, const struct tv_pred *p)
{
	return x >= p->lo && x <= p->hi;
}

int
tv_pred_eval_at(const struct tv_pred *p, const uint64_t *values,
    const struct tv_history *h, int32_t day)
{
	uint32_t i;

	switch (p->op) {
	case TV_PRED_TRUE:
		return 1;
	case TV_PRED_MEETS:
		return (values[p->field] & p->mask) != 0;
	case TV_PRED_ALL:
		for (i = 0; i < p->nkids; i++)
			if (!tv_pred_eval_at(&p->kids[i], values, h, day))
				return 0;
		return 1;
	case TV_PRED_ANY:
		for (i = 0; i < p->nkids; i++)
			if (tv_pred_eval_at(&p->kids[i], values, h, day))
				return 1;
		return 0;
	case TV_PRED_NOT:
		return !tv_pred_eval_at(&p->kids[0], values, h, day);
	case TV_PRED_SEEN:
		return tv_history_seen(h, &p->within, -1, day);
	case TV_PRED_EARLIER:
		return tv_history_seen(h, &p->within, (int)p->track, day);
	case TV_PRED_ORDINAL:
		return in_bounds(tv_history_ordinal(h, day), p);
	case TV_PRED_SINCE_FIRST:
		return in_bounds(tv_history_since_first(h, day), p);
	}
	return 0;
}
