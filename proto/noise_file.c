/* SPDX-License-Identifier: MIT */
/* Trustees' noise contributions: making, checking, adding (noise_file.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/noise.h"
#include "proto/json_hex.h"
#include "proto/noise_file.h"

static const char NOISE_LABEL[] = "tallyvan/noise/v1";


static void
le32(uint8_t b[4], uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* The signed message, in a malloc'd buffer (NULL if out of memory). */
static uint8_t *
noise_msg(size_t *len, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32], uint32_t j,
    const uint8_t *ct)
{
	size_t cl = TV_CT_BYTES(c->k), cap = sizeof NOISE_LABEL + 68 +
	    (size_t)req->ncells * (52 + cl), n, i;
	uint8_t *m = malloc(cap), *p = m;
	char name[48];

	if (m == NULL)
		return NULL;
	memcpy(p, NOISE_LABEL, sizeof NOISE_LABEL);
	p += sizeof NOISE_LABEL;
	memcpy(p, c->id, 32);
	memcpy(p + 32, reqhash, 32);
	le32(p + 64, j);
	p += 68;
	for (i = 0; i < req->ncells; i++) {
		tv_cell_name(name, &req->cells[i]);
		n = strlen(name);
		le32(p, (uint32_t)n);
		memcpy(p + 4, name, n);
		memcpy(p + 4 + n, ct + i * cl, cl);
		p += 4 + n + cl;
	}
	*len = (size_t)(p - m);
	return m;
}

/* eta*G for a signed eta: 0 or TV_ERR_CRYPTO. */
static int
small_signed(uint8_t P[32], int64_t eta)
{
	tv_point_small(P, (uint64_t)(eta < 0 ? -eta : eta));
	if (eta < 0 && tv_point_sub(P, tv_identity, P) != 0)
		return TV_ERR_CRYPTO;
	return 0;
}

/* One cell's contribution: (rho G, rho X_i + eta_i G).  0 or a code; the
 * secrets are wiped on every path. */
static int
noise_cell(uint8_t *ct, const struct tv_campaign *c)
{
	const struct tv_noise_policy *np = &c->plan->policy.noise;
	uint8_t rho[32], P[32], E[32];
	int64_t eta = 0;
	uint32_t i;
	int rc = 0;

	crypto_core_ristretto255_scalar_random(rho);
	tv_point_mulbase(ct, rho);
	for (i = 0; i < c->k && rc == 0; i++) {
		rc = np->mech == TV_NOISE_GAUSSIAN ?
		    tv_noise_dgauss(&eta, np->num, np->den) :
		    tv_noise_dlaplace(&eta, np->num, np->den);
		if (rc == 0)
			rc = small_signed(E, eta);
		if (rc == 0 && (tv_point_mul(P, rho, c->keys + 32 * i) != 0 ||
		    tv_point_add(ct + 32 * (i + 1), P, E) != 0))
			rc = TV_ERR_CRYPTO;
	}
	sodium_memzero(&eta, sizeof eta);	/* never kept, never logged */
	sodium_memzero(P, sizeof P);	/* rho X_i: with ct, it gives eta */
	sodium_memzero(E, sizeof E);
	sodium_memzero(rho, sizeof rho);
	return rc;
}

/* Every cell's contribution, and their JSON array: 0 or a code. */
static int
noise_cells(uint8_t *ct, json_t *cells, const struct tv_campaign *c,
    const struct tv_request *req)
{
	size_t cl = TV_CT_BYTES(c->k), i;
	char name[48];
	int rc = 0;

	for (i = 0; i < req->ncells && rc == 0; i++) {
		if ((rc = noise_cell(ct + i * cl, c)) != 0)
			break;
		tv_cell_name(name, &req->cells[i]);
		if (json_array_append_new(cells, json_pack("{s:s, s:o}", "cell",
		    name, "ct", tv_json_hex(ct + i * cl, cl))) != 0)
			rc = TV_ERR_NOMEM;
	}
	return rc;
}

int
tv_noise_make(char **json, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32],
    const uint8_t *sk)
{
	const struct tv_trustee *me = tv_campaign_trustee(c, sk + 32);
	size_t cl = TV_CT_BYTES(c->k), mlen;
	uint8_t *ct = calloc(req->ncells ? req->ncells : 1, cl), *msg = NULL;
	uint8_t sig[64];
	json_t *cells = json_array(), *root = NULL;
	int rc = ct == NULL || cells == NULL ? TV_ERR_NOMEM : 0;

	*json = NULL;
	if (rc == 0 && me == NULL)
		rc = TV_ERR_NOTFOUND;
	if (rc == 0 && (rc = noise_cells(ct, cells, c, req)) == 0 &&
	    (msg = noise_msg(&mlen, c, req, reqhash, me->index, ct)) == NULL)
		rc = TV_ERR_NOMEM;
	if (rc == 0) {
		crypto_sign_detached(sig, NULL, msg, mlen, sk);
		root = json_pack("{s:s, s:o, s:i, s:o, s:O}", "format",
		    "tallyvan-noise/1", "campaign_id", tv_json_hex(c->id, 32),
		    "trustee", (int)me->index, "request", tv_json_hex(reqhash,
		    32), "cells", cells);
		if (root == NULL || json_object_set_new(root, "signature",
		    tv_json_hex(sig, 64)) != 0 ||
		    (*json = json_dumps(root, JSON_INDENT(1))) == NULL)
			rc = TV_ERR_NOMEM;
	}
	json_decref(root);
	json_decref(cells);
	free(msg);
	free(ct);
	return rc;
}

/* The trustee index (1..n) of a contribution to this request, its cts
 * (checked points) and signature; 0 if it is not one. */
static uint32_t
noise_parse(const json_t *root, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32], uint8_t *ct,
    uint8_t sig[64])
{
	json_t *cells = json_object_get(root, "cells"), *e;
	uint8_t got[32];
	char name[48];
	size_t i, cl = TV_CT_BYTES(c->k);
	json_int_t j = json_integer_value(json_object_get(root, "trustee"));

	if (tv_json_unhex(json_object_get(root, "campaign_id"), got, 32) ||
	    memcmp(got, c->id, 32) ||
	    tv_json_unhex(json_object_get(root, "request"), got, 32) ||
	    memcmp(got, reqhash, 32) ||
	    tv_json_unhex(json_object_get(root, "signature"), sig, 64) ||
	    j < 1 || j > (json_int_t)c->n ||
	    json_array_size(cells) != req->ncells)
		return 0;
	json_array_foreach(cells, i, e) {
		tv_cell_name(name, &req->cells[i]);
		if (strcmp(tv_json_str(e, "cell"), name) != 0 ||
		    tv_json_unhex(json_object_get(e, "ct"), ct + i * cl, cl) ||
		    !tv_ct_ok(ct + i * cl, c->k))
			return 0;
	}
	return (uint32_t)j;
}

/* Trustee j's signature over the contribution ct: 0 or a code. */
static int
noise_verify(const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32], uint32_t j, const uint8_t *ct,
    const uint8_t sig[64])
{
	uint8_t *msg;
	size_t mlen;
	int rc;

	if ((msg = noise_msg(&mlen, c, req, reqhash, j, ct)) == NULL)
		return TV_ERR_NOMEM;
	rc = crypto_sign_verify_detached(sig, msg, mlen,
	    c->trustees[j - 1].pk) != 0 ? TV_ERR_BADSIG : 0;
	free(msg);
	return rc;
}

int
tv_noise_add(struct tv_noise_set *ns, const uint8_t *buf, size_t len,
    const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32], uint32_t *trustee)
{
	size_t cl = TV_CT_BYTES(c->k);
	uint8_t *ct = NULL, sig[64];
	json_t *root = NULL;
	uint32_t j = 0;
	int rc = 0;

	*trustee = 0;
	if (ns->n >= c->n || ns->n >= TV_SHAMIR_MAX)
		return TV_ERR_TOOBIG;	/* more files than trustees */
	if ((ct = calloc(req->ncells ? req->ncells : 1, cl)) == NULL)
		return TV_ERR_NOMEM;
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (root == NULL || (j = noise_parse(root, c, req, reqhash, ct,
	    sig)) == 0)
		rc = TV_ERR_FORMAT;
	else if ((rc = noise_verify(c, req, reqhash, j, ct, sig)) == 0 &&
	    tv_noise_has(ns, j))
		rc = TV_ERR_EXISTS;
	*trustee = j;
	if (rc == 0) {
		ns->trustee[ns->n] = j;
		ns->ct[ns->n++] = ct;
		ct = NULL;
	}
	json_decref(root);
	free(ct);
	return rc;
}

int
tv_noise_apply(const struct tv_noise_set *ns, struct tv_cell *cells,
    uint32_t n, uint32_t k)
{
	uint32_t f, i;

	for (f = 0; f < ns->n; f++)
		for (i = 0; i < n; i++)
			if (tv_ct_add(cells[i].ct, ns->ct[f] + (size_t)i *
			    TV_CT_BYTES(k), k) != 0)
				return TV_ERR_CRYPTO;	/* checked points */
	return 0;
}

int
tv_noise_has(const struct tv_noise_set *ns, uint32_t j)
{
	for (uint32_t q = 0; q < ns->n; q++)
		if (ns->trustee[q] == j)
			return 1;
	return 0;
}

uint64_t
tv_noise_bound(const struct tv_noise_policy *p, uint32_t m)
{
	unsigned __int128 v, b = 0;

	if (p->mech == TV_NOISE_LAPLACE)	/* 70 b per contributor */
		return (uint64_t)((70 * (unsigned __int128)p->num * m +
		    p->den - 1) / p->den);
	/* 12 sigma of a sum of m: smallest B with B^2 >= 144 m var */
	v = 144 * (unsigned __int128)m * p->num;
	while (b * b * p->den < v)
		b++;
	return (uint64_t)b;
}

void
tv_noise_free(struct tv_noise_set *ns)
{
	for (uint32_t i = 0; i < ns->n; i++)
		free(ns->ct[i]);
	memset(ns, 0, sizeof *ns);
}
