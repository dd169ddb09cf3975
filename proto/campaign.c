/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/err.h"
#include "crypto/group.h"
#include "proto/campaign.h"

static const char CAMPAIGN_LABEL[] = "tallyvan/campaign/v1";

static void
u32le(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

void
tv_campaign_id(uint8_t id[32], const struct tv_plan *p, const uint8_t *keys,
    uint32_t k)
{
	crypto_generichash_state st;
	uint8_t b[4];

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)CAMPAIGN_LABEL,
	    sizeof CAMPAIGN_LABEL - 1);
	u32le(b, (uint32_t)p->canonical_len);
	crypto_generichash_update(&st, b, 4);
	crypto_generichash_update(&st, (const uint8_t *)p->canonical,
	    p->canonical_len);
	u32le(b, k);
	crypto_generichash_update(&st, b, 4);
	crypto_generichash_update(&st, keys, (size_t)k * 32);
	crypto_generichash_final(&st, id, 32);
}

int
tv_campaign_bundle(char **json, uint8_t id[32], const struct tv_plan *p,
    const uint8_t *keys)
{
	json_t *root = NULL, *plan = NULL, *arr;
	char hex[65];
	uint32_t i;
	int rc = TV_ERR_NOMEM;

	if ((plan = json_loadb(p->canonical, p->canonical_len, 0, NULL)) == NULL)
		return TV_ERR_FORMAT;
	tv_campaign_id(id, p, keys, p->nindicators);
	sodium_bin2hex(hex, sizeof hex, id, 32);
	root = json_pack("{s:s, s:s, s:o, s:[]}", "format",
	    "tallyvan-campaign/1", "campaign_id", hex, "plan", plan,
	    "indicator_keys");
	if (root == NULL)
		goto out;
	arr = json_object_get(root, "indicator_keys");
	for (i = 0; i < p->nindicators; i++) {
		sodium_bin2hex(hex, sizeof hex, keys + 32 * i, 32);
		if (json_array_append_new(arr, json_pack("{s:s, s:s}",
		    "indicator", p->indicators[i].id, "key", hex)) != 0)
			goto out;
	}
	*json = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	rc = *json != NULL ? 0 : TV_ERR_NOMEM;
out:
	json_decref(root);
	return rc;
}

static int
bundle_keys(struct tv_campaign *c, json_t *arr, char *err, size_t errlen)
{
	json_t *e;
	const char *ind, *hex;
	size_t i, got;

	if (!json_is_array(arr) || json_array_size(arr) != c->plan->nindicators)
		return snprintf(err, errlen, "$.indicator_keys: want one key "
		    "per indicator (%u)", c->plan->nindicators), TV_ERR_FORMAT;
	c->k = c->plan->nindicators;
	if ((c->keys = malloc((size_t)c->k * 32)) == NULL)
		return TV_ERR_NOMEM;
	json_array_foreach(arr, i, e) {
		if (json_unpack(e, "{s:s, s:s}", "indicator", &ind, "key",
		    &hex) != 0 || strcmp(ind, c->plan->indicators[i].id) != 0 ||
		    strlen(hex) != 64 || sodium_hex2bin(c->keys + 32 * i, 32,
		    hex, 64, NULL, &got, NULL) != 0 || got != 32 ||
		    !tv_point_ok_nonid(c->keys + 32 * i))
			return snprintf(err, errlen, "$.indicator_keys[%zu]: "
			    "want {\"indicator\": \"%s\", \"key\": 64 hex "
			    "digits of a valid point}", i,
			    c->plan->indicators[i].id), TV_ERR_FORMAT;
	}
	return 0;
}

static int
bundle_parse(struct tv_campaign *c, json_t *root, char *err, size_t errlen)
{
	const char *fmt = NULL, *idhex = NULL;
	json_t *plan = NULL, *keys = NULL;
	uint8_t want[32];
	char *text;
	int rc;

	if (json_unpack(root, "{s:s, s:s, s:o, s:o}", "format", &fmt,
	    "campaign_id", &idhex, "plan", &plan, "indicator_keys", &keys) != 0
	    || strcmp(fmt, "tallyvan-campaign/1") != 0)
		return snprintf(err, errlen, "$: not a tallyvan-campaign/1 "
		    "bundle"), TV_ERR_FORMAT;
	if ((text = json_dumps(plan, JSON_COMPACT)) == NULL)
		return TV_ERR_NOMEM;
	rc = tv_plan_parse(&c->plan, text, strlen(text), err, errlen);
	free(text);
	if (rc != 0)
		return rc;
	if ((rc = bundle_keys(c, keys, err, errlen)) != 0)
		return rc;
	tv_campaign_id(c->id, c->plan, c->keys, c->k);
	if (strlen(idhex) != 64 || sodium_hex2bin(want, 32, idhex, 64, NULL,
	    NULL, NULL) != 0 || sodium_memcmp(want, c->id, 32) != 0)
		return snprintf(err, errlen, "$.campaign_id: does not match "
		    "the plan and keys (altered bundle?)"), TV_ERR_MISMATCH;
	return 0;
}

static int
errno_is_missing(const char *path)
{
	struct stat sb;

	return stat(path, &sb) != 0;
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
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > TV_CAMPAIGN_MAX_BYTES) {
		rc = errno_is_missing(path) ? TV_ERR_NOTFOUND : TV_ERR_TOOBIG;
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
	if (c == NULL)
		return;
	tv_plan_free(c->plan);
	free(c->keys);
	free(c);
}

int
tv_cell_closed(const struct tv_plan *p, int32_t last_day, int32_t today)
{
	int32_t end = last_day < p->end_day ? last_day : p->end_day;

	return (int64_t)end + p->policy.grace_days < (int64_t)today;
}
