/* SPDX-License-Identifier: MIT */
/*
 * From a posted form to a recorded visit, through the same calls as
 * "collector record": visit_set for each value, visit_check, then
 * capture_txn inside one write transaction.  Errors are kept per field
 * (as codes: the page words them in the counsellor's language) and never
 * carry what was typed.
 *
 * The status page's counts come from the store.  "Recorded today" needs
 * one small mark in the meta db, "form_day" = be32 day | be64 records
 * before that day, written when the day changes (at start and with each
 * visit); it holds counts, nothing about a person.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <unistr.h>

#include "collector/form.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

#define SET_MAX 4096	/* a set's choices joined with '|' */

static const char form_day_key[] = "form_day";

int32_t
form_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return tv_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int
set(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value)
{
	char err[256];
	int rc;

	/* The message may quote a rejected choice: not kept, not shown. */
	rc = visit_set(p, v, name, value, err, sizeof err);
	sodium_memzero(err, sizeof err);
	return rc;
}

/* Identity text: UTF-8, no control characters, not blank. */
static uint8_t
check_text(const char *s)
{
	const char *c;
	int blank = 1;

	if (s == NULL)
		return FE_MISSING;
	if (strlen(s) > TV_IDENTITY_MAX)
		return FE_TOOLONG;
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		return FE_TEXT;
	for (c = s; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return FE_TEXT;
		if (*c != ' ')
			blank = 0;
	}
	return blank ? FE_MISSING : FE_NONE;
}

/* Why a typed date was refused, as the page words it. */
static const uint8_t date_err[] = {
	[TV_DATE_OK] = FE_NONE,
	[TV_DATE_UNREADABLE] = FE_DATE,
	[TV_DATE_SHORT_YEAR] = FE_DATE_YEAR,
	[TV_DATE_AMBIGUOUS] = FE_DATE_AMBIG,
	[TV_DATE_IMPOSSIBLE] = FE_DATE_NODAY,
	[TV_DATE_FUTURE] = FE_DATE_FUTURE,
};

static uint8_t
parse_site_date(const struct tv_plan *p, const struct form_body *b,
    enum form_lang lang, struct visit *v, uint8_t *derr)
{
	const char *site, *date;
	unsigned n;

	date = form_body_get(b, "date", &n);
	if (date == NULL || date[0] == 0)
		*derr = FE_MISSING;
	else if (n > 1)
		*derr = FE_DATE;
	else
		*derr = date_err[visit_set_day(v, date, form_date_order(lang))];
	if (*derr == FE_NONE && (v->day < p->start_day || v->day > p->end_day))
		*derr = FE_PERIOD;
	site = form_body_get(b, "site", &n);
	if (site == NULL || site[0] == 0)
		return FE_MISSING;
	if (n > 1 || set(p, v, "site", site) != 0)
		return FE_CHOICE;
	return FE_NONE;
}

/* A set arrives as one pair per ticked box; visit_set wants a|b|c. */
static uint8_t
parse_set(const struct tv_plan *p, const struct form_body *b,
    struct visit *v, const struct tv_field *f)
{
	char *joined = sodium_malloc(SET_MAX);
	const char *c;
	size_t len = 0, n;
	unsigned i;
	uint8_t e = FE_NONE;

	if (joined == NULL)
		die("out of secure memory");
	joined[0] = 0;
	for (i = 0; (c = form_body_nth(b, f->id, i)) != NULL; i++) {
		n = strlen(c);
		if (strchr(c, '|') != NULL || n == 0 || len + n + 2 > SET_MAX) {
			e = FE_CHOICE;
			break;
		}
		if (len > 0)
			joined[len++] = '|';
		memcpy(joined + len, c, n + 1);
		len += n;
	}
	if (e == FE_NONE && set(p, v, f->id, joined) != 0)
		e = FE_CHOICE;
	sodium_free(joined);
	return e;
}

static uint8_t
parse_field(const struct tv_plan *p, const struct form_body *b,
    struct visit *v, const struct tv_field *f)
{
	const char *c;
	unsigned n;

	if (f->type == TV_FIELD_SET)
		return parse_set(p, b, v, f);
	c = form_body_get(b, f->id, &n);
	if (c == NULL)
		return f->required ? FE_MISSING : FE_NONE;
	if (n > 1 || set(p, v, f->id, c) != 0)
		return FE_CHOICE;
	return FE_NONE;
}

enum tv_date_order
form_date_order(enum form_lang lang)
{
	return lang == LANG_FR ? TV_DATE_DMY : TV_DATE_ANY;
}

/* Identity field i: text, or a date read in the page's order. */
static uint8_t
parse_identity(const struct tv_plan *p, const struct form_body *b,
    enum form_lang lang, struct visit *v, uint32_t i)
{
	const char *c = form_body_get(b, p->identity[i].id, NULL);
	uint8_t e;

	if ((e = check_text(c)) != FE_NONE)
		return e;
	if (p->identity[i].kind == TV_IDKIND_DATE)
		return date_err[visit_set_date(v, i, c,
		    form_date_order(lang))];
	return set(p, v, p->identity[i].id, c) != 0 ? FE_TOOLONG : FE_NONE;
}

unsigned
form_visit_parse(const struct tv_plan *p, const struct form_body *b,
    enum form_lang lang, struct visit *v, struct form_errors *e)
{
	char err[256];
	uint32_t i;

	memset(e, 0, sizeof *e);
	e->site = parse_site_date(p, b, lang, v, &e->date);
	e->n += (e->site != FE_NONE) + (e->date != FE_NONE);
	for (i = 0; i < p->nidentity; i++) {
		e->identity[i] = parse_identity(p, b, lang, v, i);
		e->n += e->identity[i] != FE_NONE;
	}
	for (i = 0; i < p->nfields; i++) {
		e->field[i] = parse_field(p, b, v, &p->fields[i]);
		e->n += e->field[i] != FE_NONE;
	}
	/* The command line's own check, as the last word. */
	if (e->n == 0 && visit_check(p, v, err, sizeof err) != 0) {
		e->site = FE_MISSING;
		e->n = 1;
	}
	return e->n;
}

static int
meta_u64(struct tv_txn *t, const char *key, uint64_t *v)
{
	const void *val;
	size_t vlen;
	int rc;

	*v = 0;
	rc = tv_txn_get(t, DB_META, key, strlen(key), &val, &vlen);
	if (rc == TV_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (vlen != 8)
		return TV_ERR_FORMAT;
	*v = tv_be64_get(val);
	return 0;
}

/* Records before today: the mark, written when the day changes. */
static int
day_mark_txn(struct tv_txn *t, void *ctx)
{
	int32_t today = *(const int32_t *)ctx;
	uint8_t mark[12];
	const void *val;
	size_t vlen;
	uint64_t next;
	int rc;

	rc = tv_txn_get(t, DB_META, form_day_key, sizeof form_day_key - 1,
	    &val, &vlen);
	if (rc == 0 && vlen == 12 && (int32_t)tv_be32_get(val) == today)
		return 0;
	if (rc != 0 && rc != TV_ERR_NOTFOUND)
		return rc;
	if ((rc = meta_u64(t, "next_record", &next)) != 0)
		return rc;
	tv_be32_put(mark, (uint32_t)today);
	tv_be64_put(mark + 4, next > 0 ? next - 1 : 0);
	return tv_txn_put(t, DB_META, form_day_key, sizeof form_day_key - 1,
	    mark, sizeof mark, 0);
}

int
form_day_mark(struct form_server *s)
{
	int32_t today = form_today();

	return tv_store_write(s->d->st, day_mark_txn, &today);
}

struct capture {
	const struct device *d;
	const struct visit *v;
	char *receipt;
	int32_t today;
};

static int
capture_fn(struct tv_txn *t, void *ctx)
{
	struct capture *c = ctx;
	int rc;

	if ((rc = day_mark_txn(t, &c->today)) != 0)
		return rc;
	return capture_txn(t, c->d, c->v, c->receipt);
}

int
form_visit_capture(struct form_server *s, const struct visit *v,
    char receipt[TV_RECEIPT_LEN + 2])
{
	struct capture c = { s->d, v, receipt, form_today() };

	return tv_store_write(s->d->st, capture_fn, &c);
}

static int
unacked_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	(void)key;
	(void)klen;
	if (vlen == 1 && *(const uint8_t *)val != BATCH_ACKED)
		(*(uint64_t *)ctx)++;
	return 0;
}

static int
status_fn(struct tv_txn *t, void *ctx)
{
	struct form_status *st = ctx;
	uint64_t next, ship;
	const void *val;
	size_t vlen;
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = meta_u64(t, "next_record", &next)) != 0)
		return rc;
	st->captured = next > 0 ? next - 1 : 0;
	if (tv_txn_get(t, DB_META, form_day_key, sizeof form_day_key - 1,
	    &val, &vlen) == 0 && vlen == 12 &&
	    (int32_t)tv_be32_get(val) == form_today() &&
	    tv_be64_get((const uint8_t *)val + 4) <= st->captured)
		st->today = st->captured - tv_be64_get((const uint8_t *)val + 4);
	if (tv_txn_get(t, DB_META, "last_ship", 9, &val, &vlen) == 0 &&
	    vlen == 8 && (ship = tv_be64_get(val)) > 0) {
		st->has_last_ship = 1;
		st->last_ship = (int64_t)ship;
	}
	if (tv_txn_count(t, DB_OUTBOX, &st->outbox) != 0)
		return t->err;
	return tv_txn_foreach(t, DB_BSTATE, NULL, 0, unacked_cb, &st->unacked);
}

int
form_status_read(struct form_server *s, struct form_status *st)
{
	return tv_store_read(s->d->st, status_fn, st);
}
