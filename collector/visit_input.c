/* SPDX-License-Identifier: MIT */
/*
 * The one reader of NAME=VALUE input, shared by 'collector record' and
 * 'collector erase': identity fields are personal data, so they come only
 * from standard input or the terminal, into guarded memory that is wiped
 * on every path (the error paths too), and errors name the line and the
 * field, never the value.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "collector/collector.h"
#include "common/util.h"

/* One NAME=VALUE line (cut in place).  0 or -1 with err. */
static int
line_set(const struct tv_plan *p, struct visit *v, enum visit_input mode,
    char *line, char *err, size_t errlen)
{
	char *eq;

	if ((eq = strchr(line, '=')) == NULL)
		return snprintf(err, errlen, "want NAME=VALUE"), -1;
	*eq = 0;
	if (mode == VISIT_INPUT_IDENTITY && tv_plan_identity_index(p, line) < 0)
		return snprintf(err, errlen, "'%.64s' is not an identity "
		    "field of the plan", line), -1;
	return visit_set(p, v, line, eq + 1, err, errlen);
}

/* Lines, numbered from 1 (blank ones too); blank and # lines skipped. */
static void
input_from_lines(const struct tv_plan *p, struct visit *v,
    enum visit_input mode)
{
	char *text = secret_read_fd(0, VISIT_INPUT_MAX), *line, *end, err[256];
	unsigned n = 0;
	int rc = 0;

	for (line = text; rc == 0 && *line != 0; line = end) {
		n++;
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = 0;
		else
			end = line + strlen(line);
		line[strcspn(line, "\r")] = 0;
		if (line[0] != 0 && line[0] != '#')
			rc = line_set(p, v, mode, line, err, sizeof err);
	}
	sodium_free(text);	/* wipes */
	if (rc != 0) {
		visit_free(v);
		die("standard input, line %u: %s", n, err);
	}
}

/* One answer at the prompt, at most TV_IDENTITY_MAX bytes: 0 or -1. */
static int
tty_answer(char *line, size_t cap)
{
	ssize_t r;

	do
		r = read(0, line, cap);
	while (r < 0 && errno == EINTR);
	line[r > 0 ? r : 0] = 0;
	if ((size_t)(r > 0 ? r : 0) == cap && strchr(line, '\n') == NULL)
		return -1;
	line[strcspn(line, "\r\n")] = 0;
	return 0;
}

/* The question for identity field f: its labels, and a date's pattern. */
static void
prompt(const struct tv_plan *p, const struct tv_idfield *f)
{
	fprintf(stderr, "%s / %s", f->label.fr, f->label.en);
	if (f->kind == TV_IDKIND_DATE)
		fprintf(stderr, " (%s)",
		    visit_date_pattern(tv_lang_date_order(p->language)));
	fputs(": ", stderr);
}

/* Each identity field not yet given is asked, in the plan's order. */
static void
input_from_tty(const struct tv_plan *p, struct visit *v)
{
	char *line, err[256];
	uint32_t i;
	int rc = 0;

	if ((line = sodium_malloc(TV_IDENTITY_MAX + 2)) == NULL)
		die("out of secure memory");
	for (i = 0; rc == 0 && i < p->nidentity; i++) {
		if (v->identity[i][0] != 0)
			continue;
		prompt(p, &p->identity[i]);
		if (tty_answer(line, TV_IDENTITY_MAX + 1) != 0) {
			snprintf(err, sizeof err, "%s: too long",
			    p->identity[i].id);
			rc = -1;
		} else {
			rc = visit_set(p, v, p->identity[i].id, line, err,
			    sizeof err);
		}
	}
	sodium_free(line);	/* wipes */
	if (rc != 0) {
		visit_free(v);
		die("%s", err);
	}
}

void
visit_read_input(const struct tv_plan *p, struct visit *v,
    enum visit_input mode)
{
	if (isatty(0))
		input_from_tty(p, v);
	else
		input_from_lines(p, v, mode);
}
