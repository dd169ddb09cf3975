/* SPDX-License-Identifier: MIT */
/*
 * A release as a DHIS2 dataValueSets import (Web API, JSON): one
 * dataValue per released value of a mapped (site, indicator) with a
 * DHIS2 period.  DHIS2 has no "suppressed" value and an empty value
 * deletes a stored one on import, so what is not released is left out,
 * never sent as 0 or blank.  Periods: week "2021W44" (ISO weeks, as
 * DHIS2's Weekly), month "202111", quarter "2021Q4", year "2021", day
 * "20211102".  A tallyvan month (quarter, year) made of whole ISO weeks
 * keeps its DHIS2 period and says in a comment which days it covers; a
 * campaign cell is sent only when it is exactly a calendar year, quarter
 * or month.  DHIS2 count elements are usually "positive or zero
 * integer": a negative noisy value is sent as 0 with its value in the
 * comment (release.csv keeps it).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/report.h"
#include "common/util.h"
#include "proto/calendar.h"

struct dhis2_map {
	const char *dataset, *coc, *aoc;
	json_t *orgunits, *elements;
	json_t *sent;		/* "element|period|orgUnit" already sent */
	int kinds[TV_PERIOD_CAMPAIGN + 1];	/* period kinds to send */
	int any_kind;				/* unknown kinds too */
};

static int
uid_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 11 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < 11; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
uid_get(json_t *map, const char *key, const char **out, int required)
{
	json_t *v = json_object_get(map, key);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (!uid_ok(json_string_value(v)))
		return error("dhis2 map: '%s' is not a DHIS2 UID (11 "
		    "characters, a letter then letters or digits)", key);
	*out = json_string_value(v);
	return 0;
}

/* Every key names something of the release; every value is a UID used
 * once (two ids on one UID would send conflicting values). */
static int
uid_table(const struct report *r, json_t *t, const char *what, int sites)
{
	const char *key, *k2;
	json_t *v, *v2;
	size_t i;
	int known;

	if (!json_is_object(t))
		return error("dhis2 map: no '%s' object", what);
	json_object_foreach(t, key, v) {
		known = sites && !strcmp(key, "all");
		for (i = 0; !known && i < (sites ? r->nsites : r->ninds); i++)
			known = !strcmp(key, sites ? r->sites[i].id :
			    r->inds[i].id);
		if (!known)
			return error("dhis2 map: %s: '%s' is not in this "
			    "release", what, key);
		if (!uid_ok(json_string_value(v)))
			return error("dhis2 map: %s: '%s' is not a DHIS2 UID",
			    what, key);
		json_object_foreach(t, k2, v2)
			if (strcmp(key, k2) && !strcmp(json_string_value(v),
			    json_string_value(v2)))
				return error("dhis2 map: %s: '%s' and '%s' "
				    "share a UID", what, key, k2);
	}
	return 0;
}

static int
kinds_get(struct dhis2_map *m, json_t *list)
{
	json_t *e;
	size_t i;
	int k;

	if (list == NULL) {
		for (k = TV_PERIOD_DAY; k <= TV_PERIOD_CAMPAIGN; k++)
			m->kinds[k] = 1;
		m->any_kind = 1;
		return 0;
	}
	if (!json_is_array(list))
		return error("dhis2 map: 'periods' is not a list");
	json_array_foreach(list, i, e) {
		k = tv_period_from_name(json_string_value(e) ?
		    json_string_value(e) : "");
		if (k <= 0)
			return error("dhis2 map: periods: unknown kind");
		m->kinds[k] = 1;
	}
	return 0;
}

static int
map_check(const struct report *r, json_t *j, struct dhis2_map *m)
{
	static const char *const keys[] = { "dataSet", "orgUnits",
	    "dataElements", "categoryOptionCombo", "attributeOptionCombo",
	    "periods" };
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(j))
		return error("dhis2 map: not a JSON object");
	json_object_foreach(j, key, v) {
		for (i = 0; i < sizeof keys / sizeof *keys; i++)
			if (!strcmp(key, keys[i]))
				break;
		if (i == sizeof keys / sizeof *keys && *key != '_')
			return error("dhis2 map: unknown key '%s'", key);
	}
	m->orgunits = json_object_get(j, "orgUnits");
	m->elements = json_object_get(j, "dataElements");
	if (uid_get(j, "dataSet", &m->dataset, 1) != 0 ||
	    uid_get(j, "categoryOptionCombo", &m->coc, 1) != 0 ||
	    uid_get(j, "attributeOptionCombo", &m->aoc, 0) != 0 ||
	    uid_table(r, m->orgunits, "orgUnits", 1) != 0 ||
	    uid_table(r, m->elements, "dataElements", 0) != 0)
		return -1;
	return kinds_get(m, json_object_get(j, "periods"));
}

/* DHIS2's ISO period of (kind, id) for years 1000-9999; -1 otherwise. */
static int
iso_period(char out[16], enum tv_period kind, int32_t id)
{
	char label[16];
	int y, mo, d;

	switch (kind) {
	case TV_PERIOD_DAY:
		tv_day_to_ymd(id, &y, &mo, &d);
		break;
	case TV_PERIOD_WEEK:
		tv_day_to_ymd(id + 3, &y, &mo, &d);	/* its Thursday */
		break;
	case TV_PERIOD_MONTH: y = id / 12; break;
	case TV_PERIOD_QUARTER: y = id / 4; break;
	case TV_PERIOD_YEAR: y = id; break;
	default: return -1;
	}
	if (id < 0 || y < 1000 || y > 9999)
		return -1;
	if (kind == TV_PERIOD_DAY)
		snprintf(out, 16, "%04d%02d%02d", y, mo, d);
	else if (kind == TV_PERIOD_WEEK) {
		tv_period_label(label, kind, id);	/* "2021-W05" */
		snprintf(out, 16, "%04dW%d", y, atoi(label + 6));
	} else if (kind == TV_PERIOD_MONTH)
		snprintf(out, 16, "%04d%02d", y, id % 12 + 1);
	else if (kind == TV_PERIOD_QUARTER)
		snprintf(out, 16, "%04dQ%d", y, id % 4 + 1);
	else
		snprintf(out, 16, "%04d", y);
	return 0;
}

/* The (kind, id) a tallyvan label names, checked by formatting it back. */
static int
label_parse(enum tv_period kind, const char *label, int32_t *id)
{
	char back[16];
	int y = 0, n = 0, jan4;

	if (kind == TV_PERIOD_DAY)
		return tv_day_parse(label, id) == 0 ? 0 : -1;
	if (strlen(label) < 4 || sscanf(label, "%4d", &y) != 1 || y < 1000)
		return -1;
	switch (kind) {
	case TV_PERIOD_WEEK:
		if (sscanf(label + 4, "-W%2d", &n) != 1)
			return -1;
		jan4 = tv_day_from_ymd(y, 1, 4);
		*id = tv_period_id(TV_PERIOD_WEEK, jan4) + 7 * (n - 1);
		break;
	case TV_PERIOD_MONTH:
		if (sscanf(label + 4, "-%2d", &n) != 1)
			return -1;
		*id = y * 12 + n - 1;
		break;
	case TV_PERIOD_QUARTER:
		if (sscanf(label + 4, "-Q%1d", &n) != 1)
			return -1;
		*id = y * 4 + n - 1;
		break;
	case TV_PERIOD_YEAR: *id = y; break;
	default: return -1;
	}
	tv_period_label(back, kind, *id);
	return strcmp(back, label) ? -1 : 0;
}

/* A campaign (or unknown kind) cell: a DHIS2 period only if its days are
 * exactly a calendar year, quarter or month. */
static int
exact_period(char out[16], int32_t first, int32_t last)
{
	static const enum tv_period kinds[] = { TV_PERIOD_YEAR,
	    TV_PERIOD_QUARTER, TV_PERIOD_MONTH };
	int32_t id, f, l;
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		id = tv_period_id(kinds[i], first);
		tv_period_bounds(kinds[i], id, 0, 0, &f, &l);
		if (f == first && l == last)
			return iso_period(out, kinds[i], id);
	}
	return -1;
}

/* DHIS2 period of a cell; *partial when the cell's days differ from the
 * calendar period's.  -1: no DHIS2 period. */
static int
cell_period(const struct dhis2_map *m, const struct rpt_cell *c,
    char out[16], int *partial)
{
	int kind = tv_period_from_name(c->period);
	int32_t first, last, id, f, l;

	*partial = 0;
	if (tv_day_parse(c->first, &first) != 0 ||
	    tv_day_parse(c->last, &last) != 0)
		return -1;
	if (kind <= 0 || kind == TV_PERIOD_CAMPAIGN) {
		if (kind <= 0 ? !m->any_kind : !m->kinds[kind])
			return -1;
		return exact_period(out, first, last);
	}
	if (!m->kinds[kind] || label_parse(kind, c->label, &id) != 0 ||
	    iso_period(out, kind, id) != 0)
		return -1;
	tv_period_bounds(kind, id, 0, 0, &f, &l);
	*partial = f != first || l != last;
	return 0;
}

static json_t *
data_value(const struct report *r, const struct dhis2_map *m,
    const struct rpt_cell *c, size_t ind, const char *period, int partial,
    struct dhis2_counts *n)
{
	struct rpt_value v;
	char val[32], comment[256] = "";
	json_t *o;

	report_value(r, c, ind, &v);
	snprintf(val, sizeof val, "%lld", v.value < 0 ? 0 : v.value);
	if (partial)
		snprintf(comment, sizeof comment, L(r, "tallyvan %s %s: "
		    "%s to %s", "tallyvan %s %s : du %s au %s"), c->period,
		    c->label, c->first, c->last);
	if (v.value < 0) {
		n->clamped++;
		snprintf(comment + strlen(comment), sizeof comment -
		    strlen(comment), L(r, "%snoisy value %lld sent as 0",
		    "%svaleur bruitée %lld envoyée comme 0"), *comment ?
		    "; " : "", v.value);
	}
	o = json_pack("{s:s, s:s, s:s, s:s}", "dataElement",
	    json_string_value(json_object_get(m->elements, r->inds[ind].id)),
	    "period", period, "orgUnit", json_string_value(json_object_get(
	    m->orgunits, c->site)), "categoryOptionCombo", m->coc);
	if (m->aoc != NULL)
		json_object_set_new(o, "attributeOptionCombo",
		    json_string(m->aoc));
	json_object_set_new(o, "value", json_string(val));
	if (*comment)
		json_object_set_new(o, "comment", json_string(comment));
	n->exported++;
	return o;
}

/* 1 the first time (element, period, orgUnit) is seen: two cells on one
 * DHIS2 period (a campaign that is a calendar year and a year cell) send
 * one value, the first in the order week, month, quarter, year, campaign. */
static int
first_send(struct dhis2_map *m, const struct report *r, size_t ind,
    const struct rpt_cell *c, const char *period)
{
	char key[128];

	snprintf(key, sizeof key, "%s|%s|%s", json_string_value(
	    json_object_get(m->elements, r->inds[ind].id)), period,
	    json_string_value(json_object_get(m->orgunits, c->site)));
	if (json_object_get(m->sent, key) != NULL)
		return 0;
	json_object_set_new(m->sent, key, json_true());
	return 1;
}

static void
cell_values(const struct report *r, struct dhis2_map *m,
    const struct rpt_cell *c, json_t *out, struct dhis2_counts *n)
{
	struct rpt_value v;
	char period[16];
	int partial;
	size_t i;

	for (i = 0; i < r->ninds; i++) {
		report_value(r, c, i, &v);
		if (cell_period(m, c, period, &partial) != 0)
			n->no_period++;
		else if (json_object_get(m->orgunits, c->site) == NULL ||
		    json_object_get(m->elements, r->inds[i].id) == NULL)
			n->unmapped++;
		else if (!v.released)
			n->not_released++;
		else if (!first_send(m, r, i, c, period))
			n->duplicate++;
		else
			json_array_append_new(out, data_value(r, m, c, i,
			    period, partial, n));
	}
}

int
report_dhis2(const struct report *r, json_t *map, FILE *out,
    struct dhis2_counts *n)
{
	struct dhis2_map m = { 0 };
	const struct rpt_cell *c;
	json_t *doc, *vals;
	size_t a, p;
	long s;
	int rc = 0;

	if (map_check(r, map, &m) != 0)
		return -1;
	vals = json_array();
	m.sent = json_object();
	for (a = 0; a < r->naxes; a++)
		for (s = -1; s < (long)r->nsites; s++)
			for (p = 0; p < r->axes[a].n; p++)
				if ((c = report_cell(r, a, s, p)) != NULL)
					cell_values(r, &m, c, vals, n);
	doc = json_pack("{s:s, s:o}", "dataSet", m.dataset, "dataValues",
	    vals);
	if (json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', out) == EOF)
		rc = error("cannot format the DHIS2 file");
	json_decref(doc);
	json_decref(m.sent);
	return rc;
}
