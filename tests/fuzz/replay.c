/* SPDX-License-Identifier: MIT */
/*
 * replay.c - a plain main for the fuzz targets: runs
 * LLVMFuzzerTestOneInput() once on every file named (directories are
 * walked, one level), so that `make check` replays the committed corpora
 * with any compiler, sanitizers or not.
 *
 * Besides a crash or a failed oracle (abort), an input fails if the peak
 * resident memory of the process exceeds REPLAY_RSS_MB (default 512, as
 * libFuzzer's -rss_limit_mb): that is how a decompression bomb that got
 * through shows here.  Prints the number of inputs and the peak memory.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static long rss_limit_kb;
static unsigned long ninputs;

static long
peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	/* A copy of exactly n bytes, so that ASan sees any overread. */
	if ((buf = malloc(n != 0 ? (size_t)n : 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	ninputs++;
	if (peak_kb() > rss_limit_kb) {
		fprintf(stderr, "replay: %s: peak RSS %ld MB over the %ld MB "
		    "limit\n", path, peak_kb() >> 10, rss_limit_kb >> 10);
		return 1;
	}
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order (repeatable runs). */
static int
run_dir(const char *dir)
{
	char **names = NULL, path[4096];
	struct dirent *e;
	size_t n = 0, cap = 0, i;
	DIR *d = opendir(dir);
	int bad = 0;

	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((names = realloc(names, cap * sizeof *names)) == NULL)
				return 1;
		}
		if ((names[n++] = strdup(e->d_name)) == NULL)
			return 1;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		bad |= run_file(path);
		free(names[i]);
	}
	free(names);
	return bad;
}

int
main(int argc, char **argv)
{
	const char *lim = getenv("REPLAY_RSS_MB");
	struct stat sb;
	int i, bad = 0;

	rss_limit_kb = (lim != NULL ? atol(lim) : 512) << 10;
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: no such input %s\n", argv[i]);
			bad = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			bad |= run_dir(argv[i]);
		} else {
			bad |= run_file(argv[i]);
		}
	}
	printf("%s: replayed %lu inputs, peak RSS %ld MB\n", argv[0],
	    ninputs, peak_kb() >> 10);
	return bad;
}
