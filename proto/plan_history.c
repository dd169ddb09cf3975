/* SPDX-License-Identifier: MIT */
/*
 * plan_history.c - the history conditions of an indicator's "when"
 * (docs/formats.md Part I §1.9b): seen_before, earlier, visit_number and
 * days_since_first.  Each is bounded here so that a person's state on the
 * collector is too (proto/history.h): windows of at most 366 days or one
 * period, ordinals up to 32, at most 16 "earlier" conditions, and no
 * history condition inside an "earlier" one (a visit's history would
 * then depend on its own history's history).
 */
#include <jansson.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/history.h"
#include "proto/plan.h"
#include "proto/plan_internal.h"

static const char *const history_keys[] = { "seen_before", "earlier",
	"visit_number", "days_since_first", NULL };

int
plan_is_history(json_t *j)
{
	size_t i;

	for (i = 0; history_keys[i] != NULL; i++)
		if (json_object_get(j, history_keys[i]) != NULL)
			return 1;
	return 0;
}

/* The longest distance in days between two days of one period of the
 * release hierarchy (whole ISO weeks: 5 for a month, 14 a quarter, 53 a
 * year). */
static uint32_t
period_span(enum tv_period kind)
{
	switch (kind) {
	case TV_PERIOD_WEEK: return 6;
	case TV_PERIOD_MONTH: return 34;
	case TV_PERIOD_QUARTER: return 97;
	case TV_PERIOD_YEAR: return 370;
	default: return TV_HORIZON_ALL;
	}
}

static void
horizon_need(struct tv_plan *p, uint32_t days)
{
	if (days > p->history_horizon)
		p->history_horizon = days;
}

/* true | {"days": N} | {"period": P}, already on the path. */
static int
parse_window(struct ctx *c, json_t *j, struct tv_window *w)
{
	static const char *const keys[] = { "days", "period", NULL };
	char q[QUOTE_CAP];
	json_t *v;
	int k, rc;

	w->kind = TV_PERIOD_CAMPAIGN;
	w->days = 0;
	if (json_is_true(j)) {
		horizon_need(c->p, TV_HORIZON_ALL);
		return 0;
	}
	if (!json_is_object(j))
		return plan_fail(c, "expected true, {\"days\": N} or "
		    "{\"period\": P}, got %s", plan_json_kind(j));
	if ((rc = plan_check_keys(c, j, keys)) != 0)
		return rc;
	if (json_object_size(j) != 1)
		return plan_fail(c, "give either days or period");
	if (json_object_get(j, "days") != NULL) {
		w->kind = TV_PERIOD_NONE;
		w->days = 1;
		if ((rc = plan_get_uint(c, j, "days", 1, TV_HISTORY_MAX_DAYS,
		    &w->days)) != 0)
			return rc;
		horizon_need(c->p, w->days);
		return 0;
	}
	if ((rc = plan_member(c, j, "period", K_STRING, 1, &v)) != 0)
		return rc;
	if ((k = tv_period_from_name(json_string_value(v))) < TV_PERIOD_WEEK)
		return plan_fail_at(c, "period", "unknown period '%s' "
		    "(expected week, month, quarter, year or campaign)",
		    plan_quote(q, sizeof q, json_string_value(v)));
	w->kind = (enum tv_period)k;
	horizon_need(c->p, period_span(w->kind));
	return 0;
}

/* {"min": a, "max": b}: at least one of them, lo <= hi. */
static int
parse_bounds(struct ctx *c, json_t *j, uint32_t min, uint32_t max,
    struct tv_pred *out)
{
	static const char *const keys[] = { "min", "max", NULL };
	int rc;

	if ((rc = plan_expect(c, j, K_OBJECT)) != 0 ||
	    (rc = plan_check_keys(c, j, keys)) != 0)
		return rc;
	if (json_object_size(j) == 0)
		return plan_fail(c, "give min, max or both");
	out->lo = min;		/* kept when absent */
	out->hi = UINT32_MAX;
	if ((rc = plan_get_uint(c, j, "min", min, max, &out->lo)) != 0 ||
	    (rc = plan_get_uint(c, j, "max", min, max, &out->hi)) != 0)
		return rc;
	if (out->lo > out->hi)
		return plan_fail_at(c, "max", "less than min");
	c->p->history_whole = 1;
	return 0;
}

static int
parse_earlier(struct ctx *c, json_t *j, unsigned depth, struct tv_pred *out)
{
	static const char *const keys[] = { "when", "within", NULL };
	json_t *when, *within;
	size_t save;
	int rc;

	if ((rc = plan_expect(c, j, K_OBJECT)) != 0 ||
	    (rc = plan_check_keys(c, j, keys)) != 0)
		return rc;
	if ((when = json_object_get(j, "when")) == NULL)
		return plan_fail_at(c, "when", "required key is missing");
	if (c->p->ntracked == TV_HISTORY_MAX_TRACKED)
		return plan_fail(c, "more than %d 'earlier' conditions in the "
		    "plan (each is a bit of every remembered visit)",
		    TV_HISTORY_MAX_TRACKED);
	if ((out->kids = calloc(1, sizeof *out->kids)) == NULL)
		return plan_nomem(c);
	out->nkids = 1;
	save = plan_path_key(c, "when");
	c->in_earlier = 1;
	rc = plan_parse_pred(c, when, depth + 1, &out->kids[0]);
	c->in_earlier = 0;
	if (rc != 0)
		return rc;
	plan_path_pop(c, save);
	within = json_object_get(j, "within");
	save = plan_path_key(c, "within");
	if ((rc = parse_window(c, within != NULL ? within : json_true(),
	    &out->within)) != 0)
		return rc;
	plan_path_pop(c, save);
	out->track = c->p->ntracked;
	c->p->tracked[c->p->ntracked++] = &out->kids[0];
	return 0;
}

int
plan_parse_history(struct ctx *c, json_t *j, unsigned depth,
    struct tv_pred *out)
{
	const char *key = NULL;
	const char *one[2] = { NULL, NULL };
	size_t i, save;
	int rc;

	for (i = 0; key == NULL; i++)
		if (json_object_get(j, history_keys[i]) != NULL)
			key = history_keys[i];
	one[0] = key;
	if ((rc = plan_check_keys(c, j, one)) != 0)
		return rc;
	if (c->in_earlier)
		return plan_fail_at(c, key, "a history condition cannot be "
		    "inside an 'earlier' condition's when");
	c->history = 1;
	save = plan_path_key(c, key);
	if (strcmp(key, "seen_before") == 0) {
		out->op = TV_PRED_SEEN;
		rc = parse_window(c, json_object_get(j, key), &out->within);
	} else if (strcmp(key, "earlier") == 0) {
		out->op = TV_PRED_EARLIER;
		rc = parse_earlier(c, json_object_get(j, key), depth, out);
	} else if (strcmp(key, "visit_number") == 0) {
		out->op = TV_PRED_ORDINAL;
		rc = parse_bounds(c, json_object_get(j, key), 1,
		    TV_HISTORY_MAX_ORDINAL, out);
	} else {
		out->op = TV_PRED_SINCE_FIRST;
		rc = parse_bounds(c, json_object_get(j, key), 0, 36500, out);
	}
	if (rc == 0)
		plan_path_pop(c, save);
	return rc;
}
