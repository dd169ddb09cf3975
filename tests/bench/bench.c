/* SPDX-License-Identifier: MIT */
/* The benchmark program's dispatch and helpers (bench.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/bench/bench.h"

static const struct command commands[] = {
	{ "micro", bench_micro, "group operations: cost per call" },
	{ "limit", bench_limit, "the per-record operations of ingest, alone" },
	{ "plan", bench_plan, "write a plan with K indicators" },
	{ "gen", bench_gen, "synthetic campaign: signed batch files" },
	{ "capture", bench_capture, "form to durable encrypted record" },
	{ "sqlite", bench_sqlite, "baseline (a): plaintext in SQLite" },
	{ "odk", bench_odk, "baseline (b): RSA-OAEP + AES per record" },
	{ "bsgs", bench_bsgs, "discrete-log table build and load" },
};

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double
bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long
bench_vmhwm(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

uint64_t
bench_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

int
bench_dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_pct(const double *sorted, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	return sorted[(i > n ? n : i) - 1];
}

int
plain_load(const char *path, uint32_t *k, size_t *n, uint32_t **site,
    int32_t **day, uint8_t **bits)
{
	FILE *f = fopen(path, "rb");
	uint8_t hdr[20];
	size_t i, nk;

	if (f == NULL)
		return error("cannot open '%s'", path);
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr ||
	    memcmp(hdr, "TVPLAIN1", 8) != 0) {
		fclose(f);
		return error("'%s': not a plaintext twin", path);
	}
	memcpy(k, hdr + 8, 4);
	memcpy(n, hdr + 12, 8);
	nk = *n * *k;
	*site = xmalloc(*n * 4 + 1);
	*day = xmalloc(*n * 4 + 1);
	*bits = xmalloc(nk + 1);
	for (i = 0; i < *n; i++)
		if (fread(*site + i, 4, 1, f) != 1 ||
		    fread(*day + i, 4, 1, f) != 1 ||
		    fread(*bits + i * *k, 1, *k, f) != *k) {
			fclose(f);
			return error("'%s': truncated", path);
		}
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	progname = "bench";
	if (tv_crypto_init() != 0)
		die("cannot initialise libsodium");
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "bench", NULL, argc, argv);
}
