/* SPDX-License-Identifier: MIT */
/*
 * A release read for the evaluators' renderers: structure checked once,
 * cells indexed by (period kind, site, period), values looked up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "aggregator/report.h"
#include "common/util.h"
#include "proto/calendar.h"
#include "proto/campaign.h"
#include "proto/plan.h"

#define REPORT_MAX_BYTES (256u << 20)
#define NONE ((size_t)-1)

static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
labels_load(json_t *arr, struct rpt_label **out, size_t *n, const char *what)
{
	json_t *e, *lab;
	size_t i;

	if (!json_is_array(arr))
		return error("labels: no '%s' list", what);
	*n = json_array_size(arr);
	*out = xcalloc(*n ? *n : 1, sizeof **out);
	json_array_foreach(arr, i, e) {
		if (((*out)[i].id = str_of(e, "id")) == NULL)
			return error("labels: %s %zu has no id", what, i + 1);
		lab = json_object_get(e, "label");
		(*out)[i].fr = str_of(lab, "fr");
		(*out)[i].en = str_of(lab, "en");
	}
	return 0;
}

/* An integer given as a JSON integer or as a decimal string: 0, or -1. */
static int
int_of(json_t *v, long long *out)
{
	const char *s = json_string_value(v);
	char *end;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (s == NULL || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && end[-1] != '-' ? 0 : -1;
}

static int
day_get(const char *s, int32_t *d)
{
	return s != NULL && tv_day_parse(s, d) == 0;
}

/* A value inside a released cell: a known verdict, and a number iff
 * released. */
static int
value_check(json_t *v, const char *cell, const char *ind)
{
	json_t *val = json_object_get(v, "value");
	enum tv_verdict vd;
	long long n;

	if (!json_is_object(v) || tv_verdict_parse(str_of(v, "status"),
	    str_of(v, "reason"), &vd) != 0)
		return error("cell %s: no known status and reason for '%s'",
		    cell, ind);
	if (TV_VERDICT_RELEASED(vd) && int_of(val, &n) != 0)
		return error("cell %s: '%s' released without a value", cell,
		    ind);
	if (!TV_VERDICT_RELEASED(vd) && val != NULL)
		return error("cell %s: '%s' is %s but carries a value", cell,
		    ind, str_of(v, "status"));
	return 0;
}

static long
site_index(const struct report *r, const char *site)
{
	size_t i;

	if (!strcmp(site, "all"))
		return -1;
	for (i = 0; i < r->nsites; i++)
		if (!strcmp(r->sites[i].id, site))
			return (long)i;
	return -2;
}

static int
cell_load(struct report *r, json_t *o, struct rpt_cell *c, size_t k)
{
	json_t *recs = json_object_get(o, "records");
	size_t i;

	c->site = str_of(o, "site");
	c->period = str_of(o, "period");
	c->label = str_of(o, "period_label");
	c->first = str_of(o, "first_day");
	c->last = str_of(o, "last_day");
	if (c->site == NULL || c->period == NULL || c->label == NULL ||
	    tv_verdict_parse(str_of(o, "status"), str_of(o, "reason"),
	    &c->v) != 0 || !day_get(c->first, &c->first_day) ||
	    !day_get(c->last, &c->last_day))
		return error("cell %zu: missing or malformed field", k + 1);
	c->status = tv_status_name(tv_verdict_status(c->v));
	c->reason = tv_verdict_reason(c->v);
	if ((c->site_ix = site_index(r, c->site)) == -2)
		return error("cell %zu: unknown site", k + 1);
	c->records = -1;
	if (!TV_VERDICT_RELEASED(c->v)) {
		if (recs != NULL || json_object_get(o, "values") != NULL)
			return error("cell %zu is %s but carries values",
			    k + 1, c->status);
		return 0;
	}
	c->values = json_object_get(o, "values");
	if (int_of(recs, &c->records) != 0 || !json_is_object(c->values))
		return error("cell %zu: released without records or values",
		    k + 1);
	for (i = 0; i < r->ninds; i++)
		if (value_check(json_object_get(c->values, r->inds[i].id),
		    c->label, r->inds[i].id) != 0)
			return -1;
	return 0;
}

/* Period kinds in a fixed order; unknown kinds after, as they come. */
static int
kind_rank(const char *kind)
{
	static const char *const order[] = { "day", "week", "month",
	    "quarter", "year", "campaign" };
	size_t i;

	for (i = 0; i < sizeof order / sizeof *order; i++)
		if (!strcmp(order[i], kind))
			return (int)i;
	return 99;
}

/* On pointers to the cells: the comparator needs no context (no
 * file-scope global, no qsort_r). */
static int
cell_cmp(const void *a, const void *b)
{
	const struct rpt_cell *x = *(const struct rpt_cell *const *)a,
	    *y = *(const struct rpt_cell *const *)b;
	int d;

	if ((d = kind_rank(x->period) - kind_rank(y->period)) != 0)
		return d;
	if ((d = strcmp(x->period, y->period)) != 0)
		return d;
	if ((d = strcmp(x->first, y->first)) != 0)
		return d;
	return strcmp(x->label, y->label);
}

static void
axis_push(struct rpt_axis *a, const struct rpt_cell *c)
{
	a->labels = realloc(a->labels, (a->n + 1) * sizeof *a->labels);
	a->first = realloc(a->first, (a->n + 1) * sizeof *a->first);
	a->last = realloc(a->last, (a->n + 1) * sizeof *a->last);
	if (a->labels == NULL || a->first == NULL || a->last == NULL)
		die("out of memory");
	a->kind = c->period;
	a->labels[a->n] = c->label;
	a->first[a->n] = c->first;
	a->last[a->n] = c->last;
	a->n++;
}

/* Sort cells by (kind, first day, label); one axis per kind. */
static void
axes_build(struct report *r, struct rpt_cell **order)
{
	struct rpt_axis *a = NULL;
	struct rpt_cell *c, *prev = NULL;
	size_t i;

	for (i = 0; i < r->ncells; i++)
		order[i] = &r->cells[i];
	qsort(order, r->ncells, sizeof *order, cell_cmp);
	r->axes = xcalloc(r->ncells ? r->ncells : 1, sizeof *r->axes);
	for (i = 0; i < r->ncells; i++) {
		c = order[i];
		if (prev == NULL || strcmp(prev->period, c->period)) {
			a = &r->axes[r->naxes++];
			axis_push(a, c);
		} else if (strcmp(prev->label, c->label) ||
		    strcmp(prev->first, c->first))
			axis_push(a, c);
		c->axis = r->naxes - 1;
		c->pix = a->n - 1;
		prev = c;
	}
}

static int
grid_build(struct report *r)
{
	const struct rpt_cell *c;
	size_t i, j, w = r->nsites + 1, *g;

	r->grid = xcalloc(r->naxes ? r->naxes : 1, sizeof *r->grid);
	for (i = 0; i < r->naxes; i++) {
		r->grid[i] = xcalloc(w * r->axes[i].n, sizeof **r->grid);
		for (j = 0; j < w * r->axes[i].n; j++)
			r->grid[i][j] = NONE;
	}
	for (i = 0; i < r->ncells; i++) {
		c = &r->cells[i];
		g = &r->grid[c->axis][(size_t)(c->site_ix + 1) *
		    r->axes[c->axis].n + c->pix];
		if (*g != NONE)
			return error("cell %zu repeats %s %s %s", i + 1,
			    c->site, c->period, c->label);
		*g = i;
	}
	return 0;
}

static int
report_check(struct report *r)
{
	json_t *cells = json_object_get(r->root, "cells"), *o;
	json_t *labels = json_object_get(r->root, "labels");
	struct rpt_cell **order;
	size_t i;
	int rc;

	r->campaign = str_of(r->root, "campaign");
	r->as_of = str_of(r->root, "as_of");
	r->campaign_id = str_of(r->root, "campaign_id");
	r->format = str_of(r->root, "format");
	r->threshold = json_integer_value(json_object_get(r->root,
	    "threshold"));
	r->policy = json_object_get(r->root, "policy");
	if (r->campaign == NULL || r->as_of == NULL || !json_is_array(cells))
		return error("no campaign, as_of or cells");
	if (r->policy != NULL && !json_is_object(r->policy))
		return error("policy is not an object");
	if (labels_load(json_object_get(labels, "indicators"), &r->inds,
	    &r->ninds, "indicators") != 0 || labels_load(json_object_get(
	    labels, "sites"), &r->sites, &r->nsites, "sites") != 0)
		return -1;
	r->ncells = json_array_size(cells);
	r->cells = xcalloc(r->ncells ? r->ncells : 1, sizeof *r->cells);
	json_array_foreach(cells, i, o)
		if (cell_load(r, o, &r->cells[i], i) != 0)
			return -1;
	order = xcalloc(r->ncells ? r->ncells : 1, sizeof *order);
	axes_build(r, order);
	free(order);
	rc = grid_build(r);
	return rc;
}

static json_t *
json_file(const char *path, size_t cap)
{
	json_error_t jerr;
	json_t *j;
	uint8_t *buf;
	size_t len;

	if (file_read(path, cap, &buf, &len) != 0) {
		error("cannot read '%s'", path);
		return NULL;
	}
	j = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (j == NULL)
		error("'%s': line %d: %s", path, jerr.line, jerr.text);
	return j;
}

/* What each indicator of the release is, from the plan: its distinct
 * period, and whether it looks at the person's earlier visits. */
static int
indicators_take(struct report *r, const struct tv_plan *p)
{
	size_t i;
	uint32_t k;

	r->distinct = xcalloc(r->ninds ? r->ninds : 1, sizeof *r->distinct);
	r->history = xcalloc(r->ninds ? r->ninds : 1, sizeof *r->history);
	for (i = 0; i < r->ninds; i++) {
		for (k = 0; k < p->nindicators; k++)
			if (!strcmp(p->indicators[k].id, r->inds[i].id))
				break;
		if (k == p->nindicators)
			return error("campaign.json: no indicator '%s' in the "
			    "plan", r->inds[i].id);
		r->distinct[i] = (int)p->indicators[k].distinct;
		r->history[i] = tv_pred_has_history(&p->indicators[k].when);
	}
	return 0;
}

/* What the report takes from the campaign bundle, loaded as every
 * program loads it (tv_campaign_load: the plan parsed, the keys checked,
 * the id recomputed, each signature verified), signed by every trustee,
 * and this release's campaign: a bundle that says otherwise cannot put
 * its titles, periods or indicators under this release's figures. */
static int
campaign_take(struct report *r, const char *path)
{
	const struct tv_plan *p;
	char err[512], hex[65];

	if (tv_campaign_load(&r->camp, path, err, sizeof err) != 0)
		return error("%s", err);
	if (!tv_campaign_complete(r->camp))
		return error("'%s': not signed by every trustee", path);
	sodium_bin2hex(hex, sizeof hex, r->camp->id, sizeof r->camp->id);
	if (r->campaign_id == NULL || strcmp(hex, r->campaign_id) != 0)
		return error("the campaign bundle is not this release's "
		    "campaign (campaign_id differs)");
	p = r->camp->plan;
	r->title_fr = p->title.fr;
	r->title_en = p->title.en;
	r->start = p->start_day;
	r->end = p->end_day;
	if (r->lang == NULL)
		r->lang = p->language == TV_LANG_FR ? "fr" : "en";
	return indicators_take(r, p);
}

int
report_load(struct report *r, const char *path, const char *bundle)
{
	const char *slash = strrchr(path, '/');
	char *own = NULL;

	if ((r->root = json_file(path, REPORT_MAX_BYTES)) == NULL)
		return -1;
	if (!json_is_object(r->root) || report_check(r) != 0) {
		report_release(r);
		return error("'%s' is not a tallyvan release", path);
	}
	if (bundle == NULL) {
		own = xmalloc(strlen(path) + sizeof "campaign.json");
		sprintf(own, "%.*scampaign.json", slash != NULL ? (int)(slash -
		    path + 1) : 0, path);
		bundle = own;
	}
	if (campaign_take(r, bundle) != 0) {
		error("'%s': no plan for this release (the campaign.json "
		    "published with it; --campaign FILE)", bundle);
		free(own);
		report_release(r);
		return -1;
	}
	free(own);
	return 0;
}

void
report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->naxes; i++) {
		free(r->axes[i].labels);
		free(r->axes[i].first);
		free(r->axes[i].last);
		if (r->grid != NULL)
			free(r->grid[i]);
	}
	free(r->grid);
	free(r->axes);
	free(r->cells);
	free(r->inds);
	free(r->sites);
	free(r->distinct);
	free(r->history);
	json_decref(r->root);
	tv_campaign_free(r->camp);
	r->camp = NULL;
	r->root = NULL;
	r->distinct = NULL;
	r->history = NULL;
	r->grid = NULL;
	r->axes = NULL;
	r->cells = NULL;
	r->inds = r->sites = NULL;
	r->naxes = r->ncells = r->ninds = r->nsites = 0;
}

int
report_columns(struct report *r, char *list)
{
	char *tok, *save = NULL;
	size_t i;

	r->ncols = 0;
	if (list == NULL) {
		for (i = 0; i < r->ninds && r->ncols < 5; i++)
			r->cols[r->ncols++] = i;
		return 0;
	}
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < r->ninds; i++)
			if (!strcmp(r->inds[i].id, tok))
				break;
		if (i == r->ninds)
			return error("no indicator '%s' in this release", tok);
		if (r->ncols == REPORT_MAX_COLS)
			return error("at most %d indicators", REPORT_MAX_COLS);
		r->cols[r->ncols++] = i;
	}
	return r->ncols ? 0 : error("no indicator selected");
}

static const char *
label_pick(const struct report *r, const struct rpt_label *l)
{
	const char *s = *r->lang == 'f' ? l->fr : l->en;

	if (s == NULL)
		s = *r->lang == 'f' ? l->en : l->fr;
	return s != NULL ? s : l->id;
}

const char *
report_ind_label(const struct report *r, size_t ind)
{
	return label_pick(r, &r->inds[ind]);
}

const char *
report_site_label(const struct report *r, long site_ix)
{
	if (site_ix < 0)
		return L(r, "All sites", "Tous sites");
	return label_pick(r, &r->sites[site_ix]);
}

const char *
report_title(const struct report *r)
{
	struct rpt_label l = { r->campaign, r->title_fr, r->title_en };

	return label_pick(r, &l);
}

/* Period kinds from finest to coarsest; the campaign is the coarsest. */
static int
kind_order(const char *kind)
{
	int k = tv_period_from_name(kind);

	return k < 0 ? TV_PERIOD_CAMPAIGN : k;
}

int
report_shown(const struct report *r, size_t ind, const char *kind)
{
	int d = r->distinct != NULL ? r->distinct[ind] : TV_PERIOD_NONE;

	return d == TV_PERIOD_NONE || kind_order(kind) <= d;
}

int
report_partial(const struct report *r, const struct rpt_cell *c, int *in,
    int *of)
{
	int32_t s = c->first_day > r->start ? c->first_day : r->start;
	int32_t e = c->last_day < r->end ? c->last_day : r->end;
	int32_t len = c->last_day - c->first_day + 1;

	if (r->distinct == NULL || !strcmp(c->period, "campaign") ||
	    (c->first_day >= r->start && c->last_day <= r->end))
		return 0;
	if (e < s) {
		*in = 0;
		*of = len % 7 || len == 7 ? len : len / 7;
		return 1;
	}
	if (len % 7 != 0 || len == 7) {
		*in = e - s + 1;
		*of = len;
	} else {
		*in = (e - c->first_day) / 7 - (s - c->first_day) / 7 + 1;
		*of = len / 7;
	}
	return 1;
}

void
report_partial_text(const struct report *r, const struct rpt_cell *c,
    char *out, size_t n)
{
	int in, of, days = c->last_day - c->first_day + 1;

	*out = '\0';
	if (!report_partial(r, c, &in, &of))
		return;
	if (days % 7 != 0 || days == 7)
		snprintf(out, n, L(r, "partial: %d of %d days", "partielle : "
		    "%d sur %d jours"), in, of);
	else
		snprintf(out, n, L(r, "partial: %d of %d weeks", "partielle : "
		    "%d sur %d semaines"), in, of);
}

/* A period kind's name in the report's language. */
static const char *
kind_name(const struct report *r, int k)
{
	static const char *const t[][2] = { [TV_PERIOD_DAY] = { "day",
	    "jour" }, [TV_PERIOD_WEEK] = { "week", "semaine" },
	    [TV_PERIOD_MONTH] = { "month", "mois" }, [TV_PERIOD_QUARTER] = {
	    "quarter", "trimestre" }, [TV_PERIOD_YEAR] = { "year", "année" },
	    [TV_PERIOD_CAMPAIGN] = { "campaign", "campagne" } };

	return k > 0 && k <= TV_PERIOD_CAMPAIGN ? L(r, t[k][0], t[k][1]) :
	    "?";
}

void
report_unshown_text(const struct report *r, size_t ind, char *out,
    size_t n)
{
	const char *p = kind_name(r, r->distinct[ind]);

	snprintf(out, n, L(r, "counts each person once per %s: a total over "
	    "a longer period would count people several times; shown per %s "
	    "or shorter only", "compte chaque personne une fois par %s : un "
	    "total sur une période plus longue compterait des personnes "
	    "plusieurs fois ; affiché par %s ou plus court seulement"), p, p);
}

long
report_axis(const struct report *r, const char *kind)
{
	size_t i;

	for (i = 0; i < r->naxes; i++)
		if (!strcmp(r->axes[i].kind, kind))
			return (long)i;
	return -1;
}

const struct rpt_cell *
report_cell(const struct report *r, size_t axis, long site_ix, size_t pix)
{
	size_t k;

	if (axis >= r->naxes || pix >= r->axes[axis].n || site_ix < -1 ||
	    site_ix >= (long)r->nsites)
		return NULL;
	k = r->grid[axis][(size_t)(site_ix + 1) * r->axes[axis].n + pix];
	return k == NONE ? NULL : &r->cells[k];
}

void
report_value(const struct report *r, const struct rpt_cell *c, size_t ind,
    struct rpt_value *v)
{
	json_t *o;

	memset(v, 0, sizeof *v);
	v->v = c->v;
	o = json_object_get(c->values, r->inds[ind].id);
	/* Checked at load (value_check): a known pair. */
	if (c->values != NULL)
		(void)tv_verdict_parse(str_of(o, "status"), str_of(o,
		    "reason"), &v->v);
	v->status = tv_status_name(tv_verdict_status(v->v));
	v->reason = tv_verdict_reason(v->v);
	if ((v->released = TV_VERDICT_RELEASED(v->v)))
		(void)int_of(json_object_get(o, "value"), &v->value);
}

const char *
report_reason_text(const struct report *r, enum tv_verdict v)
{
	static const char *const t[TV_V_COUNT][2] = {
		[TV_V_RELEASE] = { "released", "publiée" },
		[TV_V_MIN_COHORT] = { "fewer records in the cell than the "
		  "minimum cohort: never decrypted", "moins d'enregistrements "
		  "dans la case que l'effectif minimum : jamais déchiffrée" },
		[TV_V_DIFFERENCING] = { "hidden so that no suppressed figure "
		  "can be recomputed by subtraction", "masquée pour qu'aucune "
		  "valeur masquée ne puisse être retrouvée par soustraction" },
		[TV_V_SECONDARY] = { "hidden so that no suppressed figure can "
		  "be recomputed from totals and subtotals", "masquée pour "
		  "qu'aucune valeur masquée ne puisse être retrouvée à partir "
		  "des totaux et sous-totaux" },
		[TV_V_MIN_CELL] = { "value under the plan's minimum shown "
		  "value", "valeur sous le minimum affichable du plan" },
		[TV_V_NOT_CLOSED] = { "period not closed yet: released later",
		  "période pas encore close : publiée plus tard" },
		[TV_V_RELEASED_BEFORE] = { "already published by an earlier "
		  "release", "déjà publiée par une publication précédente" },
		[TV_V_REVISION] = { "revised: replaces the figure published "
		  "earlier, with at least the minimum cohort of late records",
		  "révisée : remplace la valeur publiée précédemment, avec au "
		  "moins l'effectif minimum d'enregistrements tardifs" },
		[TV_V_NO_QUORUM] = { "not enough trustees decrypted it",
		  "pas assez de tiers de confiance pour la déchiffrer" },
	};

	return (unsigned)v < TV_V_COUNT ? L(r, t[v][0], t[v][1]) : "?";
}

int
report_history_cols(const struct report *r)
{
	size_t j;

	for (j = 0; r->history != NULL && j < r->ncols; j++)
		if (r->history[r->cols[j]])
			return 1;
	return 0;
}

const char *
report_history_text(const struct report *r)
{
	return L(r, "counted from each person's earlier visits to the same "
	    "van (a history kept sealed on the tablet, never sent): a return "
	    "is counted at the return visit, in its period; a visit typed "
	    "after later ones of the same person sees only the visits dated "
	    "before it.  A count of people who never came back is a "
	    "difference: people received minus people seen twice or more.",
	    "comptés d'après les venues précédentes de chaque personne au "
	    "même bus (un historique gardé scellé sur la tablette, jamais "
	    "envoyé) : un retour est compté à la venue de retour, dans sa "
	    "période ; une venue saisie après des venues plus récentes de la "
	    "même personne ne voit que les venues datées avant elle.  Le "
	    "nombre de personnes jamais revenues est une différence : "
	    "personnes reçues moins personnes venues deux fois ou plus.");
}
