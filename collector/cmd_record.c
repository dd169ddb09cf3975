/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector record --dir DIR --site SITE [--date YYYY-MM-DD]\n"
	    "         [--receipt] [--passphrase-file FILE] [FIELD=VALUE ...]\n\n"
	    "Records one visit.  Form fields may be given as FIELD=VALUE\n"
	    "(sets as a|b|c, bools as yes/no).  Identity fields are personal\n"
	    "data and are refused on the command line (it is visible to other\n"
	    "users and kept in shell history): they are read from standard\n"
	    "input as NAME=VALUE lines, or asked on the terminal.  Any field\n"
	    "may come from standard input.  --receipt prints the person's\n"
	    "receipt code.  The date defaults to today.\n");
	exit(code);
}

/* What the capture transaction needs (tv_store_write's ctx). */
struct record_ctx {
	const struct device *d;
	const struct visit *v;
	char *receipt;		/* TV_RECEIPT_LEN + 2 bytes */
};

static int
record_fn(struct tv_txn *t, void *ctx)
{
	const struct record_ctx *r = ctx;

	return capture_txn(t, r->d, r->v, r->receipt);
}

static void
visit_from_args(const struct tv_plan *p, struct visit *v, int argc,
    char **argv)
{
	char *eq, err[256];
	int i;

	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			die("'%s': want FIELD=VALUE", argv[i]);
		*eq = 0;
		if (tv_plan_identity_index(p, argv[i]) >= 0)
			die("identity field '%s' must not be given on the "
			    "command line; give it on standard input or at "
			    "the prompt", argv[i]);
		if (visit_set(p, v, argv[i], eq + 1, err, sizeof err) != 0)
			die("%s", err);
	}
}

int
cmd_record(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "date", required_argument, NULL, 't' },
		{ "receipt", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *site = NULL, *date = NULL;
	struct device *d = &su->d;
	struct visit *v;
	struct record_ctx r;
	char err[256], receipt[TV_RECEIPT_LEN + 2], today[11];
	int ch, want_receipt = 0, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': site = optarg; break;
		case 't': date = optarg; break;
		case 'r': want_receipt = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	v = visit_new();
	tv_day_format(today, (int32_t)(time(NULL) / 86400));
	if ((site && visit_set(d->c->plan, v, "site", site, err, sizeof err)) ||
	    visit_set(d->c->plan, v, "date", date ? date : today, err,
	    sizeof err))
		die("%s", err);
	visit_from_args(d->c->plan, v, argc - optind, argv + optind);
	visit_read_input(d->c->plan, v, VISIT_INPUT_ANY);
	if (visit_check(d->c->plan, v, err, sizeof err) != 0) {
		visit_free(v);
		die("visit not recorded: %s", err);
	}
	r = (struct record_ctx){ d, v, receipt };
	rc = tv_store_write(d->st, record_fn, &r);
	visit_free(v);
	if (rc != 0)
		die("visit not recorded: %s %s", tv_strerror(rc),
		    tv_store_errmsg(d->st));
	printf("recorded\n");
	if (want_receipt)
		printf("receipt %s\n", receipt);
	return 0;
}
