/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/batch.h"

#define JOBS_MAX 64

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator ingest --dir DIR [--map-cap MIB] [--jobs N] "
	    "BATCH.tvb ...\n\n"
	    "Verifies and stores each batch file, all of a batch or none of\n"
	    "it.  A batch already stored is accepted again without change.\n"
	    "--map-cap caps the store's memory map (and so its size) at MIB\n"
	    "mebibytes (default 65536); past it a batch is refused as storage\n"
	    "full.  --jobs N verifies N batches at once on N threads (default\n"
	    "1); results are still reported in the order of the files, but\n"
	    "two files in conflict (the same record in both) refuse whichever\n"
	    "is stored second.  Exit 1 if any batch was refused, 2 if a\n"
	    "file cannot be read or on a storage error.\n");
	exit(code);
}

/* One file's outcome: unreadable (file_read's error, TV_ERR_*: refused
 * before ingest when over the size cap, a system error when missing or
 * unreadable), or a result. */
struct file_result {
	int unreadable;
	struct ingest_result r;
};

/* Exit code contribution of one result: 0 ok, 1 refused, 2 system. */
static int
ingest_report(const char *path, const struct file_result *fr)
{
	const struct ingest_result *r = &fr->r;
	char dev[65];

	if (fr->unreadable) {
		error("%s: %s: %s", path, exit_code(fr->unreadable) == 1 ?
		    "refused" : "cannot read", r->why);
		return exit_code(fr->unreadable);
	}
	hex_encode(dev, r->device, 32);
	if (r->rc == 0 && r->duplicate) {
		printf("%s: batch %.16s/%llu already stored, nothing changed\n",
		    path, dev, (unsigned long long)r->seq);
		return 0;
	}
	if (r->rc == 0) {
		printf("%s: stored batch %.16s/%llu (%u records", path, dev,
		    (unsigned long long)r->seq, r->nrecords);
		if (r->quarantined)
			printf(", %u quarantined: proofs do not verify",
			    r->quarantined);
		printf(")\n");
		return 0;
	}
	error("%s: refused: %s", path, r->why);
	return r->rc == TV_ERR_STORE || r->rc == TV_ERR_DEAD ||
	    r->rc == TV_ERR_FULL || r->rc == TV_ERR_IO ||
	    r->rc == TV_ERR_NOMEM ? 2 : 1;
}

/* Read and ingest one file; the read error is a refusal like any other. */
static void
ingest_file(struct server *s, const char *path, struct file_result *fr)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(fr, 0, sizeof *fr);
	/* Size cap before reading: the same cap as over HTTP. */
	if ((rc = file_read(path, TV_ENVELOPE_MAX, &buf, &len)) != 0) {
		fr->unreadable = rc;
		snprintf(fr->r.why, sizeof fr->r.why, "%s", tv_strerror(rc));
		return;
	}
	ingest_envelope(s, buf, len, &fr->r);
	free(buf);
}

/*
 * --jobs N: N threads take the files in turn; ingest_envelope is
 * thread-safe (signature, decompression, point checks and proofs run in
 * parallel; LMDB serialises the write transactions).  The main thread
 * reports results in file order as they become ready.
 */
struct jobs {
	struct server *s;
	char **paths;
	int n, next;
	struct file_result *res;
	char *done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *
jobs_worker(void *arg)
{
	struct jobs *j = arg;
	int i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			return NULL;
		ingest_file(j->s, j->paths[i], &j->res[i]);
		pthread_mutex_lock(&j->lock);
		j->done[i] = 1;
		pthread_cond_broadcast(&j->cond);
		pthread_mutex_unlock(&j->lock);
	}
}

static int
ingest_parallel(struct server *s, char **paths, int n, unsigned jobs)
{
	struct jobs j = { .s = s, .paths = paths, .n = n };
	pthread_t th[JOBS_MAX];
	unsigned t, started = 0;
	int i, r, ret = 0;

	j.res = xcalloc((size_t)n, sizeof *j.res);
	j.done = xcalloc((size_t)n, 1);
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.cond, NULL);
	for (t = 0; t < jobs && t < (unsigned)n; t++)
		if (pthread_create(&th[started], NULL, jobs_worker, &j) == 0)
			started++;
	if (started == 0)
		die("cannot start an ingest thread");
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&j.lock);
		while (!j.done[i])
			pthread_cond_wait(&j.cond, &j.lock);
		pthread_mutex_unlock(&j.lock);
		r = ingest_report(paths[i], &j.res[i]);
		ret = r > ret ? r : ret;
	}
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.cond);
	free(j.res);
	free(j.done);
	return ret;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "map-cap", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	size_t map_cap = 0;
	unsigned jobs = 1;
	struct file_result res;
	struct server s;
	int ch, i, ret = 0, r;

	while ((ch = getopt_long(argc, argv, "d:j:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'm':
			map_cap = (size_t)opt_ulong("--map-cap", optarg,
			    65536) << 20;
			break;
		case 'j':
			jobs = (unsigned)opt_ulong("--jobs", optarg, JOBS_MAX);
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind == argc || jobs == 0)
		usage(2);
	server_open_cap(&s, dir, 0, map_cap);
	if (jobs > 1) {
		ret = ingest_parallel(&s, argv + optind, argc - optind, jobs);
	} else {
		for (i = optind; i < argc; i++) {
			ingest_file(&s, argv[i], &res);
			r = ingest_report(argv[i], &res);
			ret = r > ret ? r : ret;
		}
	}
	audit_flush(&s);
	server_close(&s);
	return ret;
}
