/* SPDX-License-Identifier: MIT */
/*
 * csvimport.c - the CSV parsing of `collector import` (see csvimport.h).
 * Moved out of cmd_import.c so that a fuzzer can drive it; the command
 * keeps its behaviour: the same messages, the same exit codes.
 */
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sodium.h>

#include "collector/csvimport.h"
#include "common/util.h"
#include "crypto/err.h"

/* libcsv's field buffer holds personal data: wipe every block it drops.
 * Each block carries its size in front. */
static void *
wiping_realloc(void *p, size_t n)
{
	size_t *old = p ? (size_t *)p - 1 : NULL, *nb;

	if ((nb = malloc(n + sizeof(size_t))) == NULL)
		return NULL;
	*nb = n;
	if (old != NULL) {
		memcpy(nb + 1, old + 1, *old < n ? *old : n);
		sodium_memzero(old, *old + sizeof(size_t));
		free(old);
	}
	return nb + 1;
}

static void
wiping_free(void *p)
{
	size_t *old = p ? (size_t *)p - 1 : NULL;

	if (old != NULL) {
		sodium_memzero(old, *old + sizeof(size_t));
		free(old);
	}
}

static void
import_error(struct csv_import *im, const char *msg)
{
	if (im->bad++ < CSV_MAX_ERRORS && im->report != NULL)
		im->report(im->report_ctx, im->line, msg);
}

static void
on_field(void *field, size_t len, void *ctx)
{
	struct csv_import *im = ctx;
	char err[256];

	(void)len;
	if (im->fatal[0] != 0)
		return;
	if (im->line == 1) {
		if (im->ncols == CSV_MAX_COLS) {
			snprintf(im->fatal, sizeof im->fatal,
			    "line 1: more than %d columns", CSV_MAX_COLS);
			return;
		}
		im->cols[im->ncols++] = xstrdup(field ? field : "");
		return;
	}
	if (im->col >= im->ncols) {
		if (im->col++ == im->ncols)
			import_error(im, "more values than header columns");
		return;
	}
	if (field != NULL && ((char *)field)[0] != 0 &&
	    visit_set(im->plan, im->v, im->cols[im->col], field, err,
	    sizeof err) != 0)
		import_error(im, err);
	im->col++;
}

static void
header_check(struct csv_import *im)
{
	const struct tv_plan *p = im->plan;
	size_t i;

	for (i = 0; i < im->ncols; i++)
		if (strcmp(im->cols[i], "date") && strcmp(im->cols[i], "site") &&
		    tv_plan_identity_index(p, im->cols[i]) < 0 &&
		    tv_plan_field_index(p, im->cols[i]) < 0) {
			snprintf(im->fatal, sizeof im->fatal,
			    "line 1: column '%s' is not a field of the plan",
			    im->cols[i]);
			return;
		}
}

/* End of a row: check the visit unless one of its fields was already
 * reported, with the row's own line number. */
static void
on_row(int c, void *ctx)
{
	struct csv_import *im = ctx;
	char err[256];

	(void)c;
	if (im->fatal[0] != 0)
		return;
	if (im->line == 1) {
		im->line++;
		im->row_bad = im->bad;
		header_check(im);
		return;
	}
	if (im->bad == im->row_bad && visit_check(im->plan, im->v, err,
	    sizeof err) != 0)
		import_error(im, err);
	if (im->t != NULL && im->rc == 0 && im->bad == 0)
		im->rc = capture_txn(im->t, im->d, im->v, NULL);
	im->line++;
	im->row_bad = im->bad;
	im->rows++;
	im->col = 0;
	sodium_memzero(im->v, sizeof *im->v);
}

void
csv_import_init(struct csv_import *im, const struct tv_plan *plan,
    const struct device *d, csv_report_fn report, void *report_ctx)
{
	memset(im, 0, sizeof *im);
	im->plan = plan;
	im->d = d;
	im->report = report;
	im->report_ctx = report_ctx;
	im->v = visit_new();
}

static void
cols_free(struct csv_import *im)
{
	size_t i;

	for (i = 0; i < im->ncols; i++)
		free(im->cols[i]);
	im->ncols = 0;
}

int
csv_import_parse(struct csv_import *im, const char *text, size_t len)
{
	struct csv_parser cp;
	char msg[256];

	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		die("out of memory");
	csv_set_realloc_func(&cp, wiping_realloc);
	csv_set_free_func(&cp, wiping_free);
	cols_free(im);
	im->col = im->rows = im->bad = im->row_bad = 0;
	im->line = 1;
	im->rc = 0;
	im->fatal[0] = 0;
	sodium_memzero(im->v, sizeof *im->v);
	if (csv_parse(&cp, text, len, on_field, on_row, im) != len ||
	    csv_fini(&cp, on_field, on_row, im) != 0) {
		if (im->fatal[0] == 0 && im->report != NULL) {
			snprintf(msg, sizeof msg, "%s",
			    csv_strerror(csv_error(&cp)));
			im->report(im->report_ctx, im->line, msg);
		}
		im->bad++;
	}
	csv_free(&cp);
	if (im->fatal[0] != 0)
		return TV_ERR_RANGE;
	return im->bad == 0 ? im->rc : TV_ERR_FORMAT;
}

void
csv_import_release(struct csv_import *im)
{
	cols_free(im);
	visit_free(im->v);
	im->v = NULL;
}
