/* SPDX-License-Identifier: MIT */
/*
 * parfor.h - per-cell work on every core (issue 17): partial decryptions
 * and their proofs in `trustee release`, proof checks and combinations in
 * `aggregator publish` and `trustee verify`.
 *
 * Each index is done exactly once, by whichever thread takes it; results
 * go into the caller's per-index slots, so what is written afterwards, in
 * index order, does not depend on the number of threads.  Never prints.
 */
#ifndef TV_PARFOR_H
#define TV_PARFOR_H

#include <stdint.h>

/* Threads for a recount or per-cell work: TV_REBUILD_JOBS if set (for
 * benchmarks), else the online cores; 1..8. */
unsigned tv_jobs(void);

/*
 * fn(ctx, i) for every i < n, on tv_jobs() threads (the caller's
 * included).  fn must only touch index i's own results and read shared
 * data.  Returns 0, or the nonzero code fn returned for the lowest
 * failing i (every index is still done), or TV_ERR_NOMEM.
 */
int tv_parfor(uint32_t n, int (*fn)(void *ctx, uint32_t i), void *ctx);

#endif
