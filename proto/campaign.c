/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/shamir.h"
#include "proto/campaign.h"
#include "proto/json_hex.h"

static const char CAMPAIGN_LABEL[] = "tallyvan/campaign/v2";
static const char ACCEPT_LABEL[] = "tallyvan/campaign/v2/accept";

static void
hash_u32(crypto_generichash_state *st, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	crypto_generichash_update(st, b, 4);
}

void
tv_campaign_hash(struct tv_campaign *c)
{
	const struct tv_plan *p = c->plan;
	crypto_generichash_state st;
	uint32_t i;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)CAMPAIGN_LABEL,
	    sizeof CAMPAIGN_LABEL - 1);
	hash_u32(&st, (uint32_t)p->canonical_len);
	crypto_generichash_update(&st, (const uint8_t *)p->canonical,
	    p->canonical_len);
	hash_u32(&st, c->k);
	hash_u32(&st, c->t);
	hash_u32(&st, c->n);
	for (i = 0; i < c->n; i++) {
		hash_u32(&st, c->trustees[i].index);
		crypto_generichash_update(&st, c->trustees[i].pk, 32);
		hash_u32(&st, (uint32_t)strlen(c->trustees[i].name));
		crypto_generichash_update(&st,
		    (const uint8_t *)c->trustees[i].name,
		    strlen(c->trustees[i].name));
	}
	crypto_generichash_update(&st, c->commit, (size_t)c->k * c->t * 32);
	crypto_generichash_final(&st, c->id, 32);
}

void
tv_campaign_accept_msg(uint8_t msg[TV_ACCEPT_MSG_BYTES], const uint8_t id[32])
{
	memcpy(msg, ACCEPT_LABEL, sizeof ACCEPT_LABEL);	/* with its NUL */
	memcpy(msg + sizeof ACCEPT_LABEL, id, 32);
}

int
tv_campaign_add_sig(struct tv_campaign *c, uint32_t index,
    const uint8_t sig[64])
{
	uint8_t msg[TV_ACCEPT_MSG_BYTES];
	struct tv_trustee *tr;

	if (index < 1 || index > c->n)
		return TV_ERR_NOTFOUND;
	tr = &c->trustees[index - 1];
	tv_campaign_accept_msg(msg, c->id);
	if (crypto_sign_verify_detached(sig, msg, sizeof msg, tr->pk) != 0)
		return TV_ERR_BADSIG;
	memcpy(tr->sig, sig, 64);
	tr->has_sig = 1;
	return 0;
}

int
tv_campaign_complete(const struct tv_campaign *c)
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		if (!c->trustees[i].has_sig)
			return 0;
	return c->n > 0;
}

const struct tv_trustee *
tv_campaign_trustee(const struct tv_campaign *c, const uint8_t pk[32])
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		if (sodium_memcmp(c->trustees[i].pk, pk, 32) == 0)
			return &c->trustees[i];
	return NULL;
}

static json_t *
bundle_trustees(const struct tv_campaign *c)
{
	json_t *arr = json_array(), *o;
	uint32_t i;

	for (i = 0; i < c->n; i++) {
		o = json_pack("{s:i, s:s, s:o}", "index",
		    (int)c->trustees[i].index, "name", c->trustees[i].name,
		    "key", tv_json_hex(c->trustees[i].pk, 32));
		if (c->trustees[i].has_sig)
			json_object_set_new(o, "signature",
			    tv_json_hex(c->trustees[i].sig, 64));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
bundle_keys(const struct tv_campaign *c)
{
	json_t *arr = json_array(), *com;
	uint32_t i, j;

	for (i = 0; i < c->k; i++) {
		com = json_array();
		for (j = 1; j < c->t; j++)
			json_array_append_new(com, tv_json_hex(TV_COMMIT(c, i, j),
			    32));
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o}",
		    "indicator", c->plan->indicators[i].id, "key",
		    tv_json_hex(TV_COMMIT(c, i, 0), 32), "commitments", com));
	}
	return arr;
}

int
tv_campaign_bundle(char **json, const struct tv_campaign *c)
{
	json_t *root, *plan;

	*json = NULL;
	plan = json_loadb(c->plan->canonical, c->plan->canonical_len, 0, NULL);
	if (plan == NULL)
		return TV_ERR_FORMAT;
	root = json_pack("{s:s, s:o, s:o, s:i, s:o, s:o}", "format",
	    "tallyvan-campaign/2", "campaign_id", tv_json_hex(c->id, 32), "plan",
	    plan, "threshold", (int)c->t, "trustees", bundle_trustees(c),
	    "indicator_keys", bundle_keys(c));
	if (root == NULL)
		return TV_ERR_NOMEM;
	*json = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(root);
	return *json != NULL ? 0 : TV_ERR_NOMEM;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return n > 0 && n <= TV_TRUSTEE_NAME_MAX;
}

static int
parse_trustees(struct tv_campaign *c, json_t *arr, char *err, size_t errlen)
{
	json_t *e, *sig;
	const char *name;
	size_t i;
	int idx;

	c->n = (uint32_t)json_array_size(arr);
	if (!json_is_array(arr) || c->n < 1 || c->n > TV_TRUSTEES_MAX)
		return snprintf(err, errlen, "$.trustees: want 1 to %d "
		    "trustees", TV_TRUSTEES_MAX), TV_ERR_FORMAT;
	if ((c->trustees = calloc(c->n, sizeof *c->trustees)) == NULL)
		return TV_ERR_NOMEM;
	json_array_foreach(arr, i, e) {
		struct tv_trustee *tr = &c->trustees[i];

		sig = NULL;
		if (json_unpack(e, "{s:i, s:s, s:o, s?o !}", "index", &idx,
		    "name", &name, "key", &sig, "signature", &sig) != 0 ||
		    idx != (int)i + 1 || !name_ok(name) ||
		    tv_json_unhex(json_object_get(e, "key"), tr->pk, 32) != 0)
			return snprintf(err, errlen, "$.trustees[%zu]: want "
			    "{\"index\": %zu, \"name\", \"key\": 64 hex digits"
			    "[, \"signature\"]}", i, i + 1), TV_ERR_FORMAT;
		tr->index = (uint32_t)idx;
		if ((tr->name = strdup(name)) == NULL)
			return TV_ERR_NOMEM;
	}
	return 0;
}

static int
parse_point(json_t *s, uint8_t *out)
{
	return tv_json_unhex(s, out, 32) == 0 && tv_point_ok_nonid(out) ? 0 : -1;
}

static int
parse_keys(struct tv_campaign *c, json_t *arr, char *err, size_t errlen)
{
	json_t *e, *com, *key;
	const char *ind;
	size_t i, j;

	c->k = c->plan->nindicators;
	if (!json_is_array(arr) || json_array_size(arr) != c->k)
		return snprintf(err, errlen, "$.indicator_keys: want one key "
		    "per indicator (%u)", c->k), TV_ERR_FORMAT;
	c->commit = calloc((size_t)c->k * c->t, 32);
	c->keys = calloc(c->k, 32);
	if (c->commit == NULL || c->keys == NULL)
		return TV_ERR_NOMEM;
	json_array_foreach(arr, i, e) {
		if (json_unpack(e, "{s:s, s:o, s:o !}", "indicator", &ind,
		    "key", &key, "commitments", &com) != 0 ||
		    strcmp(ind, c->plan->indicators[i].id) != 0 ||
		    parse_point(key, TV_COMMIT(c, i, 0)) != 0 ||
		    !json_is_array(com) || json_array_size(com) != c->t - 1)
			goto bad;
		for (j = 1; j < c->t; j++)
			if (parse_point(json_array_get(com, j - 1),
			    TV_COMMIT(c, i, j)) != 0)
				goto bad;
		memcpy(c->keys + 32 * i, TV_COMMIT(c, i, 0), 32);
	}
	return 0;
bad:
	return snprintf(err, errlen, "$.indicator_keys[%zu]: want {\"indicator\":"
	    " \"%s\", \"key\": a valid point, \"commitments\": %u valid "
	    "points}", i, c->plan->indicators[i].id, c->t - 1), TV_ERR_FORMAT;
}

static int
parse_sigs(struct tv_campaign *c, json_t *arr, char *err, size_t errlen)
{
	uint8_t sig[64];
	json_t *s;
	size_t i;

	for (i = 0; i < c->n; i++) {
		s = json_object_get(json_array_get(arr, i), "signature");
		if (s == NULL)
			continue;
		if (tv_json_unhex(s, sig, 64) != 0 ||
		    tv_campaign_add_sig(c, (uint32_t)i + 1, sig) != 0)
			return snprintf(err, errlen, "$.trustees[%zu].signature:"
			    " not trustee %zu's signature of this campaign", i,
			    i + 1), TV_ERR_BADSIG;
	}
	return 0;
}

static int
bundle_parse(struct tv_campaign *c, json_t *root, char *err, size_t errlen)
{
	json_t *plan = NULL, *keys = NULL, *trustees = NULL;
	const char *fmt = NULL, *idhex = NULL;
	uint8_t want[32];
	char *text;
	int t, rc;

	if (json_unpack(root, "{s:s, s:s, s:o, s:i, s:o, s:o !}", "format",
	    &fmt, "campaign_id", &idhex, "plan", &plan, "threshold", &t,
	    "trustees", &trustees, "indicator_keys", &keys) != 0 ||
	    strcmp(fmt, "tallyvan-campaign/2") != 0)
		return snprintf(err, errlen, "$: not a tallyvan-campaign/2 "
		    "bundle"), TV_ERR_FORMAT;
	if ((text = json_dumps(plan, JSON_COMPACT)) == NULL)
		return TV_ERR_NOMEM;
	rc = tv_plan_parse(&c->plan, text, strlen(text), err, errlen);
	free(text);
	if (rc != 0 || (rc = parse_trustees(c, trustees, err, errlen)) != 0)
		return rc;
	if (t < 1 || (uint32_t)t > c->n)
		return snprintf(err, errlen, "$.threshold: want 1 to %u", c->n),
		    TV_ERR_FORMAT;
	c->t = (uint32_t)t;
	if ((rc = parse_keys(c, keys, err, errlen)) != 0)
		return rc;
	tv_campaign_hash(c);
	if (tv_json_unhex(json_object_get(root, "campaign_id"), want, 32) != 0 ||
	    sodium_memcmp(want, c->id, 32) != 0)
		return snprintf(err, errlen, "$.campaign_id: does not match "
		    "the plan, trustees and keys (altered bundle?)"),
		    TV_ERR_MISMATCH;
	return parse_sigs(c, trustees, err, errlen);
}

int
tv_campaign_load(struct tv_campaign **out, const char *path, char *err,
    size_t errlen)
{
	struct tv_campaign *c = calloc(1, sizeof *c);
	json_error_t jerr;
	json_t *root = NULL;
	struct stat sb;
	char sub[512];
	int rc = TV_ERR_NOMEM;

	sub[0] = 0;
	if (c == NULL)
		goto out;
	/* Size cap before jansson reads the whole file. */
	if (stat(path, &sb) != 0) {
		rc = errno == ENOENT ? TV_ERR_NOTFOUND : TV_ERR_IO;
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > TV_CAMPAIGN_MAX_BYTES) {
		rc = TV_ERR_TOOBIG;
		goto out;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(sub, sizeof sub, "line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		rc = TV_ERR_FORMAT;
		goto out;
	}
	rc = bundle_parse(c, root, sub, sizeof sub);
out:
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, sub[0] ? sub :
		    tv_strerror(rc));
		tv_campaign_free(c);
		c = NULL;
	}
	json_decref(root);
	*out = c;
	return rc;
}

void
tv_campaign_free(struct tv_campaign *c)
{
	uint32_t i;

	if (c == NULL)
		return;
	for (i = 0; c->trustees != NULL && i < c->n; i++)
		free(c->trustees[i].name);
	free(c->trustees);
	tv_plan_free(c->plan);
	free(c->keys);
	free(c->commit);
	free(c);
}

int
tv_cell_closed(const struct tv_plan *p, int32_t last_day, int32_t today)
{
	int32_t end = last_day < p->end_day ? last_day : p->end_day;

	return (int64_t)end + p->policy.grace_days < (int64_t)today;
}

int
tv_campaign_verkeys(uint8_t *S, const struct tv_campaign *c, uint32_t j)
{
	uint32_t i;

	for (i = 0; i < c->k; i++)
		if (tv_shamir_verkey(S + 32 * (size_t)i, j, TV_COMMIT(c, i, 0),
		    c->t) != 0)
			return TV_ERR_CRYPTO;
	return 0;
}
