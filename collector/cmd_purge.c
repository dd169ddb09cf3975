/* SPDX-License-Identifier: MIT */
/*
 * collector purge: retention on the device.
 *  - pseudonym-index tags whose expiry day (period end + retention_days)
 *    has passed: they can no longer change a count, only link visits;
 *  - visit histories past their expiry day (proto/history.h), likewise;
 *  - delivered batches whose records are all older than retention_days:
 *    acknowledged by the aggregator (state 2), or -- with --exported, when
 *    the operator has checked that the aggregator holds them -- exported to
 *    a file (state 1).  A batch never delivered (sealed, or exported
 *    without --exported) is never deleted: it would be lost.
 * The sequence counter is kept, so a batch number is never given twice.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/calendar.h"

#define TAGS_PER_TXN 50000

struct cpurge {
	const struct device *d;
	int32_t today, cutoff;
	int exported, dry;
	/* tags: of db (pindex or history), values of vlen bytes that start
	 * with the u32 BE expiry day */
	unsigned db;
	size_t vlen;
	uint8_t (*tags)[32];
	size_t ntags;
	uint64_t tags_removed, tags_kept;
	/* batches */
	struct { uint64_t seq; uint8_t state; } *seqs;
	size_t nseqs, capseqs;
	uint64_t removed[3], undelivered, recent;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector purge --dir DIR [--today YYYY-MM-DD]\n"
	    "         [--exported] [--dry-run]\n\n"
	    "Applies the plan's retention on this device: deletes the\n"
	    "pseudonym-index tags and visit histories whose expiry day has\n"
	    "passed, and the\n"
	    "batches the aggregator acknowledged whose records are all older\n"
	    "than retention_days.  Batches exported to files are deleted too\n"
	    "only with --exported, once you have checked that the aggregator\n"
	    "holds them ('aggregator audit show --event ingest --device ID').\n"
	    "A batch never delivered is never deleted.  Needs no passphrase.\n"
	    "--today replaces the clock (tests, replays); --dry-run says what\n"
	    "would go.\n");
	exit(code);
}

static int
tag_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct cpurge *cp = ctx;

	if (klen != 32 || vlen != cp->vlen)
		return TV_ERR_FORMAT;
	/* Kept through its expiry day, gone the day after. */
	if ((int32_t)tv_be32_get(val) >= cp->today) {
		cp->tags_kept++;
		return 0;
	}
	if (cp->dry) {
		cp->ntags++;
		return 0;
	}
	memcpy(cp->tags[cp->ntags++], key, 32);
	return cp->ntags == TAGS_PER_TXN;	/* full: delete these first */
}

static int
tags_fn(struct tv_txn *t, void *ctx)
{
	struct cpurge *cp = ctx;
	size_t i;
	int rc;

	cp->ntags = 0;
	cp->tags_kept = 0;
	rc = tv_txn_foreach(t, cp->db, NULL, 0, tag_cb, cp);
	if (rc < 0)
		return rc;
	for (i = 0; i < cp->ntags && !cp->dry; i++)
		tv_txn_del(t, cp->db, cp->tags[i], 32);
	return t->err;
}

static void
tags_purge(struct cpurge *cp, unsigned db, size_t vlen)
{
	int rc;

	cp->db = db;
	cp->vlen = vlen;
	cp->tags_removed = 0;
	cp->tags = xcalloc(TAGS_PER_TXN, 32);
	do {
		rc = tv_store_write(cp->d->st, tags_fn, cp);
		if (rc != 0)
			die("cannot purge the pseudonym index: %s",
			    tv_strerror(rc));
		cp->tags_removed += cp->ntags;
	} while (cp->ntags == TAGS_PER_TXN && !cp->dry);
	free(cp->tags);
}

static int
state_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct cpurge *cp = ctx;
	uint8_t st = *(const uint8_t *)val;

	if (klen != 8 || vlen != 1)
		return TV_ERR_FORMAT;
	if (st > BATCH_ACKED || st == BATCH_SEALED ||
	    (st == BATCH_EXPORTED && !cp->exported)) {
		cp->undelivered++;
		return 0;
	}
	if (cp->nseqs == cp->capseqs) {
		cp->capseqs = cp->capseqs ? 2 * cp->capseqs : 256;
		cp->seqs = realloc(cp->seqs, cp->capseqs * sizeof *cp->seqs);
		if (cp->seqs == NULL)
			die("out of memory");
	}
	cp->seqs[cp->nseqs].seq = tv_be64_get(key);
	cp->seqs[cp->nseqs++].state = st;
	return 0;
}

static int
states_fn(struct tv_txn *t, void *ctx)
{
	struct cpurge *cp = ctx;

	cp->nseqs = 0;
	cp->undelivered = 0;
	return tv_txn_foreach(t, DB_BSTATE, NULL, 0, state_cb, cp);
}

/* Are all the batch's records older than retention? */
static int
batch_old(const struct cpurge *cp, const uint8_t *buf, size_t len)
{
	struct tv_envelope env = { 0 };
	struct tv_batch *b = NULL;
	uint32_t i;
	int rc, old = 1;

	if ((rc = tv_envelope_parse(&env, buf, len)) != 0 ||
	    (rc = tv_batch_decode(&b, &env, cp->d->c->id, cp->d->c->k)) != 0)
		die("a stored batch does not decode: %s", tv_strerror(rc));
	for (i = 0; i < b->nrecords; i++)
		if (b->records[i].day >= cp->cutoff)
			old = 0;
	tv_batch_free(b);
	tv_envelope_release(&env);
	return old;
}

struct bdel {
	uint8_t key[8];
	uint8_t state;		/* out: the state it had */
	int done;
};

static int
bdel_fn(struct tv_txn *t, void *ctx)
{
	struct bdel *bd = ctx;
	const void *val;
	size_t vlen;
	int rc;

	bd->done = 0;
	rc = tv_txn_get(t, DB_BSTATE, bd->key, 8, &val, &vlen);
	if (rc != 0 || vlen != 1)
		return rc == TV_ERR_NOTFOUND ? 0 : rc ? rc : TV_ERR_FORMAT;
	bd->state = *(const uint8_t *)val;
	tv_txn_del(t, DB_BATCHES, bd->key, 8);
	tv_txn_del(t, DB_BSTATE, bd->key, 8);
	bd->done = 1;
	return t->err;
}

static void
batches_purge(struct cpurge *cp)
{
	struct bdel bd;
	uint8_t *buf;
	size_t len, i;
	int rc;

	if ((rc = tv_store_read(cp->d->st, states_fn, cp)) != 0)
		die("cannot read the store: %s", tv_strerror(rc));
	for (i = 0; i < cp->nseqs; i++) {
		if ((rc = outbox_get(cp->d, cp->seqs[i].seq, &buf, &len)) != 0)
			die("cannot read batch %llu: %s", (unsigned long long)
			    cp->seqs[i].seq, tv_strerror(rc));
		rc = batch_old(cp, buf, len);
		free(buf);
		if (!rc) {
			cp->recent++;
			continue;
		}
		tv_be64_put(bd.key, cp->seqs[i].seq);
		if (cp->dry) {
			cp->removed[cp->seqs[i].state]++;
			continue;
		}
		if ((rc = tv_store_write(cp->d->st, bdel_fn, &bd)) != 0)
			die("cannot delete batch %llu: %s", (unsigned long long)
			    cp->seqs[i].seq, tv_strerror(rc));
		if (bd.done && bd.state <= BATCH_ACKED)
			cp->removed[bd.state]++;
	}
	free(cp->seqs);
}

int
cmd_purge(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "today", required_argument, NULL, 't' },
		{ "exported", no_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cpurge cp = { .today = (int32_t)(time(NULL) / 86400) };
	const char *verb;
	struct device *d = &su->d;
	char day[11];
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (tv_day_parse(optarg, &cp.today) != 0)
				die("--today: want YYYY-MM-DD");
			break;
		case 'e': cp.exported = 1; break;
		case 'n': cp.dry = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	cp.d = d;
	cp.cutoff = cp.today - (int32_t)d->c->plan->policy.retention_days;
	verb = cp.dry ? "would remove" : "removed";
	tags_purge(&cp, DB_PINDEX, 4);
	printf("index tags: %s %llu expired, kept %llu\n", verb,
	    (unsigned long long)cp.tags_removed,
	    (unsigned long long)cp.tags_kept);
	tags_purge(&cp, DB_HISTORY, TV_HISTORY_VALUE_BYTES);
	printf("visit histories: %s %llu expired, kept %llu\n", verb,
	    (unsigned long long)cp.tags_removed,
	    (unsigned long long)cp.tags_kept);
	batches_purge(&cp);
	tv_day_format(day, cp.cutoff);
	printf("batches: %s %llu acknowledged and %llu exported with every "
	    "record before %s\n", verb,
	    (unsigned long long)cp.removed[BATCH_ACKED],
	    (unsigned long long)cp.removed[BATCH_EXPORTED], day);
	printf("batches kept: %llu not delivered, %llu with records from %s "
	    "on\n", (unsigned long long)cp.undelivered,
	    (unsigned long long)cp.recent, day);
	return 0;
}
