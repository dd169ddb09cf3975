/* SPDX-License-Identifier: MIT */
/*
 * t_calendar.c - days, ISO weeks, months, quarters, years, labels.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "tests/unit/tap.h"

static int32_t
day(const char *s)
{
	int32_t d = INT32_MIN;

	if (tv_day_parse(s, &d) != 0)
		return INT32_MIN;
	return d;
}

static int32_t
week(const char *date)
{
	return tv_period_id(TV_PERIOD_WEEK, day(date));
}

static void
check_label(enum tv_period kind, const char *date, const char *want)
{
	char out[16];

	tv_period_label(out, kind, tv_period_id(kind, day(date)));
	is_str(want, out, date);
}

static void
test_parse(void)
{
	static const char *const bad[] = { "2021-02-29", "2021-13-01",
		"2021-1-5", "2021-00-10", "2021-01-00", "2021-04-31",
		"1900-02-29", "2021-01-01 ", " 2021-01-01", "2021/01/01",
		"20210101", "2021-01-1a", "", "+021-01-01", "2021-01-011" };
	int32_t d;
	size_t i;
	char out[11];

	is_int(0, day("1970-01-01"), "epoch is day 0");
	is_int(1, day("1970-01-02"), "day 1");
	is_int(-1, day("1969-12-31"), "day -1");
	is_int(11016, day("2000-02-29"), "2000-02-29 is a leap day");
	is_int(18993, day("2022-01-01"), "2022-01-01");
	is_int(0, tv_day_parse("2024-02-29", &d), "2024-02-29 valid");
	is_int(0, tv_day_parse("0000-01-01", &d), "year 0 accepted");
	is_int(-719528, d, "0000-01-01 day number");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(TV_ERR_FORMAT, tv_day_parse(bad[i], &d), bad[i]);
	is_int(TV_ERR_FORMAT, tv_day_parse(NULL, &d), "NULL");
	tv_day_format(out, 11016);
	is_str("2000-02-29", out, "format a leap day");
	tv_day_format(out, -719528);
	is_str("0000-01-01", out, "format year 0");
	tv_day_format(out, INT32_MAX);
	is_str("\?\?\?\?-\?\?-\?\?", out, "out of range year");
	is_int(day("2021-03-01"), tv_day_from_ymd(2021, 2, 29),
	    "from_ymd rolls over like the algorithm");
}

static void
test_weeks(void)
{
	int32_t first, last;
	int y, m, d;

	is_int(day("2020-12-28"), week("2021-01-03"),
	    "2021-01-03 is in the week of Monday 2020-12-28");
	is_int(day("2021-11-01"), week("2021-11-07"),
	    "Sunday 2021-11-07 belongs to Monday 2021-11-01");
	is_int(day("2021-11-01"), week("2021-11-01"),
	    "a Monday is its own week id");
	is_int(day("1969-12-29"), tv_period_id(TV_PERIOD_WEEK, 0),
	    "the epoch (a Thursday) is in the week of 1969-12-29");
	check_label(TV_PERIOD_WEEK, "2021-11-01", "2021-W44");
	check_label(TV_PERIOD_WEEK, "2021-11-07", "2021-W44");
	check_label(TV_PERIOD_WEEK, "2020-12-31", "2020-W53");
	check_label(TV_PERIOD_WEEK, "2021-01-03", "2020-W53");
	check_label(TV_PERIOD_WEEK, "2021-01-04", "2021-W01");
	check_label(TV_PERIOD_WEEK, "2019-12-30", "2020-W01");
	check_label(TV_PERIOD_WEEK, "2026-12-31", "2026-W53");
	check_label(TV_PERIOD_WEEK, "2027-01-01", "2026-W53");
	check_label(TV_PERIOD_WEEK, "2008-12-29", "2009-W01");
	tv_period_bounds(TV_PERIOD_WEEK, day("2021-11-01"), 0, 0, &first,
	    &last);
	is_int(day("2021-11-01"), first, "week starts on Monday");
	is_int(day("2021-11-07"), last, "week ends on Sunday");
	tv_day_to_ymd(last, &y, &m, &d);
	ok(y == 2021 && m == 11 && d == 7, "to_ymd of the Sunday");
}

static void
test_months_quarters(void)
{
	int32_t first, last;

	is_int(2021 * 12 + 10, tv_period_id(TV_PERIOD_MONTH, day("2021-11-15")),
	    "month id");
	is_int(2021 * 4 + 3, tv_period_id(TV_PERIOD_QUARTER, day("2021-11-15")),
	    "quarter id");
	is_int(2021, tv_period_id(TV_PERIOD_YEAR, day("2021-11-15")),
	    "year id");
	is_int(0, tv_period_id(TV_PERIOD_CAMPAIGN, day("2021-11-15")),
	    "campaign id");
	check_label(TV_PERIOD_MONTH, "2021-11-15", "2021-11");
	check_label(TV_PERIOD_MONTH, "2021-01-31", "2021-01");
	check_label(TV_PERIOD_QUARTER, "2021-11-15", "2021-Q4");
	check_label(TV_PERIOD_QUARTER, "2022-03-31", "2022-Q1");
	check_label(TV_PERIOD_YEAR, "2021-11-15", "2021");
	check_label(TV_PERIOD_DAY, "2021-11-15", "2021-11-15");
	check_label(TV_PERIOD_CAMPAIGN, "2021-11-15", "campaign");
	tv_period_bounds(TV_PERIOD_MONTH, 2024 * 12 + 1, 0, 0, &first, &last);
	is_int(day("2024-02-01"), first, "February 2024 first day");
	is_int(day("2024-02-29"), last, "February 2024 last day");
	tv_period_bounds(TV_PERIOD_MONTH, 2021 * 12 + 11, 0, 0, &first, &last);
	is_int(day("2021-12-31"), last, "December ends on the 31st");
	tv_period_bounds(TV_PERIOD_QUARTER, 2021 * 4 + 3, 0, 0, &first, &last);
	is_int(day("2021-10-01"), first, "Q4 first day");
	is_int(day("2021-12-31"), last, "Q4 last day");
	tv_period_bounds(TV_PERIOD_YEAR, 2000, 0, 0, &first, &last);
	is_int(day("2000-01-01"), first, "year first day");
	is_int(day("2000-12-31"), last, "year last day");
	tv_period_bounds(TV_PERIOD_CAMPAIGN, 0, 10, 20, &first, &last);
	ok(first == 10 && last == 20, "campaign bounds are the campaign");
	tv_period_bounds(TV_PERIOD_DAY, 42, 0, 0, &first, &last);
	ok(first == 42 && last == 42, "day bounds");
}

static void
test_names(void)
{
	static const char *const names[] = { "day", "week", "month",
		"quarter", "year", "campaign" };
	size_t i;
	int ok_all = 1;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		int k = tv_period_from_name(names[i]);

		ok_all &= k >= 0 &&
		    strcmp(tv_period_name((enum tv_period)k), names[i]) == 0;
	}
	ok(ok_all, "period names round-trip");
	is_int(TV_PERIOD_WEEK, tv_period_from_name("week"), "week");
	is_int(-1, tv_period_from_name("fortnight"), "unknown name");
	is_int(-1, tv_period_from_name("Week"), "names are case-sensitive");
	ok(tv_period_name((enum tv_period)99) == NULL, "unknown kind");
}

/* xorshift32: a fixed, portable sequence. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_round_trip(void)
{
	static const enum tv_period kinds[] = { TV_PERIOD_DAY, TV_PERIOD_WEEK,
		TV_PERIOD_MONTH, TV_PERIOD_QUARTER, TV_PERIOD_YEAR };
	uint32_t seed = 0x7a11a7u;
	int32_t dd, first, last;
	int i, y, m, d, bad_bounds = 0, bad_civil = 0, bad_next = 0;
	size_t k;

	for (i = 0; i < 20000; i++) {
		/* Days from about year -3500 to 7500. */
		dd = (int32_t)(rnd(&seed) % 4000000u) - 2000000;
		tv_day_to_ymd(dd, &y, &m, &d);
		bad_civil += tv_day_from_ymd(y, m, d) != dd;
		for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			tv_period_bounds(kinds[k], tv_period_id(kinds[k], dd),
			    0, 0, &first, &last);
			bad_bounds += first > dd || dd > last;
			/* Periods tile: the day after is in the next one. */
			bad_next += tv_period_id(kinds[k], last + 1) ==
			    tv_period_id(kinds[k], dd) ||
			    tv_period_id(kinds[k], first - 1) ==
			    tv_period_id(kinds[k], dd);
		}
	}
	is_int(0, bad_civil, "civil round trip on 20000 random days");
	is_int(0, bad_bounds, "period bounds contain the day");
	is_int(0, bad_next, "periods end where the next begins");
}

/* One typed date: 0 and the day, or the reason it is refused. */
static int
typed(const char *s, enum tv_date_order o, int32_t *day)
{
	enum tv_date_why why;

	if (tv_date_parse(s, strlen(s), o, tv_day_from_ymd(2026, 1, 1), day,
	    &why) != 0)
		return (int)why;
	return 0;
}

static void
test_typed(void)
{
	static const char *const same[] = { "1990-04-02", "02/04/1990",
		"2/4/1990", "02.04.1990", "02-04-1990", " 02/04/1990\t",
		"1990-4-2", "1990/04/02",
		"\xef\xbc\x90\xef\xbc\x92\xef\xbc\x8f" "04/1990" };
	int32_t want = tv_day_from_ymd(1990, 4, 2), day;
	size_t i;

	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		day = 0;
		is_int(0, typed(same[i], TV_DATE_DMY, &day), same[i]);
		is_int(want, day, "the same day");
	}
	is_int(TV_DATE_SHORT_YEAR, typed("02/04/90", TV_DATE_DMY, &day),
	    "two-digit year");
	is_int(TV_DATE_SHORT_YEAR, typed("2/4/990", TV_DATE_DMY, &day),
	    "three-digit year");
	is_int(TV_DATE_IMPOSSIBLE, typed("31/02/1990", TV_DATE_DMY, &day),
	    "31 February");
	is_int(TV_DATE_IMPOSSIBLE, typed("29/02/1991", TV_DATE_DMY, &day),
	    "29 February, not a leap year");
	is_int(0, typed("29/02/1992", TV_DATE_DMY, &day), "leap year");
	is_int(TV_DATE_IMPOSSIBLE, typed("04/13/1990", TV_DATE_DMY, &day),
	    "day first: no month 13");
	is_int(TV_DATE_IMPOSSIBLE, typed("1899-12-31", TV_DATE_DMY, &day),
	    "before 1900");
	is_int(TV_DATE_FUTURE, typed("02/01/2026", TV_DATE_DMY, &day),
	    "after max_day");
	is_int(0, typed("01/01/2026", TV_DATE_DMY, &day), "max_day itself");
	is_int(TV_DATE_AMBIGUOUS, typed("02/04/1990", TV_DATE_ANY, &day),
	    "no order: both 12 or less");
	is_int(0, typed("04/04/1990", TV_DATE_ANY, &day), "no order: same");
	is_int(0, typed("13/04/1990", TV_DATE_ANY, &day), "no order: 13 first");
	is_int(tv_day_from_ymd(1990, 4, 13), day, "13 is the day");
	is_int(0, typed("04/13/1990", TV_DATE_ANY, &day),
	    "no order: 13 second");
	is_int(tv_day_from_ymd(1990, 4, 13), day, "13 is still the day");
	is_int(TV_DATE_IMPOSSIBLE, typed("31/31/1990", TV_DATE_ANY, &day),
	    "no order: no reading");
	is_int(0, typed("1990-04-02", TV_DATE_ANY, &day), "no order: ISO");
	is_int(TV_DATE_UNREADABLE, typed("02/04-1990", TV_DATE_DMY, &day),
	    "two separators");
	is_int(TV_DATE_UNREADABLE, typed("02041990", TV_DATE_DMY, &day),
	    "no separator");
	is_int(TV_DATE_UNREADABLE, typed("2 avril 1990", TV_DATE_DMY, &day),
	    "month in words");
	is_int(TV_DATE_UNREADABLE, typed("02//1990", TV_DATE_DMY, &day),
	    "empty part");
	is_int(TV_DATE_UNREADABLE, typed("", TV_DATE_DMY, &day), "empty");
	is_int(TV_DATE_UNREADABLE, typed("\xff/04/1990", TV_DATE_DMY, &day),
	    "not UTF-8");
}

/* Every day from 1900 to 2025, written four ways, is read back as itself
 * day first; with no order, exactly when day and month differ and are both
 * 12 or less is it ambiguous. */
static void
test_typed_all(void)
{
	int32_t d0 = tv_day_from_ymd(1900, 1, 1), d1 = tv_day_from_ymd(2025,
	    12, 31), t, got;
	int y, m, d, bad = 0, amb = 0, k, r;
	char s[4][32];
	enum tv_date_why why;

	for (t = d0; t <= d1; t++) {
		tv_day_to_ymd(t, &y, &m, &d);
		snprintf(s[0], sizeof s[0], "%04d-%02d-%02d", y, m, d);
		snprintf(s[1], sizeof s[1], "%d/%d/%04d", d, m, y);
		snprintf(s[2], sizeof s[2], "%02d.%02d.%04d", d, m, y);
		snprintf(s[3], sizeof s[3], "%02d-%02d-%04d", d, m, y);
		for (k = 0; k < 4; k++) {
			got = 0;
			r = tv_date_parse(s[k], strlen(s[k]), TV_DATE_DMY, d1,
			    &got, &why);
			bad += r != 0 || got != t;
			r = tv_date_parse(s[k], strlen(s[k]), TV_DATE_ANY, d1,
			    &got, &why);
			if (k > 0 && d != m && d <= 12)
				amb += r == 0 || why != TV_DATE_AMBIGUOUS;
			else
				bad += r != 0 || got != t;
		}
	}
	is_int(0, bad, "every day 1900-2025, four spellings, read back");
	is_int(0, amb, "and ambiguous exactly when it should be");
}

int
main(void)
{
	test_parse();
	test_typed();
	test_typed_all();
	test_weeks();
	test_months_quarters();
	test_names();
	test_round_trip();
	return tap_done();
}
