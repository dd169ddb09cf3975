/* SPDX-License-Identifier: MIT */
/*
 * csvimport.c - the CSV parsing of `collector import` (see csvimport.h).
 * Moved out of cmd_import.c so that a fuzzer can drive it.
 *
 * Files come from spreadsheets: Excel's "CSV UTF-8" starts with a
 * byte-order mark, French Excel separates with ';', Windows ends lines
 * with CRLF, and rows of empty cells trail behind a table.  The mark is
 * dropped, the separator is read from the header line (ids hold neither
 * ',' nor ';', so the header says which it is), libcsv takes CR, LF and
 * CRLF alike, and a row of empty cells is skipped.  Excel's plain "CSV"
 * on Windows is Windows-1252, not UTF-8: such a file is converted
 * (glibc's iconv, into guarded memory) before it is read.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sodium.h>
#include <unistr.h>

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

/* Errors and wrong lines are counted apart: a line may have several. */
static void
import_error(struct csv_import *im, const char *msg)
{
	if (im->bad == im->row_bad)
		im->bad_lines++;
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
	if (!im->header_done) {
		if (im->ncols == CSV_MAX_COLS) {
			snprintf(im->fatal, sizeof im->fatal,
			    "line %u: more than %d columns", im->line,
			    CSV_MAX_COLS);
			return;
		}
		im->cols[im->ncols++] = xstrdup(field ? field : "");
		return;
	}
	if (field != NULL && ((char *)field)[0] != 0)
		im->row_values = 1;
	/* Empty cells past the header are what spreadsheets leave. */
	if (im->col >= im->ncols) {
		if (field != NULL && ((char *)field)[0] != 0 &&
		    !im->row_extra++)
			import_error(im, "more values than header columns");
		im->col++;
		return;
	}
	if (field != NULL && ((char *)field)[0] != 0 &&
	    visit_set(im->plan, im->v, im->cols[im->col], field, err,
	    sizeof err) != 0) {
		im->col_bad[im->col] = 1;
		import_error(im, err);
	}
	im->col++;
}

/* A header name for a message: printable ASCII only, every other byte
 * (a BOM, a zero-width space) shown as '?', cut to cap - 1 bytes. */
static void
printable(char *out, size_t cap, const char *s)
{
	size_t j;

	for (j = 0; j < cap - 1 && s[j] != 0; j++)
		out[j] = s[j] >= 0x20 && s[j] < 0x7f ? s[j] : '?';
	out[j] = 0;
}

static void
header_check(struct csv_import *im)
{
	const struct tv_plan *p = im->plan;
	char name[48];
	size_t i;

	for (i = 0; i < im->ncols; i++)
		if (strcmp(im->cols[i], "date") && strcmp(im->cols[i], "site") &&
		    tv_plan_identity_index(p, im->cols[i]) < 0 &&
		    tv_plan_field_index(p, im->cols[i]) < 0) {
			printable(name, sizeof name, im->cols[i]);
			snprintf(im->fatal, sizeof im->fatal,
			    "line %u: column '%s' is not a field of the plan",
			    im->line, name);
			return;
		}
}

/* visit_check_each's problems, but not for a column already reported on
 * this line (a wrong value is not also "missing"). */
static void
on_problem(void *ctx, const char *name, const char *msg)
{
	struct csv_import *im = ctx;
	char err[256];
	size_t i;

	for (i = 0; i < im->ncols; i++)
		if (im->col_bad[i] && strcmp(im->cols[i], name) == 0)
			return;
	snprintf(err, sizeof err, "%s: %s", name, msg);
	import_error(im, err);
}

static void
row_reset(struct csv_import *im)
{
	im->line++;
	im->row_bad = im->bad;
	im->row_values = im->row_extra = 0;
	im->col = 0;
	memset(im->col_bad, 0, sizeof im->col_bad);
	sodium_memzero(im->v, sizeof *im->v);
}

static void
day_mark(struct csv_import *im, int32_t day)
{
	uint32_t k = (uint32_t)(day - im->plan->start_day);

	im->days[k / 8] |= (uint8_t)(1u << k % 8);
}

int
csv_import_next_day(const struct csv_import *im, int32_t after,
    int32_t *day)
{
	const struct tv_plan *p = im->plan;
	int32_t d = after < p->start_day ? p->start_day : after + 1;
	uint32_t k;

	for (; d <= p->end_day; d++) {
		k = (uint32_t)(d - p->start_day);
		if (im->days[k / 8] >> k % 8 & 1) {
			*day = d;
			return 1;
		}
	}
	return 0;
}

/* End of a row: report every problem of the visit not yet reported, with
 * the row's own line number; capture it if the file is right so far. */
static void
on_row(int c, void *ctx)
{
	struct csv_import *im = ctx;
	int after_cr = im->last_term == '\r';

	im->last_term = c;
	if (im->fatal[0] != 0)
		return;
	/* CSV_REPALL_NL reports every line end, so that blank lines keep
	 * the numbering right; the LF of a CRLF is not a line of its own. */
	if (after_cr && c == '\n' && im->col == 0 && !im->row_values)
		return;
	if (!im->header_done) {
		/* Blank lines above the header are counted, not read. */
		if ((im->header_done = im->ncols > 0))
			header_check(im);
		row_reset(im);
		return;
	}
	/* Empty cells only: what a spreadsheet leaves below a table. */
	if (!im->row_values && im->bad == im->row_bad) {
		row_reset(im);
		return;
	}
	visit_check_each(im->plan, im->v, on_problem, im);
	if (im->bad == im->row_bad)
		day_mark(im, im->v->day);
	if (im->t != NULL && im->rc == 0 && im->bad == 0 &&
	    (im->only_day == INT32_MIN || im->v->day == im->only_day))
		im->rc = capture_txn(im->t, im->d, im->v, NULL);
	im->rows++;
	row_reset(im);
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
	im->only_day = INT32_MIN;
	/* A good row's day is in the campaign (visit_check_each). */
	im->days = xcalloc((size_t)(plan->end_day - plan->start_day) / 8 + 1,
	    1);
}

static void
cols_free(struct csv_import *im)
{
	size_t i;

	for (i = 0; i < im->ncols; i++)
		free(im->cols[i]);
	im->ncols = 0;
}

/* The header line's separator: ';' if it has more of them than commas
 * (French Excel), else ','. */
static unsigned char
header_delim(const char *text, size_t len)
{
	size_t i, comma = 0, semi = 0;

	while (len > 0 && (*text == '\n' || *text == '\r')) {
		text++;
		len--;
	}
	for (i = 0; i < len && text[i] != '\n' && text[i] != '\r'; i++) {
		comma += text[i] == ',';
		semi += text[i] == ';';
	}
	return semi > comma ? ';' : ',';
}

int
csv_import_parse(struct csv_import *im, const char *text, size_t len)
{
	static const char bom[] = "\xef\xbb\xbf";
	struct csv_parser cp;
	char msg[256];

	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
	    CSV_REPALL_NL) != 0)
		die("out of memory");
	csv_set_realloc_func(&cp, wiping_realloc);
	csv_set_free_func(&cp, wiping_free);
	if (len >= 3 && memcmp(text, bom, 3) == 0) {
		text += 3;
		len -= 3;
	}
	im->delim = header_delim(text, len);
	csv_set_delim(&cp, im->delim);
	cols_free(im);
	im->col = im->rows = im->bad = im->row_bad = im->bad_lines = 0;
	im->line = 0;
	im->last_term = im->header_done = 0;
	im->rc = 0;
	im->fatal[0] = 0;
	row_reset(im);
	if (csv_parse(&cp, text, len, on_field, on_row, im) != len ||
	    csv_fini(&cp, on_field, on_row, im) != 0) {
		if (im->fatal[0] == 0) {
			snprintf(msg, sizeof msg, "%s",
			    csv_strerror(csv_error(&cp)));
			import_error(im, msg);
		}
	}
	csv_free(&cp);
	if (im->fatal[0] != 0)
		return TV_ERR_RANGE;
	return im->bad == 0 ? im->rc : TV_ERR_FORMAT;
}

int
csv_text_utf8(char **text, size_t *len)
{
	char *out, *in = *text, *o;
	size_t inleft = *len, cap = 3 * *len + 1, outleft = cap;
	iconv_t cd;
	int rc = 0;

	if (u8_check((const uint8_t *)*text, *len) == NULL)
		return 0;
	if ((cd = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
		return 0;
	/* At most 3 bytes of UTF-8 per byte (the euro sign: E2 82 AC). */
	if ((out = sodium_malloc(cap)) == NULL)
		die("out of secure memory");
	o = out;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		sodium_free(out);	/* not Windows-1252 either */
		goto done;
	}
	*o = 0;
	sodium_free(*text);
	*text = out;
	*len = (size_t)(o - out);
	rc = 1;
done:
	iconv_close(cd);
	return rc;
}

void
csv_import_release(struct csv_import *im)
{
	cols_free(im);
	visit_free(im->v);
	im->v = NULL;
	free(im->days);
	im->days = NULL;
}
