/* SPDX-License-Identifier: MIT */
/*
 * load - simulated collectors for the HTTP benchmark (tools/bench_http.sh).
 *
 *   load --url http://127.0.0.1:PORT DIR...
 *
 * One thread per DIR, all started together; each POSTs the *.tvb files of
 * its DIR to URL/v1/batches in name order over one kept-alive connection,
 * as a collector ships.  Prints batches, records (from the
 * acknowledgements), wall time, records/s and the p50/p99 request latency.
 * Exit 1 if any answer was not 200.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

struct worker {
	const char *url, *dir;
	char **files;
	size_t nfiles;
	double *lat;		/* seconds, one per file */
	unsigned long records, bad;
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
	w->lat = calloc(w->nfiles + 1, sizeof *w->lat);
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
	double t;

	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, w->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	for (i = 0; i < w->nfiles; i++) {
		body = slurp(w->files[i], &len);
		a.len = 0;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, len);
		t = now();
		code = 0;
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		w->lat[i] = now() - t;
		if (code == 200 && (r = strstr(a.buf, "\"records\":")) != NULL)
			w->records += strtoul(r + 10, NULL, 10);
		else
			w->bad++;
		free(body);
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

static void
report(struct worker *w, int n, double wall)
{
	unsigned long records = 0, bad = 0;
	size_t total = 0, k = 0, i;
	double *all;
	int j;

	for (j = 0; j < n; j++)
		total += w[j].nfiles;
	all = calloc(total + 1, sizeof *all);
	for (j = 0; j < n; j++) {
		records += w[j].records;
		bad += w[j].bad;
		for (i = 0; i < w[j].nfiles; i++)
			all[k++] = w[j].lat[i];
	}
	qsort(all, total, sizeof *all, dbl_cmp);
	printf("http: %d collectors, %zu batches, %lu records in %.3f s: "
	    "%.0f records/s, %.0f batches/s, latency p50 %.1f ms p99 %.1f ms, "
	    "%lu not 200\n", n, total, records, wall, records / wall,
	    total / wall, total ? 1e3 * all[total / 2] : 0.0,
	    total ? 1e3 * all[(size_t)((double)(total - 1) * 0.99)] : 0.0,
	    bad);
	free(all);
	if (bad != 0)
		exit(1);
}

int
main(int argc, char **argv)
{
	struct worker *w;
	const char *url;
	char endpoint[1024];
	double t;
	int i, n;

	if (argc < 4 || strcmp(argv[1], "--url") != 0) {
		fprintf(stderr, "usage: load --url URL DIR...\n");
		return 2;
	}
	url = argv[2];
	snprintf(endpoint, sizeof endpoint, "%s/v1/batches", url);
	n = argc - 3;
	w = calloc((size_t)n, sizeof *w);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < n; i++) {
		w[i].url = endpoint;
		w[i].dir = argv[3 + i];
		list_dir(&w[i]);
	}
	t = now();
	for (i = 0; i < n; i++)
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
	for (i = 0; i < n; i++)
		pthread_join(w[i].th, NULL);
	report(w, n, now() - t);
	for (i = 0; i < n; i++) {
		while (w[i].nfiles > 0)
			free(w[i].files[--w[i].nfiles]);
		free(w[i].files);
		free(w[i].lat);
	}
	free(w);
	curl_global_cleanup();
	return 0;
}
