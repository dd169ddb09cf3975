/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "common/noise_file.h"
#include "common/json_util.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/noise.h"

#define NOISE_FILE_MAX (256u << 20)
static const char NOISE_LABEL[] = "tallyvan/noise/v1";


static void
le32(uint8_t b[4], uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* The signed message, in a malloc'd buffer. */
static uint8_t *
noise_msg(size_t *len, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32], uint32_t j,
    const uint8_t *ct)
{
	size_t cl = TV_CT_BYTES(c->k), cap = sizeof NOISE_LABEL + 68 +
	    (size_t)req->ncells * (52 + cl), n, i;
	uint8_t *m = xmalloc(cap), *p = m;
	char name[48];

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

/* eta*G for a signed eta. */
static void
small_signed(uint8_t P[32], int64_t eta)
{
	tv_point_small(P, (uint64_t)(eta < 0 ? -eta : eta));
	if (eta < 0 && tv_point_sub(P, tv_identity, P) != 0)
		die("internal error: noise point");
}

/* One cell's contribution: (rho G, rho X_i + eta_i G). */
static void
noise_cell(uint8_t *ct, const struct tv_campaign *c)
{
	const struct tv_noise_policy *np = &c->plan->policy.noise;
	uint8_t rho[32], P[32], E[32];
	int64_t eta = 0;
	uint32_t i;
	int rc;

	crypto_core_ristretto255_scalar_random(rho);
	tv_point_mulbase(ct, rho);
	for (i = 0; i < c->k; i++) {
		rc = np->mech == TV_NOISE_GAUSSIAN ?
		    tv_noise_dgauss(&eta, np->num, np->den) :
		    tv_noise_dlaplace(&eta, np->num, np->den);
		if (rc != 0)
			die("cannot draw noise: %s", tv_strerror(rc));
		small_signed(E, eta);
		if (tv_point_mul(P, rho, c->keys + 32 * i) != 0 ||
		    tv_point_add(ct + 32 * (i + 1), P, E) != 0)
			die("internal error: noise encryption");
	}
	eta = 0;	/* never kept, never logged */
	sodium_memzero(P, sizeof P);	/* rho X_i: with ct, it gives eta */
	sodium_memzero(E, sizeof E);
	sodium_memzero(rho, sizeof rho);
}

void
noise_write(const char *path, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32],
    const uint8_t *sk)
{
	const struct tv_trustee *me = tv_campaign_trustee(c, sk + 32);
	size_t cl = TV_CT_BYTES(c->k), mlen, i;
	uint8_t *ct = xcalloc(req->ncells ? req->ncells : 1, cl), *msg, sig[64];
	json_t *cells = json_array(), *root;
	char name[48], *text;
	int rc;

	if (me == NULL)
		die("this key is not one of the campaign's trustees");
	for (i = 0; i < req->ncells; i++) {
		noise_cell(ct + i * cl, c);
		tv_cell_name(name, &req->cells[i]);
		json_array_append_new(cells, json_pack("{s:s, s:o}", "cell",
		    name, "ct", json_hex(ct + i * cl, cl)));
	}
	msg = noise_msg(&mlen, c, req, reqhash, me->index, ct);
	crypto_sign_detached(sig, NULL, msg, mlen, sk);
	root = json_pack("{s:s, s:o, s:i, s:o, s:o, s:o}", "format",
	    "tallyvan-noise/1", "campaign_id", json_hex(c->id, 32), "trustee",
	    (int)me->index, "request", json_hex(reqhash, 32), "cells", cells,
	    "signature", json_hex(sig, 64));
	text = json_dumps(root, JSON_INDENT(1));
	if (text == NULL || (rc = file_write_atomic(path, text, strlen(text),
	    1)) != 0)
		die("cannot write '%s'", path);
	free(text);
	json_decref(root);
	free(msg);
	free(ct);
}

static uint32_t
noise_parse(json_t *root, const struct tv_campaign *c,
    const struct tv_request *req, const uint8_t reqhash[32], uint8_t *ct,
    uint8_t sig[64])
{
	json_t *cells = json_object_get(root, "cells"), *e;
	const char *h;
	uint8_t got[32];
	char name[48];
	size_t i, cl = TV_CT_BYTES(c->k);
	json_int_t j = json_integer_value(json_object_get(root, "trustee"));

	h = json_string_value(json_object_get(root, "campaign_id"));
	if (h == NULL || hex_decode(got, 32, h) || memcmp(got, c->id, 32))
		return 0;
	h = json_string_value(json_object_get(root, "request"));
	if (h == NULL || hex_decode(got, 32, h) || memcmp(got, reqhash, 32))
		return 0;
	h = json_string_value(json_object_get(root, "signature"));
	if (h == NULL || hex_decode(sig, 64, h) || j < 1 ||
	    j > (json_int_t)c->n || json_array_size(cells) != req->ncells)
		return 0;
	json_array_foreach(cells, i, e) {
		tv_cell_name(name, &req->cells[i]);
		h = json_string_value(json_object_get(e, "ct"));
		if (strcmp(json_string_value(json_object_get(e, "cell")) ?
		    json_string_value(json_object_get(e, "cell")) : "", name) ||
		    h == NULL || hex_decode(ct + i * cl, cl, h) ||
		    !tv_ct_ok(ct + i * cl, c->k))
			return 0;
	}
	return (uint32_t)j;
}

void
noise_load(struct noise_set *ns, char *const *paths, uint32_t n,
    const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32])
{
	size_t cl = TV_CT_BYTES(c->k), mlen;
	uint8_t *buf, sig[64], *msg;
	json_t *root;
	uint32_t i, j, q;
	size_t len;

	memset(ns, 0, sizeof *ns);
	for (i = 0; i < n; i++) {
		if (file_read(paths[i], NOISE_FILE_MAX, &buf, &len) != 0)
			die("cannot read '%s'", paths[i]);
		root = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES,
		    NULL);
		free(buf);
		ns->ct[i] = xcalloc(req->ncells ? req->ncells : 1, cl);
		if (root == NULL || (j = noise_parse(root, c, req, reqhash,
		    ns->ct[i], sig)) == 0)
			die("'%s' is not a noise contribution to this request",
			    paths[i]);
		json_decref(root);
		msg = noise_msg(&mlen, c, req, reqhash, j, ns->ct[i]);
		if (crypto_sign_verify_detached(sig, msg, mlen,
		    c->trustees[j - 1].pk) != 0)
			die("'%s': not signed by trustee %u", paths[i], j);
		free(msg);
		for (q = 0; q < ns->n; q++)
			if (ns->trustee[q] == j)
				die("'%s': a second contribution of trustee %u",
				    paths[i], j);
		ns->trustee[ns->n++] = j;
	}
}

void
noise_apply(const struct noise_set *ns, struct tv_cell *cells, uint32_t n,
    uint32_t k)
{
	uint32_t f, i;

	for (f = 0; f < ns->n; f++)
		for (i = 0; i < n; i++)
			if (tv_ct_add(cells[i].ct, ns->ct[f] + (size_t)i *
			    TV_CT_BYTES(k), k) != 0)
				die("internal error: noise sum");
}

int
noise_has(const struct noise_set *ns, uint32_t j)
{
	for (uint32_t q = 0; q < ns->n; q++)
		if (ns->trustee[q] == j)
			return 1;
	return 0;
}

uint64_t
noise_bound(const struct tv_noise_policy *p, uint32_t m)
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
noise_free(struct noise_set *ns)
{
	for (uint32_t i = 0; i < ns->n; i++)
		free(ns->ct[i]);
	memset(ns, 0, sizeof *ns);
}
