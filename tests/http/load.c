/* SPDX-License-Identifier: MIT */
/*
 * load - simulated collectors for the HTTP benchmark (tools/bench_http.sh)
 * and the load test under attack (tests/cli/http_load.sh).
 *
 *   load --url http://127.0.0.1:PORT [--from A,B,...] [--duration S]
 *        [--pace MS] [--min-success PCT] [--p95-max MS] DIR...
 *
 * One thread per DIR, all started together; each POSTs the *.tvb files of
 * its DIR to URL/v1/batches in name order over one kept-alive connection,
 * as a collector ships.  Thread i binds its connection to the i-th address
 * of --from (cycling through the list; default: the kernel's choice).
 *
 * Without --duration each file is sent once; prints batches, records (from
 * the acknowledgements), wall time, records/s and the p50/p99 request
 * latency, and exits 1 if any answer was not 200.
 *
 * With --duration S each thread keeps sending for S seconds, waiting MS ms
 * (--pace) after each answer; when its files run out it starts again from
 * the first (an identical retry, which the server acknowledges again
 * without storing anything).  Every request counts: a success is a 200
 * with an acknowledgement, anything else (an error status, a reset, a
 * timeout) a failure.  Prints the success rate and the p50/p95/p99/max
 * latency of all requests, and the records acknowledged the first time
 * (what the store must hold); exits 1 if the success rate is below
 * --min-success (default 99) or the p95 above --p95-max (default 1000).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

struct worker {
	const char *url, *dir, *from;
	char **files;
	size_t nfiles;
	double *lat;		/* seconds, one per request */
	size_t nlat, cap;
	unsigned long records, bad, resent;
	double duration;	/* 0: each file once */
	unsigned pace_ms;
	pthread_t th;
};

struct answer {
	char buf[1024];
	size_t len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_dir(struct worker *w)
{
	DIR *d = opendir(w->dir);
	struct dirent *e;
	size_t cap = 0, n;
	char path[4096];

	if (d == NULL) {
		perror(w->dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".tvb") != 0)
			continue;
		if (w->nfiles == cap) {
			cap = cap ? 2 * cap : 64;
			w->files = realloc(w->files, cap * sizeof *w->files);
		}
		snprintf(path, sizeof path, "%s/%s", w->dir, e->d_name);
		w->files[w->nfiles++] = strdup(path);
	}
	closedir(d);
	qsort(w->files, w->nfiles, sizeof *w->files, name_cmp);
	w->cap = w->nfiles + 1;
	w->lat = calloc(w->cap, sizeof *w->lat);
	if (w->nfiles == 0) {
		fprintf(stderr, "load: no *.tvb file in %s\n", w->dir);
		exit(2);
	}
}

static char *
slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0) {
		perror(path);
		exit(2);
	}
	rewind(f);
	buf = malloc((size_t)*len + 1);
	if (fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static size_t
answer_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t len = size * n, room = sizeof a->buf - 1 - a->len;

	memcpy(a->buf + a->len, data, len < room ? len : room);
	a->len += len < room ? len : room;
	a->buf[a->len] = 0;
	return len;
}

static void
lat_add(struct worker *w, double t)
{
	if (w->nlat == w->cap) {
		w->cap *= 2;
		if ((w->lat = realloc(w->lat, w->cap * sizeof *w->lat)) ==
		    NULL) {
			perror("load");
			exit(2);
		}
	}
	w->lat[w->nlat++] = t;
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct curl_slist *hdr = curl_slist_append(NULL,
	    "Content-Type: application/octet-stream");
	CURL *h = curl_easy_init();
	struct answer a;
	const char *r;
	long code, len;
	char *body;
	size_t i;
	double t, end = now() + w->duration;

	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, w->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	if (w->from != NULL)
		curl_easy_setopt(h, CURLOPT_INTERFACE, w->from);
	for (i = 0; w->duration > 0 ? now() < end : i < w->nfiles; i++) {
		body = slurp(w->files[i % w->nfiles], &len);
		a.len = 0;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, len);
		t = now();
		code = 0;
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		lat_add(w, now() - t);
		if (code == 200 && (r = strstr(a.buf, "\"records\":")) != NULL) {
			if (i < w->nfiles)
				w->records += strtoul(r + 10, NULL, 10);
			else
				w->resent++;
		} else {
			w->bad++;
		}
		free(body);
		if (w->duration > 0 && w->pace_ms > 0)
			usleep(w->pace_ms * 1000u);
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	return NULL;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values, in ms. */
static double
quantile(const double *v, size_t n, double q)
{
	return n ? 1e3 * v[(size_t)((double)(n - 1) * q)] : 0.0;
}

struct limits {
	double min_success, p95_max;	/* percent, ms */
};

/* --duration: every request counts; the verdict against the limits. */
static int
report_timed(struct worker *w, int n, double wall, const double *all,
    size_t total, const struct limits *lim)
{
	unsigned long records = 0, bad = 0, resent = 0;
	double rate, p95 = quantile(all, total, 0.95);
	int j;

	for (j = 0; j < n; j++) {
		records += w[j].records;
		bad += w[j].bad;
		resent += w[j].resent;
	}
	rate = total ? 100.0 * (double)(total - bad) / (double)total : 0.0;
	printf("honest: %d collectors (%s%s), %zu uploads in %.1f s: %lu "
	    "succeeded (%.2f%%), %lu failed; latency p50 %.1f ms p95 %.1f ms "
	    "p99 %.1f ms max %.1f ms; %lu records acknowledged, %lu identical "
	    "resends\n", n, w[0].from ? w[0].from : "any address",
	    n > 1 && w[1].from ? ", ..." : "", total, wall, total - bad, rate,
	    bad, quantile(all, total, 0.5), p95, quantile(all, total, 0.99),
	    quantile(all, total, 1.0), records, resent);
	if (total == 0 || rate < lim->min_success || p95 > lim->p95_max) {
		printf("honest: below the bar (success >= %.2f%%, p95 <= %.0f "
		    "ms)\n", lim->min_success, lim->p95_max);
		return 1;
	}
	return 0;
}

static int
report(struct worker *w, int n, double wall, const struct limits *lim)
{
	unsigned long records = 0, bad = 0;
	size_t total = 0, k = 0, i;
	double *all;
	int j, ret;

	for (j = 0; j < n; j++)
		total += w[j].nlat;
	all = calloc(total + 1, sizeof *all);
	for (j = 0; j < n; j++) {
		records += w[j].records;
		bad += w[j].bad;
		for (i = 0; i < w[j].nlat; i++)
			all[k++] = w[j].lat[i];
	}
	qsort(all, total, sizeof *all, dbl_cmp);
	if (w[0].duration > 0) {
		ret = report_timed(w, n, wall, all, total, lim);
		free(all);
		return ret;
	}
	printf("http: %d collectors, %zu batches, %lu records in %.3f s: "
	    "%.0f records/s, %.0f batches/s, latency p50 %.1f ms p99 %.1f ms, "
	    "%lu not 200\n", n, total, records, wall, records / wall,
	    total / wall, quantile(all, total, 0.5),
	    quantile(all, total, 0.99), bad);
	free(all);
	return bad != 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: load --url URL [--from A,B,...] [--duration S] "
	    "[--pace MS]\n            [--min-success PCT] [--p95-max MS] "
	    "DIR...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct limits lim = { .min_success = 99.0, .p95_max = 1000.0 };
	struct worker *w;
	const char *url = NULL;
	char endpoint[1024], *from[64], *list = NULL, *save = NULL;
	double t, duration = 0;
	unsigned pace = 0;
	int i, n, a, nfrom = 0, ret;

	for (a = 1; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		if (strcmp(argv[a], "--url") == 0)
			url = argv[a + 1];
		else if (strcmp(argv[a], "--from") == 0)
			list = argv[a + 1];
		else if (strcmp(argv[a], "--duration") == 0)
			duration = strtod(argv[a + 1], NULL);
		else if (strcmp(argv[a], "--pace") == 0)
			pace = (unsigned)strtoul(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--min-success") == 0)
			lim.min_success = strtod(argv[a + 1], NULL);
		else if (strcmp(argv[a], "--p95-max") == 0)
			lim.p95_max = strtod(argv[a + 1], NULL);
		else
			usage();
	}
	if (url == NULL || a >= argc)
		usage();
	for (list = list ? strtok_r(list, ",", &save) : NULL; list != NULL &&
	    nfrom < 64; list = strtok_r(NULL, ",", &save))
		from[nfrom++] = list;
	snprintf(endpoint, sizeof endpoint, "%s/v1/batches", url);
	n = argc - a;
	w = calloc((size_t)n, sizeof *w);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < n; i++) {
		w[i].url = endpoint;
		w[i].dir = argv[a + i];
		w[i].from = nfrom ? from[i % nfrom] : NULL;
		w[i].duration = duration;
		w[i].pace_ms = pace;
		list_dir(&w[i]);
	}
	t = now();
	for (i = 0; i < n; i++)
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
	for (i = 0; i < n; i++)
		pthread_join(w[i].th, NULL);
	ret = report(w, n, now() - t, &lim);
	for (i = 0; i < n; i++) {
		while (w[i].nfiles > 0)
			free(w[i].files[--w[i].nfiles]);
		free(w[i].files);
		free(w[i].lat);
	}
	free(w);
	curl_global_cleanup();
	return ret;
}
