/* SPDX-License-Identifier: MIT */
/*
 * plan.c - parse and validate the evaluation plan (docs/formats.md).
 *
 * The parser walks the jansson tree once, keeping the JSON path of the
 * value it looks at in a small buffer, so that every error can name the
 * exact place a DPO must fix ("$.indicators[2].when.field: ...").  Unknown
 * keys are refused everywhere: a typo must not be signed silently.
 *
 * The plan is built inside a calloc'd struct whose counts are set as soon
 * as each array is allocated; tv_plan_free() therefore releases a plan cut
 * short by any error, and every parse_* function may simply return.
 *
 * This file is the skeleton: the top-level table, the format, period,
 * sites, identity and indicators, the canonical bytes, loading from a
 * file, freeing and the lookups.  The other sections are read in files
 * of their own, each named for what it reads (plan_internal.h lists
 * them); plan_json.c holds the paths, messages and typed members they
 * all use.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/err.h"
#include "proto/plan.h"
#include "proto/plan_internal.h"

#define PLAN_FORMAT "tallyvan-plan/1"

static const char *const top_keys[] = { "format", "campaign", "title",
	"period", "sites", "identity", "fields", "indicators", "groups",
	"proofs", "policy", "language", NULL };
static const char *const period_keys[] = { "start", "end", NULL };
static const char *const site_keys[] = { "id", "town", "label", NULL };
static const char *const idfield_keys[] = { "id", "label", "kind",
	NULL };
/* Indexed by enum tv_idkind. */
static const char *const idkind_names[] = { "name", "code", "date", NULL };
static const char *const indicator_keys[] = { "id", "label", "when",
	"distinct", "scope", NULL };

/*
 * Sections of the plan.
 */

static int
parse_format(struct ctx *c, json_t *root)
{
	char q[QUOTE_CAP];
	json_t *v;
	int rc;

	if ((rc = plan_member(c, root, "format", K_STRING, 1, &v)) != 0)
		return rc;
	if (strcmp(json_string_value(v), PLAN_FORMAT) != 0)
		return plan_fail_at(c, "format", "unsupported format '%s' "
		    "(expected '" PLAN_FORMAT "')",
		    plan_quote(q, sizeof q, json_string_value(v)));
	return 0;
}

static int
parse_period(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	char day[11];
	json_t *v;
	size_t save;
	int rc;

	if ((rc = plan_member(c, root, "period", K_OBJECT, 1, &v)) != 0)
		return rc;
	save = plan_path_key(c, "period");
	if ((rc = plan_check_keys(c, v, period_keys)) != 0 ||
	    (rc = plan_get_day(c, v, "start", &p->start_day)) != 0 ||
	    (rc = plan_get_day(c, v, "end", &p->end_day)) != 0)
		return rc;
	if (p->end_day < p->start_day) {
		tv_day_format(day, p->start_day);
		return plan_fail_at(c, "end", "ends before the start (%s)",
		    day);
	}
	plan_path_pop(c, save);
	return 0;
}

static int
parse_site(struct ctx *c, json_t *o, size_t i)
{
	struct tv_site *s = &c->p->sites[i];
	json_t *town;
	size_t save;
	int rc, dup;

	if ((rc = plan_open_entry(c, o, i, site_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &s->id)) != 0)
		return rc;
	if ((dup = tv_plan_site_index(c->p, s->id)) >= 0 && (size_t)dup < i)
		return plan_fail_at(c, "id", "duplicate id '%s' (also "
		    "$.sites[%d])", s->id, dup);
	if ((rc = plan_member(c, o, "town", K_STRING, 0, &town)) != 0 ||
	    (town != NULL &&
	    (rc = plan_dup_str(c, json_string_value(town), &s->town)) != 0) ||
	    (rc = plan_get_label(c, o, "label", &s->label)) != 0)
		return rc;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_sites(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = plan_open_list(c, root, "sites", 1, TV_PLAN_MAX_SITES, &a,
	    &save)) != 0)
		return rc;
	if ((p->sites = calloc(json_array_size(a), sizeof *p->sites)) == NULL)
		return plan_nomem(c);
	p->nsites = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_site(c, o, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
}

/* Absent: a name, so that plans written before kinds keep their
 * pseudonyms; an id that looks like a date is not guessed. */
static int
parse_idkind(struct ctx *c, json_t *o, struct tv_idfield *f)
{
	char q[QUOTE_CAP];
	json_t *v;
	int k, rc;

	f->kind = TV_IDKIND_NAME;
	if ((rc = plan_member(c, o, "kind", K_STRING, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	for (k = 0; idkind_names[k] != NULL; k++)
		if (strcmp(json_string_value(v), idkind_names[k]) == 0) {
			f->kind = (enum tv_idkind)k;
			return 0;
		}
	return plan_fail_at(c, "kind", "unknown kind '%s' (expected name, "
	    "code or date)", plan_quote(q, sizeof q, json_string_value(v)));
}

static int
parse_language(struct ctx *c, json_t *root)
{
	char q[QUOTE_CAP];
	const char *s;
	json_t *v;
	int rc;

	c->p->language = TV_LANG_NONE;
	if ((rc = plan_member(c, root, "language", K_STRING, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	s = json_string_value(v);
	if (strcmp(s, "fr") == 0)
		c->p->language = TV_LANG_FR;
	else if (strcmp(s, "en") == 0)
		c->p->language = TV_LANG_EN;
	else
		return plan_fail_at(c, "language", "unknown language '%s' "
		    "(expected fr or en)", plan_quote(q, sizeof q, s));
	return 0;
}

static int
parse_idfield(struct ctx *c, json_t *o, size_t i)
{
	struct tv_idfield *f = &c->p->identity[i];
	size_t save;
	int rc, dup;

	if ((rc = plan_open_entry(c, o, i, idfield_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &f->id)) != 0)
		return rc;
	if ((dup = tv_plan_identity_index(c->p, f->id)) >= 0 &&
	    (size_t)dup < i)
		return plan_fail_at(c, "id", "duplicate id '%s' (also "
		    "$.identity[%d])", f->id, dup);
	if ((rc = plan_get_label(c, o, "label", &f->label)) != 0 ||
	    (rc = parse_idkind(c, o, f)) != 0)
		return rc;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_identity(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = plan_open_list(c, root, "identity", 1, TV_PLAN_MAX_IDENTITY,
	    &a, &save)) != 0)
		return rc;
	if ((p->identity = calloc(json_array_size(a),
	    sizeof *p->identity)) == NULL)
		return plan_nomem(c);
	p->nidentity = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_idfield(c, o, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_distinct(struct ctx *c, json_t *o, struct tv_indicator *ind)
{
	char q[QUOTE_CAP];
	json_t *v;
	int k, rc;

	ind->distinct = TV_PERIOD_NONE;
	if ((rc = plan_member(c, o, "distinct", K_STRING, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	/* "none" and "day" are calendar names, not plan values. */
	if ((k = tv_period_from_name(json_string_value(v))) < TV_PERIOD_WEEK)
		return plan_fail_at(c, "distinct", "unknown period '%s' "
		    "(expected week, month, quarter, year or campaign)",
		    plan_quote(q, sizeof q, json_string_value(v)));
	ind->distinct = (enum tv_period)k;
	return 0;
}

static int
parse_scope(struct ctx *c, json_t *o, struct tv_indicator *ind)
{
	char q[QUOTE_CAP];
	const char *s;
	json_t *v;
	int rc;

	ind->scope = TV_SCOPE_COLLECTOR;
	if ((rc = plan_member(c, o, "scope", K_STRING, 0, &v)) != 0 ||
	    v == NULL)
		return rc;
	s = json_string_value(v);
	if (strcmp(s, "site") == 0)
		ind->scope = TV_SCOPE_SITE;
	else if (strcmp(s, "collector") != 0)
		return plan_fail_at(c, "scope", "unknown scope '%s' (expected "
		    "collector or site)", plan_quote(q, sizeof q, s));
	return 0;
}

static int
parse_indicator(struct ctx *c, json_t *o, size_t i)
{
	struct tv_indicator *ind = &c->p->indicators[i];
	json_t *when;
	size_t save, wsave;
	int rc, dup;

	if ((rc = plan_open_entry(c, o, i, indicator_keys, &save)) != 0 ||
	    (rc = plan_get_id(c, o, "id", &ind->id)) != 0)
		return rc;
	if ((dup = plan_indicator_index(c->p, ind->id)) >= 0 &&
	    (size_t)dup < i)
		return plan_fail_at(c, "id", "duplicate id '%s' (also "
		    "$.indicators[%d])", ind->id, dup);
	if ((rc = plan_get_label(c, o, "label", &ind->label)) != 0)
		return rc;
	if ((when = json_object_get(o, "when")) == NULL)
		return plan_fail_at(c, "when", "required key is missing");
	wsave = plan_path_key(c, "when");
	c->history = 0;
	if ((rc = plan_parse_pred(c, when, 1, &ind->when)) != 0)
		return rc;
	plan_path_pop(c, wsave);
	if ((rc = parse_distinct(c, o, ind)) != 0 ||
	    (rc = parse_scope(c, o, ind)) != 0)
		return rc;
	/* Only the scopes some condition looks at keep a history. */
	if (c->history)
		c->p->history_scopes |= 1u << ind->scope;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_indicators(struct ctx *c, json_t *root)
{
	struct tv_plan *p = c->p;
	json_t *a, *o;
	size_t i, save;
	int rc;

	if ((rc = plan_open_list(c, root, "indicators", 1,
	    TV_PLAN_MAX_INDICATORS, &a, &save)) != 0)
		return rc;
	if ((p->indicators = calloc(json_array_size(a),
	    sizeof *p->indicators)) == NULL)
		return plan_nomem(c);
	p->nindicators = (uint32_t)json_array_size(a);
	json_array_foreach(a, i, o)
		if ((rc = parse_indicator(c, o, i)) != 0)
			return rc;
	plan_path_pop(c, save);
	return 0;
}

static int
parse_root(struct ctx *c, json_t *root)
{
	int rc;

	if ((rc = plan_expect(c, root, K_OBJECT)) != 0 ||
	    (rc = plan_check_keys(c, root, top_keys)) != 0 ||
	    (rc = parse_format(c, root)) != 0 ||
	    (rc = plan_get_id(c, root, "campaign", &c->p->campaign)) != 0 ||
	    (rc = plan_get_label(c, root, "title", &c->p->title)) != 0 ||
	    (rc = parse_language(c, root)) != 0 ||
	    (rc = parse_period(c, root)) != 0 ||
	    (rc = parse_sites(c, root)) != 0 ||
	    (rc = parse_identity(c, root)) != 0 ||
	    (rc = plan_parse_fields(c, root)) != 0 ||
	    (rc = parse_indicators(c, root)) != 0 ||
	    (rc = plan_parse_groups(c, root)) != 0 ||
	    (rc = plan_parse_policy(c, root)) != 0)
		return rc;
	return 0;
}

/* The bytes hashed into the campaign id: compact, sorted keys, ASCII.
 * Copied into our own malloc so that tv_plan_free() never depends on
 * jansson's allocator settings. */
static int
canonicalise(struct ctx *c, json_t *root)
{
	const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII;
	size_t n = json_dumpb(root, NULL, 0, flags);

	if (n == 0 || (c->p->canonical = malloc(n + 1)) == NULL)
		return plan_nomem(c);
	if (json_dumpb(root, c->p->canonical, n, flags) != n)
		return plan_nomem(c);
	c->p->canonical[n] = '\0';
	c->p->canonical_len = n;
	return 0;
}

static json_t *
load_json(struct ctx *c, const char *json, size_t len, int *rc)
{
	char q[JSON_ERROR_TEXT_LENGTH];
	json_error_t je;
	json_t *root;

	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je)) != NULL)
		return root;
	*rc = json_error_code(&je) == json_error_out_of_memory ?
	    TV_ERR_NOMEM : TV_ERR_FORMAT;
	/* jansson quotes the input near the error: make it printable. */
	if (c->err != NULL && c->errlen > 0)
		snprintf(c->err, c->errlen, "line %d, column %d: %s", je.line,
		    je.column, plan_quote(q, sizeof q, je.text));
	return NULL;
}

int
tv_plan_parse(struct tv_plan **out, const char *json, size_t len,
    char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen, .pathlen = 1,
		.path = "$" };
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > TV_PLAN_MAX_BYTES) {
		rc = plan_fail_code(&c, TV_ERR_TOOBIG, "plan larger than %u "
		    "bytes", TV_PLAN_MAX_BYTES);
		goto out;
	}
	if ((root = load_json(&c, json, len, &rc)) == NULL)
		goto out;
	if ((c.p = calloc(1, sizeof *c.p)) == NULL) {
		rc = plan_nomem(&c);
		goto out;
	}
	if ((rc = parse_root(&c, root)) != 0 ||
	    (rc = canonicalise(&c, root)) != 0)
		goto out;
	*out = c.p;
	c.p = NULL;
out:
	tv_plan_free(c.p);
	json_decref(root);
	return rc;
}

/*
 * Loading from a file.
 */

static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < cap) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return TV_ERR_IO;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

/* The whole file in *buf, after checking its size against the cap. */
static int
read_capped(const char *path, char **buf, size_t *len, char *msg,
    size_t msglen)
{
	struct stat st;
	int fd, rc = TV_ERR_IO;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = TV_ERR_FORMAT;
		snprintf(msg, msglen, "not a regular file");
		goto out;
	}
	if (st.st_size > (off_t)TV_PLAN_MAX_BYTES) {
		rc = TV_ERR_TOOBIG;
		snprintf(msg, msglen, "larger than %u bytes",
		    TV_PLAN_MAX_BYTES);
		goto out;
	}
	/* One spare byte tells a file that grew since fstat(). */
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = TV_ERR_NOMEM;
		snprintf(msg, msglen, "out of memory");
		goto out;
	}
	if ((rc = read_fd(fd, *buf, (size_t)st.st_size + 1, len)) != 0)
		snprintf(msg, msglen, "%s", strerror(errno));
	else if (*len > (size_t)st.st_size) {
		rc = TV_ERR_IO;
		snprintf(msg, msglen, "file changed while being read");
	}
out:
	close(fd);
	return rc;
}

int
tv_plan_load(struct tv_plan **out, const char *path, char *err,
    size_t errlen)
{
	char msg[512] = "";
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = read_capped(path, &buf, &len, msg, sizeof msg)) == 0)
		rc = tv_plan_parse(out, buf, len, msg, sizeof msg);
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(buf);
	return rc;
}

/*
 * Freeing and lookups.
 */

static void
label_free(struct tv_label *l)
{
	free(l->fr);
	free(l->en);
}

static void
pred_free(struct tv_pred *p)
{
	uint32_t i;

	for (i = 0; i < p->nkids; i++)
		pred_free(&p->kids[i]);
	free(p->kids);
}

static void
field_free(struct tv_field *f)
{
	uint32_t i;

	for (i = 0; i < f->nchoices; i++) {
		free(f->choices[i].id);
		label_free(&f->choices[i].label);
	}
	free(f->choices);
	free(f->id);
	label_free(&f->label);
}

void
tv_plan_free(struct tv_plan *p)
{
	uint32_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsites; i++) {
		free(p->sites[i].id);
		free(p->sites[i].town);
		label_free(&p->sites[i].label);
	}
	for (i = 0; i < p->nidentity; i++) {
		free(p->identity[i].id);
		label_free(&p->identity[i].label);
	}
	for (i = 0; i < p->nfields; i++)
		field_free(&p->fields[i]);
	for (i = 0; i < p->nindicators; i++) {
		free(p->indicators[i].id);
		label_free(&p->indicators[i].label);
		pred_free(&p->indicators[i].when);
	}
	free(p->sites);
	free(p->identity);
	free(p->fields);
	free(p->indicators);
	for (i = 0; p->groups != NULL && i < p->ngroups; i++) {
		free(p->groups[i].id);
		free(p->groups[i].members);
	}
	free(p->groups);
	free(p->campaign);
	label_free(&p->title);
	free(p->canonical);
	free(p);
}

/* Entries not yet parsed have a NULL id: skipped, so these lookups also
 * serve the duplicate checks of a plan being built. */
int
tv_plan_site_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nsites; i++)
		if (p->sites[i].id != NULL && strcmp(p->sites[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
tv_plan_field_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nfields; i++)
		if (p->fields[i].id != NULL && strcmp(p->fields[i].id, id) == 0)
			return (int)i;
	return -1;
}

enum tv_date_order
tv_lang_date_order(enum tv_lang l)
{
	return l == TV_LANG_FR ? TV_DATE_DMY : TV_DATE_ANY;
}

int
tv_plan_identity_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nidentity; i++)
		if (p->identity[i].id != NULL &&
		    strcmp(p->identity[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
plan_indicator_index(const struct tv_plan *p, const char *id)
{
	uint32_t i;

	for (i = 0; i < p->nindicators; i++)
		if (p->indicators[i].id != NULL &&
		    strcmp(p->indicators[i].id, id) == 0)
			return (int)i;
	return -1;
}
