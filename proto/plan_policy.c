/* SPDX-License-Identifier: MIT */
/*
 * plan_policy.c - $.policy: the disclosure rules of the plan.
 *
 * Minimum cohort and cell, retention and grace days, and the noise:
 * mechanism, variance or scale and budget as exact fractions "n/d",
 * never floats.  What is released and how, as opposed to what is
 * counted; the defaults for an absent policy are set here too.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto/plan.h"
#include "proto/plan_internal.h"

#define DAYS_MAX 36500		/* retention, grace: day sums stay in range */

static const char *const noise_keys[] = { "mechanism", "variance", "scale",
	"budget", NULL };
static const char *const policy_keys[] = { "noise", "min_cohort", "min_cell",
	"retention_days", "grace_days", NULL };

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

	if ((rc = plan_member(c, obj, key, K_STRING, 1, &v)) != 0)
		return rc;
	t = json_string_value(v);
	got = sscanf(t, "%llu/%llu%c", &n, &d, &tail);
	if (got < 1 || got == 3 || (got == 1 && strchr(t, '/') != NULL) ||
	    strspn(t, "0123456789/") != strlen(t) || n < 1 || d < 1 ||
	    n > 1000000000ULL || d > 1000000000ULL)
		return plan_fail_at(c, key, "want a fraction \"n/d\" of whole "
		    "numbers from 1 to 10^9, not '%s'",
		    plan_quote(q, sizeof q, t));
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
	if ((rc = plan_member(c, pol, "noise", K_OBJECT, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	save = plan_path_key(c, "noise");
	if ((rc = plan_check_keys(c, v, noise_keys)) != 0 ||
	    (rc = plan_member(c, v, "mechanism", K_STRING, 1, &m)) != 0)
		return rc;
	mech = json_string_value(m);
	if (strcmp(mech, "gaussian") == 0) {
		n->mech = TV_NOISE_GAUSSIAN;
		rc = get_ratio(c, v, "variance", &n->num, &n->den);
	} else if (strcmp(mech, "laplace") == 0) {
		n->mech = TV_NOISE_LAPLACE;
		rc = get_ratio(c, v, "scale", &n->num, &n->den);
	} else {
		return plan_fail_at(c, "mechanism", "want gaussian or laplace");
	}
	if (rc == 0)
		rc = get_ratio(c, v, "budget", &n->cap_num, &n->cap_den);
	if (rc == 0)
		plan_path_pop(c, save);
	return rc;
}

int
plan_parse_policy(struct ctx *c, json_t *root)
{
	struct tv_policy *pol = &c->p->policy;
	json_t *v;
	size_t save;
	int rc;

	pol->min_cohort = 11;
	pol->min_cell = 0;
	pol->retention_days = 365;
	pol->grace_days = 0;
	if ((rc = plan_member(c, root, "policy", K_OBJECT, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	save = plan_path_key(c, "policy");
	if ((rc = plan_check_keys(c, v, policy_keys)) != 0 ||
	    (rc = plan_get_uint(c, v, "min_cohort", 1, INT32_MAX,
	    &pol->min_cohort)) != 0 ||
	    (rc = plan_get_uint(c, v, "min_cell", 0, INT32_MAX,
	    &pol->min_cell)) != 0 ||
	    (rc = plan_get_uint(c, v, "retention_days", 1, DAYS_MAX,
	    &pol->retention_days)) != 0 ||
	    (rc = plan_get_uint(c, v, "grace_days", 0, DAYS_MAX,
	    &pol->grace_days)) != 0 ||
	    (rc = parse_noise(c, v)) != 0)
		return rc;
	plan_path_pop(c, save);
	return 0;
}
