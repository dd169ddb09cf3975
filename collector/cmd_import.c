/* SPDX-License-Identifier: MIT */
/*
 * collector import: bulk entry from a CSV file, all or none.
 *
 * All or none, because a partial import followed by an import of the
 * corrected file would record the good lines twice and count their people
 * twice.  The file is parsed with libcsv once to find every bad line
 * (reported with its line number and field, never its content), then,
 * inside one store transaction, once per day of its visits, in date order,
 * to capture that day's visits in file order: a person's visits are
 * captured in date order even when the file is not in it (history
 * conditions see the visits captured before, docs/formats.md §1.9b), and
 * a date-ordered file is captured exactly in its own order.  Nothing
 * typed is kept between the passes.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "collector/csvimport.h"
#include "common/util.h"
#include "crypto/err.h"

#define CSV_FILE_MAX (64u << 20)

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector import --dir DIR [--passphrase-file FILE] "
	    "VISITS.csv\n\n"
	    "Records every visit of the file, or none if any line is wrong\n"
	    "(each error is reported with its line number and field).  Header\n"
	    "row: date, site, the plan's identity fields and form fields, in\n"
	    "any order, separated by ',' or ';' (the header line says which);\n"
	    "a UTF-8 byte-order mark and CRLF line ends are fine.  Sets are\n"
	    "written a|b|c, bools yes/no, dates as the plan's language reads\n"
	    "them (French: DD/MM/YYYY) or YYYY-MM-DD.\n");
	exit(code);
}

static void
report_line(void *ctx, unsigned line, const char *msg)
{
	(void)ctx;
	error("line %u: %s", line, msg);
}

/* What the import transaction needs (tv_store_write's ctx). */
struct import_ctx {
	struct csv_import *im;
	const char *text;	/* the whole file, in guarded memory */
	size_t len;
};

static int
import_fn(struct tv_txn *t, void *ctx)
{
	const struct import_ctx *x = ctx;
	int32_t day = INT32_MIN;
	int rc = 0;

	x->im->t = t;
	while (rc == 0 && csv_import_next_day(x->im, day, &day)) {
		x->im->only_day = day;
		rc = csv_import_parse(x->im, x->text, x->len);
	}
	x->im->only_day = INT32_MIN;
	return rc;
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
cmd_import(struct setup *su, int argc, char **argv)
{
	struct csv_import im;
	struct device *d = &su->d;
	char *text;
	size_t len;
	struct import_ctx x;
	int rc, ret = 1;

	argv = options_none(argc, argv, 1, usage);
	text = read_csv(argv[0], &len);
	if (csv_text_utf8(&text, &len))
		fprintf(stderr, "%s: '%s' is not UTF-8: read as Windows-1252 "
		    "(Excel's \"CSV\" on Windows)\n", progname, argv[0]);
	csv_import_init(&im, d->c->plan, d, report_line, NULL);
	if ((rc = csv_import_parse(&im, text, len)) == TV_ERR_RANGE)
		die("%s", im.fatal);
	if (rc != 0) {
		error("nothing recorded: %u line%s wrong (%u error%s%s) in "
		    "'%s' (all or none, so the corrected file can be imported "
		    "again)", im.bad_lines, im.bad_lines == 1 ? " is" :
		    "s are", im.bad, im.bad == 1 ? "" : "s",
		    im.bad > CSV_MAX_ERRORS ? ", the first "
		    CSV_MAX_ERRORS_STR " listed" : "", argv[0]);
		goto out;
	}
	x = (struct import_ctx){ &im, text, len };
	if ((rc = tv_store_write(d->st, import_fn, &x)) != 0) {
		error("nothing recorded: %s %s", tv_strerror(rc),
		    tv_store_errmsg(d->st));
		ret = 2;
		goto out;
	}
	printf("recorded %u visits\n", im.rows);
	ret = 0;
out:
	csv_import_release(&im);
	sodium_free(text);
	return ret;
}
