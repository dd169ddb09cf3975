/* SPDX-License-Identifier: MIT */
/*
 * t_cert - device certificates and revocations (proto/cert.c): valid with
 * t trustee signatures; refused with t-1, with a non-trustee's, with one
 * trustee twice, with a changed body byte, a bad site index or a window
 * the wrong way round; packed and JSON forms round-trip.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/cert.h"
#include "tests/unit/tap.h"

#define DEMO "docs/examples/demo-plan.json"
#define N 3
#define T 2

static uint8_t sk[N + 1][64];	/* sk[N]: not a trustee */

/* A 2-of-3 campaign around the demo plan: only what cert.c reads. */
static struct tv_campaign *
campaign(void)
{
	static struct tv_trustee tr[N];
	static struct tv_campaign c;
	char err[256];
	uint32_t i;

	if (tv_plan_load(&c.plan, DEMO, err, sizeof err) != 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	for (i = 0; i <= N; i++) {
		uint8_t pk[32];

		crypto_sign_keypair(pk, sk[i]);
		if (i < N)
			tr[i] = (struct tv_trustee){ .index = i + 1 };
		if (i < N)
			memcpy(tr[i].pk, pk, 32);
	}
	c.t = T;
	c.n = N;
	c.trustees = tr;
	randombytes_buf(c.id, 32);
	return &c;
}

static void
cert_init(struct tv_cert *ct, const struct tv_campaign *c)
{
	memset(ct, 0, sizeof *ct);
	memcpy(ct->campaign_id, c->id, 32);
	randombytes_buf(ct->device, 32);
	strcpy(ct->name, "van-A");
	ct->nsites = 2;
	ct->sites[0] = 0;
	ct->sites[1] = 3;
	ct->valid_from = c->plan->start_day;
	ct->valid_until = c->plan->end_day;
}

static void
test_cert(const struct tv_campaign *c)
{
	struct tv_cert ct, back;
	uint8_t body[TV_CERT_BODY_MAX], *buf;
	char *json;
	size_t len;
	uint32_t nv;

	cert_init(&ct, c);
	is_int(0, tv_cert_sign(&ct, 1, sk[0]), "trustee 1 signs");
	is_int(TV_ERR_RANGE, tv_cert_verify(&ct, c, &nv), "t-1 signatures "
	    "refused");
	is_int(1, nv, "one valid signature counted");
	is_int(TV_ERR_EXISTS, tv_cert_sign(&ct, 1, sk[0]), "a second "
	    "signature by one trustee refused at signing");
	is_int(0, tv_cert_sign(&ct, 3, sk[2]), "trustee 3 signs");
	is_int(0, tv_cert_verify(&ct, c, &nv), "valid with t signatures");
	is_int(2, nv, "two valid signatures");
	ok(tv_cert_has_site(&ct, 3) && !tv_cert_has_site(&ct, 1),
	    "site lookup");

	/* A duplicate trustee index (copied signature). */
	back = ct;
	back.sigs[2] = back.sigs[0];
	back.nsigs = 3;
	is_int(TV_ERR_EXISTS, tv_cert_verify(&back, c, NULL), "duplicate "
	    "trustee refused");
	/* A non-trustee's key signing as trustee 2. */
	back = ct;
	back.nsigs = 1;
	is_int(0, tv_cert_sign(&back, 2, sk[N]), "outsider signs as 2");
	is_int(TV_ERR_BADSIG, tv_cert_verify(&back, c, NULL), "signature "
	    "from a non-trustee key refused");
	back.sigs[1].trustee = 9;
	is_int(TV_ERR_NOTFOUND, tv_cert_verify(&back, c, NULL), "unknown "
	    "trustee index refused");
	/* One changed byte of the body, everywhere. */
	is_int(0, tv_cert_body(&ct, body, &len), "body builds");
	{
		size_t i, refused = 0, tried = 0;

		for (i = 0; i < len; i++) {
			body[i] ^= 0x01;
			if (tv_cert_parse_body(&back, body, len) != 0) {
				refused++;	/* not even a body */
			} else {
				memcpy(back.sigs, ct.sigs, sizeof ct.sigs);
				back.nsigs = ct.nsigs;
				refused += tv_cert_verify(&back, c, NULL) != 0;
			}
			tried++;
			body[i] ^= 0x01;
		}
		is_int(tried, refused, "every changed body byte refused");
	}
	back = ct;
	back.sites[1] = c->plan->nsites;
	is_int(TV_ERR_FORMAT, tv_cert_verify(&back, c, NULL), "site index "
	    "beyond the plan refused");
	back = ct;
	back.sites[1] = 0;
	is_int(TV_ERR_FORMAT, tv_cert_body(&back, body, &len), "sites not "
	    "increasing refused");
	back = ct;
	back.valid_from = back.valid_until + 1;
	is_int(TV_ERR_FORMAT, tv_cert_verify(&back, c, NULL), "from > until "
	    "refused");
	back = ct;
	back.name[0] = '\n';
	is_int(TV_ERR_FORMAT, tv_cert_body(&back, body, &len), "control "
	    "character in the name refused");
	back = ct;
	back.campaign_id[0] ^= 1;
	is_int(TV_ERR_MISMATCH, tv_cert_verify(&back, c, NULL), "other "
	    "campaign refused");

	is_int(0, tv_cert_pack(&ct, &buf, &len), "packs");
	is_int(0, tv_cert_unpack(&back, buf, len), "unpacks");
	free(buf);
	is_int(0, tv_cert_verify(&back, c, NULL), "packed form verifies");
	is_int(0, tv_cert_to_json(&json, &ct, c->plan), "to JSON");
	is_int(0, tv_cert_from_json(&back, json, strlen(json), c->plan),
	    "from JSON");
	is_int(0, tv_cert_verify(&back, c, NULL), "JSON form verifies");
	{
		struct tv_revocation r;

		is_int(TV_ERR_MISMATCH, tv_rev_from_json(&r, json,
		    strlen(json)), "a certificate is not a revocation");
	}
	free(json);
}

static void
test_rev(const struct tv_campaign *c)
{
	struct tv_revocation r = { 0 }, back;
	uint8_t body[TV_REV_BODY_BYTES];
	char *json;

	memcpy(r.campaign_id, c->id, 32);
	randombytes_buf(r.device, 32);
	r.last_seq = 7;
	is_int(0, tv_rev_sign(&r, 2, sk[1]), "revocation: trustee 2 signs");
	is_int(TV_ERR_RANGE, tv_rev_verify(&r, c, NULL), "revocation: t-1 "
	    "refused");
	is_int(0, tv_rev_sign(&r, 1, sk[0]), "revocation: trustee 1 signs");
	is_int(0, tv_rev_verify(&r, c, NULL), "revocation: valid with t");
	back = r;
	back.last_seq = 8;
	is_int(TV_ERR_BADSIG, tv_rev_verify(&back, c, NULL), "revocation: "
	    "changed last_seq refused");
	tv_rev_body(&r, body);
	is_int(0, tv_rev_parse_body(&back, body, sizeof body), "body parses");
	ok(back.last_seq == 7, "last_seq read back");
	is_int(0, tv_rev_to_json(&json, &r), "revocation to JSON");
	is_int(0, tv_rev_from_json(&back, json, strlen(json)), "from JSON");
	is_int(0, tv_rev_verify(&back, c, NULL), "JSON form verifies");
	free(json);
	is_int(TV_ERR_MISMATCH, tv_rev_from_json(&back,
	    "{\"format\":\"tallyvan-device-revocation/9\"}", 41),
	    "unknown format refused");
}

int
main(void)
{
	struct tv_campaign *c;

	if (sodium_init() < 0)
		return 1;
	c = campaign();
	test_cert(c);
	test_rev(c);
	tv_plan_free(c->plan);
	return tap_done();
}
