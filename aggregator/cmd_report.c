/* SPDX-License-Identifier: MIT */
/*
 * aggregator report: a release for evaluators -- readable tables for a
 * terminal (default), a self-contained HTML page with SVG charts, or a
 * DHIS2 dataValueSets file.  What is not released shows as "supp." or
 * "withh." -- never as 0.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/report.h"
#include "common/util.h"
#include "proto/calendar.h"

#define MAP_MAX_BYTES (4u << 20)

struct report_opts {
	const char *html, *dhis2, *map, *bundle;
	char *list;
	unsigned seen;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator report [--lang fr|en] [--indicators a,b,...]\n"
	    "           [--campaign CAMPAIGN.json] [--html OUT.html]\n"
	    "           [--dhis2 OUT.json --dhis2-map MAP.json] RELEASE.json\n\n"
	    "Without --html or --dhis2, prints the campaign totals, then "
	    "tables by\nsite, by month and by site and month.  --html writes "
	    "one self-contained\npage with charts; --dhis2 DHIS2 "
	    "dataValueSets imports of the released\nvalues, one file "
	    "OUT-KIND.json per data set of MAP.json (week, month,\nquarter; "
	    "docs/evaluator-guide.md).  What is not released shows as\n"
	    "'supp.' (suppressed) or 'withh.' (withheld), never 0.  "
	    "--indicators chooses\nthe columns and charts (default: the "
	    "first 5).  The plan (title, period,\nlanguage) is read from the "
	    "campaign.json beside RELEASE.json, or from\nCAMPAIGN.json; "
	    "--lang defaults to the plan's language.\n");
	exit(code);
}

static void
value_str(const struct report *r, char *out, size_t n,
    const struct rpt_cell *c, size_t ind)
{
	struct rpt_value v;

	if (!report_shown(r, ind, c->period)) {
		snprintf(out, n, "-");
		return;
	}
	report_value(r, c, ind, &v);
	if (v.released)
		snprintf(out, n, "%lld", v.value);
	else
		snprintf(out, n, "%s", tv_verdict_status(v.v) ==
		    TV_STATUS_WITHHELD ?
		    "withh." : "supp.");
}

/* Why a dash: a count of people per P is not added up over longer
 * periods. */
static void
print_unshown(const struct report *r, const char *kind)
{
	char why[256];
	size_t i;

	for (i = 0; i < r->ninds; i++)
		if (!report_shown(r, i, kind)) {
			report_unshown_text(r, i, why, sizeof why);
			printf("  - %s: %s\n", report_ind_label(r, i), why);
		}
}

static void
print_totals(const struct report *r)
{
	const struct rpt_cell *c;
	long a = report_axis(r, "campaign");
	size_t i;
	char v[32];

	if (a < 0 || (c = report_cell(r, (size_t)a, -1, 0)) == NULL)
		return;
	printf("\n%s (%s .. %s)\n", L(r, "Campaign totals, all sites",
	    "Totaux de la campagne, tous sites"), c->first, c->last);
	for (i = 0; i < r->ninds; i++) {
		value_str(r, v, sizeof v, c, i);
		printf("  %-58s %8s\n", report_ind_label(r, i), v);
	}
	print_unshown(r, "campaign");
}

static void
print_row(const struct report *r, const struct rpt_cell *c, int all_sites)
{
	char v[32], row[160], part[80];
	size_t j;

	report_partial_text(r, c, part, sizeof part);
	snprintf(row, sizeof row, "%s %s%s%s%s", all_sites ? "" :
	    report_site_label(r, c->site_ix), c->label, *part ? " (" : "",
	    part, *part ? ")" : "");
	if (c->records >= 0)
		snprintf(v, sizeof v, "%lld", c->records);
	else
		value_str(r, v, sizeof v, c, r->cols[0]);
	printf("%-52s %7s", row, v);
	for (j = 0; j < r->ncols; j++) {
		value_str(r, v, sizeof v, c, r->cols[j]);
		printf(" %12s", v);
	}
	printf("\n");
}

static void
print_table(const struct report *r, const char *title, const char *kind,
    int all_sites)
{
	const struct rpt_cell *c;
	long a = report_axis(r, kind), s;
	size_t j;

	if (a < 0)
		return;
	printf("\n%s\n%-52s %7s", title, "", L(r, "records", "enreg."));
	for (j = 0; j < r->ncols; j++)
		printf(" %*s[%zu]", 9 - (j + 1 > 9), "", j + 1);
	printf("\n");
	for (s = all_sites ? -1 : 0; s < (all_sites ? 0 : (long)r->nsites);
	    s++)
		for (j = 0; j < r->axes[a].n; j++)
			if ((c = report_cell(r, (size_t)a, s, j)) != NULL)
				print_row(r, c, all_sites);
}

static void
report_text(const struct report *r)
{
	size_t i;

	char d0[11], d1[11];

	tv_day_format(d0, r->start);
	tv_day_format(d1, r->end);
	printf("%s\n%s %s (%s .. %s) -- %s %s\n", report_title(r), L(r,
	    "campaign", "campagne"), r->campaign, d0, d1, L(r, "as of", "au"),
	    r->as_of);
	print_totals(r);
	printf("\n%s\n", L(r, "Columns of the tables below:",
	    "Colonnes des tableaux ci-dessous :"));
	for (i = 0; i < r->ncols; i++)
		printf("  [%zu] %s%s\n", i + 1, report_ind_label(r, r->cols[i]),
		    r->history[r->cols[i]] ? " (*)" : "");
	if (report_history_cols(r))
		printf("  (*) %s\n", report_history_text(r));
	print_table(r, L(r, "By site, whole campaign",
	    "Par site, toute la campagne"), "campaign", 0);
	print_table(r, L(r, "By month, all sites", "Par mois, tous sites"),
	    "month", 1);
	print_table(r, L(r, "By site and month", "Par site et par mois"),
	    "month", 0);
}

/* Render into memory, then write the file atomically. */
static int
write_out(const struct report *r, const char *path, json_t *map,
    const char *kind, struct dhis2_counts *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL)
		die("out of memory");
	rc = map != NULL ? report_dhis2(r, map, kind, f, n) :
	    report_html(r, f);
	if (fclose(f) != 0)
		die("out of memory");
	if (rc == 0 && file_write_atomic(path, buf, len, FILE_PUBLIC) != 0)
		rc = error("cannot write '%s'", path);
	free(buf);
	if (rc == 0 && map == NULL)
		note("%s: HTML report written", path);
	return rc;
}

/* OUT.json -> OUT-week.json, ...: one file per data set. */
static int
write_dhis2(const struct report *r, const char *out, json_t *map)
{
	const char *kinds[3];
	size_t i, n, base = strlen(out);
	char *path;
	int rc = 0;

	if (report_dhis2_kinds(r, map, kinds, &n) != 0)
		return -1;
	if (base > 5 && !strcmp(out + base - 5, ".json"))
		base -= 5;
	for (i = 0; rc == 0 && i < n; i++) {
		struct dhis2_counts c = { 0 };

		path = xmalloc(base + strlen(kinds[i]) + sizeof "-.json");
		sprintf(path, "%.*s-%s.json", (int)base, out, kinds[i]);
		if ((rc = write_out(r, path, map, kinds[i], &c)) == 0)
			note("%s: %zu values for DHIS2 (data set %s); left "
			    "out: %zu not released, %zu of other org units "
			    "(level, unmapped site), %zu without a DHIS2 "
			    "period; %zu "
			    "negative noisy values sent as 0", path,
			    c.exported, kinds[i], c.not_released, c.unmapped,
			    c.no_period, c.clamped);
		free(path);
	}
	return rc;
}

static json_t *
map_load(const char *path)
{
	json_error_t jerr;
	json_t *m;
	uint8_t *buf;
	size_t len;

	if (file_read(path, MAP_MAX_BYTES, &buf, &len) != 0)
		die("cannot read '%s'", path);
	m = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (m == NULL)
		die("'%s': line %d: %s", path, jerr.line, jerr.text);
	return m;
}

static void
opt_once(struct report_opts *o, int ch)
{
	unsigned bit = 1u << (ch - 'a');

	if (o->seen & bit) {
		error("an option is given twice");
		usage(2);
	}
	o->seen |= bit;
}

static void
opts_parse(struct report_opts *o, struct report *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "indicators", required_argument, NULL, 'i' },
		{ "html", required_argument, NULL, 'w' },
		{ "dhis2", required_argument, NULL, 'd' },
		{ "dhis2-map", required_argument, NULL, 'm' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch != 'h' && ch != '?')
			opt_once(o, ch);
		switch (ch) {
		case 'l':
			if (strcmp(optarg, "fr") && strcmp(optarg, "en"))
				usage(2);
			r->lang = *optarg == 'f' ? "fr" : "en";
			break;
		case 'i': o->list = optarg; break;
		case 'w': o->html = optarg; break;
		case 'd': o->dhis2 = optarg; break;
		case 'm': o->map = optarg; break;
		case 'c': o->bundle = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind + 1 != argc || (o->dhis2 == NULL) != (o->map == NULL))
		usage(2);
}

int
cmd_report(int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct report r = { 0 };
	json_t *map = NULL;
	int rc = 0;

	opts_parse(&o, &r, argc, argv);
	if (o.map != NULL)
		map = map_load(o.map);
	if (report_load(&r, argv[optind], o.bundle) != 0) {
		json_decref(map);
		return 2;
	}
	if (report_columns(&r, o.list) != 0)
		rc = 2;
	else if (o.html == NULL && o.dhis2 == NULL)
		report_text(&r);
	if (rc == 0 && o.html != NULL && write_out(&r, o.html, NULL, NULL,
	    NULL) != 0)
		rc = 2;
	if (rc == 0 && o.dhis2 != NULL && write_dhis2(&r, o.dhis2, map) != 0)
		rc = 2;
	json_decref(map);
	report_release(&r);
	return rc;
}
