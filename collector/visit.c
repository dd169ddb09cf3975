/* SPDX-License-Identifier: MIT */
/*
 * A visit being typed.  It holds identities and answers in clear, so it
 * lives in guarded memory, is wiped when freed, and error messages name
 * the field but never echo what was typed.
 */
#include <string.h>

#include <sodium.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

struct visit *
visit_new(void)
{
	struct visit *v = sodium_malloc(sizeof *v);

	if (v == NULL)
		die("out of secure memory");
	memset(v, 0, sizeof *v);
	return v;
}

void
visit_free(struct visit *v)
{
	if (v != NULL)
		sodium_free(v);
}

static int
visit_set_field(const struct tv_plan *p, struct visit *v, int f,
    const char *value, char *err, size_t errlen)
{
	char sub[256];

	if (tv_field_parse(&p->fields[f], value, &v->values[f], sub,
	    sizeof sub) != 0) {
		snprintf(err, errlen, "%s", sub);
		return -1;
	}
	v->given[f] = 1;
	return 0;
}

/* Refuse here what the pseudonym would refuse at capture (not UTF-8, or
 * too long once normalised), so that the error names the field and, in an
 * import, the line -- instead of failing the whole capture later. */
static int
visit_set_identity(struct visit *v, int i, const char *name,
    const char *value, char *err, size_t errlen)
{
	char norm[TV_IDENTITY_MAX + 1];
	size_t len = strlen(value);
	int rc;

	if (len > TV_IDENTITY_MAX)
		return snprintf(err, errlen, "%s: too long", name), -1;
	rc = tv_identity_normalise(norm, sizeof norm, value, len);
	sodium_memzero(norm, sizeof norm);
	if (rc == TV_ERR_FORMAT)
		return snprintf(err, errlen, "%s: not valid UTF-8 text", name),
		    -1;
	if (rc != 0)
		return snprintf(err, errlen, "%s: too long", name), -1;
	strcpy(v->identity[i], value);
	return 0;
}

int
visit_set(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value, char *err, size_t errlen)
{
	int i;

	if (!strcmp(name, "site")) {
		if ((i = tv_plan_site_index(p, value)) < 0)
			return snprintf(err, errlen, "site: not a site of the "
			    "plan"), -1;
		v->site = (uint32_t)i;
		v->has_site = 1;
		return 0;
	}
	if (!strcmp(name, "date")) {
		if (tv_day_parse(value, &v->day) != 0)
			return snprintf(err, errlen, "date: want YYYY-MM-DD"),
			    -1;
		v->has_day = 1;
		return 0;
	}
	if ((i = tv_plan_identity_index(p, name)) >= 0)
		return visit_set_identity(v, i, name, value, err, errlen);
	if ((i = tv_plan_field_index(p, name)) >= 0)
		return visit_set_field(p, v, i, value, err, errlen);
	return snprintf(err, errlen, "%s: no such field in the plan", name), -1;
}

int
visit_check(const struct tv_plan *p, const struct visit *v, char *err,
    size_t errlen)
{
	uint32_t i;

	if (!v->has_site)
		return snprintf(err, errlen, "site: missing"), -1;
	if (!v->has_day)
		return snprintf(err, errlen, "date: missing"), -1;
	if (v->day < p->start_day || v->day > p->end_day)
		return snprintf(err, errlen, "date: outside the campaign "
		    "period"), -1;
	for (i = 0; i < p->nidentity; i++)
		if (v->identity[i][0] == 0)
			return snprintf(err, errlen, "%s: missing",
			    p->identity[i].id), -1;
	for (i = 0; i < p->nfields; i++)
		if (p->fields[i].required && !v->given[i])
			return snprintf(err, errlen, "%s: missing",
			    p->fields[i].id), -1;
	return 0;
}
