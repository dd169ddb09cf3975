/* SPDX-License-Identifier: MIT */
/*
 * t_plan.c - the evaluation plan: the demo plan, predicates, typed values,
 * limits, and the malformed plans of tests/golden/plan-bad (each NAME.json
 * must fail with TV_ERR_FORMAT and a message holding NAME.expect).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/err.h"
#include "proto/plan.h"
#include "tests/unit/tap.h"

#define DEMO "docs/examples/demo-plan.json"
#define BAD_DIR "tests/golden/plan-bad"

/* Exercises every operator and every default; keys deliberately unsorted. */
static const char small_plan[] =
    "{\"campaign\": \"c1\", \"format\": \"tallyvan-plan/1\",\n"
    " \"title\": {\"en\": \"T\", \"fr\": \"\\u00c9t\\u00e9\"},\n"
    " \"period\": {\"start\": \"2021-01-01\", \"end\": \"2021-01-01\"},\n"
    " \"sites\": [{\"id\": \"s1\", \"label\": {\"fr\": \"a\", \"en\": \"a\"}},\n"
    "   {\"id\": \"s2\", \"town\": \"B\", \"label\": {\"fr\": \"b\", \"en\": \"b\"}}],\n"
    " \"identity\": [{\"id\": \"name\", \"label\": {\"fr\": \"n\", \"en\": \"n\"}}],\n"
    " \"fields\": [\n"
    "  {\"id\": \"g\", \"type\": \"enum\", \"required\": false,\n"
    "   \"label\": {\"fr\": \"g\", \"en\": \"g\"}, \"choices\": [\n"
    "    {\"id\": \"f\", \"label\": {\"fr\": \"f\", \"en\": \"f\"}},\n"
    "    {\"id\": \"m\", \"label\": {\"fr\": \"m\", \"en\": \"m\"}},\n"
    "    {\"id\": \"x\", \"label\": {\"fr\": \"x\", \"en\": \"x\"}}]},\n"
    "  {\"id\": \"t\", \"type\": \"set\", \"required\": false,\n"
    "   \"label\": {\"fr\": \"t\", \"en\": \"t\"}, \"choices\": [\n"
    "    {\"id\": \"a\", \"label\": {\"fr\": \"a\", \"en\": \"a\"}},\n"
    "    {\"id\": \"b\", \"label\": {\"fr\": \"b\", \"en\": \"b\"}},\n"
    "    {\"id\": \"c\", \"label\": {\"fr\": \"c\", \"en\": \"c\"}}]},\n"
    "  {\"id\": \"new\", \"type\": \"bool\", \"label\": {\"fr\": \"n\", \"en\": \"n\"}}],\n"
    " \"indicators\": [\n"
    "  {\"id\": \"eq\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"field\": \"g\", \"eq\": \"m\"}, \"scope\": \"site\"},\n"
    "  {\"id\": \"in\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"field\": \"g\", \"in\": [\"f\", \"x\"]}, \"distinct\": \"week\"},\n"
    "  {\"id\": \"in-set\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"field\": \"t\", \"in\": [\"a\", \"c\"]}},\n"
    "  {\"id\": \"is-yes\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"field\": \"new\", \"is\": true}},\n"
    "  {\"id\": \"is-no\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"field\": \"new\", \"is\": false}},\n"
    "  {\"id\": \"nested\", \"label\": {\"fr\": \"i\", \"en\": \"i\"},\n"
    "   \"when\": {\"all\": [{\"not\": {\"field\": \"g\", \"eq\": \"m\"}},\n"
    "     {\"any\": [{\"field\": \"t\", \"contains\": \"b\"},\n"
    "               {\"field\": \"new\", \"is\": true}]}]}}]}\n";

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static void
test_demo(void)
{
	struct tv_plan *p = NULL, *q = NULL;
	char err[256];
	int k;

	is_int(0, tv_plan_load(&p, DEMO, err, sizeof err), "demo plan loads");
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	is_str("bus-emploi-qpv-2021", p->campaign, "campaign");
	is_int(7, p->nsites, "7 sites");
	is_int(3, p->nidentity, "3 identity fields");
	is_int(5, p->nfields, "5 fields");
	is_int(16, p->nindicators, "16 indicators");
	is_int(1, p->ngroups, "one group");
	is_int(3, p->ngroups ? p->groups[0].n : 0, "three members in it");
	is_int(1, p->ngroups ? p->groups[0].sum : 0, "one-hot: sum 1");
	ok(p->proofs, "proofs asked for");
	is_int(11, p->policy.min_cohort, "min_cohort 11");
	is_int(365, p->policy.retention_days, "retention 365");
	is_int(tv_day_from_ymd(2021, 10, 25), p->start_day, "start day");
	is_int(tv_day_from_ymd(2022, 1, 9), p->end_day, "end day");
	is_str("Ville A", p->sites[0].town, "town");
	is_str("Prénom", p->identity[0].label.fr, "UTF-8 label kept");
	is_int(2, tv_plan_site_index(p, "a-plateau"), "site index");
	is_int(-1, tv_plan_site_index(p, "nowhere"), "unknown site");
	is_int(1, tv_plan_identity_index(p, "last_name"), "identity index");
	is_int(-1, tv_plan_field_index(p, "last_name"), "identity is no field");
	k = tv_plan_field_index(p, "first_contact");
	is_int(4, k, "field index");
	if (k == 4) {
		is_int(TV_FIELD_BOOL, p->fields[4].type, "bool field");
		is_int(2, p->fields[4].nchoices, "bool has 2 choices");
		is_str("no", p->fields[4].choices[0].id, "bit 0 is no");
		is_str("yes", p->fields[4].choices[1].id, "bit 1 is yes");
		is_str("oui", p->fields[4].choices[1].label.fr, "oui");
		is_int(1, p->fields[4].required, "bool required by default");
	}
	is_int(0, p->fields[2].required, "sets are never required");
	is_int(1, p->fields[0].required, "enum required by default");
	is_int(4, tv_field_choice_index(&p->fields[1], "65-plus"), "choice");
	is_int(TV_PRED_TRUE, p->indicators[0].when.op, "visits: true");
	is_int(TV_PERIOD_NONE, p->indicators[0].distinct, "not distinct");
	is_int(TV_PERIOD_CAMPAIGN, p->indicators[1].distinct, "distinct");
	is_int(TV_PERIOD_MONTH, p->indicators[2].distinct, "per month");
	is_int(TV_SCOPE_COLLECTOR, p->indicators[1].scope, "default scope");
	ok(strncmp(p->canonical, "{\"campaign\":\"bus-emploi-qpv-2021\",", 34)
	    == 0, "canonical: compact, sorted keys");
	is_int(strlen(p->canonical), p->canonical_len, "canonical length");
	ok(strstr(p->canonical, "Pr\\u00E9nom") != NULL,
	    "canonical: ASCII only");
	is_int(0, tv_plan_parse(&q, p->canonical, p->canonical_len, err,
	    sizeof err), "canonical form parses");
	if (q != NULL)
		is_str(p->canonical, q->canonical, "canonical is a fixpoint");
	tv_plan_free(q);
	tv_plan_free(p);
}

static void
test_demo_predicates(void)
{
	struct tv_plan *p = NULL;
	const struct tv_pred *yw, *hh, *adv;
	char err[256];
	uint64_t v[5] = { 0 };

	if (tv_plan_load(&p, DEMO, err, sizeof err) != 0)
		return;
	yw = &p->indicators[8].when;	/* young_women_employment */
	hh = &p->indicators[7].when;	/* visits_housing_or_health */
	adv = &p->indicators[3].when;	/* people_immediate_advice */
	is_int(TV_PRED_ALL, yw->op, "all");
	is_int(3, yw->nkids, "three conditions");
	v[0] = 1 << 0;			/* gender f */
	v[1] = 1 << 1;			/* age 18-25 */
	v[2] = 1 << 0 | 1 << 7;		/* topics employment, mobility */
	is_int(1, tv_pred_eval(yw, v), "young woman about employment");
	v[0] = 1 << 1;
	is_int(0, tv_pred_eval(yw, v), "a man does not count");
	v[0] = 1 << 0;
	v[1] = 1 << 2;
	is_int(0, tv_pred_eval(yw, v), "wrong age band");
	is_int(0, tv_pred_eval(hh, v), "neither housing nor health");
	v[2] = 1 << 5;
	is_int(1, tv_pred_eval(hh, v), "health");
	v[2] = 1 << 4 | 1 << 5;
	is_int(1, tv_pred_eval(hh, v), "housing and health");
	v[3] = 1 << 1 | 1 << 3;
	is_int(0, tv_pred_eval(adv, v), "no immediate advice");
	v[3] |= 1 << 0;
	is_int(1, tv_pred_eval(adv, v), "immediate advice among others");
	is_int(1, tv_pred_eval(&p->indicators[0].when, v), "true");
	tv_plan_free(p);
}

static void
test_small(void)
{
	struct tv_plan *p = NULL;
	char err[256];
	uint64_t v[3] = { 0 };

	is_int(0, tv_plan_parse(&p, small_plan, sizeof small_plan - 1, err,
	    sizeof err), "small plan parses");
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	is_int(11, p->policy.min_cohort, "default min_cohort");
	is_int(0, p->policy.min_cell, "default min_cell");
	is_int(365, p->policy.retention_days, "default retention");
	is_int(0, p->policy.grace_days, "default grace");
	ok(p->sites[0].town == NULL && strcmp(p->sites[1].town, "B") == 0,
	    "town is optional");
	is_str("Été", p->title.fr, "\\u escapes decoded");
	is_int(0, p->fields[0].required, "required: false kept");
	is_int(TV_SCOPE_SITE, p->indicators[0].scope, "scope site");
	is_int(TV_PERIOD_WEEK, p->indicators[1].distinct, "distinct week");
	is_int(TV_PRED_MEETS, p->indicators[0].when.op, "leaf is MEETS");
	is_int(2, p->indicators[0].when.mask, "eq m -> bit 1");
	is_int(5, p->indicators[1].when.mask, "in [f, x] -> bits 0, 2");
	is_int(5, p->indicators[2].when.mask, "in on a set");
	is_int(2, p->indicators[3].when.mask, "is true -> bit 1");
	is_int(1, p->indicators[4].when.mask, "is false -> bit 0");
	v[0] = 2;			/* m */
	v[1] = 2;			/* b */
	is_int(1, tv_pred_eval(&p->indicators[0].when, v), "eq holds");
	is_int(0, tv_pred_eval(&p->indicators[1].when, v), "in fails");
	is_int(0, tv_pred_eval(&p->indicators[2].when, v), "set in fails");
	is_int(0, tv_pred_eval(&p->indicators[5].when, v), "not m fails");
	v[0] = 4;			/* x */
	is_int(1, tv_pred_eval(&p->indicators[5].when, v), "not + any");
	v[1] = 1;			/* a */
	is_int(0, tv_pred_eval(&p->indicators[5].when, v), "any fails");
	v[2] = 2;			/* new: yes */
	is_int(1, tv_pred_eval(&p->indicators[5].when, v), "any via bool");
	is_int(1, tv_pred_eval(&p->indicators[3].when, v), "is true");
	is_int(0, tv_pred_eval(&p->indicators[4].when, v), "is false");
	v[2] = 0;			/* not given */
	is_int(0, tv_pred_eval(&p->indicators[4].when, v),
	    "an unanswered bool is neither yes nor no");
	tv_plan_free(p);
}

/* The same plan, pretty-printed differently and with other key order,
 * has the same canonical bytes. */
static void
test_canonical(void)
{
	static const char a[] = "{\"format\":\"tallyvan-plan/1\","
	    "\"campaign\":\"c\",\"title\":{\"fr\":\"a\",\"en\":\"b\"},"
	    "\"period\":{\"start\":\"2021-01-01\",\"end\":\"2021-02-01\"},"
	    "\"sites\":[{\"id\":\"s\",\"label\":{\"fr\":\"a\",\"en\":\"b\"}}],"
	    "\"identity\":[{\"id\":\"n\",\"label\":{\"fr\":\"a\",\"en\":\"b\"}}],"
	    "\"fields\":[],\"indicators\":[{\"id\":\"v\","
	    "\"label\":{\"fr\":\"a\",\"en\":\"b\"},\"when\":true}]}";
	static const char b[] = "{ \"indicators\" : [ { \"when\" : true,"
	    " \"label\" : { \"en\" : \"b\", \"fr\" : \"a\" }, \"id\" : \"v\" } ],\n"
	    " \"fields\" : [ ], \"identity\" : [ { \"label\" : { \"en\" : \"b\","
	    " \"fr\" : \"a\" }, \"id\" : \"n\" } ], \"sites\" : [ { \"label\" :"
	    " { \"fr\" : \"a\", \"en\" : \"b\" }, \"id\" : \"s\" } ],"
	    " \"period\" : { \"end\" : \"2021-02-01\", \"start\" : \"2021-01-01\" },"
	    " \"title\" : { \"en\" : \"b\", \"fr\" : \"a\" }, \"campaign\" : \"c\","
	    " \"format\" : \"tallyvan-plan/1\" }";
	struct tv_plan *p = NULL, *q = NULL;
	char err[256];

	is_int(0, tv_plan_parse(&p, a, sizeof a - 1, err, sizeof err),
	    "plan a parses");
	is_int(0, tv_plan_parse(&q, b, sizeof b - 1, err, sizeof err),
	    "plan b parses");
	if (p != NULL && q != NULL) {
		is_str(p->canonical, q->canonical, "same canonical bytes");
		is_int(0, p->nfields, "no fields is fine");
	}
	tv_plan_free(p);
	tv_plan_free(q);
}

static void
field_ok(const struct tv_field *f, const char *text, uint64_t want)
{
	uint64_t m = 99;
	char err[128];

	is_int(0, tv_field_parse(f, text, &m, err, sizeof err), text);
	is_int(want, m, text);
}

static void
field_bad(const struct tv_field *f, const char *text, const char *msg)
{
	uint64_t m;
	char err[128] = "";

	is_int(TV_ERR_FORMAT, tv_field_parse(f, text, &m, err, sizeof err),
	    text);
	if (!ok(strstr(err, msg) != NULL, msg))
		printf("#   got '%s'\n", err);
}

static void
test_field_parse(void)
{
	struct tv_plan *p = NULL;
	const struct tv_field *g, *t, *b, *age;
	char err[256];

	if (tv_plan_load(&p, DEMO, err, sizeof err) != 0)
		return;
	g = &p->fields[0];
	age = &p->fields[1];
	t = &p->fields[2];
	b = &p->fields[4];
	field_ok(g, "m", 2);
	field_ok(g, "  x ", 4);
	field_ok(age, "65-plus", 16);
	field_bad(g, "F", "unknown choice 'F' for field 'gender'");
	field_bad(g, "f|m", "unknown choice 'f|m' for field 'gender'");
	field_bad(g, "", "field 'gender' is required");
	field_ok(t, "employment", 1);
	field_ok(t, "housing|employment", 1 | 16);
	field_ok(t, " housing | health ", 16 | 32);
	field_ok(t, "health|health", 32);
	field_ok(t, "", 0);
	field_ok(t, "   ", 0);
	field_bad(t, "housing|cars",
	    "unknown choice 'cars' for field 'topics'");
	field_bad(t, "housing||health", "empty choice");
	field_bad(t, "housing|", "empty choice");
	field_ok(b, "yes", 2);
	field_ok(b, "YES", 2);
	field_ok(b, "True", 2);
	field_ok(b, "1", 2);
	field_ok(b, "Oui", 2);
	field_ok(b, "no", 1);
	field_ok(b, "FALSE", 1);
	field_ok(b, " 0 ", 1);
	field_ok(b, "non", 1);
	field_bad(b, "yep",
	    "invalid value 'yep' for bool field 'first_contact'");
	field_bad(b, "ye", "invalid value");
	field_bad(b, "yess", "invalid value");
	field_bad(b, "\x1b[31m", "invalid value '?[31m'");
	tv_plan_free(p);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_bad(const char *name)
{
	char path[512], err[512], *json, *expect;
	struct tv_plan *p = (struct tv_plan *)1;
	size_t len = 0, elen = 0;
	int rc;

	snprintf(path, sizeof path, "%s/%s.expect", BAD_DIR, name);
	expect = slurp(path, &elen);
	snprintf(path, sizeof path, "%s/%s.json", BAD_DIR, name);
	json = slurp(path, &len);
	if (!ok(json != NULL && expect != NULL, name))
		goto out;
	while (elen > 0 && strchr("\r\n", expect[elen - 1]) != NULL)
		expect[--elen] = '\0';
	rc = tv_plan_parse(&p, json, len, err, sizeof err);
	is_int(TV_ERR_FORMAT, rc, name);
	ok(p == NULL, "no plan on error");
	if (!ok(elen > 0 && strstr(err, expect) != NULL, expect))
		printf("#   got '%s'\n", err);
out:
	free(json);
	free(expect);
}

static void
test_golden_bad(void)
{
	char *names[256];
	size_t n = 0, i, l;
	struct dirent *de;
	DIR *d;

	if (!ok((d = opendir(BAD_DIR)) != NULL, "open " BAD_DIR))
		return;
	while ((de = readdir(d)) != NULL && n < 256) {
		l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0 &&
		    (names[n] = strndup(de->d_name, l - 5)) != NULL)
			n++;
	}
	closedir(d);
	ok(n >= 12, "at least 12 malformed plans");
	qsort(names, n, sizeof names[0], cmp_str);
	for (i = 0; i < n; i++) {
		check_bad(names[i]);
		free(names[i]);
	}
}

/* A plan with nsites sites and the given "when" text. */
static char *
make_plan(size_t nsites, const char *when)
{
	size_t cap = 512 + nsites * 64 + strlen(when), n, i;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	n = (size_t)snprintf(s, cap, "{\"format\":\"tallyvan-plan/1\","
	    "\"campaign\":\"c\",\"title\":{\"fr\":\"a\",\"en\":\"b\"},"
	    "\"period\":{\"start\":\"2021-01-01\",\"end\":\"2021-02-01\"},"
	    "\"identity\":[{\"id\":\"n\",\"label\":{\"fr\":\"a\",\"en\":\"b\"}}],"
	    "\"fields\":[{\"id\":\"b\",\"type\":\"bool\",\"label\":{\"fr\":\"a\","
	    "\"en\":\"b\"}}],\"indicators\":[{\"id\":\"v\",\"label\":{\"fr\":"
	    "\"a\",\"en\":\"b\"},\"when\":%s}],\"sites\":[", when);
	for (i = 0; i < nsites; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s{\"id\":\"s%zu\","
		    "\"label\":{\"fr\":\"a\",\"en\":\"b\"}}", i ? "," : "", i);
	snprintf(s + n, cap - n, "]}");
	return s;
}

static char *
many_leaves(size_t n)
{
	size_t cap = 16 + n * 32, len, i;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	len = (size_t)snprintf(s, cap, "{\"any\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "%s{\"field\":\"b\",\"is\":true}", i ? "," : "");
	snprintf(s + len, cap - len, "]}");
	return s;
}

static void
parse_expect(int want, const char *json, const char *msg, const char *name)
{
	struct tv_plan *p = NULL;
	char err[256] = "";

	is_int(want, tv_plan_parse(&p, json, json ? strlen(json) : 0, err,
	    sizeof err), name);
	if (!ok(strstr(err, msg) != NULL, msg))
		printf("#   got '%s'\n", err);
	tv_plan_free(p);
}

static void
test_limits(void)
{
	char *s, *w, path[] = "/tmp/t_plan_XXXXXX", err[512];
	struct tv_plan *p = NULL;
	FILE *f;
	int fd;

	s = make_plan(TV_PLAN_MAX_SITES, "true");
	parse_expect(0, s, "", "1024 sites are fine");
	free(s);
	s = make_plan(TV_PLAN_MAX_SITES + 1, "true");
	parse_expect(TV_ERR_TOOBIG, s, "$.sites: expected 1 to 1024 entries",
	    "1025 sites are too many");
	free(s);
	w = many_leaves(TV_PLAN_MAX_NODES - 1);
	s = make_plan(1, w);
	parse_expect(0, s, "", "4096 predicate nodes are fine");
	free(s);
	free(w);
	w = many_leaves(TV_PLAN_MAX_NODES);
	s = make_plan(1, w);
	parse_expect(TV_ERR_TOOBIG, s, "$.indicators[0].when.any: more than "
	    "4096 conditions", "4097 nodes are too many");
	free(s);
	free(w);

	s = calloc(1, TV_PLAN_MAX_BYTES + 2);
	if (s != NULL) {
		memset(s, ' ', TV_PLAN_MAX_BYTES + 1);
		parse_expect(TV_ERR_TOOBIG, s, "larger than", "1 MiB + 1 byte");
	}
	fd = mkstemp(path);
	if (fd >= 0 && s != NULL && (f = fdopen(fd, "w")) != NULL) {
		fputs(s, f);
		fclose(f);
		is_int(TV_ERR_TOOBIG, tv_plan_load(&p, path, err, sizeof err),
		    "oversized file refused");
		ok(strncmp(err, path, strlen(path)) == 0 &&
		    strstr(err, "larger than") != NULL, "error names the file");
		unlink(path);
	}
	free(s);
	is_int(TV_ERR_IO, tv_plan_load(&p, "/nonexistent/plan.json", err,
	    sizeof err), "missing file");
	ok(strstr(err, "/nonexistent/plan.json: ") == err, "missing: path");
	is_int(TV_ERR_FORMAT, tv_plan_load(&p, "/", err, sizeof err),
	    "directory refused");
	is_int(TV_ERR_FORMAT, tv_plan_load(&p, BAD_DIR "/too-deep.json", err,
	    sizeof err), "load passes parse errors on");
	ok(strstr(err, BAD_DIR "/too-deep.json: $.indicators[1].when") == err,
	    "load prefixes the JSON path with the file");
	ok(p == NULL, "no plan on error");
}

static void
test_messages(void)
{
	struct tv_plan *p = NULL;
	char err[8];

	memset(err, 'z', sizeof err);
	is_int(TV_ERR_FORMAT, tv_plan_parse(&p, "{}", 2, err, sizeof err),
	    "short error buffer");
	ok(memchr(err, '\0', sizeof err) != NULL, "error always terminated");
	is_int(TV_ERR_FORMAT, tv_plan_parse(&p, "{}", 2, NULL, 0),
	    "NULL error buffer");
	parse_expect(TV_ERR_FORMAT, "", "line 1, column 0:", "empty input");
	parse_expect(TV_ERR_FORMAT, "\"plan\"", "line 1", "bare string");
	parse_expect(TV_ERR_FORMAT, "\xef\xbb\xbf{}", "near '\?\?\?'",
	    "a byte-order mark is refused, and not echoed raw");
	parse_expect(TV_ERR_FORMAT, "{\"format\": \"tallyvan-plan/1\", "
	    "\"x\\u001b[2J\": 1}", "$.x?[2J: unknown key", "escapes cut");
}

int
main(void)
{
	test_demo();
	test_demo_predicates();
	test_small();
	test_canonical();
	test_field_parse();
	test_golden_bad();
	test_limits();
	test_messages();
	return tap_done();
}
