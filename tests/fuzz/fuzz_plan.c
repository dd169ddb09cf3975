/* SPDX-License-Identifier: MIT */
/*
 * fuzz_plan - the evaluation plan parser (jansson): tv_plan_parse() on any
 * bytes.  Oracles: an error always comes with a message; a parsed plan
 * respects its caps, every predicate evaluates, and its canonical form
 * parses again to the same canonical form (what the campaign id hashes).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/plan.h"
#include "tests/fuzz/fuzz.h"

static void
check_plan(const struct tv_plan *p)
{
	uint64_t values[TV_PLAN_MAX_FIELDS];
	struct tv_plan *again = NULL;
	char err[512];
	uint32_t i;

	fuzz_assert(p->nsites >= 1 && p->nsites <= TV_PLAN_MAX_SITES);
	fuzz_assert(p->nfields <= TV_PLAN_MAX_FIELDS);
	fuzz_assert(p->nindicators <= TV_PLAN_MAX_INDICATORS);
	fuzz_assert(p->start_day <= p->end_day);
	memset(values, 0xff, sizeof values);
	for (i = 0; i < p->nindicators; i++)
		fuzz_sink += (uint64_t)tv_pred_eval(&p->indicators[i].when,
		    values);
	fuzz_assert(p->canonical != NULL);
	fuzz_assert(tv_plan_parse(&again, p->canonical, p->canonical_len,
	    err, sizeof err) == 0);
	fuzz_assert(again->canonical_len == p->canonical_len &&
	    memcmp(again->canonical, p->canonical, p->canonical_len) == 0);
	tv_plan_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_plan *p = NULL;
	char err[512];
	int rc;

	err[0] = 0;
	rc = tv_plan_parse(&p, (const char *)data, size, err, sizeof err);
	if (rc == 0) {
		check_plan(p);
		tv_plan_free(p);
	} else {
		fuzz_assert(p == NULL && err[0] != 0);
		fuzz_sink += strlen(err);
	}
	return 0;
}
