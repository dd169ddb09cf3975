/* SPDX-License-Identifier: MIT */
/*
 * report.h - a published release (release.json, formats.md §III.9) read
 * for evaluators, and its renderers: text tables (cmd_report.c), a
 * self-contained HTML page with SVG charts (report_html.c) and a DHIS2
 * dataValueSets file (report_dhis2.c).
 *
 * report_load() checks the whole structure first, so renderers never
 * meet a missing field, and refuses a value on a cell or indicator that
 * is not "released": what is not released can never be rendered as a
 * number.  Periods and statuses are taken as they come (a quarter, a
 * reason "noise", a negative noisy value are rendered like any other);
 * strings are the release's and must be escaped by each renderer.
 */
#ifndef TV_REPORT_H
#define TV_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "proto/campaign.h"
#include "release/verdict.h"

#define REPORT_MAX_COLS 16

/* A period kind as it appears in the release ("week", "month", ...),
 * its periods in time order (by first day, then label). */
struct rpt_axis {
	const char *kind;
	const char **labels;	/* distinct period labels */
	const char **first, **last;
	size_t n;
};

struct rpt_label {
	const char *id;
	const char *fr, *en;
};

struct rpt_cell {
	const char *site, *period, *label, *first, *last;
	int32_t first_day, last_day;
	const char *status, *reason;	/* names of v; reason "" if none */
	enum tv_verdict v;
	long long records;		/* -1 when not published */
	long site_ix;			/* -1 for "all" */
	size_t axis, pix;		/* axis index and position on it */
	json_t *values;			/* NULL unless released */
};

/* One value: released with a number, or a status and reason. */
struct rpt_value {
	int released;
	long long value;
	const char *status, *reason;	/* names of v */
	enum tv_verdict v;
};

struct report {
	json_t *root;			/* release.json */
	struct tv_campaign *camp;	/* campaign.json, checked */
	const char *lang;		/* "en" or "fr"; NULL: the plan's */
	const char *title_fr, *title_en;	/* the plan's title (camp's) */
	int32_t start, end;		/* the plan's period, days */
	int *distinct;			/* per indicator: enum tv_period */
	int *history;			/* per indicator: 1 = history condition */
	const char *campaign, *campaign_id, *as_of, *format;
	long long threshold;
	json_t *policy;			/* object, may be empty */
	struct rpt_label *inds, *sites;
	size_t ninds, nsites;
	struct rpt_cell *cells;
	size_t ncells;
	struct rpt_axis *axes;
	size_t naxes;
	/* cell index by (axis, site + 1, period); (size_t)-1 when absent */
	size_t **grid;
	size_t cols[REPORT_MAX_COLS];	/* selected indicators (indexes) */
	size_t ncols;
};

/* Read and check path and the campaign bundle (NULL: campaign.json in
 * path's directory); 0, or -1 after printing why (nothing to free).
 * Sets r->lang to the plan's language when it is NULL. */
int report_load(struct report *r, const char *path, const char *bundle);
void report_release(struct report *r);
/* Select the indicators of a comma-separated list (NULL: the first 5);
 * -1 after printing the unknown name. */
int report_columns(struct report *r, char *list);

const char *report_ind_label(const struct report *r, size_t ind);
/* "all" gives the language's "All sites". */
const char *report_site_label(const struct report *r, long site_ix);
const char *report_title(const struct report *r);
/* 1 if indicator ind may be shown at period kind: a count distinct per
 * P is shown at P or finer only (a sum of monthly counts of people over
 * a quarter counts people several times). */
int report_shown(const struct report *r, size_t ind, const char *kind);
/* 1 when the campaign's start or end cuts the cell's period; then *in
 * and *of are the weeks (days for a week) of the period inside the
 * campaign and in all. */
int report_partial(const struct report *r, const struct rpt_cell *c,
    int *in, int *of);
/* "partial: 1 of 4 weeks" in the report's language, "" if the cell's
 * period is whole. */
void report_partial_text(const struct report *r, const struct rpt_cell *c,
    char *out, size_t n);
/* Why indicator ind is not shown at kind: "counts people once per
 * month: shown by week and month only". */
void report_unshown_text(const struct report *r, size_t ind, char *out,
    size_t n);
/* 1 if a selected indicator has a history condition (formats.md
 * §1.9b); the sentence that says how such indicators count. */
int report_history_cols(const struct report *r);
const char *report_history_text(const struct report *r);
/* The axis of a kind, or -1. */
long report_axis(const struct report *r, const char *kind);
/* The cell of (axis, site_ix, position), or NULL. */
const struct rpt_cell *report_cell(const struct report *r, size_t axis,
    long site_ix, size_t pix);
void report_value(const struct report *r, const struct rpt_cell *c,
    size_t ind, struct rpt_value *v);
/* Short sentence on a verdict, in the report's language. */
const char *report_reason_text(const struct report *r, enum tv_verdict v);
/* Language switch for a literal pair. */
#define L(r, en, fr) (*(r)->lang == 'f' ? (fr) : (en))

/* Renderers: 0, or -1 after printing why. */
int report_html(const struct report *r, FILE *out);
/*
 * DHIS2 (docs/evaluator-guide.md, decision 33).  report_dhis2_kinds()
 * checks the parsed map against the release and lists the period kinds
 * of its data sets (at most 3: week, month, quarter); report_dhis2()
 * writes the dataValueSet of one of them to out and counts what it left
 * out.
 */
struct dhis2_counts {
	size_t exported, not_released, unmapped, no_period, clamped;
};
int report_dhis2_kinds(const struct report *r, json_t *map,
    const char *kinds[3], size_t *n);
int report_dhis2(const struct report *r, json_t *map, const char *kind,
    FILE *out, struct dhis2_counts *n);

#endif
