/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cert - the device certificate and revocation file readers
 * (proto/cert.c, jansson): tv_cert_from_json() with the fuzz campaign's
 * plan and tv_rev_from_json() on any bytes.  Oracles: the result is a
 * documented code; what parses writes back, parses again to the same
 * certificate or revocation, builds a body that parses to it, packs and
 * unpacks to it; verifying it against the campaign gives a documented
 * code (it never verifies: nobody here holds a trustee key).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "proto/cert.h"
#include "tests/fuzz/fuzz.h"

static int
read_code_ok(int rc)
{
	return rc == 0 || rc == TV_ERR_FORMAT || rc == TV_ERR_TOOBIG ||
	    rc == TV_ERR_MISMATCH || rc == TV_ERR_NOMEM;
}

static int
verify_code_ok(int rc)
{
	return rc == TV_ERR_FORMAT || rc == TV_ERR_MISMATCH ||
	    rc == TV_ERR_NOTFOUND || rc == TV_ERR_EXISTS ||
	    rc == TV_ERR_BADSIG || rc == TV_ERR_RANGE;
}

static int
cert_same(const struct tv_cert *a, const struct tv_cert *b)
{
	return !memcmp(a->campaign_id, b->campaign_id, 32) &&
	    !memcmp(a->device, b->device, 32) && !strcmp(a->name, b->name) &&
	    a->nsites == b->nsites && !memcmp(a->sites, b->sites,
	    a->nsites * sizeof *a->sites) && a->valid_from == b->valid_from &&
	    a->valid_until == b->valid_until;
}

static void
check_cert(const struct tv_cert *ct, const struct tv_campaign *c)
{
	static struct tv_cert again;
	uint8_t body[TV_CERT_BODY_MAX], *buf;
	char *json;
	size_t len;

	fuzz_assert(verify_code_ok(tv_cert_verify(ct, c, NULL)));
	fuzz_assert(tv_cert_to_json(&json, ct, c->plan) == 0);
	fuzz_assert(tv_cert_from_json(&again, json, strlen(json), c->plan) ==
	    0 && cert_same(ct, &again) && again.nsigs == ct->nsigs);
	free(json);
	fuzz_assert(tv_cert_body(ct, body, &len) == 0);
	fuzz_assert(tv_cert_parse_body(&again, body, len) == 0 &&
	    cert_same(ct, &again));
	fuzz_assert(tv_cert_pack(ct, &buf, &len) == 0);
	fuzz_assert(tv_cert_unpack(&again, buf, len) == 0 &&
	    cert_same(ct, &again) && again.nsigs == ct->nsigs &&
	    !memcmp(again.sigs, ct->sigs, ct->nsigs * sizeof *ct->sigs));
	free(buf);
}

static void
check_rev(const struct tv_revocation *r, const struct tv_campaign *c)
{
	struct tv_revocation again;
	uint8_t *buf;
	char *json;
	size_t len;

	fuzz_assert(verify_code_ok(tv_rev_verify(r, c, NULL)));
	fuzz_assert(tv_rev_to_json(&json, r) == 0);
	fuzz_assert(tv_rev_from_json(&again, json, strlen(json)) == 0 &&
	    again.last_seq == r->last_seq && again.nsigs == r->nsigs &&
	    !memcmp(again.device, r->device, 32));
	free(json);
	fuzz_assert(tv_rev_pack(r, &buf, &len) == 0);
	fuzz_assert(tv_rev_unpack(&again, buf, len) == 0 &&
	    again.last_seq == r->last_seq &&
	    !memcmp(again.campaign_id, r->campaign_id, 32));
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tv_campaign *c = fuzz_campaign();
	static struct tv_cert ct;
	struct tv_revocation r;
	int rc;

	rc = tv_cert_from_json(&ct, (const char *)data, size, c->plan);
	fuzz_assert(read_code_ok(rc));
	if (rc == 0)
		check_cert(&ct, c);
	rc = tv_rev_from_json(&r, (const char *)data, size);
	fuzz_assert(read_code_ok(rc));
	if (rc == 0)
		check_rev(&r, c);
	fuzz_sink += (uint64_t)size;
	return 0;
}
