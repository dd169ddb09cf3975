/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "proto/statement.h"
#include "proto/json_hex.h"

static const char link_label[] = "tallyvan/ledger/v1";
static const char stmt_label[] = "tallyvan/partial/v1";

#define STMT_MSG_BYTES (sizeof stmt_label + 32 + 4 + 32 + 8 + 32)

void
tv_ledger_link(uint8_t head[32], const uint8_t prev[32], const uint8_t e[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)link_label,
	    sizeof link_label);
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, e, 32);
	crypto_generichash_final(&st, head, 32);
}

void
tv_ledger_head(uint8_t head[32], const uint8_t (*e)[32], uint64_t n)
{
	uint64_t i;

	memset(head, 0, 32);
	for (i = 0; i < n; i++)
		tv_ledger_link(head, head, e[i]);
}

static void
le_put(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
stmt_msg(uint8_t msg[STMT_MSG_BYTES], const uint8_t campaign_id[32],
    const struct tv_statement *s)
{
	uint8_t *p = msg;

	memcpy(p, stmt_label, sizeof stmt_label);
	p += sizeof stmt_label;
	memcpy(p, campaign_id, 32);
	p += 32;
	le_put(p, s->trustee, 4);
	p += 4;
	memcpy(p, s->request, 32);
	p += 32;
	le_put(p, s->length, 8);
	p += 8;
	memcpy(p, s->head, 32);
}

int
tv_statement_sign(struct tv_statement *s, const uint8_t campaign_id[32],
    const uint8_t sk[64])
{
	uint8_t msg[STMT_MSG_BYTES];

	stmt_msg(msg, campaign_id, s);
	return crypto_sign_detached(s->sig, NULL, msg, sizeof msg, sk) == 0 ?
	    0 : TV_ERR_CRYPTO;
}

int
tv_statement_verify(const struct tv_statement *s, const struct tv_campaign *c)
{
	uint8_t msg[STMT_MSG_BYTES], head[32];

	if (s->trustee < 1 || s->trustee > c->n)
		return TV_ERR_NOTFOUND;
	stmt_msg(msg, c->id, s);
	if (crypto_sign_verify_detached(s->sig, msg, sizeof msg,
	    c->trustees[s->trustee - 1].pk) != 0)
		return TV_ERR_BADSIG;
	if (s->entries != NULL) {
		tv_ledger_head(head, (const uint8_t (*)[32])s->entries,
		    s->length);
		if (sodium_memcmp(head, s->head, 32) != 0)
			return TV_ERR_MISMATCH;
	}
	return 0;
}

int
tv_statement_extends(const struct tv_statement *earlier,
    const struct tv_statement *later)
{
	return earlier->entries != NULL && later->entries != NULL &&
	    earlier->length <= later->length && (earlier->length == 0 ||
	    memcmp(earlier->entries, later->entries, 32 * earlier->length) ==
	    0);
}

json_t *
tv_statement_json(const struct tv_statement *s, int with)
{
	json_t *o = json_pack("{s:I, s:o, s:I, s:o, s:o}", "trustee",
	    (json_int_t)s->trustee, "request", tv_json_hex(s->request, 32),
	    "length", (json_int_t)s->length, "head", tv_json_hex(s->head, 32),
	    "signature", tv_json_hex(s->sig, 64)), *e;
	uint64_t i;

	if (o == NULL || !with || s->entries == NULL)
		return o;
	if ((e = json_array()) == NULL ||
	    json_object_set_new(o, "entries", e) != 0) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < s->length; i++)
		if (json_array_append_new(e, tv_json_hex(s->entries[i], 32)) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

int
tv_statement_from_json(struct tv_statement *s, const json_t *o)
{
	const json_t *e = json_object_get(o, "entries");
	json_int_t j = json_integer_value(json_object_get(o, "trustee"));
	json_int_t n = json_integer_value(json_object_get(o, "length"));
	size_t i;

	memset(s, 0, sizeof *s);
	if (!json_is_object(o) || j < 1 || j > TV_TRUSTEES_MAX || n < 0 ||
	    tv_json_unhex(json_object_get(o, "request"), s->request, 32) ||
	    tv_json_unhex(json_object_get(o, "head"), s->head, 32) ||
	    tv_json_unhex(json_object_get(o, "signature"), s->sig, 64))
		return TV_ERR_FORMAT;
	if (n > TV_LEDGER_MAX_ENTRIES)
		return TV_ERR_TOOBIG;
	s->trustee = (uint32_t)j;
	s->length = (uint64_t)n;
	if (e == NULL)
		return 0;
	if (!json_is_array(e) || json_array_size(e) != (size_t)n)
		return TV_ERR_FORMAT;
	if ((s->entries = calloc(n ? (size_t)n : 1, 32)) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < (size_t)n; i++)
		if (tv_json_unhex(json_array_get(e, i), s->entries[i], 32) != 0) {
			tv_statement_clear(s);
			return TV_ERR_FORMAT;
		}
	return 0;
}

void
tv_statement_clear(struct tv_statement *s)
{
	if (s == NULL)
		return;
	free(s->entries);
	s->entries = NULL;
}

int
tv_statement_decision(const struct tv_statement *s, const char *entry,
    size_t len, const uint8_t reqhash[32], uint32_t ncells,
    enum tv_verdict *v)
{
	uint8_t e[32], req[32];
	const char *vs;
	json_int_t seq;
	json_t *o = NULL;
	uint32_t i;
	int rc = TV_ERR_MISMATCH;

	if (len > TV_DECISION_MAX)
		return TV_ERR_TOOBIG;
	if (s->entries == NULL)
		return TV_ERR_MISMATCH;
	crypto_generichash(e, 32, (const uint8_t *)entry, len, NULL, 0);
	if ((o = json_loadb(entry, len, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL) {
		rc = TV_ERR_FORMAT;
		goto out;
	}
	seq = json_integer_value(json_object_get(o, "seq"));
	vs = json_string_value(json_object_get(o, "verdicts"));
	if (seq < 1 || (uint64_t)seq > s->length ||
	    sodium_memcmp(s->entries[seq - 1], e, 32) != 0 ||
	    strcmp(tv_json_str(o, "kind"), "release") != 0 ||
	    tv_json_unhex(json_object_get(o, "request"), req, 32) != 0 ||
	    memcmp(req, reqhash, 32) != 0)
		goto out;
	if (vs == NULL || strlen(vs) != ncells) {
		rc = TV_ERR_FORMAT;
		goto out;
	}
	for (i = 0; i < ncells; i++) {
		if (vs[i] < '0' || vs[i] >= '0' + TV_V_TRUSTEE_COUNT) {
			rc = TV_ERR_FORMAT;
			goto out;
		}
		v[i] = (enum tv_verdict)(vs[i] - '0');
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
