/* SPDX-License-Identifier: MIT */
/*
 * bench plan: an evaluation plan with K indicators (K >= 5), written as
 * JSON, shaped like the demo plan: indicator 0 counts visits, 1 counts
 * distinct people over the campaign, 2-4 are a one-hot gender group (a
 * sum proof when the plan asks for proofs), and the rest are "topic j
 * raised" over set fields of 8 choices each.  With -H the last four
 * topic indicators are history conditions instead (issue 18: the same K,
 * so capture with and without them can be compared side by side).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/bench/bench.h"

#define LABEL(f, s) fprintf(f, "\"label\": { \"fr\": \"%s\", \"en\": \"%s\" }", s, s)

static void
plan_head(FILE *f, unsigned k, unsigned nsites, const char *start,
    const char *end)
{
	unsigned i;

	fprintf(f, "{\n  \"format\": \"tallyvan-plan/1\",\n"
	    "  \"campaign\": \"bench-k%u-s%u\",\n"
	    "  \"title\": { \"fr\": \"Banc d'essai\", \"en\": \"Benchmark\" },\n"
	    "  \"period\": { \"start\": \"%s\", \"end\": \"%s\" },\n"
	    "  \"sites\": [\n", k, nsites, start, end);
	for (i = 0; i < nsites; i++) {
		fprintf(f, "    { \"id\": \"s%u\", \"town\": \"Town %u\", ", i,
		    i / 8);
		LABEL(f, "Site");
		fprintf(f, " }%s\n", i + 1 < nsites ? "," : "");
	}
	fprintf(f, "  ],\n  \"identity\": [\n"
	    "    { \"id\": \"first_name\", \"label\": { \"fr\": \"P\", \"en\": \"F\" } },\n"
	    "    { \"id\": \"last_name\", \"label\": { \"fr\": \"N\", \"en\": \"L\" } },\n"
	    "    { \"id\": \"birth_date\", \"label\": { \"fr\": \"D\", \"en\": \"B\" } }\n"
	    "  ],\n");
}

static void
plan_fields(FILE *f, unsigned ntopic)
{
	unsigned i, j, nf = (ntopic + 7) / 8;

	fprintf(f, "  \"fields\": [\n    { \"id\": \"gender\", \"type\": \"enum\", ");
	LABEL(f, "Gender");
	fprintf(f, ", \"choices\": [ ");
	for (i = 0; i < 3; i++) {
		fprintf(f, "{ \"id\": \"%c\", ", "fmx"[i]);
		LABEL(f, "G");
		fprintf(f, " }%s", i < 2 ? ", " : " ] }");
	}
	for (i = 0; i < nf; i++) {
		fprintf(f, ",\n    { \"id\": \"topics%u\", \"type\": \"set\", ", i);
		LABEL(f, "Topics");
		fprintf(f, ", \"choices\": [ ");
		for (j = 0; j < 8; j++) {
			fprintf(f, "{ \"id\": \"t%u\", ", i * 8 + j);
			LABEL(f, "T");
			fprintf(f, " }%s", j < 7 ? ", " : " ] }");
		}
	}
	fprintf(f, "\n  ],\n");
}

/* Four history conditions of the kinds a follow-up plan asks for. */
static const char *const history_whens[4] = {
	"{ \"earlier\": { \"when\": { \"field\": \"topics0\", \"contains\": "
	    "\"t0\" }, \"within\": { \"days\": 30 } } }, \"distinct\": \"campaign\"",
	"{ \"visit_number\": { \"min\": 2 } }, \"distinct\": \"campaign\"",
	"{ \"seen_before\": { \"period\": \"month\" } }, \"scope\": \"site\"",
	"{ \"days_since_first\": { \"min\": 1, \"max\": 30 } }",
};

static void
plan_indicators(FILE *f, unsigned k, int proofs, int history)
{
	unsigned i, nh = history ? 4 : 0;

	fprintf(f, "  \"indicators\": [\n"
	    "    { \"id\": \"visits\", \"label\": { \"fr\": \"V\", \"en\": \"V\" }, \"when\": true },\n"
	    "    { \"id\": \"people\", \"label\": { \"fr\": \"P\", \"en\": \"P\" }, \"when\": true, \"distinct\": \"campaign\" }");
	for (i = 0; i < 3; i++)
		fprintf(f, ",\n    { \"id\": \"gender_%c\", \"label\": { \"fr\": \"G\", \"en\": \"G\" }, "
		    "\"when\": { \"field\": \"gender\", \"eq\": \"%c\" } }",
		    "fmx"[i], "fmx"[i]);
	for (i = 5; i < k - nh; i++)
		fprintf(f, ",\n    { \"id\": \"topic_%u\", \"label\": { \"fr\": \"T\", \"en\": \"T\" }, "
		    "\"when\": { \"field\": \"topics%u\", \"contains\": \"t%u\" } }",
		    i - 5, (i - 5) / 8, i - 5);
	for (i = 0; i < nh; i++)
		fprintf(f, ",\n    { \"id\": \"history_%u\", \"label\": { \"fr\": \"H\", \"en\": \"H\" }, "
		    "\"when\": %s }", i, history_whens[i]);
	fprintf(f, "\n  ],\n  \"groups\": [\n    { \"id\": \"gender\", "
	    "\"indicators\": [\"gender_f\", \"gender_m\", \"gender_x\"], "
	    "\"sum\": 1 }\n  ],\n  \"proofs\": %s,\n"
	    "  \"policy\": { \"min_cohort\": 11, \"min_cell\": 0, "
	    "\"retention_days\": 365, \"grace_days\": 0 }\n}\n",
	    proofs ? "true" : "false");
}

int
bench_plan(int argc, char **argv)
{
	const char *out = NULL, *start = "2021-10-25", *end = "2022-01-09";
	unsigned k = 8, nsites = 7;
	int ch, proofs = 0, history = 0;
	FILE *f;

	while ((ch = getopt(argc, argv, "k:pHs:a:b:o:")) != -1) {
		switch (ch) {
		case 'k': k = (unsigned)opt_ulong("-k", optarg, 256); break;
		case 'p': proofs = 1; break;
		case 'H': history = 1; break;
		case 's': nsites = (unsigned)opt_ulong("-s", optarg, 1024); break;
		case 'a': start = optarg; break;
		case 'b': end = optarg; break;
		case 'o': out = optarg; break;
		default:
			die("usage: bench plan -k K [-p] [-H] [-s SITES] "
			    "[-a START] [-b END] -o PLAN.json");
		}
	}
	if (out == NULL || k < 5 || nsites < 1 || (history && k < 10))
		die("bench plan: -o is required, K >= 5 (10 with -H), "
		    "SITES >= 1");
	if ((f = fopen(out, "w")) == NULL)
		die("cannot create '%s'", out);
	plan_head(f, k, nsites, start, end);
	plan_fields(f, k - 5);
	plan_indicators(f, k, proofs, history);
	if (fclose(f) != 0)
		die("cannot write '%s'", out);
	return 0;
}
