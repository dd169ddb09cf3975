/* SPDX-License-Identifier: MIT */
/*
 * aggregator report: a release as readable tables for a terminal.
 * Suppressed values print as "supp." -- never as 0.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aggregator/aggregator.h"
#include "common/util.h"

#define REPORT_MAX_BYTES (64u << 20)
#define MAX_COLS 16

struct report {
	json_t *root, *cells;
	const char *lang;
	const char *cols[MAX_COLS];
	size_t ncols;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator report [--lang fr|en] [--indicators a,b,...] "
	    "RELEASE.json\n\n"
	    "Prints the campaign totals, then tables by site, by month and by\n"
	    "site and month.  Suppressed values show as 'supp.'.\n");
	exit(code);
}

static const char *
label_of(const struct report *r, const char *kind, const char *id)
{
	json_t *arr = json_object_get(json_object_get(r->root, "labels"),
	    kind), *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return json_string_value(json_object_get(
			    json_object_get(e, "label"), r->lang));
	return id;
}

static void
value_str(char *out, size_t n, json_t *cell, const char *ind)
{
	json_t *v = json_object_get(json_object_get(cell, "values"), ind);

	if (v == NULL || json_object_get(v, "value") == NULL)
		snprintf(out, n, "supp.");
	else
		snprintf(out, n, "%lld", (long long)json_integer_value(
		    json_object_get(v, "value")));
}

static void
print_totals(const struct report *r)
{
	json_t *c, *inds = json_object_get(json_object_get(r->root, "labels"),
	    "indicators"), *e;
	size_t i, j;
	char v[32];

	json_array_foreach(r->cells, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "site")), "all")
		    || strcmp(json_string_value(json_object_get(c, "period")),
		    "campaign"))
			continue;
		printf("\n%s (%s .. %s)\n", !strcmp(r->lang, "fr") ?
		    "Totaux de la campagne, tous sites" :
		    "Campaign totals, all sites",
		    json_string_value(json_object_get(c, "first_day")),
		    json_string_value(json_object_get(c, "last_day")));
		json_array_foreach(inds, j, e) {
			const char *id = json_string_value(json_object_get(e,
			    "id"));

			value_str(v, sizeof v, c, id);
			printf("  %-58s %8s\n", label_of(r, "indicators", id),
			    v);
		}
	}
}

static void
print_table(const struct report *r, const char *title, const char *period,
    int all_sites)
{
	json_t *c;
	size_t i, j;
	char v[32], row[96];
	const char *site;

	printf("\n%s\n%-40s %7s", title, "", "records");
	for (j = 0; j < r->ncols; j++)
		printf(" %*s[%zu]", 9 - (j + 1 > 9), "", j + 1);
	printf("\n");
	json_array_foreach(r->cells, i, c) {
		site = json_string_value(json_object_get(c, "site"));
		if (strcmp(json_string_value(json_object_get(c, "period")),
		    period) || (!strcmp(site, "all")) != all_sites)
			continue;
		snprintf(row, sizeof row, "%s %s", all_sites ? "" :
		    label_of(r, "sites", site), json_string_value(
		    json_object_get(c, "period_label")));
		if (json_object_get(c, "records") != NULL)
			snprintf(v, sizeof v, "%lld", (long long)
			    json_integer_value(json_object_get(c, "records")));
		else
			snprintf(v, sizeof v, "supp.");
		printf("%-40.40s %7s", row, v);
		for (j = 0; j < r->ncols; j++) {
			value_str(v, sizeof v, c, r->cols[j]);
			printf(" %12s", v);
		}
		printf("\n");
	}
}

static void
columns_set(struct report *r, char *list)
{
	json_t *inds = json_object_get(json_object_get(r->root, "labels"),
	    "indicators"), *e;
	char *tok, *save = NULL;
	size_t i;

	if (list == NULL) {
		json_array_foreach(inds, i, e)
			if (r->ncols < 5)
				r->cols[r->ncols++] = json_string_value(
				    json_object_get(e, "id"));
		return;
	}
	for (tok = strtok_r(list, ",", &save); tok && r->ncols < MAX_COLS;
	    tok = strtok_r(NULL, ",", &save))
		r->cols[r->ncols++] = tok;
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "indicators", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r = { .lang = "en" };
	json_error_t jerr;
	char *list = NULL;
	uint8_t *buf;
	size_t len, i;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': r.lang = strcmp(optarg, "fr") ? "en" : "fr"; break;
		case 'i': list = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind + 1 != argc)
		usage(2);
	if (file_read(argv[optind], REPORT_MAX_BYTES, &buf, &len) != 0)
		die("cannot read '%s'", argv[optind]);
	r.root = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (r.root == NULL || !json_is_array(r.cells = json_object_get(r.root,
	    "cells")))
		die("'%s' is not a tallyvan release", argv[optind]);
	columns_set(&r, list);
	printf("%s -- as of %s\n", json_string_value(json_object_get(r.root,
	    "campaign")), json_string_value(json_object_get(r.root, "as_of")));
	print_totals(&r);
	printf("\nColumns of the tables below:\n");
	for (i = 0; i < r.ncols; i++)
		printf("  [%zu] %s\n", i + 1, label_of(&r, "indicators",
		    r.cols[i]));
	print_table(&r, "By site, whole campaign", "campaign", 0);
	print_table(&r, "By month, all sites", "month", 1);
	print_table(&r, "By site and month", "month", 0);
	json_decref(r.root);
	return 0;
}
