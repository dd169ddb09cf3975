/* SPDX-License-Identifier: MIT */
/*
 * collector import: bulk entry from a CSV file, all or none.
 *
 * All or none, because a partial import followed by an import of the
 * corrected file would record the good lines twice and count their people
 * twice.  The file is parsed twice with libcsv: once to find every bad line
 * (reported with its line number and field, never its content), then,
 * inside one store transaction, to capture every visit.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sodium.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/err.h"

#define CSV_FILE_MAX (64u << 20)
#define CSV_MAX_COLS 128
#define CSV_MAX_ERRORS 50

struct import {
	const struct device *d;
	struct tv_txn *t;		/* pass 2 only */
	char *cols[CSV_MAX_COLS];	/* header names */
	size_t ncols, col;
	unsigned line, bad, rows;
	int capture;			/* 0: check, 1: capture */
	int rc;				/* first capture error */
	struct visit *v;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector import --dir DIR [--passphrase-file FILE] "
	    "VISITS.csv\n\n"
	    "Records every visit of the file, or none if any line is wrong\n"
	    "(each wrong line is reported with its number and field).  Header\n"
	    "row: date, site, the plan's identity fields and form fields, in\n"
	    "any order; sets are written a|b|c, bools yes/no.\n");
	exit(code);
}

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
import_error(struct import *im, const char *msg)
{
	if (im->bad++ < CSV_MAX_ERRORS)
		error("line %u: %s", im->line, msg);
}

static void
on_field(void *field, size_t len, void *ctx)
{
	struct import *im = ctx;
	char err[256];

	(void)len;
	if (im->line == 1) {
		if (im->ncols == CSV_MAX_COLS)
			die("line 1: more than %d columns", CSV_MAX_COLS);
		im->cols[im->ncols++] = xstrdup(field ? field : "");
		return;
	}
	if (im->col >= im->ncols) {
		if (im->col++ == im->ncols)
			import_error(im, "more values than header columns");
		return;
	}
	if (field != NULL && ((char *)field)[0] != 0 &&
	    visit_set(im->d->c->plan, im->v, im->cols[im->col], field, err,
	    sizeof err) != 0)
		import_error(im, err);
	im->col++;
}

static void
header_check(struct import *im)
{
	const struct tv_plan *p = im->d->c->plan;
	size_t i;

	for (i = 0; i < im->ncols; i++)
		if (strcmp(im->cols[i], "date") && strcmp(im->cols[i], "site") &&
		    tv_plan_identity_index(p, im->cols[i]) < 0 &&
		    tv_plan_field_index(p, im->cols[i]) < 0)
			die("line 1: column '%s' is not a field of the plan",
			    im->cols[i]);
}

static void
on_row(int c, void *ctx)
{
	struct import *im = ctx;
	unsigned bad = im->bad;
	char err[256];

	(void)c;
	if (im->line++ == 1) {
		header_check(im);
		return;
	}
	if (bad == im->bad && visit_check(im->d->c->plan, im->v, err,
	    sizeof err) != 0)
		import_error(im, err);
	if (im->capture && im->rc == 0 && im->bad == 0)
		im->rc = capture_txn(im->t, im->d, im->v, NULL);
	im->rows++;
	im->col = 0;
	sodium_memzero(im->v, sizeof *im->v);
}

static int
import_parse(struct import *im, const char *text, size_t len)
{
	struct csv_parser cp;
	size_t i;

	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		die("out of memory");
	csv_set_realloc_func(&cp, wiping_realloc);
	csv_set_free_func(&cp, wiping_free);
	for (i = 0; i < im->ncols; i++)
		free(im->cols[i]);
	im->ncols = im->col = im->rows = im->bad = 0;
	im->line = 1;
	im->rc = 0;
	if (csv_parse(&cp, text, len, on_field, on_row, im) != len ||
	    csv_fini(&cp, on_field, on_row, im) != 0) {
		error("line %u: %s", im->line, csv_strerror(csv_error(&cp)));
		im->bad++;
	}
	csv_free(&cp);
	return im->bad == 0 ? im->rc : TV_ERR_FORMAT;
}

static int
import_fn(struct tv_txn *t, void *ctx)
{
	void **a = ctx;
	struct import *im = a[0];

	im->t = t;
	im->capture = 1;
	return import_parse(im, a[1], *(size_t *)a[2]);
}

static char *
read_csv(const char *path, size_t *len)
{
	uint8_t *buf;
	char *sec;
	int rc;

	if ((rc = file_read(path, CSV_FILE_MAX, &buf, len)) != 0)
		die("cannot read '%s': %s", path, tv_strerror(rc));
	if ((sec = sodium_malloc(*len + 1)) == NULL)
		die("out of secure memory");
	memcpy(sec, buf, *len + 1);
	sodium_memzero(buf, *len);
	free(buf);
	return sec;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *passfile = NULL;
	struct import im = { 0 };
	struct device d;
	char *text;
	size_t len, i;
	void *ctx[3];
	int ch, rc, ret = 1;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'P': passfile = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind + 1 != argc)
		usage(2);
	device_open(&d, dir, passfile, DEVICE_UNLOCK);
	text = read_csv(argv[optind], &len);
	im.d = &d;
	im.v = visit_new();
	if (import_parse(&im, text, len) != 0) {
		error("nothing recorded: %u line(s) of '%s' are wrong (all or "
		    "none, so the corrected file can be imported again)",
		    im.bad, argv[optind]);
		goto out;
	}
	ctx[0] = &im;
	ctx[1] = text;
	ctx[2] = &len;
	if ((rc = tv_store_write(d.st, import_fn, ctx)) != 0) {
		error("nothing recorded: %s %s", tv_strerror(rc),
		    tv_store_errmsg(d.st));
		ret = 2;
		goto out;
	}
	printf("recorded %u visits\n", im.rows);
	ret = 0;
out:
	for (i = 0; i < im.ncols; i++)
		free(im.cols[i]);
	visit_free(im.v);
	sodium_free(text);
	device_close(&d);
	return ret;
}
