/* SPDX-License-Identifier: MIT */
/*
 * A visit being typed.  It holds identities and answers in clear, so it
 * lives in guarded memory, is wiped when freed, and error messages name
 * the field but never echo what was typed.
 */
#include <string.h>
#include <time.h>

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

const char *
visit_date_pattern(enum tv_date_order order)
{
	return order == TV_DATE_DMY ? "DD/MM/YYYY or YYYY-MM-DD" :
	    "YYYY-MM-DD";
}

enum tv_date_why
visit_set_date(struct visit *v, uint32_t i, const char *value,
    enum tv_date_order order)
{
	/* Tomorrow in UTC: no time zone makes a birth today "future". */
	int32_t max_day = (int32_t)(time(NULL) / 86400) + 1, day;
	enum tv_date_why why;
	int rc;

	rc = tv_date_parse(value, strlen(value), order, max_day, &day, &why);
	if (rc == TV_ERR_NOMEM)
		die("out of memory");
	if (rc != 0)
		return why;
	tv_day_format(v->identity[i], day);
	return TV_DATE_OK;
}

/* The words of why, for the command line; the pattern is given with every
 * refusal but the future one.  Never the value. */
static int
date_error(const char *name, enum tv_date_why why, enum tv_date_order order,
    char *err, size_t errlen)
{
	const char *what;

	switch (why) {
	case TV_DATE_SHORT_YEAR:
		what = "the year must have 4 digits";
		break;
	case TV_DATE_AMBIGUOUS:
		what = "ambiguous date: day and month can be read both ways "
		    "and the plan's language does not say which comes first";
		break;
	case TV_DATE_IMPOSSIBLE:
		what = "impossible date: no such day, or before 1900";
		break;
	case TV_DATE_FUTURE:
		snprintf(err, errlen, "%s: date in the future", name);
		return -1;
	default:
		what = "not a date";
		break;
	}
	snprintf(err, errlen, "%s: %s (write %s)", name, what,
	    visit_date_pattern(order));
	return -1;
}

/* Refuse here what the pseudonym would refuse at capture (not UTF-8, or
 * too long once normalised), so that the error names the field and, in an
 * import, the line -- instead of failing the whole capture later.  A date
 * is parsed (and kept) as YYYY-MM-DD here, on every path. */
static int
visit_set_identity(const struct tv_plan *p, struct visit *v, int i,
    const char *name, const char *value, enum tv_date_order order,
    char *err, size_t errlen)
{
	enum tv_idkind kind = p->identity[i].kind;
	char norm[TV_IDENTITY_MAX + 1];
	enum tv_date_why why;
	size_t len = strlen(value);
	int rc;

	if (len > TV_IDENTITY_MAX)
		return snprintf(err, errlen, "%s: too long", name), -1;
	if (kind == TV_IDKIND_DATE) {
		if ((why = visit_set_date(v, (uint32_t)i, value, order)) !=
		    TV_DATE_OK)
			return date_error(name, why, order, err, errlen);
		return 0;
	}
	rc = tv_identity_normalise_kind(norm, sizeof norm, value, len, kind);
	sodium_memzero(norm, sizeof norm);
	if (rc == TV_ERR_FORMAT)
		return snprintf(err, errlen, "%s: not valid UTF-8 text", name),
		    -1;
	if (rc != 0)
		return snprintf(err, errlen, "%s: too long", name), -1;
	strcpy(v->identity[i], value);
	return 0;
}

enum tv_date_why
visit_set_day(struct visit *v, const char *value, enum tv_date_order order)
{
	enum tv_date_why why;
	int rc;

	rc = tv_date_parse(value, strlen(value), order, INT32_MAX, &v->day,
	    &why);
	if (rc == TV_ERR_NOMEM)
		die("out of memory");
	if (rc != 0)
		return why;
	v->has_day = 1;
	return TV_DATE_OK;
}

int
visit_set(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value, char *err, size_t errlen)
{
	return visit_set_in(p, v, name, value,
	    tv_lang_date_order(p->language), err, errlen);
}

int
visit_set_in(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value, enum tv_date_order order, char *err, size_t errlen)
{
	enum tv_date_why why;
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
		if ((why = visit_set_day(v, value, order)) != TV_DATE_OK)
			return date_error("date", why, order, err, errlen);
		return 0;
	}
	if ((i = tv_plan_identity_index(p, name)) >= 0)
		return visit_set_identity(p, v, i, name, value, order, err,
		    errlen);
	if ((i = tv_plan_field_index(p, name)) >= 0)
		return visit_set_field(p, v, i, value, err, errlen);
	return snprintf(err, errlen, "%s: no such field in the plan", name), -1;
}

static unsigned
problem(visit_problem_fn fn, void *ctx, const char *name, const char *msg)
{
	fn(ctx, name, msg);
	return 1;
}

unsigned
visit_check_each(const struct tv_plan *p, const struct visit *v,
    visit_problem_fn fn, void *ctx)
{
	unsigned n = 0;
	uint32_t i;

	if (!v->has_site)
		n += problem(fn, ctx, "site", "missing");
	if (!v->has_day)
		n += problem(fn, ctx, "date", "missing");
	else if (v->day < p->start_day || v->day > p->end_day)
		n += problem(fn, ctx, "date", "outside the campaign period");
	for (i = 0; i < p->nidentity; i++)
		if (v->identity[i][0] == 0)
			n += problem(fn, ctx, p->identity[i].id, "missing");
	for (i = 0; i < p->nfields; i++)
		if (p->fields[i].required && !v->given[i])
			n += problem(fn, ctx, p->fields[i].id, "missing");
	return n;
}

struct first_problem {
	char *err;
	size_t errlen;
	int seen;
};

static void
first_problem(void *ctx, const char *name, const char *msg)
{
	struct first_problem *f = ctx;

	if (f->seen++ == 0)
		snprintf(f->err, f->errlen, "%s: %s", name, msg);
}

int
visit_check(const struct tv_plan *p, const struct visit *v, char *err,
    size_t errlen)
{
	struct first_problem f = { err, errlen, 0 };

	return visit_check_each(p, v, first_problem, &f) > 0 ? -1 : 0;
}

int
visit_pseudonym(const struct device *d, const struct visit *v,
    uint8_t out[TV_PSEUDONYM_BYTES])
{
	const struct tv_plan *p = d->c->plan;
	const char *ids[TV_PLAN_MAX_IDENTITY];
	enum tv_idkind kinds[TV_PLAN_MAX_IDENTITY];
	uint32_t i;

	for (i = 0; i < p->nidentity; i++) {
		ids[i] = v->identity[i];
		kinds[i] = p->identity[i].kind;
	}
	return tv_pseudonym_kinds(out, DEVICE_PSEUDO_KEY(d), ids, kinds,
	    p->nidentity);
}
