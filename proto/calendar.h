/* SPDX-License-Identifier: MIT */
/*
 * calendar.h - days and periods (proleptic Gregorian, UTC, no time of day).
 *
 * A day is an int32 count of days since 1970-01-01.  A period is named by
 * (kind, id):
 *   DAY      id = the day
 *   WEEK     id = the day of the ISO week's Monday
 *   MONTH    id = year*12 + (month-1)
 *   QUARTER  id = year*4 + (quarter-1)
 *   YEAR     id = year
 *   CAMPAIGN id = 0
 */
#ifndef TV_CALENDAR_H
#define TV_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

enum tv_period {
	TV_PERIOD_NONE = 0,	/* "not distinct": count every visit */
	TV_PERIOD_DAY = 1,
	TV_PERIOD_WEEK = 2,
	TV_PERIOD_MONTH = 3,
	TV_PERIOD_QUARTER = 4,
	TV_PERIOD_YEAR = 5,
	TV_PERIOD_CAMPAIGN = 6,
};

/* "YYYY-MM-DD" (exactly) -> day.  TV_ERR_FORMAT on anything else,
 * including impossible dates (2021-02-30). */
int tv_day_parse(const char *s, int32_t *day);
/*
 * A date as people type it (the date of an identity field): ISO
 * "1990-04-02" (also 1990-4-2, 1990/04/02), or day and month then a
 * 4-digit year, "02/04/1990", "2/4/1990", "02.04.1990", "02-04-1990"; one
 * separator, "-", "/" or ".", the same twice; blanks around are ignored,
 * full-width forms are folded (NFKC).  The day/month order never comes
 * from the locale but from the caller: TV_DATE_DMY (French) reads the
 * day first; TV_DATE_ANY (no language fixes it) accepts only a date that
 * can be read one way (13/04/1990, 04/13/1990, 04/04/1990).
 *
 * 0 and *day, or TV_ERR_FORMAT and *why: a year of 1 to 3 digits, an
 * ambiguous day/month, a day that does not exist or a year before 1900,
 * a day after max_day (pass today for a birth date), or anything else
 * (TV_DATE_UNREADABLE).  TV_ERR_NOMEM may happen.  The input is never
 * kept; every copy is wiped.
 */
enum tv_date_order {
	TV_DATE_ANY = 0,
	TV_DATE_DMY = 1,
};

enum tv_date_why {
	TV_DATE_OK = 0,
	TV_DATE_UNREADABLE = 1,
	TV_DATE_SHORT_YEAR = 2,
	TV_DATE_AMBIGUOUS = 3,
	TV_DATE_IMPOSSIBLE = 4,
	TV_DATE_FUTURE = 5,
};

int tv_date_parse(const char *s, size_t n, enum tv_date_order order,
    int32_t max_day, int32_t *day, enum tv_date_why *why);

/* day -> "YYYY-MM-DD" (out holds at least 11 bytes). */
void tv_day_format(char out[11], int32_t day);
/* Civil conversions. */
int32_t tv_day_from_ymd(int y, int m, int d);
void tv_day_to_ymd(int32_t day, int *y, int *m, int *d);

/* The id of the period of this kind that holds day (campaign start and end
 * are needed for CAMPAIGN only; they may be 0 otherwise). */
int32_t tv_period_id(enum tv_period kind, int32_t day);
/* First and last day of period (kind, id); CAMPAIGN takes [start, end]. */
void tv_period_bounds(enum tv_period kind, int32_t id, int32_t cstart,
    int32_t cend, int32_t *first, int32_t *last);
/*
 * The release hierarchy: weeks are ISO weeks, and a week belongs to the
 * month (quarter, year) that holds its Thursday -- the one holding 4 or
 * more of its days.  So weeks add up exactly to months, months to
 * quarters, quarters to years, which secondary suppression relies on.
 * Distinct-person periods use the same rule.  A "month" cell therefore
 * runs from the Monday of its first week to the Sunday of its last.
 */
int32_t tv_hier_period_id(enum tv_period kind, int32_t day);
void tv_hier_bounds(enum tv_period kind, int32_t id, int32_t cstart,
    int32_t cend, int32_t *first, int32_t *last);

/* "week", "month", ... <-> enum; NULL / -1 when unknown. */
const char *tv_period_name(enum tv_period kind);
int tv_period_from_name(const char *name);
/* Human label of a period: "2021-W44", "2021-11", "2021-Q4", "2021",
 * "campaign", or the date for a day.  out holds at least 16 bytes. */
void tv_period_label(char out[16], enum tv_period kind, int32_t id);

#endif
