/* SPDX-License-Identifier: MIT */
/*
 * csvimport.h - parsing a CSV file of visits (libcsv), for `collector
 * import` and for its fuzzer (tests/fuzz/fuzz_csv.c).
 *
 * Header row: date, site, the plan's identity fields and form fields, in
 * any order, separated by ',' or ';' (the header line says which); a
 * leading UTF-8 byte-order mark is dropped; CR, LF or CRLF end lines
 * (docs/formats.md Part I §1.14).  csv_import_parse() runs one pass over
 * the text: it checks every row (bad lines are reported through report(),
 * with their number and field, never their content) and, when im->t is
 * set, captures every visit (of day only_day, unless it is INT32_MIN)
 * into that write transaction as long as no line was bad.  The days of
 * the good rows are remembered, so that a caller can capture day by day:
 * in date order, whatever the file's order, as history conditions and
 * distinct counts need (docs/formats.md Part I §1.9b).
 */
#ifndef TV_CSVIMPORT_H
#define TV_CSVIMPORT_H

#include <stddef.h>

#include "collector/collector.h"

#define CSV_MAX_COLS 128
#define CSV_MAX_ERRORS 50
#define CSV_MAX_ERRORS_STR "50"

/* Called for the first CSV_MAX_ERRORS bad lines. */
typedef void (*csv_report_fn)(void *ctx, unsigned line, const char *msg);

struct csv_import {
	const struct tv_plan *plan;
	const struct device *d;		/* capture only */
	struct tv_txn *t;		/* set: capture into this txn */
	csv_report_fn report;
	void *report_ctx;
	char *cols[CSV_MAX_COLS];	/* header names */
	size_t ncols, col;
	unsigned line, bad, rows;	/* bad: errors, maybe several a line */
	unsigned bad_lines;		/* lines with at least one error */
	unsigned row_bad;		/* bad when the current row began */
	int row_values;			/* the row has a non-empty cell */
	int row_extra;			/* non-empty cells past the header */
	int last_term;			/* what ended the last row */
	int header_done;		/* the header row was read */
	unsigned char delim;		/* ',' or ';', from the header line */
	unsigned char col_bad[CSV_MAX_COLS];	/* reported on this row */
	int32_t only_day;		/* capture this day's rows only */
	uint8_t *days;			/* bit: a good row of campaign day */
	int rc;				/* first capture error */
	char fatal[256];		/* a header error: nothing else counts */
	struct visit *v;
};

/* d may be NULL when only checking (then plan must be given). */
void csv_import_init(struct csv_import *im, const struct tv_plan *plan,
    const struct device *d, csv_report_fn report, void *report_ctx);
/*
 * One pass over text.  Returns 0, TV_ERR_FORMAT if any line is bad
 * (im->bad_lines of them, with im->bad errors in all; every error of a
 * line is reported, the first CSV_MAX_ERRORS of the file), TV_ERR_RANGE
 * if the header row is unusable (message in im->fatal: more than
 * CSV_MAX_COLS columns, or a column that is not a field of the plan), or
 * the first capture error.  im->rows counts the
 * data rows.
 */
int csv_import_parse(struct csv_import *im, const char *text, size_t len);
/* The first day after `after` that a good row of the last pass had:
 * 1 and *day, or 0 when there is none. */
int csv_import_next_day(const struct csv_import *im, int32_t after,
    int32_t *day);
/*
 * A file that is not UTF-8 but reads as Windows-1252 (Excel's "CSV" on
 * Windows) is converted: *text (sodium_malloc'd, NUL-terminated) is
 * replaced by its UTF-8 in a new guarded buffer, the old one wiped and
 * freed.  1 if converted; 0 if left as it is (UTF-8 already, or neither:
 * then each wrong value is reported by line).
 */
int csv_text_utf8(char **text, size_t *len);
/* Frees the header names and wipes the visit; accepts a zeroed im. */
void csv_import_release(struct csv_import *im);

#endif
