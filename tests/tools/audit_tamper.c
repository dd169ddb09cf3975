/* SPDX-License-Identifier: MIT */
/*
 * audit_tamper - what an intruder with write access to the aggregator's
 * store could do to its audit log (tests/cli/dpo_audit.sh):
 *
 *   audit_tamper STORE modify SEQ FROM TO   replace the first FROM by TO
 *                                           in entry SEQ
 *   audit_tamper STORE remove SEQ           delete entry SEQ
 *   audit_tamper STORE swap SEQ1 SEQ2       exchange two entries
 *   audit_tamper STORE rewrite SEQ FROM TO  modify, then recompute every
 *                                           later prev and the head, so
 *                                           that the chain is whole again
 *
 * Exit 0 done, 2 usage or failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/err.h"
#include "proto/store.h"

struct job {
	const char *op, *from, *to;
	uint64_t a, b;
};

static int
fail(const char *what)
{
	fprintf(stderr, "audit_tamper: %s\n", what);
	return 2;
}

static int
entry_get(struct tv_txn *t, uint64_t seq, char **out, size_t *len)
{
	uint8_t key[8];
	const void *val;
	int rc;

	tv_be64_put(key, seq);
	if ((rc = tv_txn_get(t, 0, key, 8, &val, len)) != 0)
		return rc;
	*out = malloc(*len + 1);
	memcpy(*out, val, *len);
	(*out)[*len] = 0;
	return 0;
}

static int
entry_put(struct tv_txn *t, uint64_t seq, const char *s)
{
	uint8_t key[8];

	tv_be64_put(key, seq);
	return tv_txn_put(t, 0, key, 8, s, strlen(s), 0);
}

/* s with the first from replaced by to (malloc'd), or NULL. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n;
	char *r;

	if (p == NULL)
		return NULL;
	n = strlen(s) - strlen(from) + strlen(to);
	r = malloc(n + 1);
	snprintf(r, n + 1, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return r;
}

/* Set every prev after seq to the hash of the entry before, and the head. */
static int
rechain(struct tv_txn *t, uint64_t seq)
{
	uint8_t h[32], head[40], key[8] = { 0 };
	char hex[65], *e, *text;
	size_t len, i;
	json_t *j;

	if (entry_get(t, seq, &e, &len) != 0)
		return TV_ERR_NOTFOUND;
	for (;;) {
		crypto_generichash(h, 32, (uint8_t *)e, len, NULL, 0);
		free(e);
		if (entry_get(t, ++seq, &e, &len) != 0)
			break;
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		j = json_loadb(e, len, 0, NULL);
		free(e);
		json_object_set_new(j, "prev", json_string(hex));
		text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(j);
		entry_put(t, seq, text);
		e = text;
		len = strlen(text);
	}
	tv_be64_put(head, seq - 1);
	memcpy(head + 8, h, 32);
	return tv_txn_put(t, 0, key, 8, head, sizeof head, 0);
}

static int
tamper_fn(struct tv_txn *t, void *ctx)
{
	struct job *j = ctx;
	char *a, *b, *r;
	size_t la, lb;
	uint8_t key[8];
	int rc;

	if ((rc = entry_get(t, j->a, &a, &la)) != 0)
		return rc;
	if (!strcmp(j->op, "remove")) {
		tv_be64_put(key, j->a);
		rc = tv_txn_del(t, 0, key, 8);
	} else if (!strcmp(j->op, "swap")) {
		if ((rc = entry_get(t, j->b, &b, &lb)) == 0) {
			entry_put(t, j->a, b);
			rc = entry_put(t, j->b, a);
			free(b);
		}
	} else {
		if ((r = replace(a, j->from, j->to)) == NULL) {
			free(a);
			return TV_ERR_NOTFOUND;
		}
		rc = entry_put(t, j->a, r);
		free(r);
		if (rc == 0 && !strcmp(j->op, "rewrite"))
			rc = rechain(t, j->a);
	}
	free(a);
	return rc ? rc : t->err;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "audit" };
	struct job j = { 0 };
	struct tv_store *st;
	int rc;

	if (argc < 4)
		return fail("usage: audit_tamper STORE modify|remove|swap|"
		    "rewrite SEQ ...");
	j.op = argv[2];
	j.a = strtoull(argv[3], NULL, 10);
	if (!strcmp(j.op, "swap") && argc == 5)
		j.b = strtoull(argv[4], NULL, 10);
	else if ((!strcmp(j.op, "modify") || !strcmp(j.op, "rewrite")) &&
	    argc == 6) {
		j.from = argv[4];
		j.to = argv[5];
	} else if (strcmp(j.op, "remove") != 0 || argc != 4)
		return fail("bad arguments");
	if (sodium_init() < 0 ||
	    tv_store_open(&st, argv[1], names, 1, 0, 0) != 0)
		return fail("cannot open the store");
	rc = tv_store_write(st, tamper_fn, &j);
	tv_store_close(st);
	if (rc != 0)
		return fail(tv_strerror(rc));
	return 0;
}
