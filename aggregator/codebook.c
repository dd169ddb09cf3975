/* SPDX-License-Identifier: MIT */
/*
 * codebook.c - release-codebook.csv: what each indicator of a release
 * counts, for an evaluator who has release.csv and not the plan.  The
 * definition is written from the plan's rule (its predicate, distinct
 * period and scope), so it cannot disagree with what was counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/publish.h"
#include "common/util.h"
#include "proto/plan.h"

/* One predicate in words: field and choice ids, as in the plan. */
static void
pred_text(FILE *f, const struct tv_plan *p, const struct tv_pred *w,
    int nested)
{
	const struct tv_field *fd;
	const char *sep = "";
	uint32_t i, n = 0;

	switch (w->op) {
	case TV_PRED_TRUE:
		fputs("true", f);
		return;
	case TV_PRED_NOT:
		fputs("not (", f);
		pred_text(f, p, &w->kids[0], 0);
		fputs(")", f);
		return;
	case TV_PRED_ALL:
	case TV_PRED_ANY:
		fputs(nested ? "(" : "", f);
		for (i = 0; i < w->nkids; i++) {
			fputs(i == 0 ? "" : w->op == TV_PRED_ALL ? " and " :
			    " or ", f);
			pred_text(f, p, &w->kids[i], 1);
		}
		fputs(nested ? ")" : "", f);
		return;
	default:
		break;
	}
	fd = &p->fields[w->field];
	fprintf(f, "%s %s ", fd->id, fd->type == TV_FIELD_SET ? "includes" :
	    "is");
	for (i = 0; i < fd->nchoices && i < 64; i++)
		if (w->mask & (UINT64_C(1) << i))
			n++;
	for (i = 0; i < fd->nchoices && i < 64; i++) {
		if (!(w->mask & (UINT64_C(1) << i)))
			continue;
		fprintf(f, "%s%s", sep, fd->choices[i].id);
		sep = --n == 1 ? " or " : ", ";
	}
}

static void
definition(FILE *f, const struct tv_plan *p, const struct tv_indicator *ind)
{
	int campaign = ind->distinct == TV_PERIOD_CAMPAIGN;

	if (ind->distinct == TV_PERIOD_NONE)
		fputs("Visits", f);
	else
		fprintf(f, "Distinct people %s%s with a visit",
		    campaign ? "over the " : "per ", campaign ? "campaign" :
		    tv_period_name(ind->distinct));
	if (ind->when.op != TV_PRED_TRUE) {
		fputs(" where ", f);
		pred_text(f, p, &ind->when, 0);
	}
	if (ind->distinct == TV_PERIOD_NONE)
		fputs(" (each visit counted)", f);
	else
		fprintf(f, " (a person counted once%s per %s)", campaign ? "" :
		    " per period and", ind->scope == TV_SCOPE_SITE ? "site" :
		    "collector device");
}

/* s as one RFC 4180 field: quoted when it holds a comma, quote or line
 * end, quotes doubled. */
static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *
codebook_csv(const struct tv_plan *p, size_t *len)
{
	char *buf = NULL, *def = NULL;
	size_t dlen = 0;
	FILE *f = open_memstream(&buf, len), *d;
	uint32_t i;

	if (f == NULL)
		die("out of memory");
	fputs("indicator,label_fr,label_en,definition\n", f);
	for (i = 0; i < p->nindicators; i++) {
		if ((d = open_memstream(&def, &dlen)) == NULL)
			die("out of memory");
		definition(d, p, &p->indicators[i]);
		if (fclose(d) != 0)
			die("out of memory");
		csv_field(f, p->indicators[i].id);
		fputc(',', f);
		csv_field(f, p->indicators[i].label.fr);
		fputc(',', f);
		csv_field(f, p->indicators[i].label.en);
		fputc(',', f);
		csv_field(f, def);
		fputc('\n', f);
		free(def);
		def = NULL;
	}
	if (fclose(f) != 0)
		die("out of memory");
	return buf;
}
