/* SPDX-License-Identifier: MIT */
/*
 * parfor.c - run a function over the indices 0..n-1 on every core.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto/err.h"
#include "release/parfor.h"

#define JOBS_MAX 8

struct parfor {
	int (*fn)(void *, uint32_t);
	void *ctx;
	uint32_t n;
	atomic_uint_fast32_t next;
	pthread_mutex_t lock;
	uint32_t bad_i;		/* lowest failing index, n if none */
	int bad_rc;
};

unsigned
tv_jobs(void)
{
	const char *e = getenv("TV_REBUILD_JOBS");	/* benchmarks */
	long n = e != NULL ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

static void *
parfor_main(void *arg)
{
	struct parfor *pf = arg;
	uint32_t i;
	int rc;

	while ((i = (uint32_t)atomic_fetch_add(&pf->next, 1)) < pf->n) {
		if ((rc = pf->fn(pf->ctx, i)) == 0)
			continue;
		pthread_mutex_lock(&pf->lock);
		if (i < pf->bad_i) {
			pf->bad_i = i;
			pf->bad_rc = rc;
		}
		pthread_mutex_unlock(&pf->lock);
	}
	return NULL;
}

int
tv_parfor(uint32_t n, int (*fn)(void *ctx, uint32_t i), void *ctx)
{
	struct parfor pf = { .fn = fn, .ctx = ctx, .n = n, .bad_i = n };
	pthread_t th[JOBS_MAX];
	unsigned i, nth = 0, jobs = tv_jobs();

	atomic_init(&pf.next, 0);
	pthread_mutex_init(&pf.lock, NULL);
	/* A thread that cannot be started leaves its share to the others. */
	for (i = 1; i < jobs && i < n; i++)
		if (pthread_create(&th[nth], NULL, parfor_main, &pf) == 0)
			nth++;
	parfor_main(&pf);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pf.lock);
	return pf.bad_i < n ? pf.bad_rc : 0;
}
