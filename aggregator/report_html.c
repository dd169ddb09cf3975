/* SPDX-License-Identifier: MIT */
/*
 * A release as one self-contained HTML page for evaluators: inline CSS,
 * inline SVG drawn here, no script, no external asset, no web font.
 *
 * Every string from the release is HTML-escaped.  A value that is not
 * released is drawn as a hatched mark with a letter ("s" suppressed, "w"
 * withheld) and a title giving the reason -- never as a bar, a point or
 * a number, so it cannot be read as 0.  Each mark carries data-site,
 * data-period, data-ind and either data-v (released) or data-status and
 * data-reason, so that a test (or a reader's tool) can check the page
 * against release.csv.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/report.h"
#include "common/util.h"
#include "proto/calendar.h"

#define CHART_W 920
#define MULT_W 290
#define MULT_H 150
#define NPAL 8

static const char *const palette[NPAL] = { "#0b5cad", "#b8470b",
	"#137a4b", "#8e3b8c", "#6b5b00", "#333333", "#a3123a", "#0e6f7a" };
static const char *const dashes[4] = { "none", "7 3", "2 3", "9 3 2 3" };

struct html {
	const struct report *r;
	FILE *f;
	unsigned id;		/* counter for unique element ids */
};

/* The plot area of a chart: n slots along x. */
struct frame {
	int w, h, ml, mr, mt, mb;
	size_t n;
};

/* y = top + height * (hi - v) / (hi - lo); ticks every step. */
struct scale {
	long long lo, hi, step;
	double top, height;
};

static void
esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' &&
			    *s != '\t')
				fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			else
				fputc(*s, f);
		}
	}
}

static char
mark_letter(enum tv_verdict v)
{
	return tv_verdict_status(v) == TV_STATUS_WITHHELD ? 'w' : 's';
}

static const char *
status_word(const struct report *r, enum tv_verdict v)
{
	switch (tv_verdict_status(v)) {
	case TV_STATUS_SUPPRESSED: return L(r, "suppressed", "masquée");
	case TV_STATUS_WITHHELD: return L(r, "withheld", "retenue");
	default: return L(r, "released", "publiée");
	}
}

static const char *
kind_word(const struct report *r, const char *kind)
{
	static const char *const t[][3] = { { "day", "day", "jour" },
	    { "week", "week", "semaine" }, { "month", "month", "mois" },
	    { "quarter", "quarter", "trimestre" }, { "year", "year", "année" },
	    { "campaign", "campaign", "campagne" } };
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		if (!strcmp(t[i][0], kind))
			return L(r, t[i][1], t[i][2]);
	return kind;
}

/* data-site, data-period (and data-ind) of a mark. */
static void
data_attrs(const struct html *h, const struct rpt_cell *c, long ind)
{
	fputs(" data-site=\"", h->f);
	esc(h->f, c->site);
	fputs("\" data-period=\"", h->f);
	esc(h->f, c->label);
	if (ind >= 0) {
		fputs("\" data-ind=\"", h->f);
		esc(h->f, h->r->inds[ind].id);
	}
	fputs("\"", h->f);
}

/* The class of a released value that comes with a reason. */
static const char *
released_class(enum tv_verdict v)
{
	return v == TV_V_REVISION ? " revised" : "";
}

static void
status_attrs(const struct html *h, enum tv_verdict v)
{
	fputs(" data-status=\"", h->f);
	esc(h->f, tv_status_name(tv_verdict_status(v)));
	fputs("\" data-reason=\"", h->f);
	esc(h->f, tv_verdict_reason(v));
	fputs("\"", h->f);
}

/* "Label, period: suppressed (why)" -- the text of a mark's title. */
static void
status_title(const struct html *h, const char *what, const char *period,
    enum tv_verdict v)
{
	if (what != NULL) {
		esc(h->f, what);
		fputs(", ", h->f);
	}
	esc(h->f, period);
	fputs(": ", h->f);
	esc(h->f, status_word(h->r, v));
	fputs(" (", h->f);
	esc(h->f, report_reason_text(h->r, v));
	fputs(")", h->f);
}

static double
fx(const struct frame *fr, size_t i)
{
	return fr->ml + (double)(fr->w - fr->ml - fr->mr) * ((double)i + 0.5) /
	    (double)fr->n;
}

static double
slot(const struct frame *fr)
{
	return (double)(fr->w - fr->ml - fr->mr) / (double)fr->n;
}

static double
sy(const struct scale *sc, long long v)
{
	return sc->top + sc->height * (double)(sc->hi - v) /
	    (double)(sc->hi - sc->lo);
}

/* Round ticks (1, 2, 5 x 10^k), about 5 of them, 0 included. */
static void
scale_set(struct scale *sc, long long lo, long long hi, double top,
    double height)
{
	static const long long f[] = { 1, 2, 5 };
	long long m, range;
	size_t i;

	lo = lo > 0 ? 0 : lo;
	hi = hi < 1 ? 1 : hi;
	range = hi - lo;
	sc->step = 1;
	for (m = 1; m <= range; m *= 10)
		for (i = 0; i < 3; i++)
			if (f[i] * m * 5 >= range) {
				sc->step = f[i] * m;
				goto found;
			}
found:
	sc->lo = lo >= 0 ? 0 : -((-lo + sc->step - 1) / sc->step) * sc->step;
	sc->hi = (hi + sc->step - 1) / sc->step * sc->step;
	sc->top = top;
	sc->height = height;
}

/* Range of the released values of indicators inds on an axis, for sites
 * [s0, s1). */
static void
value_range(const struct report *r, size_t axis, long s0, long s1,
    const size_t *inds, size_t ninds, long long *lo, long long *hi)
{
	const struct rpt_cell *c;
	struct rpt_value v;
	size_t p, i;
	long s;

	*lo = 0;
	*hi = 1;
	for (s = s0; s < s1; s++)
		for (p = 0; p < r->axes[axis].n; p++) {
			if ((c = report_cell(r, axis, s, p)) == NULL)
				continue;
			for (i = 0; i < ninds; i++) {
				report_value(r, c, inds[i], &v);
				if (v.released && v.value < *lo)
					*lo = v.value;
				if (v.released && v.value > *hi)
					*hi = v.value;
			}
		}
}

static void
svg_open(struct html *h, const struct frame *fr, const char *title,
    const char *title2, const char *desc)
{
	unsigned id = ++h->id;

	fprintf(h->f, "<svg class=\"chart\" role=\"img\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" aria-labelledby=\"c%u-t "
	    "c%u-d\">\n<title id=\"c%u-t\">", fr->w, fr->h, fr->w, fr->h, id,
	    id, id);
	esc(h->f, title);
	if (title2 != NULL) {
		fputs(" \xe2\x80\x94 ", h->f);
		esc(h->f, title2);
	}
	fprintf(h->f, "</title>\n<desc id=\"c%u-d\">", id);
	esc(h->f, desc);
	fputs("</desc>\n", h->f);
}

static void
axes_draw(struct html *h, const struct frame *fr, const struct scale *sc,
    const struct rpt_axis *a)
{
	size_t i, every = (size_t)(58.0 / slot(fr)) + 1;
	long long v;

	for (v = sc->lo; v <= sc->hi; v += sc->step)
		fprintf(h->f, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" "
		    "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\">%lld</text>\n", v ? "grid" :
		    "zero", fr->ml, fr->w - fr->mr, sy(sc, v), sy(sc, v),
		    fr->ml - 5, sy(sc, v) + 4, v);
	for (i = 0; i < a->n; i += every) {
		fprintf(h->f, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">", fx(fr, i), fr->h - fr->mb + 15);
		esc(h->f, a->labels[i]);
		fputs("</text>\n", h->f);
	}
}

/* A hatched band (or bar) over slot i from y0 to y1, with its letter;
 * in series k's colour and narrower when k >= 0 (a mark in the strip). */
static void
mark_draw(struct html *h, const struct frame *fr, size_t i, double y0,
    double y1, const struct rpt_cell *c, long ind, const struct rpt_value *v,
    long k)
{
	double w = slot(fr) * 0.84;

	if (k >= 0 && w > 18)
		w = 18;
	fprintf(h->f, "<g class=\"mark mark-%c\"", mark_letter(v->v));
	data_attrs(h, c, ind);
	status_attrs(h, v->v);
	fputs("><title>", h->f);
	status_title(h, ind >= 0 ? report_ind_label(h->r, (size_t)ind) : NULL,
	    c->label, v->v);
	fprintf(h->f, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"url(#tv-hatch-%c)\"", fx(fr, i) - w / 2,
	    y0, w, y1 - y0, mark_letter(v->v));
	if (k >= 0)
		fprintf(h->f, " style=\"stroke:%s;stroke-width:1.6\"",
		    palette[k % NPAL]);
	fputs("/>", h->f);
	if (w >= 8)
		fprintf(h->f, "<text class=\"mk\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%c</text>", fx(fr, i), y0 + 11,
		    mark_letter(v->v));
	fputs("</g>\n", h->f);
}

static void
point_draw(struct html *h, const struct frame *fr, const struct scale *sc,
    size_t i, const struct rpt_cell *c, size_t ind, long long value,
    size_t k)
{
	int in, of, part = report_partial(h->r, c, &in, &of);

	fprintf(h->f, "<circle class=\"pt%s\" cx=\"%.1f\" cy=\"%.1f\" "
	    "r=\"3.5\" fill=\"%s\" stroke=\"%s\"", part ? " partial" : "",
	    fx(fr, i), sy(sc, value), part ? "#fff" : palette[k % NPAL],
	    palette[k % NPAL]);
	data_attrs(h, c, (long)ind);
	fprintf(h->f, " data-v=\"%lld\"><title>", value);
	esc(h->f, report_ind_label(h->r, ind));
	fputs(", ", h->f);
	esc(h->f, c->label);
	fprintf(h->f, ": %lld</title></circle>\n", value);
}

/* One indicator's line: polylines over runs of released values, points,
 * and small marks in the status strip for values not released in
 * released cells (a cell not released is a band drawn before). */
static void
series_draw(struct html *h, const struct frame *fr, const struct scale *sc,
    size_t axis, size_t ind, size_t k)
{
	const struct rpt_cell *c;
	struct rpt_value v;
	size_t i;
	int open = 0;

	for (i = 0; i <= fr->n; i++) {
		c = i < fr->n ? report_cell(h->r, axis, -1, i) : NULL;
		if (c != NULL)
			report_value(h->r, c, ind, &v);
		if (c != NULL && v.released) {
			if (!open)
				fprintf(h->f, "<polyline class=\"ln\" "
				    "stroke=\"%s\" stroke-dasharray=\"%s\" "
				    "points=\"", palette[k % NPAL],
				    dashes[k % 4]);
			fprintf(h->f, "%s%.1f,%.1f", open ? " " : "",
			    fx(fr, i), sy(sc, v.value));
			open = 1;
		} else if (open) {
			fputs("\"/>\n", h->f);
			open = 0;
		}
	}
	for (i = 0; i < fr->n; i++) {
		if ((c = report_cell(h->r, axis, -1, i)) == NULL)
			continue;
		report_value(h->r, c, ind, &v);
		if (v.released)
			point_draw(h, fr, sc, i, c, ind, v.value, k);
		else if (c->values != NULL)
			mark_draw(h, fr, i, 4.0 + 14.0 * (double)k, 16.0 +
			    14.0 * (double)k, c, (long)ind, &v, (long)k);
	}
}

/* 1 if some value of inds is not released inside a released cell. */
static int
strip_needed(const struct report *r, size_t axis, const size_t *inds,
    size_t n)
{
	const struct rpt_cell *c;
	struct rpt_value v;
	size_t i, j;

	for (i = 0; i < r->axes[axis].n; i++)
		if ((c = report_cell(r, axis, -1, i)) != NULL &&
		    c->values != NULL)
			for (j = 0; j < n; j++) {
				report_value(r, c, inds[j], &v);
				if (!v.released)
					return 1;
			}
	return 0;
}

static void
legend_series(struct html *h, const size_t *pos, size_t n)
{
	size_t i, k;

	fputs("<ul class=\"legend\">\n", h->f);
	for (i = 0; i < n; i++) {
		k = pos[i];
		fprintf(h->f, "<li><svg width=\"34\" height=\"10\" "
		    "aria-hidden=\"true\"><line x1=\"1\" x2=\"33\" y1=\"5\" "
		    "y2=\"5\" stroke=\"%s\" stroke-width=\"2.5\" "
		    "stroke-dasharray=\"%s\"/></svg> ", palette[k % NPAL],
		    dashes[k % 4]);
		esc(h->f, report_ind_label(h->r, h->r->cols[k]));
		fputs("</li>\n", h->f);
	}
	fputs("</ul>\n", h->f);
}

static void
td_mark(struct html *h, const struct rpt_cell *c, long ind,
    const struct rpt_value *v)
{
	fprintf(h->f, "<td class=\"mark mark-%c\"", mark_letter(v->v));
	data_attrs(h, c, ind);
	status_attrs(h, v->v);
	fputs("><abbr title=\"", h->f);
	esc(h->f, status_word(h->r, v->v));
	fputs(": ", h->f);
	esc(h->f, report_reason_text(h->r, v->v));
	fprintf(h->f, "\">%c</abbr></td>", mark_letter(v->v));
}

/* A value the report does not show: a count of people per month over a
 * quarter (a sum of monthly counts is no count of people). */
static void
td_na(struct html *h, const struct rpt_cell *c, size_t ind)
{
	char why[256];

	report_unshown_text(h->r, ind, why, sizeof why);
	fputs("<td class=\"na\"", h->f);
	data_attrs(h, c, (long)ind);
	fputs(" data-na=\"distinct\"><abbr title=\"", h->f);
	esc(h->f, why);
	fputs("\">\xe2\x80\x94</abbr></td>", h->f);
}

static void
td_value(struct html *h, const struct rpt_cell *c, size_t ind)
{
	struct rpt_value v;

	if (!report_shown(h->r, ind, c->period)) {
		td_na(h, c, ind);
		return;
	}
	report_value(h->r, c, ind, &v);
	if (!v.released) {
		td_mark(h, c, (long)ind, &v);
		return;
	}
	fprintf(h->f, "<td class=\"v%s\"", released_class(v.v));
	data_attrs(h, c, (long)ind);
	fprintf(h->f, " data-v=\"%lld\"", v.value);
	if (*v.reason) {
		fputs(" title=\"", h->f);
		esc(h->f, report_reason_text(h->r, v.v));
		fputs("\"", h->f);
	}
	fprintf(h->f, ">%lld</td>", v.value);
}

static void
td_records(struct html *h, const struct rpt_cell *c)
{
	struct rpt_value v = { 0, 0, c->status, c->reason, c->v };

	if (c->records < 0) {
		td_mark(h, c, -1, &v);
		return;
	}
	fputs("<td class=\"v\"", h->f);
	data_attrs(h, c, -1);
	fprintf(h->f, " data-records=\"%lld\">%lld</td>", c->records,
	    c->records);
}

static void
th(struct html *h, const char *scope, const char *text)
{
	fprintf(h->f, "<th scope=\"%s\">", scope);
	esc(h->f, text);
	fputs("</th>", h->f);
}

/* The first cell at position pix of an axis: its days are the period's. */
static const struct rpt_cell *
axis_cell(const struct report *r, size_t axis, size_t pix)
{
	const struct rpt_cell *c;
	long s;

	for (s = -1; s < (long)r->nsites; s++)
		if ((c = report_cell(r, axis, s, pix)) != NULL)
			return c;
	return NULL;
}

/* A period's header; a period cut by the campaign's start or end says
 * so (data-partial), so that its figure is not read as a fall. */
static void
th_period(struct html *h, const char *scope, const struct rpt_cell *c)
{
	char part[80];

	report_partial_text(h->r, c, part, sizeof part);
	fprintf(h->f, "<th scope=\"%s\"%s data-period=\"", scope, *part ?
	    " class=\"partial\"" : "");
	esc(h->f, c->label);
	if (*part) {
		fputs("\" data-partial=\"", h->f);
		esc(h->f, part);
	}
	fputs("\">", h->f);
	esc(h->f, c->label);
	if (*part) {
		fputs("<br><small>", h->f);
		esc(h->f, part);
		fputs("</small>", h->f);
	}
	fputs("</th>", h->f);
}

/* The indicators of r->cols shown at an axis's kind (positions in
 * cols, so that colours stay the same from chart to chart). */
static size_t
cols_shown(const struct report *r, size_t axis, size_t *pos)
{
	size_t j, n = 0;

	for (j = 0; j < r->ncols; j++)
		if (report_shown(r, r->cols[j], r->axes[axis].kind))
			pos[n++] = j;
	return n;
}

/* Values of indicators inds on an axis for sites [s0, s1): how many, how
 * many released, and the most frequent verdict of the others. */
struct tally {
	size_t n, released, top_n;
	enum tv_verdict top;
};

static void
tally_count(const struct report *r, size_t axis, long s0, long s1,
    const size_t *inds, size_t ninds, struct tally *t)
{
	size_t by[TV_V_COUNT] = { 0 }, p, i;
	const struct rpt_cell *c;
	struct rpt_value v;
	long s;

	memset(t, 0, sizeof *t);
	for (s = s0; s < s1; s++)
		for (p = 0; p < r->axes[axis].n; p++)
			for (i = 0; i < ninds && (c = report_cell(r, axis, s,
			    p)) != NULL; i++) {
				report_value(r, c, inds[i], &v);
				t->n++;
				if (v.released)
					t->released++;
				else if ((unsigned)v.v < TV_V_COUNT &&
				    ++by[v.v] > t->top_n) {
					t->top_n = by[v.v];
					t->top = v.v;
				}
			}
}

/* One sentence instead of charts or tables where nothing is released. */
static void
empty_note(struct html *h, const char *id, const char *what,
    const struct tally *t)
{
	fprintf(h->f, "<p class=\"empty\" data-empty=\"%s\">%s", id,
	    L(h->r, "Nothing could be released ", "Rien n'a pu être publié "));
	esc(h->f, what);
	if (t->top_n == t->n)
		fprintf(h->f, L(h->r, ": all its %zu values are hidden because: ",
		    " : ses %zu valeurs sont toutes masquées parce que : "),
		    t->n);
	else
		fprintf(h->f, L(h->r, ": none of its %zu values is released "
		    "(%zu of them because: ", " : aucune de ses %zu valeurs "
		    "n'est publiée (%zu d'entre elles parce que : "), t->n,
		    t->top_n);
	esc(h->f, report_reason_text(h->r, t->top));
	fputs(t->top_n == t->n ? ".</p>\n" : ").</p>\n", h->f);
}

/* The figures behind the all-sites line chart, for reading or copying. */
static void
table_over_time(struct html *h, size_t axis)
{
	const struct rpt_cell *c;
	size_t i, j;

	fprintf(h->f, "<details><summary>%s</summary>\n<table class=\"data\">"
	    "<thead><tr>", L(h->r, "Figures of this chart",
	    "Valeurs de ce graphique"));
	th(h, "col", L(h->r, "Period", "Période"));
	th(h, "col", L(h->r, "Records", "Enregistrements"));
	for (j = 0; j < h->r->ncols; j++)
		th(h, "col", report_ind_label(h->r, h->r->cols[j]));
	fputs("</tr></thead>\n<tbody>\n", h->f);
	for (i = 0; i < h->r->axes[axis].n; i++) {
		if ((c = report_cell(h->r, axis, -1, i)) == NULL)
			continue;
		fputs("<tr>", h->f);
		th_period(h, "row", c);
		td_records(h, c);
		for (j = 0; j < h->r->ncols; j++)
			td_value(h, c, h->r->cols[j]);
		fputs("</tr>\n", h->f);
	}
	fputs("</tbody></table></details>\n", h->f);
}

/* Hatched bands over the periods not released, and the keys of the strip
 * rows (a line sample per indicator) when there is a strip. */
static void
bands_draw(struct html *h, const struct frame *fr, size_t axis, int strip,
    const size_t *pos, size_t n)
{
	const struct rpt_cell *c;
	struct rpt_value v;
	size_t i, k;

	for (i = 0; i < fr->n; i++)
		if ((c = report_cell(h->r, axis, -1, i)) != NULL &&
		    c->values == NULL) {
			v = (struct rpt_value){ 0, 0, c->status, c->reason,
			    c->v };
			mark_draw(h, fr, i, fr->mt, fr->h - fr->mb, c, -1, &v,
			    -1);
		}
	for (i = 0; strip && i < n; i++) {
		k = pos[i];
		fprintf(h->f, "<line aria-hidden=\"true\" x1=\"%d\" "
		    "x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>\n",
		    fr->ml - 34, fr->ml - 6, 10.0 + 14.0 * (double)k,
		    10.0 + 14.0 * (double)k, palette[k % NPAL], dashes[k % 4]);
	}
}

/* A dotted band behind each period cut by the campaign's start or end,
 * labelled when there is room: "partial: 1 of 4 weeks". */
static void
partial_draw(struct html *h, const struct frame *fr, size_t axis)
{
	const struct rpt_cell *c;
	double w = slot(fr);
	char part[80];
	size_t i;

	for (i = 0; i < fr->n; i++) {
		if ((c = axis_cell(h->r, axis, i)) == NULL)
			continue;
		report_partial_text(h->r, c, part, sizeof part);
		if (!*part)
			continue;
		fputs("<g class=\"partial\" data-period=\"", h->f);
		esc(h->f, c->label);
		fputs("\" data-partial=\"", h->f);
		esc(h->f, part);
		fputs("\"><title>", h->f);
		esc(h->f, c->label);
		fputs(": ", h->f);
		esc(h->f, part);
		fprintf(h->f, "</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"url(#tv-partial)\"/>",
		    fx(fr, i) - w / 2, fr->mt, w, fr->h - fr->mt - fr->mb);
		if (w >= 150) {
			fprintf(h->f, "<text class=\"pl\" x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\">", fx(fr, i), fr->h -
			    fr->mb - 6);
			esc(h->f, part);
			fputs("</text>", h->f);
		}
		fputs("</g>\n", h->f);
	}
}

static const char *
lines_desc(const struct report *r)
{
	return L(r, "Line chart: one line per "
	    "indicator over time, all sites together.  Hatched bands marked "
	    "s (suppressed) or w (withheld) are periods not released; marks "
	    "above the plot are single values not released.  Neither is zero.  "
	    "Dotted bands and hollow points are periods cut by the campaign's "
	    "start or end: their figures cover only part of the period.",
	    "Courbes : une ligne par indicateur dans le temps, tous sites "
	    "réunis.  Les bandes hachurées marquées s (masquée) ou w (retenue) "
	    "sont des périodes non publiées ; les marques au-dessus du tracé, "
	    "des valeurs non publiées.  Aucune n'est un zéro.  Les bandes "
	    "pointillées et les points creux sont des périodes coupées par le "
	    "début ou la fin de la campagne : leurs valeurs n'en couvrent "
	    "qu'une partie.");
}

static void
chart_lines(struct html *h, size_t axis)
{
	const struct report *r = h->r;
	size_t pos[REPORT_MAX_COLS], inds[REPORT_MAX_COLS], i, n;
	int strip;
	struct frame fr;
	struct scale sc;
	struct tally t;
	long long lo, hi;
	char title[160];

	if ((n = cols_shown(r, axis, pos)) == 0)
		return;		/* only counts of people of shorter periods */
	for (i = 0; i < n; i++)
		inds[i] = r->cols[pos[i]];
	snprintf(title, sizeof title, L(r, "Indicators by %s, all sites",
	    "Indicateurs par %s, tous sites"), kind_word(r,
	    r->axes[axis].kind));
	fputs("<figure>\n<figcaption>", h->f);
	esc(h->f, title);
	fputs("</figcaption>\n", h->f);
	tally_count(r, axis, -1, 0, inds, n, &t);
	if (t.released == 0) {
		snprintf(title, sizeof title, L(r, "by %s", "par %s"),
		    kind_word(r, r->axes[axis].kind));
		empty_note(h, r->axes[axis].kind, title, &t);
		fputs("</figure>\n", h->f);
		return;
	}
	strip = strip_needed(r, axis, inds, n) ? 14 * (int)r->ncols + 6 : 0;
	fr = (struct frame){ CHART_W, 300 + strip, 56, 16, 10 + strip, 30,
	    r->axes[axis].n };
	value_range(r, axis, -1, 0, inds, n, &lo, &hi);
	scale_set(&sc, lo, hi, fr.mt, fr.h - fr.mt - fr.mb);
	svg_open(h, &fr, title, NULL, lines_desc(r));
	partial_draw(h, &fr, axis);
	axes_draw(h, &fr, &sc, &r->axes[axis]);
	bands_draw(h, &fr, axis, strip, pos, n);
	for (i = 0; i < n; i++)
		series_draw(h, &fr, &sc, axis, inds[i], pos[i]);
	fputs("</svg>\n", h->f);
	legend_series(h, pos, n);
	table_over_time(h, axis);
	fputs("</figure>\n", h->f);
}

static void
bar_draw(struct html *h, const struct frame *fr, const struct scale *sc,
    size_t i, const struct rpt_cell *c, size_t ind, long long value)
{
	double w = slot(fr) * 0.84, y0 = sy(sc, value > 0 ? value : 0),
	    y1 = sy(sc, value < 0 ? value : 0);

	int in, of, part = report_partial(h->r, c, &in, &of);

	fprintf(h->f, "<rect class=\"bar%s\" x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\"", part ? " partial" : "",
	    fx(fr, i) - w / 2, y0, w, y1 - y0);
	data_attrs(h, c, (long)ind);
	fprintf(h->f, " data-v=\"%lld\"><title>", value);
	esc(h->f, c->label);
	fprintf(h->f, ": %lld</title></rect>\n", value);
}

static void
multiple_draw(struct html *h, size_t axis, long site, size_t ind,
    long long lo, long long hi)
{
	struct frame fr = { MULT_W, MULT_H, 34, 6, 8, 22, h->r->axes[axis].n };
	const struct rpt_cell *c;
	struct rpt_value v;
	struct scale sc;
	size_t i;

	scale_set(&sc, lo, hi, fr.mt, fr.h - fr.mt - fr.mb);
	fputs("<figure class=\"mult\">\n<figcaption>", h->f);
	esc(h->f, report_site_label(h->r, site));
	fputs("</figcaption>\n", h->f);
	svg_open(h, &fr, report_site_label(h->r, site), report_ind_label(h->r,
	    ind), L(h->r, "Bars, one per period; hatched bars marked s or w "
	    "are values not released, not zero.", "Barres, une par période ; "
	    "les barres hachurées marquées s ou w sont des valeurs non "
	    "publiées, pas des zéros."));
	partial_draw(h, &fr, axis);
	axes_draw(h, &fr, &sc, &h->r->axes[axis]);
	for (i = 0; i < fr.n; i++) {
		if ((c = report_cell(h->r, axis, site, i)) == NULL)
			continue;
		report_value(h->r, c, ind, &v);
		if (v.released)
			bar_draw(h, &fr, &sc, i, c, ind, v.value);
		else
			mark_draw(h, &fr, i, fr.mt, fr.h - fr.mb, c, (long)ind,
			    &v, -1);
	}
	fputs("</svg>\n</figure>\n", h->f);
}

/* Weekly (else the finest period) counts per site, on one scale. */
static void
section_multiples(struct html *h)
{
	const struct report *r = h->r;
	long axis = report_axis(r, "week");
	size_t ind = r->cols[0];
	struct tally t;
	long long lo, hi;
	char what[96];
	long s;

	if (axis < 0 && r->naxes > 0 && strcmp(r->axes[0].kind, "campaign"))
		axis = 0;
	if (axis < 0 || r->nsites == 0 || !report_shown(r, ind,
	    r->axes[axis].kind))
		return;
	fputs("<section id=\"per-site\">\n<h2>", h->f);
	esc(h->f, report_ind_label(r, ind));
	fputs(" \xe2\x80\x94 ", h->f);
	snprintf(what, sizeof what, L(r, "by %s and site", "par %s et par "
	    "site"), kind_word(r, r->axes[axis].kind));
	esc(h->f, what);
	fputs("</h2>\n", h->f);
	tally_count(r, (size_t)axis, 0, (long)r->nsites, &ind, 1, &t);
	if (t.released == 0) {
		empty_note(h, "per-site", what, &t);
		fputs("</section>\n", h->f);
		return;
	}
	fprintf(h->f, "<p>%s</p>\n<div class=\"mults\">\n", L(r,
	    "Every site on the same scale.", "Tous les sites à la même "
	    "échelle."));
	value_range(r, (size_t)axis, 0, (long)r->nsites, &ind, 1, &lo, &hi);
	for (s = 0; s < (long)r->nsites; s++)
		multiple_draw(h, (size_t)axis, s, ind, lo, hi);
	fputs("</div>\n</section>\n", h->f);
}

static void
section_over_time(struct html *h)
{
	size_t a;

	fprintf(h->f, "<section id=\"over-time\">\n<h2>%s</h2>\n",
	    L(h->r, "Indicators over time, all sites",
	    "Indicateurs dans le temps, tous sites"));
	for (a = 0; a < h->r->naxes; a++)
		if (strcmp(h->r->axes[a].kind, "campaign") &&
		    strcmp(h->r->axes[a].kind, "day"))
			chart_lines(h, a);
	fputs("</section>\n", h->f);
}

/* Under a table: why the indicators shown as a dash are not totalled. */
static void
unshown_notes(struct html *h, const char *kind)
{
	char why[256];
	size_t i;

	for (i = 0; i < h->r->ninds; i++) {
		if (report_shown(h->r, i, kind))
			continue;
		report_unshown_text(h->r, i, why, sizeof why);
		fputs("<p class=\"note\">\xe2\x80\x94 <b>", h->f);
		esc(h->f, report_ind_label(h->r, i));
		fputs("</b> ", h->f);
		esc(h->f, why);
		fputs(".</p>\n", h->f);
	}
}

/* Indicators (rows) by all sites and each site (columns), whole campaign. */
static void
section_totals(struct html *h)
{
	const struct report *r = h->r;
	const struct rpt_cell *c;
	long a = report_axis(r, "campaign"), s;
	size_t p, i;

	if (a < 0)
		return;
	fprintf(h->f, "<section id=\"totals\">\n<h2>%s</h2>\n", L(r,
	    "Campaign totals", "Totaux de la campagne"));
	for (p = 0; p < r->axes[a].n; p++) {
		fprintf(h->f, "<div class=\"scroll\"><table class=\"data\">"
		    "<caption>%s ", L(r, "Whole campaign,", "Toute la "
		    "campagne,"));
		esc(h->f, r->axes[a].first[p]);
		fputs(" \xe2\x80\x93 ", h->f);
		esc(h->f, r->axes[a].last[p]);
		fputs("</caption>\n<thead><tr>", h->f);
		th(h, "col", L(r, "Indicator", "Indicateur"));
		for (s = -1; s < (long)r->nsites; s++)
			th(h, "col", report_site_label(r, s));
		fputs("</tr></thead>\n<tbody>\n<tr>", h->f);
		th(h, "row", L(r, "Records", "Enregistrements"));
		for (s = -1; s < (long)r->nsites; s++)
			if ((c = report_cell(r, (size_t)a, s, p)) != NULL)
				td_records(h, c);
			else
				fputs("<td></td>", h->f);
		fputs("</tr>\n", h->f);
		for (i = 0; i < r->ninds; i++) {
			fputs("<tr>", h->f);
			th(h, "row", report_ind_label(r, i));
			for (s = -1; s < (long)r->nsites; s++)
				if ((c = report_cell(r, (size_t)a, s, p)) !=
				    NULL)
					td_value(h, c, i);
				else
					fputs("<td></td>", h->f);
			fputs("</tr>\n", h->f);
		}
		fputs("</tbody></table></div>\n", h->f);
	}
	unshown_notes(h, "campaign");
	fputs("</section>\n", h->f);
}

static void
table_site_period(struct html *h, size_t axis, size_t ind)
{
	const struct report *r = h->r;
	const struct rpt_axis *a = &r->axes[axis];
	const struct rpt_cell *c;
	struct tally t;
	char what[320];
	size_t p;
	long s;

	tally_count(r, axis, -1, (long)r->nsites, &ind, 1, &t);
	if (t.released == 0) {
		snprintf(what, sizeof what, L(r, "for \"%s\" by site and %s",
		    "pour « %s » par site et par %s"), report_ind_label(r, ind),
		    kind_word(r, a->kind));
		empty_note(h, "site-period", what, &t);
		return;
	}
	fputs("<div class=\"scroll\"><table class=\"data\"><caption>", h->f);
	esc(h->f, report_ind_label(r, ind));
	fputs("</caption>\n<thead><tr>", h->f);
	th(h, "col", L(r, "Site", "Site"));
	for (p = 0; p < a->n; p++)
		th_period(h, "col", axis_cell(r, axis, p));
	fputs("</tr></thead>\n<tbody>\n", h->f);
	for (s = -1; s < (long)r->nsites; s++) {
		fputs("<tr>", h->f);
		th(h, "row", report_site_label(r, s));
		for (p = 0; p < a->n; p++)
			if ((c = report_cell(r, axis, s, p)) != NULL)
				td_value(h, c, ind);
			else
				fputs("<td></td>", h->f);
		fputs("</tr>\n", h->f);
	}
	fputs("</tbody></table></div>\n", h->f);
}

static void
section_site_period(struct html *h)
{
	long a = report_axis(h->r, "month");
	size_t j;

	if (a < 0)
		return;
	fprintf(h->f, "<section id=\"site-month\">\n<h2>%s</h2>\n",
	    L(h->r, "By site and month", "Par site et par mois"));
	for (j = 0; j < h->r->ncols; j++)
		table_site_period(h, (size_t)a, h->r->cols[j]);
	fputs("</section>\n", h->f);
}

/* The (status, reason) pairs present, with how many values each. */
struct seen {
	enum tv_verdict v;
	size_t n;
};

static size_t
seen_collect(const struct report *r, struct seen *out, size_t cap)
{
	struct rpt_value v;
	size_t i, j, k, n = 0;

	for (i = 0; i < r->ncells; i++)
		for (j = 0; j < r->ninds; j++) {
			report_value(r, &r->cells[i], j, &v);
			if (v.v == TV_V_RELEASE)
				continue;
			for (k = 0; k < n && out[k].v != v.v; k++)
				;
			if (k == n && n < cap)
				out[n++] = (struct seen){ v.v, 0 };
			if (k < n)
				out[k].n++;
		}
	return n;
}

static void
legend_item(struct html *h, const struct seen *s)
{
	const char *reason = tv_verdict_reason(s->v);
	json_t *pv = json_object_get(h->r->policy, reason);

	if (TV_VERDICT_RELEASED(s->v))
		fprintf(h->f, "<li><span class=\"sw%s\">%s</span> ",
		    released_class(s->v), s->v == TV_V_REVISION ? "r" :
		    "\xc2\xb1");
	else
		fprintf(h->f, "<li><svg width=\"22\" height=\"16\" "
		    "aria-hidden=\"true\"><rect width=\"22\" height=\"16\" "
		    "fill=\"url(#tv-hatch-%c)\" stroke=\"#555\"/><text "
		    "class=\"mk\" x=\"11\" y=\"12\" text-anchor=\"middle\">"
		    "%c</text></svg> ", mark_letter(s->v),
		    mark_letter(s->v));
	fputs("<b>", h->f);
	esc(h->f, status_word(h->r, s->v));
	fputs("</b> <code>", h->f);
	esc(h->f, reason);
	fputs("</code>: ", h->f);
	esc(h->f, report_reason_text(h->r, s->v));
	if (json_is_integer(pv)) {
		fputs(" (", h->f);
		esc(h->f, reason);
		fprintf(h->f, " = %lld)", (long long)json_integer_value(pv));
	}
	fprintf(h->f, L(h->r, " \xe2\x80\x94 %zu values.</li>\n",
	    " \xe2\x80\x94 %zu valeurs.</li>\n"), s->n);
}

/* The follow-up indicators, named, and how they count. */
static void
history_item(struct html *h)
{
	const struct report *r = h->r;
	size_t j, n = 0;

	if (!report_history_cols(r))
		return;
	fprintf(h->f, "<li data-history=\"1\"><span class=\"sw\">"
	    "\xe2\x86\xbb</span> <b>%s</b> (", L(r, "follow-up",
	    "suivi"));
	for (j = 0; j < r->ncols; j++)
		if (r->history[r->cols[j]]) {
			fputs(n++ ? ", " : "", h->f);
			esc(h->f, report_ind_label(r, r->cols[j]));
		}
	fputs("): ", h->f);
	esc(h->f, report_history_text(r));
	fputs("</li>\n", h->f);
}

static void
section_reading(struct html *h)
{
	struct seen seen[32];
	size_t i, n = seen_collect(h->r, seen, 32);

	fprintf(h->f, "<section id=\"reading\">\n<h2>%s</h2>\n<p>%s</p>\n"
	    "<ul class=\"marks\">\n", L(h->r, "How to read this report",
	    "Comment lire ce rapport"), L(h->r, "Figures are counts "
	    "decrypted from encrypted sums; no individual record is ever "
	    "published.  A value not released is never shown as 0: it is a "
	    "hatched mark with a letter, in tables and charts alike.",
	    "Les valeurs sont des comptes déchiffrés à partir de sommes "
	    "chiffrées ; aucun enregistrement individuel n'est publié.  Une "
	    "valeur non publiée n'est jamais affichée comme 0 : c'est une "
	    "marque hachurée avec une lettre, dans les tableaux comme dans "
	    "les graphiques."));
	for (i = 0; i < n; i++)
		legend_item(h, &seen[i]);
	if (n == 0)
		fprintf(h->f, "<li>%s</li>\n", L(h->r, "Every value of this "
		    "release is released.", "Toutes les valeurs de cette "
		    "publication sont publiées."));
	fprintf(h->f, "<li><svg width=\"22\" height=\"16\" aria-hidden=\"true\">"
	    "<rect width=\"22\" height=\"16\" fill=\"url(#tv-partial)\" "
	    "stroke=\"#555\"/></svg> %s</li>\n<li><span class=\"sw\">"
	    "\xe2\x80\x94</span> %s</li>\n", L(h->r, "<b>partial</b>: a period "
	    "cut by the campaign's start or end (\"partial: 1 of 4 weeks\"); "
	    "its figures cover only the campaign's part of it, so a small "
	    "figure there is no fall.", "<b>partielle</b> : une période coupée "
	    "par le début ou la fin de la campagne (« partielle : 1 sur 4 "
	    "semaines ») ; ses valeurs n'en couvrent que la part de la campagne : "
	    "une petite valeur n'y est pas une baisse."), L(h->r, "a count of "
	    "people per week or month is not added up over longer periods: "
	    "a person who came in two months would be counted twice.",
	    "un compte de personnes par semaine ou par mois n'est pas additionné "
	    "sur des périodes plus longues : une personne venue deux mois "
	    "serait comptée deux fois."));
	history_item(h);
	fputs("</ul>\n</section>\n", h->f);
}

static const char css[] =
	":root{color-scheme:light}\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif;color:#1a1a1a;"
	"background:#fff;margin:0 auto;max-width:1180px;padding:12px 24px;"
	"line-height:1.4}\n"
	"h1{font-size:1.6em;margin:.2em 0}\n"
	"h2{font-size:1.25em;margin:1.4em 0 .5em;padding-bottom:.15em;"
	"border-bottom:2px solid #0b5cad}\n"
	"dl.facts{display:grid;grid-template-columns:max-content auto;"
	"gap:.1em 1em;margin:.5em 0}\n"
	"dl.facts dt{font-weight:600}dl.facts dd{margin:0;"
	"overflow-wrap:anywhere}\n"
	".scroll{overflow-x:auto}\n"
	"table.data{border-collapse:collapse;margin:.4em 0 1.2em;"
	"font-variant-numeric:tabular-nums}\n"
	"table.data caption{text-align:left;font-weight:600;padding:.2em 0}\n"
	"table.data th,table.data td{border:1px solid #8a8a8a;"
	"padding:.15em .5em}\n"
	"table.data thead th{background:#e3ebf5}\n"
	"table.data tbody th{text-align:left;font-weight:normal;"
	"background:#f5f5f5}\n"
	"td.v{text-align:right}.noisy{font-style:italic}\n"
	"td.na{text-align:center;color:#555}\n"
	"th.partial{background:#eef3f8}th small{font-weight:normal;"
	"color:#333}\n"
	"p.empty{padding:.5em .8em;border-left:4px solid #6a6a6a;"
	"background:#f4f4f4}\n"
	"p.note{font-size:.92em;margin:.2em 0}\n"
	"svg .pl{font-size:11px;font-style:italic;fill:#24405e}\n"
	"svg .bar.partial{fill:#8fb3da;stroke:#0b5cad}\n"
	"svg .pt.partial{stroke-width:1.8}\n"
	".revised{font-weight:bold}\n"
	"td.mark{text-align:center;font-weight:700;background:"
	"repeating-linear-gradient(45deg,#fff 0 3px,#bdbdbd 3px 5px)}\n"
	"td.mark-w{background:repeating-linear-gradient(45deg,transparent 0 "
	"3px,#d9a44f 3px 4px),repeating-linear-gradient(-45deg,#fff 0 3px,"
	"#d9a44f 3px 4px)}\n"
	"td.mark abbr{background:#fff;padding:0 .3em;border-radius:3px;"
	"text-decoration:none}\n"
	"svg.chart{max-width:100%;height:auto;background:#fff}\n"
	"svg text{font-size:11px;fill:#222}\n"
	"svg .grid{stroke:#dcdcdc}svg .zero{stroke:#444}\n"
	"svg .ln{fill:none;stroke-width:2.2}\n"
	"svg .bar{fill:#0b5cad}\n"
	"svg .mark rect{stroke:#555;stroke-width:.6}\n"
	"svg .mk{font-weight:700;font-size:11px;fill:#111;paint-order:stroke;"
	"stroke:#fff;stroke-width:3px}\n"
	"figure{margin:.6em 0 1em}figcaption{font-weight:600;margin:.2em 0}\n"
	".mults{display:flex;flex-wrap:wrap;gap:6px 18px}\n"
	"ul.legend,ul.marks{list-style:none;padding:0;margin:.4em 0}\n"
	"ul.legend{display:flex;flex-wrap:wrap;gap:.2em 1.4em}\n"
	"ul.marks li{margin:.25em 0}ul.marks svg{vertical-align:middle}\n"
	".sw{display:inline-block;width:22px;text-align:center}\n"
	"details{margin:.3em 0 1em}summary{cursor:pointer}\n"
	"footer{margin-top:2em;font-size:.9em;color:#333;"
	"border-top:1px solid #aaa}\n";

static const char defs[] =
	"<svg width=\"0\" height=\"0\" style=\"position:absolute\" "
	"aria-hidden=\"true\" focusable=\"false\"><defs>\n"
	"<pattern id=\"tv-hatch-s\" width=\"6\" height=\"6\" "
	"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	"<rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/><line x1=\"0\" "
	"y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#6a6a6a\" stroke-width=\"2.4\"/>"
	"</pattern>\n"
	"<pattern id=\"tv-partial\" width=\"8\" height=\"8\" "
	"patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" "
	"fill=\"#eef3f8\"/><circle cx=\"4\" cy=\"4\" r=\"1\" "
	"fill=\"#7d9cbf\"/></pattern>\n"
	"<pattern id=\"tv-hatch-w\" width=\"6\" height=\"6\" "
	"patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" "
	"fill=\"#fbf1e0\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#a0660a\" "
	"stroke-width=\"1.2\"/></pattern>\n"
	"</defs></svg>\n";

static void
fact(struct html *h, const char *name, const char *value)
{
	fputs("<dt>", h->f);
	esc(h->f, name);
	fputs("</dt><dd>", h->f);
	esc(h->f, value);
	fputs("</dd>\n", h->f);
}

static void
policy_facts(struct html *h)
{
	const char *key;
	json_t *v;
	char *s;

	json_object_foreach(h->r->policy, key, v) {
		s = json_is_string(v) ? xstrdup(json_string_value(v)) :
		    json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (s == NULL)
			die("out of memory");
		fact(h, key, s);
		free(s);
	}
}

static void
head(struct html *h)
{
	const struct report *r = h->r;
	char t[40], d0[11], d1[11];

	fprintf(h->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"tallyvan aggregator report\">\n"
	    "<title>", r->lang);
	esc(h->f, report_title(r));
	fprintf(h->f, " \xe2\x80\x94 %s ", L(r, "evaluation report",
	    "rapport d'évaluation"));
	esc(h->f, r->as_of);
	fprintf(h->f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n%s"
	    "<header>\n<h1>", css, defs);
	esc(h->f, report_title(r));
	fprintf(h->f, "</h1>\n<p>%s</p>\n<dl class=\"facts\">\n", L(r,
	    "Evaluation report: released indicators, by site and period.",
	    "Rapport d'évaluation : indicateurs publiés, par site et par "
	    "période."));
	fact(h, L(r, "Campaign", "Campagne"), r->campaign);
	tv_day_format(d0, r->start);
	tv_day_format(d1, r->end);
	snprintf(t, sizeof t, "%s \xe2\x80\x93 %s", d0, d1);
	fact(h, L(r, "Campaign period", "Période de la campagne"), t);
	fact(h, L(r, "As of", "Au"), r->as_of);
	if (r->campaign_id != NULL)
		fact(h, L(r, "Campaign id", "Identifiant de campagne"),
		    r->campaign_id);
	snprintf(t, sizeof t, "%lld", r->threshold);
	if (r->threshold > 0)
		fact(h, L(r, "Trustees needed to decrypt",
		    "Tiers de confiance requis"), t);
	policy_facts(h);
	fputs("</dl>\n</header>\n<main>\n", h->f);
}

static void
footer(struct html *h)
{
	fprintf(h->f, "</main>\n<footer>\n<p>%s</p>\n</footer>\n</body>\n"
	    "</html>\n", L(h->r, "Made by <code>aggregator report "
	    "--html</code> from <code>release.json</code>.  Anyone can check "
	    "the release against its signed batches and proofs with "
	    "<code>trustee verify DIR</code>.", "Produit par <code>aggregator report --html</code> "
	    "à partir de <code>release.json</code>.  Chacun peut vérifier la "
	    "publication contre ses lots signés et ses preuves avec "
	    "<code>trustee verify DIR</code>."));
}

int
report_html(const struct report *r, FILE *out)
{
	struct html h = { r, out, 0 };

	head(&h);
	section_reading(&h);
	section_totals(&h);
	section_over_time(&h);
	section_multiples(&h);
	section_site_period(&h);
	footer(&h);
	return ferror(out) ? error("cannot format the HTML report") : 0;
}
