/* SPDX-License-Identifier: MIT */
/*
 * fuzz_statement - a trustee's signed ledger statement as partials and
 * releases carry it (proto/statement.c, jansson): tv_statement_from_json()
 * on any JSON.  Oracles: the result is a documented code; what parses
 * respects its caps, writes back and parses again to the same statement,
 * and verifying it against the fuzz campaign gives a documented code.
 * The same input is also read as a decision entry (tv_statement_decision)
 * of a statement that shows its hash as entries 1 to 3, for a request of
 * 32 zero bytes and 4 cells: a documented code; on success, 4 trustee
 * verdicts.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/statement.h"
#include "tests/fuzz/fuzz.h"

static void
decision_check(const uint8_t *data, size_t size)
{
	static const uint8_t req[32];
	uint8_t e[3][32];
	struct tv_statement s = { .trustee = 1, .length = 3, .entries = e };
	enum tv_verdict v[4];
	int rc, i;

	crypto_generichash(e[0], 32, data, size, NULL, 0);
	memcpy(e[1], e[0], 32);
	memcpy(e[2], e[0], 32);
	rc = tv_statement_decision(&s, (const char *)data, size, req, 4, v);
	fuzz_assert(rc == 0 || rc == TV_ERR_MISMATCH || rc == TV_ERR_FORMAT ||
	    rc == TV_ERR_TOOBIG);
	for (i = 0; rc == 0 && i < 4; i++)
		fuzz_assert(v[i] < TV_V_TRUSTEE_COUNT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tv_campaign *c = fuzz_campaign();
	struct tv_statement s, again;
	json_t *o = json_loadb((const char *)data, size, 0, NULL), *back;
	int rc;

	decision_check(data, size);
	if (o == NULL)
		return 0;
	rc = tv_statement_from_json(&s, o);
	json_decref(o);
	fuzz_assert(rc == 0 || rc == TV_ERR_FORMAT || rc == TV_ERR_TOOBIG ||
	    rc == TV_ERR_NOMEM);
	if (rc != 0)
		return 0;
	fuzz_assert(s.trustee >= 1 && s.length <= TV_LEDGER_MAX_ENTRIES);
	rc = tv_statement_verify(&s, c);
	fuzz_assert(rc == TV_ERR_NOTFOUND || rc == TV_ERR_BADSIG ||
	    rc == TV_ERR_MISMATCH);
	fuzz_assert((back = tv_statement_json(&s, 1)) != NULL);
	fuzz_assert(tv_statement_from_json(&again, back) == 0);
	fuzz_assert(again.trustee == s.trustee && again.length == s.length &&
	    !memcmp(again.head, s.head, 32) && !memcmp(again.sig, s.sig, 64) &&
	    !memcmp(again.request, s.request, 32) &&
	    (s.entries == NULL) == (again.entries == NULL) &&
	    (s.entries == NULL || s.length == 0 ||
	    !memcmp(s.entries, again.entries, 32 * s.length)));
	json_decref(back);
	tv_statement_clear(&again);
	tv_statement_clear(&s);
	return 0;
}
