/* SPDX-License-Identifier: MIT */
/*
 * collector erase: a person's erasure (or access) request on the device
 * that recorded them.  From the identity typed again, the pseudonym is
 * recomputed, then every pseudonym-index tag this person could have (each
 * distinct-person indicator x each period of its kind in the campaign x
 * each site, or the collector scope) is looked up and deleted, and so is
 * their visit history (history conditions).  A later visit of the same
 * person then counts as a new person, a first visit.
 *
 * Records already captured cannot be found: they carry no identifier
 * (GDPR Art. 11(2)).  The receipt code printed lets the person check that
 * the identity typed is the one recorded (--receipt).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

struct erase {
	const struct device *d;
	const uint8_t *pseudo;
	int list;
	int32_t *pids;		/* periods of the kind being walked */
	size_t npids;
	uint64_t found, histories;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector erase --dir DIR [--passphrase-file FILE]\n"
	    "         [--receipt CODE] [--list]\n\n"
	    "Erases what this device holds about one person: the\n"
	    "pseudonym-index entries and the visit history that make their\n"
	    "later visits count as a person already seen.  The identity\n"
	    "fields are read from standard input as NAME=VALUE lines (as for\n"
	    "'collector record'), or asked on the terminal; never from the\n"
	    "command line.  Prints the\n"
	    "person's receipt code and how many entries were removed.\n"
	    "--receipt CODE: erase only if the identity gives this receipt\n"
	    "(exit 1 if not).\n"
	    "--list: remove nothing, list the entries held (an access\n"
	    "request).  Visits already recorded hold no identifier and cannot\n"
	    "be found (GDPR Art. 11(2)).\n");
	exit(code);
}

static int
pid_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Every period of this kind that a campaign day falls in, by the
 * calendar's plain rule and by the release hierarchy's (capture uses one
 * of them): trying a tag that cannot exist costs only a lookup. */
static void
periods_collect(struct erase *e, enum tv_period kind)
{
	const struct tv_plan *p = e->d->c->plan;
	size_t cap = 2 * (size_t)(p->end_day - p->start_day + 1), i, n = 0;
	int32_t day;

	e->pids = realloc(e->pids, cap * sizeof *e->pids);
	if (e->pids == NULL)
		die("out of memory");
	for (day = p->start_day; day <= p->end_day; day++) {
		e->pids[n++] = tv_period_id(kind, day);
		e->pids[n++] = tv_hier_period_id(kind, day);
	}
	qsort(e->pids, n, sizeof *e->pids, pid_cmp);
	for (i = 0, e->npids = 0; i < n; i++)
		if (e->npids == 0 || e->pids[e->npids - 1] != e->pids[i])
			e->pids[e->npids++] = e->pids[i];
}

/* One entry, in words: the indicator (id and label), the period in
 * which the person already counts, and where. */
static void
entry_print(const struct tv_plan *p, uint32_t ind, enum tv_period kind,
    int32_t pid, uint32_t site)
{
	char period[48], label[16];

	tv_period_label(label, kind, pid);
	if (kind == TV_PERIOD_CAMPAIGN)
		snprintf(period, sizeof period, "the whole campaign");
	else
		snprintf(period, sizeof period, "%s %s", tv_period_name(kind),
		    label);
	printf("held: %s (%s): counted once in %s, %s%s\n",
	    p->indicators[ind].id, p->indicators[ind].label.en, period,
	    site == UINT32_MAX ? "on this collector" : "at site ",
	    site == UINT32_MAX ? "" : p->sites[site].id);
}

/* Look up (and unless listing, delete) every tag of indicator i. */
static int
indicator_walk(struct tv_txn *t, struct erase *e, uint32_t i)
{
	const struct tv_plan *p = e->d->c->plan;
	const struct tv_indicator *ind = &p->indicators[i];
	uint32_t site, nsites = ind->scope == TV_SCOPE_SITE ? p->nsites : 1;
	uint8_t tag[32];
	const void *val;
	size_t j, vlen;
	int rc = 0;

	periods_collect(e, ind->distinct);
	for (j = 0; j < e->npids && rc == 0; j++)
		for (site = 0; site < nsites && rc == 0; site++) {
			uint32_t s = ind->scope == TV_SCOPE_SITE ? site :
			    UINT32_MAX;

			tv_index_tag(tag, DEVICE_INDEX_KEY(e->d), e->pseudo, i,
			    ind->distinct, e->pids[j], s);
			rc = tv_txn_get(t, DB_PINDEX, tag, sizeof tag, &val,
			    &vlen);
			if (rc == TV_ERR_NOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc != 0)
				break;
			e->found++;
			if (e->list)
				entry_print(p, i, ind->distinct, e->pids[j], s);
			else
				rc = tv_txn_del(t, DB_PINDEX, tag, sizeof tag);
		}
	sodium_memzero(tag, sizeof tag);
	return rc;
}

/* The person's visit history in one scope (site, or UINT32_MAX for the
 * collector): shown (an access request) or deleted. */
static int
history_walk(struct tv_txn *t, struct erase *e, uint32_t site)
{
	const struct tv_plan *p = e->d->c->plan;
	struct tv_history h;
	uint8_t tag[32];
	char first[11];
	int rc;

	tv_history_tag(tag, DEVICE_INDEX_KEY(e->d), e->pseudo, site);
	if ((rc = history_load(t, e->d, tag, &h)) != 0 ||
	    h.n + h.dropped == 0)
		goto out;
	e->histories++;
	if (!e->list) {
		rc = tv_txn_del(t, DB_HISTORY, tag, sizeof tag);
		goto out;
	}
	tv_day_format(first, h.first_day);
	printf("held: visit history %s%s: %u visits remembered, %u let go, "
	    "first contact %s\n", site == UINT32_MAX ? "on this collector" :
	    "at site ", site == UINT32_MAX ? "" : p->sites[site].id,
	    (unsigned)h.n, (unsigned)h.dropped, first);
out:
	sodium_memzero(&h, sizeof h);
	sodium_memzero(tag, sizeof tag);
	return rc;
}

static int
erase_fn(struct tv_txn *t, void *ctx)
{
	struct erase *e = ctx;
	const struct tv_plan *p = e->d->c->plan;
	uint32_t i;
	int rc;

	e->found = e->histories = 0;
	for (i = 0; i < p->nindicators; i++) {
		if (p->indicators[i].distinct == TV_PERIOD_NONE)
			continue;
		if ((rc = indicator_walk(t, e, i)) != 0)
			return rc;
	}
	if ((p->history_scopes & 1u << TV_SCOPE_COLLECTOR) &&
	    (rc = history_walk(t, e, UINT32_MAX)) != 0)
		return rc;
	for (i = 0; (p->history_scopes & 1u << TV_SCOPE_SITE) &&
	    i < p->nsites; i++)
		if ((rc = history_walk(t, e, i)) != 0)
			return rc;
	return t->err;
}

/* The receipt as the person may write it: case and dash do not matter. */
static int
receipt_equal(const char *given, const char *ours)
{
	char a[TV_RECEIPT_LEN + 1], b[TV_RECEIPT_LEN + 1];
	size_t n = 0, m = 0;

	for (; *given && n < TV_RECEIPT_LEN + 1; given++)
		if (*given != '-' && *given != ' ')
			a[n++] = *given;
	for (; *ours; ours++)
		if (*ours != '-')
			b[m++] = *ours;
	return n == m && n == TV_RECEIPT_LEN &&
	    strncasecmp(a, b, TV_RECEIPT_LEN) == 0;
}

static void
identity_read(const struct tv_plan *p, struct visit *v)
{
	uint32_t i;

	/* Only identity fields: the form plays no part in an erasure. */
	visit_read_input(p, v, VISIT_INPUT_IDENTITY);
	for (i = 0; i < p->nidentity; i++)
		if (v->identity[i][0] == 0) {
			visit_free(v);
			die("identity field '%s' is missing",
			    p->identity[i].id);
		}
}

/* The pseudonym, in guarded memory. */
static uint8_t *
pseudonym_of(const struct device *d, const struct visit *v)
{
	uint8_t *ps = sodium_malloc(TV_PSEUDONYM_BYTES);
	int rc;

	if (ps == NULL)
		die("out of secure memory");
	if ((rc = visit_pseudonym(d, v, ps)) != 0)
		die("cannot compute the pseudonym: %s", tv_strerror(rc));
	return ps;
}

static int
erase_run(struct erase *e, const char *want_receipt)
{
	char receipt[TV_RECEIPT_LEN + 2];
	int rc;

	tv_receipt_code(receipt, e->pseudo);
	printf("receipt %s\n", receipt);
	if (want_receipt && !receipt_equal(want_receipt, receipt)) {
		printf("the identity typed does not give receipt %s: nothing "
		    "%s\n", want_receipt, e->list ? "listed" : "erased");
		return 1;
	}
	rc = e->list ? tv_store_read(e->d->st, erase_fn, e) :
	    tv_store_write(e->d->st, erase_fn, e);
	if (rc != 0)
		die("cannot %s the pseudonym index: %s", e->list ? "read" :
		    "erase from", tv_strerror(rc));
	if (e->list)
		printf("%llu index entries held for this person\n"
		    "%llu visit histories held for this person\n",
		    (unsigned long long)e->found,
		    (unsigned long long)e->histories);
	else
		printf("removed %llu index entries\nremoved %llu visit "
		    "histories\n", (unsigned long long)e->found,
		    (unsigned long long)e->histories);
	return 0;
}

int
cmd_erase(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "receipt", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *want = NULL;
	struct erase e = { 0 };
	struct device *d = &su->d;
	struct visit *v;
	uint8_t *ps;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': want = optarg; break;
		case 'l': e.list = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	v = visit_new();
	identity_read(d->c->plan, v);
	ps = pseudonym_of(d, v);
	visit_free(v);
	e.d = d;
	e.pseudo = ps;
	ret = erase_run(&e, want);
	sodium_free(ps);
	free(e.pids);
	return ret;
}
