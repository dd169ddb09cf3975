/* SPDX-License-Identifier: MIT */
/*
 * t_history: a person's visit history (proto/history.h) -- conditions on
 * hand-made histories, late entries, the horizon and the cap, and the
 * sealed bytes (fixed length, authenticated with their tag and expiry,
 * no day readable).
 */
#include <sodium.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/history.h"
#include "proto/plan.h"
#include "tests/unit/tap.h"

#define PLAN_HEAD "{\"format\":\"tallyvan-plan/1\",\"campaign\":\"h\"," \
	"\"title\":{\"fr\":\"h\",\"en\":\"h\"}," \
	"\"period\":{\"start\":\"2021-01-04\",\"end\":\"2021-12-31\"}," \
	"\"sites\":[{\"id\":\"s\",\"label\":{\"fr\":\"s\",\"en\":\"s\"}}]," \
	"\"identity\":[{\"id\":\"n\",\"label\":{\"fr\":\"n\",\"en\":\"n\"}}]," \
	"\"fields\":[{\"id\":\"inv\",\"type\":\"bool\",\"label\":{\"fr\":\"i\"," \
	"\"en\":\"i\"}}],\"indicators\":["
#define IND(id, when) "{\"id\":\"" id "\",\"label\":{\"fr\":\"x\"," \
	"\"en\":\"x\"},\"when\":" when "}"

static struct tv_plan *
plan(const char *json)
{
	struct tv_plan *p = NULL;
	char err[256];

	if (tv_plan_parse(&p, json, strlen(json), err, sizeof err) != 0)
		printf("# %s\n", err);
	return p;
}

static const char windowed[] = PLAN_HEAD
	IND("b14", "{\"earlier\":{\"when\":{\"field\":\"inv\",\"is\":true},"
	    "\"within\":{\"days\":14}}}") ","
	IND("seen_week", "{\"seen_before\":{\"period\":\"week\"}}")
	"]}";

static const char whole[] = PLAN_HEAD
	IND("second", "{\"visit_number\":{\"min\":2,\"max\":2}}") ","
	IND("since", "{\"days_since_first\":{\"min\":1,\"max\":7}}") ","
	IND("seen", "{\"seen_before\":true}")
	"]}";

static void
test_windows(void)
{
	struct tv_plan *p = plan(windowed);
	struct tv_history h;
	const int32_t mon = tv_day_from_ymd(2021, 3, 1);	/* a Monday */
	uint64_t yes[1] = { 2 }, no[1] = { 1 };

	if (p == NULL) {
		ok(0, "windowed plan parses");
		return;
	}
	is_int(1, p->ntracked, "one tracked condition");
	is_int(14, p->history_horizon, "horizon: 14 days (a week is 6)");
	ok(p->history_scopes == 1u << TV_SCOPE_COLLECTOR, "collector scope");
	memset(&h, 0, sizeof h);
	is_int(0, tv_pred_eval_at(&p->indicators[0].when, no, &h, mon),
	    "no history: not back");
	tv_history_add(&h, mon, tv_history_match(p, yes));
	is_int(1, h.v[0].match, "the invitation is remembered as bit 0");
	is_int(1, tv_pred_eval_at(&p->indicators[0].when, no, &h, mon + 14),
	    "14 days after: within");
	is_int(0, tv_pred_eval_at(&p->indicators[0].when, no, &h, mon + 15),
	    "15 days after: not");
	is_int(0, tv_pred_eval_at(&p->indicators[0].when, no, &h, mon - 1),
	    "a visit dated before the invitation does not see it");
	is_int(1, tv_pred_eval_at(&p->indicators[1].when, no, &h, mon + 6),
	    "Sunday: same ISO week");
	is_int(0, tv_pred_eval_at(&p->indicators[1].when, no, &h, mon + 7),
	    "next Monday: another week");
	is_int(1, tv_pred_eval_at(&p->indicators[1].when, no, &h, mon),
	    "same day, captured before: seen");
	/* A visit 15 days later does not make the invitation go: a visit
	 * typed late, dated 3 days after it, still sees it.  The state
	 * expires the horizon (14 days) after its newest visit. */
	tv_history_add(&h, mon + 15, tv_history_match(p, no));
	is_int(2, h.n, "older than the horizon, still kept");
	is_int(1, tv_pred_eval_at(&p->indicators[0].when, no, &h, mon + 3),
	    "a late visit sees it");
	is_int(mon + 15 + 14 + 365, tv_history_expiry(&h, p),
	    "expiry: newest + horizon + retention");
	tv_plan_free(p);
}

static void
test_whole(void)
{
	struct tv_plan *p = plan(whole);
	struct tv_history h;
	const int32_t d = tv_day_from_ymd(2021, 5, 3);
	uint64_t v[1] = { 0 };
	int i;

	if (p == NULL) {
		ok(0, "whole plan parses");
		return;
	}
	ok(p->history_horizon == TV_HORIZON_ALL, "seen_before true: no "
	    "horizon");
	memset(&h, 0, sizeof h);
	is_int(1, tv_history_ordinal(&h, d), "first visit: 1");
	is_int(1, tv_pred_eval_at(&p->indicators[0].when, v, NULL, d) == 0,
	    "NULL history: a first visit");
	tv_history_add(&h, d + 10, 0);
	/* Entered late: a visit dated before the one already captured. */
	is_int(1, tv_history_ordinal(&h, d), "late visit: first by date");
	is_int(0, tv_history_since_first(&h, d), "late visit: 0 days");
	tv_history_add(&h, d, 0);
	is_int(d, h.first_day, "first contact moves back");
	is_int(d, h.v[0].day, "kept in date order");
	is_int(3, tv_history_ordinal(&h, d + 10), "a third visit on d+10: 3");
	is_int(1, tv_pred_eval_at(&p->indicators[0].when, v, &h, d + 5),
	    "a visit on d+5 is the second");
	is_int(1, tv_pred_eval_at(&p->indicators[1].when, v, &h, d + 5),
	    "5 days after the first");
	is_int(0, tv_pred_eval_at(&p->indicators[1].when, v, &h, d + 8),
	    "8 days: out of the band");
	for (i = 0; i < 40; i++)
		tv_history_add(&h, d + 20 + i, 0);
	is_int(TV_HISTORY_MAX_VISITS, h.n, "at most 32 visits kept");
	is_int(42 - TV_HISTORY_MAX_VISITS, h.dropped, "the rest counted");
	is_int(43, tv_history_ordinal(&h, d + 100), "ordinal counts them");
	is_int(d, h.first_day, "first contact kept");
	/* Full, and a visit typed late older than every kept one: that one
	 * is let go, not the oldest kept. */
	tv_history_add(&h, d - 3, 0);
	is_int(TV_HISTORY_MAX_VISITS, h.n, "still 32 kept");
	is_int(43 - TV_HISTORY_MAX_VISITS, h.dropped, "the late one counted");
	is_int(d + 28, h.v[0].day, "the oldest kept stays");
	is_int(d - 3, h.first_day, "first contact moves back");
	tv_plan_free(p);
}

static const char ordinal_only[] = PLAN_HEAD
	IND("third", "{\"visit_number\":{\"min\":3}}")
	"]}";

/* A plan with an ordinal and no window keeps every visit's day: a visit
 * typed late counts only the visits dated before it. */
static void
test_ordinal_late(void)
{
	struct tv_plan *p = plan(ordinal_only);
	struct tv_history h;
	const int32_t d = tv_day_from_ymd(2021, 6, 7);

	if (p == NULL) {
		ok(0, "ordinal plan parses");
		return;
	}
	is_int(0, p->history_horizon, "no window: horizon 0");
	memset(&h, 0, sizeof h);
	tv_history_add(&h, d + 10, 0);
	tv_history_add(&h, d + 5, 0);
	tv_history_add(&h, d + 20, 0);
	is_int(3, h.n, "every visit kept");
	is_int(0, h.dropped, "none let go");
	is_int(1, tv_history_ordinal(&h, d), "typed late, dated first: 1");
	is_int(2, tv_history_ordinal(&h, d + 7), "dated between: 2");
	is_int(4, tv_history_ordinal(&h, d + 30), "after all three: 4");
	tv_plan_free(p);
}

static void
test_seal(void)
{
	struct tv_plan *p = plan(whole);
	struct tv_history h, back;
	uint8_t key[32], tag[32], other[32], b[TV_HISTORY_VALUE_BYTES];
	uint8_t day_le[4];
	const int32_t d = tv_day_from_ymd(2021, 5, 3);
	int32_t exp = 0;
	size_t i;

	if (p == NULL) {
		ok(0, "plan parses");
		return;
	}
	randombytes_buf(key, sizeof key);
	randombytes_buf(tag, sizeof tag);
	memcpy(other, tag, sizeof tag);
	other[0] ^= 1;
	memset(&h, 0, sizeof h);
	tv_history_add(&h, d, 3);
	tv_history_add(&h, d + 9, 0);
	is_int(tv_day_from_ymd(2021, 12, 31) + 365, tv_history_expiry(&h, p),
	    "expiry: campaign end + retention (ordinals need it all)");
	tv_history_seal(b, &h, 12345, key, tag);
	is_int(0, tv_history_open(&back, &exp, b, sizeof b, key, tag), "opens");
	is_int(12345, exp, "expiry read back");
	is_int(2, back.n, "two visits");
	ok(back.v[0].day == d && back.v[0].match == 3 && back.v[1].day ==
	    d + 9 && back.first_day == d, "visits read back");
	is_int(TV_ERR_BADSIG, tv_history_open(&back, &exp, b, sizeof b, key,
	    other), "another person's tag: refused");
	b[4 + 24 + 3] ^= 0x40;
	is_int(TV_ERR_BADSIG, tv_history_open(&back, &exp, b, sizeof b, key,
	    tag), "altered: refused");
	b[4 + 24 + 3] ^= 0x40;
	b[3] ^= 1;
	is_int(TV_ERR_BADSIG, tv_history_open(&back, &exp, b, sizeof b, key,
	    tag), "expiry moved: refused");
	b[3] ^= 1;
	is_int(TV_ERR_FORMAT, tv_history_open(&back, &exp, b, sizeof b - 1,
	    key, tag), "short: refused");
	day_le[0] = (uint8_t)d;
	day_le[1] = (uint8_t)(d >> 8);
	day_le[2] = (uint8_t)(d >> 16);
	day_le[3] = (uint8_t)(d >> 24);
	for (i = 0; i + 4 <= sizeof b; i++)
		if (memcmp(b + i, day_le, 4) == 0)
			break;
	ok(i + 4 > sizeof b, "the day is not in the sealed bytes");
	memset(&h, 0, sizeof h);
	tv_history_seal(b, &h, 1, key, tag);
	is_int(TV_HISTORY_VALUE_BYTES, sizeof b, "one length for any history");
	/* Days the calendar cannot take (found by fuzz_history: they
	 * overflowed tv_hier_period_id and days_since_first). */
	h.n = 1;
	h.first_day = INT32_MIN + 5;
	h.v[0].day = INT32_MAX;
	tv_history_seal(b, &h, 1, key, tag);
	is_int(TV_ERR_FORMAT, tv_history_open(&back, &exp, b, sizeof b, key,
	    tag), "days outside 1900..9999: malformed");
	tv_plan_free(p);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_windows();
	test_whole();
	test_ordinal_late();
	test_seal();
	return tap_done();
}
