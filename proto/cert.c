/* SPDX-License-Identifier: MIT */
/* Device certificates and revocations: bodies, signatures, files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/cert.h"
#include "proto/store.h"
#include "proto/json_hex.h"
#include "proto/tallyvan.pb-c.h"

static const char CERT_LABEL[] = "tallyvan/device-cert/v1";
static const char REV_LABEL[] = "tallyvan/device-revocation/v1";
static const char CERT_FORMAT[] = "tallyvan-device-cert/1";
static const char REV_FORMAT[] = "tallyvan-device-revocation/1";

/* 1..64 bytes, valid UTF-8 (as far as jansson and a terminal care: no
 * control characters, no DEL); json_stringn checks the UTF-8 itself. */
static int
name_ok(const char *name, size_t len)
{
	size_t i;

	if (len < 1 || len > TV_CERT_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((uint8_t)name[i] < 0x20 || (uint8_t)name[i] == 0x7f)
			return 0;
	return 1;
}

/* The rules of a body that do not need the plan. */
static int
cert_fields_ok(const struct tv_cert *c)
{
	uint32_t i;

	if (!name_ok(c->name, strnlen(c->name, sizeof c->name)) ||
	    c->nsites < 1 || c->nsites > TV_CERT_SITES_MAX ||
	    c->valid_from > c->valid_until)
		return 0;
	for (i = 1; i < c->nsites; i++)
		if (c->sites[i] <= c->sites[i - 1])
			return 0;
	return 1;
}

int
tv_cert_body(const struct tv_cert *c, uint8_t *body, size_t *len)
{
	size_t n = 0, nlen = strnlen(c->name, sizeof c->name);
	uint32_t i;

	if (!cert_fields_ok(c))
		return TV_ERR_FORMAT;
	memcpy(body, CERT_LABEL, sizeof CERT_LABEL);	/* with its NUL */
	n = sizeof CERT_LABEL;
	memcpy(body + n, c->campaign_id, 32);
	memcpy(body + n + 32, c->device, 32);
	n += 64;
	tv_le32_put(body + n, (uint32_t)nlen);
	memcpy(body + n + 4, c->name, nlen);
	n += 4 + nlen;
	tv_le32_put(body + n, c->nsites);
	n += 4;
	for (i = 0; i < c->nsites; i++, n += 4)
		tv_le32_put(body + n, c->sites[i]);
	tv_le32_put(body + n, (uint32_t)c->valid_from);
	tv_le32_put(body + n + 4, (uint32_t)c->valid_until);
	*len = n + 8;
	return 0;
}

int
tv_cert_parse_body(struct tv_cert *c, const uint8_t *body, size_t len)
{
	size_t n = sizeof CERT_LABEL, nlen;
	uint32_t i, ns;

	if (len > TV_CERT_BODY_MAX)
		return TV_ERR_TOOBIG;
	if (len < n + 64 + 4 || memcmp(body, CERT_LABEL, n) != 0)
		return TV_ERR_FORMAT;
	memcpy(c->campaign_id, body + n, 32);
	memcpy(c->device, body + n + 32, 32);
	n += 64;
	nlen = tv_le32_get(body + n);
	n += 4;
	if (nlen > TV_CERT_NAME_MAX || len - n < nlen + 4)
		return TV_ERR_FORMAT;
	memset(c->name, 0, sizeof c->name);
	memcpy(c->name, body + n, nlen);
	n += nlen;
	ns = tv_le32_get(body + n);
	n += 4;
	if (ns > TV_CERT_SITES_MAX || len - n != (size_t)ns * 4 + 8)
		return TV_ERR_FORMAT;
	c->nsites = ns;
	for (i = 0; i < ns; i++, n += 4)
		c->sites[i] = tv_le32_get(body + n);
	c->valid_from = (int32_t)tv_le32_get(body + n);
	c->valid_until = (int32_t)tv_le32_get(body + n + 4);
	/* A NUL inside the name would make it shorter than it was signed. */
	if (strnlen(c->name, sizeof c->name) != nlen || !cert_fields_ok(c))
		return TV_ERR_FORMAT;
	return 0;
}

int
tv_cert_has_site(const struct tv_cert *c, uint32_t s)
{
	uint32_t lo = 0, hi = c->nsites, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->sites[mid] == s)
			return 1;
		if (c->sites[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
tv_rev_body(const struct tv_revocation *r, uint8_t body[TV_REV_BODY_BYTES])
{
	size_t n = sizeof REV_LABEL;
	int i;

	memcpy(body, REV_LABEL, n);
	memcpy(body + n, r->campaign_id, 32);
	memcpy(body + n + 32, r->device, 32);
	n += 64;
	for (i = 0; i < 8; i++)
		body[n + (size_t)i] = (uint8_t)(r->last_seq >> (8 * i));
}

int
tv_rev_parse_body(struct tv_revocation *r, const uint8_t *body, size_t len)
{
	size_t n = sizeof REV_LABEL;
	int i;

	if (len != TV_REV_BODY_BYTES || memcmp(body, REV_LABEL, n) != 0)
		return TV_ERR_FORMAT;
	memcpy(r->campaign_id, body + n, 32);
	memcpy(r->device, body + n + 32, 32);
	n += 64;
	r->last_seq = 0;
	for (i = 0; i < 8; i++)
		r->last_seq |= (uint64_t)body[n + (size_t)i] << (8 * i);
	return 0;
}

/* Append index's signature of body to sigs (refusing a second one). */
static int
sigs_add(struct tv_trustee_sig *sigs, uint32_t *nsigs, uint32_t index,
    const uint8_t sk[64], const uint8_t *body, size_t len)
{
	uint32_t i;

	for (i = 0; i < *nsigs; i++)
		if (sigs[i].trustee == index)
			return TV_ERR_EXISTS;
	if (*nsigs >= TV_CERT_SIGS_MAX)
		return TV_ERR_TOOBIG;
	if (crypto_sign_detached(sigs[*nsigs].sig, NULL, body, len, sk) != 0)
		return TV_ERR_CRYPTO;
	sigs[(*nsigs)++].trustee = index;
	return 0;
}

int
tv_cert_sign(struct tv_cert *c, uint32_t index, const uint8_t sk[64])
{
	uint8_t body[TV_CERT_BODY_MAX];
	size_t len;
	int rc;

	if ((rc = tv_cert_body(c, body, &len)) != 0)
		return rc;
	return sigs_add(c->sigs, &c->nsigs, index, sk, body, len);
}

int
tv_rev_sign(struct tv_revocation *r, uint32_t index, const uint8_t sk[64])
{
	uint8_t body[TV_REV_BODY_BYTES];

	tv_rev_body(r, body);
	return sigs_add(r->sigs, &r->nsigs, index, sk, body, sizeof body);
}

/* Every signature valid, distinct known trustees, at least t of them. */
static int
sigs_verify(const struct tv_trustee_sig *sigs, uint32_t nsigs,
    const struct tv_campaign *cp, const uint8_t *body, size_t len,
    uint32_t *nvalid)
{
	uint8_t seen[TV_TRUSTEES_MAX + 1] = { 0 };
	uint32_t i, n = 0;
	int rc = 0;

	for (i = 0; i < nsigs && rc == 0; i++) {
		if (sigs[i].trustee < 1 || sigs[i].trustee > cp->n ||
		    cp->trustees[sigs[i].trustee - 1].index != sigs[i].trustee)
			rc = TV_ERR_NOTFOUND;
		else if (seen[sigs[i].trustee]++)
			rc = TV_ERR_EXISTS;
		else if (crypto_sign_verify_detached(sigs[i].sig, body, len,
		    cp->trustees[sigs[i].trustee - 1].pk) != 0)
			rc = TV_ERR_BADSIG;
		else
			n++;
	}
	if (rc == 0 && n < cp->t)
		rc = TV_ERR_RANGE;
	if (nvalid != NULL)
		*nvalid = n;
	return rc;
}

int
tv_cert_verify(const struct tv_cert *c, const struct tv_campaign *cp,
    uint32_t *nvalid)
{
	uint8_t body[TV_CERT_BODY_MAX];
	size_t len;
	int rc;

	if (nvalid != NULL)
		*nvalid = 0;
	if (sodium_memcmp(c->campaign_id, cp->id, 32) != 0)
		return TV_ERR_MISMATCH;
	if ((rc = tv_cert_body(c, body, &len)) != 0)
		return rc;
	if (c->sites[c->nsites - 1] >= cp->plan->nsites)
		return TV_ERR_FORMAT;	/* increasing: the last is the max */
	return sigs_verify(c->sigs, c->nsigs, cp, body, len, nvalid);
}

int
tv_rev_verify(const struct tv_revocation *r, const struct tv_campaign *cp,
    uint32_t *nvalid)
{
	uint8_t body[TV_REV_BODY_BYTES];

	if (nvalid != NULL)
		*nvalid = 0;
	if (sodium_memcmp(r->campaign_id, cp->id, 32) != 0)
		return TV_ERR_MISMATCH;
	tv_rev_body(r, body);
	return sigs_verify(r->sigs, r->nsigs, cp, body, sizeof body, nvalid);
}

/* ---- protobuf ------------------------------------------------------ */

/* Pack body and sigs as a DeviceCert (same layout as DeviceRevocation:
 * both are body = 1, repeated TrusteeSig sigs = 2). */
static int
sigs_pack(const uint8_t *body, size_t blen,
    const struct tv_trustee_sig *sigs, uint32_t nsigs, uint8_t **out,
    size_t *len)
{
	Tallyvan__DeviceCert m = TALLYVAN__DEVICE_CERT__INIT;
	Tallyvan__TrusteeSig ts[TV_CERT_SIGS_MAX], *tp[TV_CERT_SIGS_MAX];
	uint32_t i;

	for (i = 0; i < nsigs; i++) {
		tallyvan__trustee_sig__init(&ts[i]);
		ts[i].trustee = sigs[i].trustee;
		ts[i].sig = (ProtobufCBinaryData){ 64, (uint8_t *)sigs[i].sig };
		tp[i] = &ts[i];
	}
	m.body = (ProtobufCBinaryData){ blen, (uint8_t *)body };
	m.n_sigs = nsigs;
	m.sigs = tp;
	*len = tallyvan__device_cert__get_packed_size(&m);
	if ((*out = malloc(*len ? *len : 1)) == NULL)
		return TV_ERR_NOMEM;
	tallyvan__device_cert__pack(&m, *out);
	return 0;
}

int
tv_cert_pack(const struct tv_cert *c, uint8_t **out, size_t *len)
{
	uint8_t body[TV_CERT_BODY_MAX];
	size_t blen;
	int rc;

	*out = NULL;
	if ((rc = tv_cert_body(c, body, &blen)) != 0)
		return rc;
	return sigs_pack(body, blen, c->sigs, c->nsigs, out, len);
}

int
tv_rev_pack(const struct tv_revocation *r, uint8_t **out, size_t *len)
{
	uint8_t body[TV_REV_BODY_BYTES];

	*out = NULL;
	tv_rev_body(r, body);
	return sigs_pack(body, sizeof body, r->sigs, r->nsigs, out, len);
}

/* Unpack a DeviceCert-shaped message; the body is handed to parse. */
static int
sigs_unpack(const uint8_t *buf, size_t len, struct tv_trustee_sig *sigs,
    uint32_t *nsigs, int (*parse)(void *, const uint8_t *, size_t),
    void *obj)
{
	Tallyvan__DeviceCert *m;
	size_t i;
	int rc = TV_ERR_FORMAT;

	if (len > TV_CERT_PACKED_MAX)
		return TV_ERR_TOOBIG;
	if ((m = tallyvan__device_cert__unpack(NULL, len, buf)) == NULL)
		return TV_ERR_FORMAT;
	if (m->n_sigs > TV_CERT_SIGS_MAX) {
		rc = TV_ERR_TOOBIG;
		goto out;
	}
	for (i = 0; i < m->n_sigs; i++) {
		if (m->sigs[i]->sig.len != 64)
			goto out;
		sigs[i].trustee = m->sigs[i]->trustee;
		memcpy(sigs[i].sig, m->sigs[i]->sig.data, 64);
	}
	*nsigs = (uint32_t)m->n_sigs;
	rc = parse(obj, m->body.data, m->body.len);
out:
	tallyvan__device_cert__free_unpacked(m, NULL);
	return rc;
}

static int
cert_parse_cb(void *obj, const uint8_t *body, size_t len)
{
	return tv_cert_parse_body(obj, body, len);
}

static int
rev_parse_cb(void *obj, const uint8_t *body, size_t len)
{
	return tv_rev_parse_body(obj, body, len);
}

int
tv_cert_unpack(struct tv_cert *c, const uint8_t *buf, size_t len)
{
	memset(c, 0, sizeof *c);
	return sigs_unpack(buf, len, c->sigs, &c->nsigs, cert_parse_cb, c);
}

int
tv_rev_unpack(struct tv_revocation *r, const uint8_t *buf, size_t len)
{
	memset(r, 0, sizeof *r);
	return sigs_unpack(buf, len, r->sigs, &r->nsigs, rev_parse_cb, r);
}

/* ---- JSON ---------------------------------------------------------- */

static json_t *
day_json(int32_t day)
{
	char s[11];

	tv_day_format(s, day);
	return json_string(s);
}

static int
day_from_json(json_t *s, int32_t *day)
{
	const char *v = json_string_value(s);

	return v != NULL && tv_day_parse(v, day) == 0 ? 0 : TV_ERR_FORMAT;
}

static json_t *
sigs_json(const struct tv_trustee_sig *sigs, uint32_t nsigs)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; a != NULL && i < nsigs; i++)
		json_array_append_new(a, json_pack("{s:I, s:o}", "trustee",
		    (json_int_t)sigs[i].trustee, "sig",
		    tv_json_hex(sigs[i].sig, 64)));
	return a;
}

static int
sigs_from_json(json_t *a, struct tv_trustee_sig *sigs, uint32_t *nsigs)
{
	json_t *s, *ix;
	size_t i;

	if (!json_is_array(a))
		return TV_ERR_FORMAT;
	if (json_array_size(a) > TV_CERT_SIGS_MAX)
		return TV_ERR_TOOBIG;
	json_array_foreach(a, i, s) {
		ix = json_object_get(s, "trustee");
		if (!json_is_integer(ix) || json_integer_value(ix) < 1 ||
		    json_integer_value(ix) > TV_TRUSTEES_MAX ||
		    json_object_size(s) != 2 ||
		    tv_json_unhex(json_object_get(s, "sig"), sigs[i].sig,
		    64) != 0)
			return TV_ERR_FORMAT;
		sigs[i].trustee = (uint32_t)json_integer_value(ix);
	}
	*nsigs = (uint32_t)json_array_size(a);
	return 0;
}

/* The parsed object of a file with this format, or NULL (*rc why). */
static json_t *
format_open(const char *json, size_t len, const char *format, int *rc)
{
	json_t *o;

	*rc = TV_ERR_FORMAT;
	if (len > TV_CERT_FILE_MAX) {
		*rc = TV_ERR_TOOBIG;
		return NULL;
	}
	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (o == NULL)
		return NULL;
	if (!json_is_object(o) || !json_is_string(json_object_get(o,
	    "format")) || strcmp(json_string_value(json_object_get(o,
	    "format")), format) != 0) {
		*rc = json_is_object(o) ? TV_ERR_MISMATCH : TV_ERR_FORMAT;
		json_decref(o);
		return NULL;
	}
	*rc = 0;
	return o;
}

static int
sites_from_json(struct tv_cert *c, json_t *a, const struct tv_plan *p)
{
	json_t *s;
	size_t i;
	int ix;

	if (!json_is_array(a) || json_array_size(a) < 1)
		return TV_ERR_FORMAT;
	if (json_array_size(a) > TV_CERT_SITES_MAX)
		return TV_ERR_TOOBIG;
	json_array_foreach(a, i, s) {
		if (!json_is_string(s) ||
		    (ix = tv_plan_site_index(p, json_string_value(s))) < 0)
			return TV_ERR_FORMAT;
		c->sites[i] = (uint32_t)ix;
	}
	c->nsites = (uint32_t)json_array_size(a);
	return 0;
}

int
tv_cert_from_json(struct tv_cert *c, const char *json, size_t len,
    const struct tv_plan *p)
{
	const char *name;
	json_t *o;
	int rc;

	memset(c, 0, sizeof *c);
	if ((o = format_open(json, len, CERT_FORMAT, &rc)) == NULL)
		return rc;
	rc = TV_ERR_FORMAT;
	name = json_string_value(json_object_get(o, "name"));
	if (json_object_size(o) != 8 || name == NULL ||
	    strlen(name) > TV_CERT_NAME_MAX ||
	    tv_json_unhex(json_object_get(o, "campaign_id"), c->campaign_id,
	    32) != 0 ||
	    tv_json_unhex(json_object_get(o, "device"), c->device, 32) != 0 ||
	    day_from_json(json_object_get(o, "valid_from"), &c->valid_from) ||
	    day_from_json(json_object_get(o, "valid_until"), &c->valid_until))
		goto out;
	memcpy(c->name, name, strlen(name));
	if ((rc = sites_from_json(c, json_object_get(o, "sites"), p)) != 0 ||
	    (rc = sigs_from_json(json_object_get(o, "signatures"), c->sigs,
	    &c->nsigs)) != 0)
		goto out;
	rc = cert_fields_ok(c) ? 0 : TV_ERR_FORMAT;
out:
	json_decref(o);
	return rc;
}

static int
dump(char **json, json_t *o)
{
	if (o == NULL)
		return TV_ERR_NOMEM;
	*json = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return *json == NULL ? TV_ERR_NOMEM : 0;
}

int
tv_cert_to_json(char **json, const struct tv_cert *c, const struct tv_plan *p)
{
	json_t *sites;
	uint32_t i;

	*json = NULL;
	if (!cert_fields_ok(c) || c->sites[c->nsites - 1] >= p->nsites)
		return TV_ERR_FORMAT;
	if ((sites = json_array()) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < c->nsites; i++)
		json_array_append_new(sites, json_string(p->sites[c->sites[i]].id));
	return dump(json, json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "format", CERT_FORMAT, "campaign_id", tv_json_hex(c->campaign_id, 32),
	    "device", tv_json_hex(c->device, 32), "name", c->name, "sites", sites,
	    "valid_from", day_json(c->valid_from), "valid_until",
	    day_json(c->valid_until), "signatures",
	    sigs_json(c->sigs, c->nsigs)));
}

int
tv_rev_from_json(struct tv_revocation *r, const char *json, size_t len)
{
	json_t *o, *seq;
	int rc;

	memset(r, 0, sizeof *r);
	if ((o = format_open(json, len, REV_FORMAT, &rc)) == NULL)
		return rc;
	rc = TV_ERR_FORMAT;
	seq = json_object_get(o, "last_seq");
	if (json_object_size(o) == 5 && json_is_integer(seq) &&
	    json_integer_value(seq) >= 0 &&
	    tv_json_unhex(json_object_get(o, "campaign_id"), r->campaign_id,
	    32) == 0 &&
	    tv_json_unhex(json_object_get(o, "device"), r->device, 32) == 0) {
		r->last_seq = (uint64_t)json_integer_value(seq);
		rc = sigs_from_json(json_object_get(o, "signatures"), r->sigs,
		    &r->nsigs);
	}
	json_decref(o);
	return rc;
}

int
tv_rev_to_json(char **json, const struct tv_revocation *r)
{
	*json = NULL;
	/* JSON integers are int64 here: a larger last_seq has no file form. */
	if (r->last_seq > (uint64_t)INT64_MAX)
		return TV_ERR_RANGE;
	return dump(json, json_pack("{s:s, s:o, s:o, s:I, s:o}", "format",
	    REV_FORMAT, "campaign_id", tv_json_hex(r->campaign_id, 32), "device",
	    tv_json_hex(r->device, 32), "last_seq", (json_int_t)r->last_seq,
	    "signatures", sigs_json(r->sigs, r->nsigs)));
}

/* The file at path, at most TV_CERT_FILE_MAX bytes (malloc'd). */
static int
file_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	int rc = TV_ERR_IO;

	*buf = NULL;
	if (f == NULL)
		return rc;
	if ((*buf = malloc(TV_CERT_FILE_MAX + 1)) == NULL) {
		rc = TV_ERR_NOMEM;
		goto out;
	}
	*len = fread(*buf, 1, TV_CERT_FILE_MAX + 1, f);
	if (ferror(f))
		goto out;
	rc = *len > TV_CERT_FILE_MAX ? TV_ERR_TOOBIG : 0;
out:
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
	}
	fclose(f);
	return rc;
}

int
tv_cert_load(struct tv_cert *c, const char *path, const struct tv_plan *p)
{
	char *buf;
	size_t len;
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = file_slurp(path, &buf, &len)) != 0)
		return rc;
	rc = tv_cert_from_json(c, buf, len, p);
	free(buf);
	return rc;
}

int
tv_rev_load(struct tv_revocation *r, const char *path)
{
	char *buf;
	size_t len;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = file_slurp(path, &buf, &len)) != 0)
		return rc;
	rc = tv_rev_from_json(r, buf, len);
	free(buf);
	return rc;
}
