/* SPDX-License-Identifier: MIT */
/*
 * bench bsgs: the discrete-log table (crypto/bsgs.c, m = 2^16 as the
 * publisher uses it): build, save, load from the cache file (with its
 * digest and spot checks), and solve times below m (no giant step) and at
 * 10^6 (15 giant steps: a cell of a million records).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/util.h"
#include "crypto/bsgs.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/bench/bench.h"

#define LOG2M 16
#define LOADS 5
#define SOLVES 200

static double
solve_us(const struct tv_bsgs *t, uint64_t base, uint64_t max)
{
	uint8_t M[32];
	uint64_t s, v;
	double t0, total = 0;
	int i, rc;

	for (i = 0; i < SOLVES; i++) {
		v = base + (uint64_t)i * 37;
		tv_point_small(M, v);
		t0 = bench_now();
		rc = tv_bsgs_solve(t, M, max, &s);
		total += bench_now() - t0;
		if (rc != 0 || s != v)
			die("bsgs: wrong answer for %llu", (unsigned long long)v);
	}
	return total / SOLVES * 1e6;
}

int
bench_bsgs(int argc, char **argv)
{
	const char *path = NULL;
	struct tv_bsgs *t = NULL;
	double t0, build, load = 1e30, dt;
	int ch, i, rc;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch != 't')
			die("usage: bench bsgs -t TABLE_FILE");
		path = optarg;
	}
	if (path == NULL)
		die("bench bsgs: -t is required");
	t0 = bench_now();
	if ((rc = tv_bsgs_build(&t, LOG2M)) != 0)
		die("bsgs build: %s", tv_strerror(rc));
	build = bench_now() - t0;
	unlink(path);
	if ((rc = tv_bsgs_save(t, path)) != 0)
		die("bsgs save: %s", tv_strerror(rc));
	tv_bsgs_free(t);
	for (i = 0; i < LOADS; i++) {
		t0 = bench_now();
		if ((rc = tv_bsgs_load(&t, path, LOG2M)) != 0)
			die("bsgs load: %s", tv_strerror(rc));
		dt = bench_now() - t0;
		load = dt < load ? dt : load;
		if (i + 1 < LOADS)
			tv_bsgs_free(t);
	}
	printf("log2m %d\nbuild_s %.3f\nload_ms %.3f\nsolve_small_us %.1f\n"
	    "solve_1e6_us %.1f\n", LOG2M, build, load * 1e3,
	    solve_us(t, 1000, 60000), solve_us(t, 1000000, 2000000));
	tv_bsgs_free(t);
	return 0;
}
