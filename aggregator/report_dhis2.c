/* SPDX-License-Identifier: MIT */
/*
 * A release as DHIS2 dataValueSets imports (Web API, JSON), one per data
 * set of the map, each data set of one period type (decision 33): week
 * "2021W44" (ISO weeks, as DHIS2's Weekly), month "202111", quarter
 * "2021Q4".  One dataValue per released value of a mapped (site,
 * indicator) of that period kind.  DHIS2 has no "suppressed" value and
 * an empty value deletes a stored one on import, so what is not
 * released is left out, never sent as 0 or blank.  DHIS2 adds values up
 * over periods and up the org-unit tree itself, so a data element is in
 * one data set only, a count of people per month is never sent per
 * quarter, and a data set sends either the sites' values or the
 * all-sites ones (level "all", on the map's 'allSites' org unit), never
 * both.  A tallyvan
 * month (quarter) made of whole ISO weeks keeps its DHIS2 period and
 * says in a comment which days it covers.  DHIS2 count elements are
 * usually "positive or zero integer": a negative noisy value is sent as
 * 0 with its value in the comment (release.csv keeps it).
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
	const char *all;	/* org unit of the all-sites values, or NULL:
				 * the sites' values are sent */
	json_t *orgunits, *elements;
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
		if (sites && !strcmp(key, "all"))
			return error("dhis2 map: orgUnits: 'all' is refused: "
			    "DHIS2 adds the sites up into their parent org "
			    "unit itself, so a data element given both would "
			    "count twice; give the org unit as 'allSites' and "
			    "\"level\": \"all\" to the data sets that send "
			    "all-sites values instead of the sites' "
			    "(docs/evaluator-guide.md)");
		for (known = 0, i = 0; !known && i < (sites ? r->nsites :
		    r->ninds); i++)
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
keys_known(json_t *j, const char *where, const char *const *keys,
    size_t n)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(j, key, v) {
		for (i = 0; i < n && strcmp(key, keys[i]); i++)
			;
		if (i == n && *key != '_')
			return error("dhis2 map: %s: unknown key '%s'", where,
			    key);
	}
	return 0;
}

/* The DHIS2 period type of a release period kind: only those whose
 * DHIS2 periods are ISO weeks, calendar months and quarters. */
static int
kind_get(const char *name, enum tv_period *kind)
{
	int k = tv_period_from_name(name);

	if (k != TV_PERIOD_WEEK && k != TV_PERIOD_MONTH &&
	    k != TV_PERIOD_QUARTER)
		return error("dhis2 map: dataSets: '%s' is not a period type "
		    "sent to DHIS2 (week, month or quarter)", name);
	*kind = (enum tv_period)k;
	return 0;
}

/* No indicator distinct per P in a data set of a longer period, and no
 * data element in two data sets: DHIS2 adds a data element's values up
 * over periods, so the same element at two period types counts twice. */
static int
set_check(const struct report *r, json_t *sets, const char *name,
    enum tv_period kind, json_t *els)
{
	const char *ind, *n2, *i2;
	json_t *uid, *s2, *u2;
	size_t i;

	json_object_foreach(els, ind, uid) {
		for (i = 0; strcmp(r->inds[i].id, ind); i++)
			;
		if (r->distinct[i] != TV_PERIOD_NONE &&
		    (int)kind > r->distinct[i])
			return error("dhis2 map: dataSets: %s: '%s' counts "
			    "people once per %s: a %s value would add up "
			    "several %ss' counts", name, ind,
			    tv_period_name(r->distinct[i]), name,
			    tv_period_name(r->distinct[i]));
		json_object_foreach(sets, n2, s2) {
			if (!strcmp(n2, name))
				continue;
			json_object_foreach(json_object_get(s2,
			    "dataElements"), i2, u2)
				if (json_equal(uid, u2))
					return error("dhis2 map: data element "
					    "%s is in the %s and the %s data "
					    "sets: DHIS2 would add both up",
					    json_string_value(uid), name, n2);
		}
	}
	return 0;
}

static int
level_check(json_t *map, json_t *set, const char *name)
{
	json_t *lv = json_object_get(set, "level");

	if (lv == NULL || (json_is_string(lv) && !strcmp(json_string_value(
	    lv), "site")))
		return 0;
	if (!json_is_string(lv) || strcmp(json_string_value(lv), "all"))
		return error("dhis2 map: %s: 'level' is \"site\" or \"all\"",
		    name);
	if (json_object_get(map, "allSites") == NULL)
		return error("dhis2 map: %s: level \"all\" without an "
		    "'allSites' org unit", name);
	return 0;
}

static int
sets_check(const struct report *r, json_t *map, json_t *sets)
{
	static const char *const keys[] = { "dataSet", "dataElements",
	    "level" };
	const char *name, *n2, *ds;
	json_t *set, *s2;
	enum tv_period kind = TV_PERIOD_NONE;

	if (!json_is_object(sets) || json_object_size(sets) == 0)
		return error("dhis2 map: no 'dataSets' object: one data set "
		    "per period type, e.g. {\"week\": {\"dataSet\": UID, "
		    "\"dataElements\": {...}}}");
	json_object_foreach(sets, name, set) {
		if (kind_get(name, &kind) != 0 || !json_is_object(set) ||
		    keys_known(set, name, keys, 3) != 0 ||
		    level_check(map, set, name) != 0 ||
		    uid_get(set, "dataSet", &ds, 1) != 0 ||
		    uid_table(r, json_object_get(set, "dataElements"),
		    "dataElements", 0) != 0 ||
		    set_check(r, sets, name, kind, json_object_get(set,
		    "dataElements")) != 0)
			return error("dhis2 map: data set '%s' refused",
			    name);
		json_object_foreach(sets, n2, s2)
			if (strcmp(name, n2) && json_equal(json_object_get(
			    set, "dataSet"), json_object_get(s2, "dataSet")))
				return error("dhis2 map: the %s and %s data "
				    "sets share a UID: a DHIS2 data set has "
				    "one period type", name, n2);
	}
	return 0;
}

/* A map of before decision 33 (one dataSet for every period) is refused
 * with what to write instead. */
static int
map_check(const struct report *r, json_t *j)
{
	static const char *const keys[] = { "format", "dataSets", "orgUnits",
	    "allSites", "categoryOptionCombo", "attributeOptionCombo" };
	json_t *fmt = json_object_get(j, "format");
	const char *uid, *site;
	json_t *v;

	if (!json_is_object(j))
		return error("dhis2 map: not a JSON object");
	if (fmt == NULL && json_object_get(j, "dataSet") != NULL)
		return error("dhis2 map: this is a version 1 map (one "
		    "'dataSet' for every period); a DHIS2 data set has one "
		    "period type: write \"format\": \"tallyvan-dhis2-map/2\" "
		    "and \"dataSets\": {\"week\": {\"dataSet\": UID, "
		    "\"dataElements\": {...}}, \"month\": ...} "
		    "(docs/evaluator-guide.md)");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt),
	    "tallyvan-dhis2-map/2"))
		return error("dhis2 map: 'format' is not "
		    "\"tallyvan-dhis2-map/2\"");
	if (keys_known(j, "map", keys, sizeof keys / sizeof *keys) != 0 ||
	    uid_get(j, "categoryOptionCombo", &uid, 1) != 0 ||
	    uid_get(j, "attributeOptionCombo", &uid, 0) != 0 ||
	    uid_get(j, "allSites", &uid, 0) != 0 ||
	    uid_table(r, json_object_get(j, "orgUnits"), "orgUnits", 1) != 0)
		return -1;
	json_object_foreach(json_object_get(j, "orgUnits"), site, v)
		if (uid != NULL && !strcmp(uid, json_string_value(v)))
			return error("dhis2 map: allSites is the org unit of "
			    "site '%s'", site);
	return sets_check(r, j, json_object_get(j, "dataSets"));
}

int
report_dhis2_kinds(const struct report *r, json_t *map,
    const char *kinds[3], size_t *n)
{
	const char *name;
	json_t *set;

	if (map_check(r, map) != 0)
		return -1;
	*n = 0;
	json_object_foreach(json_object_get(map, "dataSets"), name, set)
		kinds[(*n)++] = name;
	return 0;
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

/* DHIS2 period of a cell of the map's kind; *partial when the cell's
 * days differ from the calendar period's.  -1: no DHIS2 period. */
static int
cell_period(const struct rpt_cell *c, char out[16], int *partial)
{
	int kind = tv_period_from_name(c->period);
	int32_t id, f, l;

	*partial = 0;
	if (kind <= 0 || label_parse(kind, c->label, &id) != 0 ||
	    iso_period(out, kind, id) != 0)
		return -1;
	tv_period_bounds(kind, id, 0, 0, &f, &l);
	*partial = f != c->first_day || l != c->last_day;
	return 0;
}

static json_t *
data_value(const struct report *r, const struct dhis2_map *m,
    const struct rpt_cell *c, size_t ind, const char *period, int partial,
    struct dhis2_counts *n)
{
	struct rpt_value v;
	char val[32], comment[256] = "", part[80];
	json_t *o;

	report_value(r, c, ind, &v);
	snprintf(val, sizeof val, "%lld", v.value < 0 ? 0 : v.value);
	if (partial)
		snprintf(comment, sizeof comment, L(r, "tallyvan %s %s: "
		    "%s to %s", "tallyvan %s %s : du %s au %s"), c->period,
		    c->label, c->first, c->last);
	report_partial_text(r, c, part, sizeof part);
	if (*part)
		snprintf(comment + strlen(comment), sizeof comment -
		    strlen(comment), L(r, "%s%s in the campaign",
		    "%s%s dans la campagne"), *comment ? "; " : "", part);
	if (v.value < 0) {
		n->clamped++;
		snprintf(comment + strlen(comment), sizeof comment -
		    strlen(comment), L(r, "%snoisy value %lld sent as 0",
		    "%svaleur bruitée %lld envoyée comme 0"), *comment ?
		    "; " : "", v.value);
	}
	o = json_pack("{s:s, s:s, s:s, s:s}", "dataElement",
	    json_string_value(json_object_get(m->elements, r->inds[ind].id)),
	    "period", period, "orgUnit", c->site_ix < 0 ? m->all :
	    json_string_value(json_object_get(m->orgunits, c->site)),
	    "categoryOptionCombo", m->coc);
	if (m->aoc != NULL)
		json_object_set_new(o, "attributeOptionCombo",
		    json_string(m->aoc));
	json_object_set_new(o, "value", json_string(val));
	if (*comment)
		json_object_set_new(o, "comment", json_string(comment));
	n->exported++;
	return o;
}

static void
cell_values(const struct report *r, const struct dhis2_map *m,
    const struct rpt_cell *c, json_t *out, struct dhis2_counts *n)
{
	struct rpt_value v;
	char period[16];
	int partial, mapped;
	size_t i;

	mapped = m->all != NULL ? c->site_ix < 0 : c->site_ix >= 0 &&
	    json_object_get(m->orgunits, c->site) != NULL;
	for (i = 0; i < r->ninds; i++) {
		if (json_object_get(m->elements, r->inds[i].id) == NULL)
			continue;
		report_value(r, c, i, &v);
		if (!mapped)
			n->unmapped++;
		else if (!v.released)
			n->not_released++;
		else if (cell_period(c, period, &partial) != 0)
			n->no_period++;
		else
			json_array_append_new(out, data_value(r, m, c, i,
			    period, partial, n));
	}
}

int
report_dhis2(const struct report *r, json_t *map, const char *kind,
    FILE *out, struct dhis2_counts *n)
{
	json_t *set = json_object_get(json_object_get(map, "dataSets"), kind);
	const char *lv = json_string_value(json_object_get(set, "level"));
	struct dhis2_map m = {
		json_string_value(json_object_get(set, "dataSet")),
		json_string_value(json_object_get(map,
		    "categoryOptionCombo")),
		json_string_value(json_object_get(map,
		    "attributeOptionCombo")),
		lv != NULL && !strcmp(lv, "all") ? json_string_value(
		    json_object_get(map, "allSites")) : NULL,
		json_object_get(map, "orgUnits"),
		json_object_get(set, "dataElements"),
	};
	const struct rpt_cell *c;
	long a = report_axis(r, kind), s;
	json_t *doc, *vals;
	size_t p;
	int rc = 0;

	if (m.dataset == NULL || m.coc == NULL)
		return error("dhis2 map: no data set for %s", kind);
	vals = json_array();
	for (s = -1; a >= 0 && s < (long)r->nsites; s++)
		for (p = 0; p < r->axes[a].n; p++)
			if ((c = report_cell(r, (size_t)a, s, p)) != NULL)
				cell_values(r, &m, c, vals, n);
	doc = json_pack("{s:s, s:o}", "dataSet", m.dataset, "dataValues",
	    vals);
	if (json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', out) == EOF)
		rc = error("cannot format the DHIS2 file");
	json_decref(doc);
	return rc;
}
