/* SPDX-License-Identifier: MIT */
/*
 * calendar.c - days since 1970-01-01 and the periods that hold them.
 *
 * Civil conversions are Howard Hinnant's days_from_civil / civil_from_days:
 * exact for the whole proleptic Gregorian calendar, no time zones, no libc
 * time functions.  Arithmetic is done in int64_t so that no int32 day, nor
 * any id derived from one, can overflow (UBSan stays quiet on the edges).
 */
#include <stdio.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/calendar.h"

/* 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays. */
#define EPOCH_WEEKDAY_SHIFT 3

static const char *const period_names[] = {
	[TV_PERIOD_NONE] = "none",
	[TV_PERIOD_DAY] = "day",
	[TV_PERIOD_WEEK] = "week",
	[TV_PERIOD_MONTH] = "month",
	[TV_PERIOD_QUARTER] = "quarter",
	[TV_PERIOD_YEAR] = "year",
	[TV_PERIOD_CAMPAIGN] = "campaign",
};
#define NPERIODS (sizeof period_names / sizeof period_names[0])

/* Floor division and its remainder (C rounds towards zero). */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int32_t
tv_day_from_ymd(int y, int m, int d)
{
	return (int32_t)days_from_civil(y, m, d);
}

void
tv_day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t yy;

	civil_from_days(day, &yy, m, d);
	*y = (int)yy;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
tv_day_parse(const char *s, int32_t *day)
{
	int y, m, d, yy, mm, dd;
	int32_t t;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return TV_ERR_FORMAT;
	if (digits(s, 4, &y) != 0 || digits(s + 5, 2, &m) != 0 ||
	    digits(s + 8, 2, &d) != 0)
		return TV_ERR_FORMAT;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return TV_ERR_FORMAT;
	/* An impossible date (02-30) lands in the next month: the round
	 * trip tells it apart without a table of month lengths. */
	t = tv_day_from_ymd(y, m, d);
	tv_day_to_ymd(t, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return TV_ERR_FORMAT;
	*day = t;
	return 0;
}

/* Copy a formatted label into a fixed-size output, cutting if needed;
 * formatting into a roomy buffer first keeps every snprintf provably
 * within bounds. */
static void
put(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

void
tv_day_format(char out[11], int32_t day)
{
	char buf[48];
	int y, m, d;

	tv_day_to_ymd(day, &y, &m, &d);
	/* Only years 0..9999 have the YYYY-MM-DD shape (and fit). */
	if (y < 0 || y > 9999)
		put(out, 11, "\?\?\?\?-\?\?-\?\?");
	else {
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
		put(out, 11, buf);
	}
}

static int64_t
monday_of(int64_t day)
{
	return day - floor_mod(day + EPOCH_WEEKDAY_SHIFT, 7);
}

int32_t
tv_period_id(enum tv_period kind, int32_t day)
{
	int64_t y;
	int m, d;

	civil_from_days(day, &y, &m, &d);
	switch (kind) {
	case TV_PERIOD_DAY:
		return day;
	case TV_PERIOD_WEEK:
		return (int32_t)monday_of(day);
	case TV_PERIOD_MONTH:
		return (int32_t)(y * 12 + (m - 1));
	case TV_PERIOD_QUARTER:
		return (int32_t)(y * 4 + (m - 1) / 3);
	case TV_PERIOD_YEAR:
		return (int32_t)y;
	case TV_PERIOD_NONE:
	case TV_PERIOD_CAMPAIGN:
		break;
	}
	return 0;
}

/* First day of month number mi (year*12 + month-1), and of the next. */
static void
month_span(int64_t mi, int64_t nmonths, int32_t *first, int32_t *last)
{
	int64_t end = mi + nmonths;

	*first = (int32_t)days_from_civil(floor_div(mi, 12),
	    floor_mod(mi, 12) + 1, 1);
	*last = (int32_t)(days_from_civil(floor_div(end, 12),
	    floor_mod(end, 12) + 1, 1) - 1);
}

void
tv_period_bounds(enum tv_period kind, int32_t id, int32_t cstart,
    int32_t cend, int32_t *first, int32_t *last)
{
	switch (kind) {
	case TV_PERIOD_DAY:
		*first = *last = id;
		return;
	case TV_PERIOD_WEEK:
		*first = id;
		*last = (int32_t)((int64_t)id + 6);
		return;
	case TV_PERIOD_MONTH:
		month_span(id, 1, first, last);
		return;
	case TV_PERIOD_QUARTER:
		month_span((int64_t)id * 3, 3, first, last);
		return;
	case TV_PERIOD_YEAR:
		month_span((int64_t)id * 12, 12, first, last);
		return;
	case TV_PERIOD_NONE:
	case TV_PERIOD_CAMPAIGN:
		break;
	}
	/* NONE has no period of its own: the campaign is the only bound. */
	*first = cstart;
	*last = cend;
}

/* Monday = 0 ... Sunday = 6; day 0 (1970-01-01) was a Thursday. */
static int32_t
weekday(int32_t day)
{
	return (int32_t)((((int64_t)day + 3) % 7 + 7) % 7);
}

int32_t
tv_hier_period_id(enum tv_period kind, int32_t day)
{
	int32_t thursday = day - weekday(day) + 3;

	if (kind == TV_PERIOD_MONTH || kind == TV_PERIOD_QUARTER ||
	    kind == TV_PERIOD_YEAR)
		return tv_period_id(kind, thursday);
	return tv_period_id(kind, day);
}

void
tv_hier_bounds(enum tv_period kind, int32_t id, int32_t cstart, int32_t cend,
    int32_t *first, int32_t *last)
{
	int32_t a, b;

	tv_period_bounds(kind, id, cstart, cend, &a, &b);
	if (kind != TV_PERIOD_MONTH && kind != TV_PERIOD_QUARTER &&
	    kind != TV_PERIOD_YEAR) {
		*first = a;
		*last = b;
		return;
	}
	/* From the Monday of the first week whose Thursday is in [a, b] to
	 * the Sunday of the last one. */
	*first = a + (3 - weekday(a) + 7) % 7 - 3;
	*last = b - (weekday(b) - 3 + 7) % 7 + 3;
}

const char *
tv_period_name(enum tv_period kind)
{
	if ((unsigned)kind >= NPERIODS)
		return NULL;
	return period_names[kind];
}

int
tv_period_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < NPERIODS; i++)
		if (strcmp(name, period_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ISO 8601: a week belongs to the year that holds its Thursday. */
static void
iso_week(int64_t monday, int64_t *isoyear, int *week)
{
	int64_t thursday = monday + 3;
	int m, d;

	civil_from_days(thursday, isoyear, &m, &d);
	*week = (int)((thursday - days_from_civil(*isoyear, 1, 1)) / 7 + 1);
}

void
tv_period_label(char out[16], enum tv_period kind, int32_t id)
{
	char buf[64];
	int64_t y;
	int w;

	switch (kind) {
	case TV_PERIOD_DAY:
		tv_day_format(buf, id);
		break;
	case TV_PERIOD_WEEK:
		iso_week(monday_of(id), &y, &w);
		snprintf(buf, sizeof buf, "%04lld-W%02d", (long long)y, w);
		break;
	case TV_PERIOD_MONTH:
		snprintf(buf, sizeof buf, "%04lld-%02d",
		    (long long)floor_div(id, 12), (int)floor_mod(id, 12) + 1);
		break;
	case TV_PERIOD_QUARTER:
		snprintf(buf, sizeof buf, "%04lld-Q%d",
		    (long long)floor_div(id, 4), (int)floor_mod(id, 4) + 1);
		break;
	case TV_PERIOD_YEAR:
		snprintf(buf, sizeof buf, "%04d", id);
		break;
	case TV_PERIOD_NONE:
	case TV_PERIOD_CAMPAIGN:
	default:
		put(buf, sizeof buf, tv_period_name(kind) != NULL ?
		    tv_period_name(kind) : "?");
		break;
	}
	put(out, 16, buf);
}
