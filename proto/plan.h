/* SPDX-License-Identifier: MIT */
/*
 * plan.h - the evaluation plan: a JSON file the DPO can read and sign.
 *
 * The format is specified in docs/formats.md ("Evaluation plan") and the
 * demo plan is docs/examples/demo-plan.json.  Parsing is done with jansson;
 * every error names the JSON path of the offending value, for example
 * "$.indicators[2].when.field: unknown field 'gendr'".
 *
 * Form values are held as bit masks over a field's choices: an enum sets one
 * bit, a set any number, a bool bit 0 (false) or bit 1 (true).  A predicate
 * leaf is "the field's mask meets this mask"; so eq, in, contains and is are
 * one operation.
 */
#ifndef TV_PLAN_H
#define TV_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "crypto/pseudonym.h"

#define TV_PLAN_MAX_BYTES (1u << 20)
#define TV_PLAN_MAX_SITES 1024
#define TV_PLAN_MAX_FIELDS 64
#define TV_PLAN_MAX_CHOICES 64
#define TV_PLAN_MAX_IDENTITY 8
#define TV_PLAN_MAX_INDICATORS 256
#define TV_PLAN_MAX_DEPTH 8
#define TV_PLAN_MAX_NODES 4096	/* predicate nodes in the whole plan */
#define TV_HORIZON_ALL UINT32_MAX
#define TV_ID_MAX 64		/* identifier length: [a-z0-9_-], 1..64 */

struct tv_label {
	char *fr;
	char *en;
};

enum tv_field_type {
	TV_FIELD_ENUM = 1,
	TV_FIELD_SET = 2,
	TV_FIELD_BOOL = 3,
};

struct tv_choice {
	char *id;
	struct tv_label label;
};

struct tv_field {
	char *id;
	enum tv_field_type type;
	struct tv_label label;
	int required;		/* enum/bool: must be given (default 1) */
	uint32_t nchoices;	/* bool: 2, ids "no" and "yes" */
	struct tv_choice *choices;
};

struct tv_idfield {
	char *id;
	struct tv_label label;
	enum tv_idkind kind;	/* "kind": name (default), code or date */
};

/* The plan's "language": who the campaign's people are, which decides
 * how a date typed with the year last is read (day first in French). */
enum tv_lang {
	TV_LANG_NONE = 0,	/* absent: no day/month order is assumed */
	TV_LANG_FR = 1,
	TV_LANG_EN = 2,		/* English fixes no order either */
};

struct tv_site {
	char *id;
	char *town;
	struct tv_label label;
};

enum tv_pred_op {
	TV_PRED_TRUE = 1,	/* JSON true */
	TV_PRED_MEETS = 2,	/* field mask & mask != 0 */
	TV_PRED_ALL = 3,
	TV_PRED_ANY = 4,
	TV_PRED_NOT = 5,
	/* History conditions (docs/formats.md §1.9b, proto/history.h). */
	TV_PRED_SEEN = 6,	/* an earlier visit within `within` */
	TV_PRED_EARLIER = 7,	/* an earlier visit met kids[0] within ... */
	TV_PRED_ORDINAL = 8,	/* this visit is the lo-th ... hi-th */
	TV_PRED_SINCE_FIRST = 9,	/* lo ... hi days after first contact */
};

/* How far back a history condition looks: `days` days before the visit
 * (kind NONE), the visit's period of that kind (the release hierarchy's,
 * as for distinct), or the whole history (CAMPAIGN). */
struct tv_window {
	enum tv_period kind;
	uint32_t days;
};

struct tv_pred {
	enum tv_pred_op op;
	uint32_t field;		/* MEETS */
	uint64_t mask;		/* MEETS */
	uint32_t nkids;		/* ALL, ANY: >= 1; NOT, EARLIER: 1 */
	struct tv_pred *kids;
	struct tv_window within;	/* SEEN, EARLIER */
	uint32_t track;		/* EARLIER: its bit in the history's masks */
	uint32_t lo, hi;	/* ORDINAL, SINCE_FIRST: inclusive bounds */
};

enum tv_scope {
	TV_SCOPE_COLLECTOR = 0,
	TV_SCOPE_SITE = 1,
};

struct tv_indicator {
	char *id;
	struct tv_label label;
	struct tv_pred when;
	enum tv_period distinct;	/* NONE: every matching visit counts */
	enum tv_scope scope;
};

/* Indicators whose bits must add up to `sum` on every record (e.g. one
 * indicator per choice of a required enum: one-hot, sum 1).  Checked by a
 * device proof when the plan asks for proofs. */
#define TV_PLAN_MAX_GROUPS 64

struct tv_group {
	char *id;
	uint32_t sum;
	uint32_t n;
	uint32_t *members;	/* indicator indices */
};

/* Noise added under encryption before decryption (instead of secondary
 * suppression), with a privacy budget per trustee ledger. */
enum tv_noise_mech {
	TV_NOISE_NONE = 0,
	TV_NOISE_GAUSSIAN = 1,	/* discrete Gaussian, zCDP accounting */
	TV_NOISE_LAPLACE = 2,	/* discrete Laplace, pure-DP accounting */
};

struct tv_noise_policy {
	enum tv_noise_mech mech;
	uint64_t num, den;	/* Gaussian: variance; Laplace: scale */
	uint64_t cap_num, cap_den;	/* budget: rho (Gaussian), eps */
};

struct tv_policy {
	uint32_t min_cohort;	/* records per released cell; default 11 */
	uint32_t min_cell;	/* smallest shown value; 0 = off (default) */
	uint32_t retention_days;	/* default 365 */
	uint32_t grace_days;	/* a cell closes this long after its end; 0 */
	struct tv_noise_policy noise;
};

struct tv_plan {
	char *campaign;		/* identifier */
	struct tv_label title;
	int32_t start_day, end_day;	/* inclusive */
	uint32_t nsites;
	struct tv_site *sites;
	uint32_t nidentity;
	struct tv_idfield *identity;
	uint32_t nfields;
	struct tv_field *fields;
	uint32_t nindicators;
	struct tv_indicator *indicators;
	uint32_t ngroups;
	struct tv_group *groups;
	int proofs;		/* records carry 0/1 and group-sum proofs */
	enum tv_lang language;
	/* History conditions: the "earlier" conditions' `when`s (pointers
	 * into the indicators' trees), which scopes keep a history (bit
	 * 1 << enum tv_scope), and how many days back a kept visit can
	 * still matter (TV_HORIZON_ALL: the whole campaign). */
	uint32_t ntracked;
	const struct tv_pred *tracked[16];
	unsigned history_scopes;
	uint32_t history_horizon;
	int history_whole;	/* ordinal or first contact asked for */
	struct tv_policy policy;
	char *canonical;	/* compact JSON, sorted keys: what is hashed */
	size_t canonical_len;
};

/* Parse and validate.  On error returns TV_ERR_FORMAT (or TV_ERR_TOOBIG,
 * TV_ERR_NOMEM) and writes "<json path>: <problem>" into err. */
int tv_plan_parse(struct tv_plan **out, const char *json, size_t len,
    char *err, size_t errlen);
/* Read a file (size-capped) and parse it; err as above, or "<path>: ...". */
int tv_plan_load(struct tv_plan **out, const char *path, char *err,
    size_t errlen);
/* Accepts NULL. */
void tv_plan_free(struct tv_plan *p);

/* How dates typed with the year last are read in language l (French: day
 * first; English and none: only dates that read one way). */
enum tv_date_order tv_lang_date_order(enum tv_lang l);

/* Index of an id, or -1. */
int tv_plan_site_index(const struct tv_plan *p, const char *id);
int tv_plan_field_index(const struct tv_plan *p, const char *id);
int tv_plan_identity_index(const struct tv_plan *p, const char *id);
int tv_field_choice_index(const struct tv_field *f, const char *id);

/*
 * Parse a typed value of field f into a mask.
 *   enum: one choice id;  set: choice ids separated by '|' (empty = none);
 *   bool: yes/no, true/false, 1/0, oui/non (case-insensitive).
 * TV_ERR_FORMAT with a message in err ("unknown choice 'x' for field 'y'").
 */
int tv_field_parse(const struct tv_field *f, const char *text, uint64_t *mask,
    char *err, size_t errlen);

/* Evaluate a predicate on values[0..nfields-1] (masks; 0 = not given),
 * history conditions as for a first visit. */
int tv_pred_eval(const struct tv_pred *p, const uint64_t *values);
/* The same for a visit on `day` of a person whose earlier visits (in the
 * indicator's scope) are h (struct tv_history, proto/history.h; NULL: none). */
struct tv_history;
/* 1 iff p holds a history condition (§1.9b) anywhere. */
int tv_pred_has_history(const struct tv_pred *p);
int tv_pred_eval_at(const struct tv_pred *p, const uint64_t *values,
    const struct tv_history *h, int32_t day);

#endif
