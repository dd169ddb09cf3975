/* SPDX-License-Identifier: MIT */
/*
 * plan_groups.c - $.proofs and $.groups: the record proofs the plan asks
 * for.
 *
 * A group names indicators whose bits add up to its "sum" on every
 * record, which a device proves when the plan asks for proofs
 * (docs/formats.md §1.10b).  Groups refer to indicators by id, so they
 * are read after them; they are about proofs, not about what is counted,
 * hence a file apart from the indicators.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "proto/plan.h"
#include "proto/plan_internal.h"

static const char *const group_keys[] = { "id", "indicators", "sum", NULL };

static int
parse_group_members(struct ctx *c, json_t *o, struct tv_group *g)
{
	char q[QUOTE_CAP];
	json_t *a, *v;
	size_t i, save;
	int rc, ind;

	if ((rc = plan_open_list(c, o, "indicators", 1, TV_PLAN_MAX_INDICATORS,
	    &a, &save)) != 0)
		return rc;
	if ((g->members = calloc(json_array_size(a), sizeof *g->members)) ==
	    NULL)
		return plan_nomem(c);
	json_array_foreach(a, i, v) {
		size_t isave = plan_path_index(c, i);

		if ((rc = plan_expect(c, v, K_STRING)) != 0)
			return rc;
		if ((ind = plan_indicator_index(c->p,
		    json_string_value(v))) < 0)
			return plan_fail(c, "unknown indicator '%s'",
			    plan_quote(q, sizeof q, json_string_value(v)));
		for (size_t j = 0; j < g->n; j++)
			if (g->members[j] == (uint32_t)ind)
				return plan_fail(c, "indicator listed twice");
		g->members[g->n++] = (uint32_t)ind;
		plan_path_pop(c, isave);
	}
	plan_path_pop(c, save);
	return 0;
}

static int
parse_sum_group(struct ctx *c, json_t *o, size_t i)
{
	struct tv_group *g = &c->p->groups[i];
	size_t save;
	int rc;

	if ((rc = plan_open_entry(c, o, i, group_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &g->id)) != 0 ||
	    (rc = parse_group_members(c, o, g)) != 0)
		return rc;
	g->sum = 1;
	if ((rc = plan_get_uint(c, o, "sum", 0, g->n, &g->sum)) != 0)
		return rc;
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->p->groups[j].id, g->id) == 0)
			return plan_fail_at(c, "id", "duplicate id '%s'",
			    g->id);
	plan_path_pop(c, save);
	return 0;
}

int
plan_parse_groups(struct ctx *c, json_t *root)
{
	json_t *a, *o, *v;
	size_t i, save;
	int rc;

	if ((rc = plan_member(c, root, "proofs", K_BOOLEAN, 0, &v)) != 0)
		return rc;
	c->p->proofs = v != NULL && json_is_true(v);
	if (json_object_get(root, "groups") == NULL)
		return 0;
	if ((rc = plan_open_list(c, root, "groups", 0, TV_PLAN_MAX_GROUPS, &a,
	    &save)) != 0)
		return rc;
	if ((c->p->groups = calloc(json_array_size(a) + 1,
	    sizeof *c->p->groups)) == NULL)
		return plan_nomem(c);
	c->p->ngroups = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_sum_group(c, o, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
}
