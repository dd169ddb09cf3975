/* SPDX-License-Identifier: MIT */
/*
 * plan_internal.h - what the files of the plan parser share; not API.
 *
 * The parser of plan.h is split by what it reads:
 *   plan.c            the skeleton: top-level table, format, period, sites,
 *                     identity, indicators, canonical bytes, loading,
 *                     freeing, lookups
 *   plan_json.c       paths, error messages and typed members (below)
 *   plan_fields.c     $.fields, and typed values (tv_field_parse)
 *   plan_predicate.c  an indicator's "when" (and tv_pred_eval)
 *   plan_history.c    its history conditions (seen_before, earlier, ...)
 *   plan_groups.c     $.proofs and $.groups
 *   plan_policy.c     $.policy, its noise fractions
 *
 * Only these files include this header.  Its functions are not static
 * because they cross files; the plan_ prefix keeps them apart from the
 * tv_ API.  Like all of the parser they write into the reason buffer of
 * struct ctx and return a TV_ERR_* code: they never print nor exit.
 */
#ifndef TV_PLAN_INTERNAL_H
#define TV_PLAN_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/plan.h"

#define PATH_CAP 256
#define QUOTE_CAP 48		/* echoed user strings are cut to this */

/* One parse: the plan being built, the reason buffer, and the JSON path
 * of the value being read ("$.indicators[2].when"). */
struct ctx {
	struct tv_plan *p;
	char *err;
	size_t errlen;
	uint32_t nodes;		/* predicate nodes so far */
	int history;		/* this indicator has a history condition */
	int in_earlier;		/* parsing an "earlier" condition's when */
	size_t pathlen;
	char path[PATH_CAP];
};

enum kind { K_STRING, K_INTEGER, K_BOOLEAN, K_OBJECT, K_ARRAY };

/* "enum", "set", "bool", indexed by enum tv_field_type (plan_fields.c). */
extern const char *const plan_type_names[];

/*
 * plan_json.c: messages and paths.
 */

/* Printable ASCII copies of user strings for messages, cut to cap. */
const char *plan_quote_n(char *buf, size_t cap, const char *s, size_t n);
const char *plan_quote(char *buf, size_t cap, const char *s);

/* Push ".key" or "[i]" on the path, returning the length to pop back to
 * with plan_path_pop(). */
void plan_path_pop(struct ctx *c, size_t save);
size_t plan_path_key(struct ctx *c, const char *key);
size_t plan_path_index(struct ctx *c, size_t i);

/* Write "<path>: <message>" into the reason buffer; return the code
 * (TV_ERR_FORMAT for plan_fail and plan_fail_at, which first pushes key). */
__attribute__((format(__printf__, 3, 4))) int
plan_fail_code(struct ctx *c, int code, const char *fmt, ...);
__attribute__((format(__printf__, 2, 3))) int
plan_fail(struct ctx *c, const char *fmt, ...);
__attribute__((format(__printf__, 3, 4))) int
plan_fail_at(struct ctx *c, const char *key, const char *fmt, ...);
int plan_nomem(struct ctx *c);

/*
 * plan_json.c: typed access to members.
 */

const char *plan_json_kind(const json_t *v);
/* Check the type of v, which the path already names. */
int plan_expect(struct ctx *c, const json_t *v, enum kind k);
/* *out = member key of obj (NULL when absent and optional). */
int plan_member(struct ctx *c, json_t *obj, const char *key, enum kind k,
    int required, json_t **out);
/* Refuse any key of obj not in allowed (NULL-terminated). */
int plan_check_keys(struct ctx *c, json_t *obj, const char *const *allowed);
int plan_dup_str(struct ctx *c, const char *s, char **out);
int plan_get_id(struct ctx *c, json_t *obj, const char *key, char **out);
int plan_get_label(struct ctx *c, json_t *obj, const char *key,
    struct tv_label *l);
/* Optional: *out is left as it is when key is absent. */
int plan_get_uint(struct ctx *c, json_t *obj, const char *key, uint32_t min,
    uint32_t max, uint32_t *out);
int plan_get_day(struct ctx *c, json_t *obj, const char *key, int32_t *day);
/* Member key, an array of min..max entries, and entry i of it, an object
 * with only the allowed keys; each pushes on the path (the caller pops
 * *save when done). */
int plan_open_list(struct ctx *c, json_t *obj, const char *key, size_t min,
    size_t max, json_t **arr, size_t *save);
int plan_open_entry(struct ctx *c, json_t *o, size_t i,
    const char *const *keys, size_t *save);

/*
 * The sections read outside plan.c, in the order parse_root() reads them,
 * and the lookup they share with it.
 */

int plan_parse_fields(struct ctx *c, json_t *root);		/* fields.c */
/* Recursion is bounded by TV_PLAN_MAX_DEPTH (predicate.c). */
int plan_parse_pred(struct ctx *c, json_t *j, unsigned depth,
    struct tv_pred *out);
/* Does object j hold a history condition's key; parse it (history.c). */
int plan_is_history(json_t *j);
int plan_parse_history(struct ctx *c, json_t *j, unsigned depth,
    struct tv_pred *out);
int plan_parse_groups(struct ctx *c, json_t *root);		/* groups.c */
int plan_parse_policy(struct ctx *c, json_t *root);		/* policy.c */
/* Index of indicator id, or -1 (plan.c). */
int plan_indicator_index(const struct tv_plan *p, const char *id);

#endif
