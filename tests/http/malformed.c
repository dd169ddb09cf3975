/* SPDX-License-Identifier: MIT */
/*
 * malformed - generated malformed batches over HTTP (TESTING.md F3) for
 * tests/cli/http_malformed.sh.
 *
 *   malformed --url http://127.0.0.1:PORT --count N --seed S
 *             [--kinds all] [--save FILE] FILE...
 *
 * Reads the valid batch files given, then POSTs N mutants of them to
 * URL/v1/batches over one kept-alive connection, each made from a file
 * picked at random by one of: a truncation, 1 to 8 flipped bits, a run of
 * random bytes written over, random bytes appended, random bytes
 * inserted, a length field rewritten (the first 8 bytes overwritten), an
 * empty body; with --kinds all, two valid batches concatenated too (the
 * envelope parser used to take them as one: protobuf merges a repeated
 * field number; docs/testing.md).  Every answer
 * must be 400, 401 or 413; counts each code, prints one line of figures
 * and the first unexpected answer (its body saved in --save FILE); exit 1 if any answer was something
 * else (a 200, a 5xx, a reset, a timeout), 2 on a usage or local error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#define MAX_FILES 256
#define KINDS 8

static const char *const kind_name[KINDS] = { "truncated", "bit flips",
    "overwritten", "appended", "concatenated", "inserted", "length field",
    "empty" };

struct blob {
	uint8_t *buf;
	size_t len;
};

static uint64_t rng;

static uint32_t
rnd(uint32_t n)	/* 0 .. n-1 (xorshift64*) */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n ? (uint32_t)((rng * 2685821657736338717ull) >> 33) % n : 0;
}

static struct blob
slurp(const char *path)
{
	struct blob b = { 0 };
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0) {
		perror(path);
		exit(2);
	}
	rewind(f);
	b.len = (size_t)n;
	if ((b.buf = malloc(b.len)) == NULL ||
	    fread(b.buf, 1, b.len, f) != b.len) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return b;
}

/* A mutant of a (or of a and o) of kind k in out, which holds
 * 2 * max + 4096 bytes; its length. */
static size_t
mutate(uint8_t *out, const struct blob *a, const struct blob *o, int k)
{
	size_t n = a->len, i, at, run;

	memcpy(out, a->buf, n);
	switch (k) {
	case 0:
		return rnd((uint32_t)n);
	case 1:
		for (i = 1 + rnd(8); i > 0; i--) {
			at = rnd((uint32_t)n);
			out[at] ^= (uint8_t)(1u << rnd(8));
		}
		if (memcmp(out, a->buf, n) == 0)	/* two flips cancelled */
			out[rnd((uint32_t)n)] ^= (uint8_t)(1u << rnd(8));
		return n;
	case 2:
		at = rnd((uint32_t)n);
		run = 1 + rnd((uint32_t)(n - at < 64 ? n - at : 64));
		for (i = 0; i < run; i++)
			out[at + i] = (uint8_t)rnd(256);
		out[at] = a->buf[at] ^ (uint8_t)(1 + rnd(255));	/* a change */
		return n;
	case 3:
		for (run = 1 + rnd(4096), i = 0; i < run; i++)
			out[n + i] = (uint8_t)rnd(256);
		return n + run;
	case 4:
		memcpy(out + n, o->buf, o->len);
		return n + o->len;
	case 5:
		at = rnd((uint32_t)n);
		run = 1 + rnd(64);
		memmove(out + at + run, out + at, n - at);
		for (i = 0; i < run; i++)
			out[at + i] = (uint8_t)rnd(256);
		return n + run;
	case 6:
		for (i = 0; i < 8 && i < n; i++)
			out[i] = (uint8_t)rnd(256);
		out[0] = a->buf[0] ^ (uint8_t)(1 + rnd(255));
		return n;
	default:
		return 0;
	}
}

static size_t
discard(char *d, size_t s, size_t n, void *ctx)
{
	(void)d;
	(void)ctx;
	return s * n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: malformed --url URL --count N --seed S "
	    "[--kinds all] [--save FILE] FILE...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct blob f[MAX_FILES];
	struct curl_slist *hdr;
	unsigned long count = 0, i, codes[6] = { 0 }, bykind[KINDS] = { 0 };
	int concat = 0;
	const char *url = NULL, *save = NULL;
	char endpoint[1024], first[256] = "";
	FILE *sf;
	size_t max = 0, len;
	uint8_t *out;
	long code;
	CURL *h;
	int a, nf = 0, k;

	for (a = 1; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		if (strcmp(argv[a], "--url") == 0)
			url = argv[a + 1];
		else if (strcmp(argv[a], "--count") == 0)
			count = strtoul(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0)
			rng = strtoull(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--save") == 0)
			save = argv[a + 1];
		else if (strcmp(argv[a], "--kinds") == 0 &&
		    strcmp(argv[a + 1], "all") == 0)
			concat = 1;
		else
			usage();
	}
	if (url == NULL || a >= argc || argc - a > MAX_FILES)
		usage();
	rng = rng * 0x9e3779b97f4a7c15ull + 1;
	for (; a < argc; a++) {
		f[nf] = slurp(argv[a]);
		max = f[nf].len > max ? f[nf].len : max;
		nf++;
	}
	if ((out = malloc(2 * max + 4096)) == NULL)
		return 2;
	snprintf(endpoint, sizeof endpoint, "%s/v1/batches", url);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	hdr = curl_slist_append(NULL, "Content-Type: application/octet-stream");
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, endpoint);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	for (i = 0; i < count; i++) {
		while ((k = (int)rnd(KINDS)) == 4 && !concat)
			;
		len = mutate(out, &f[rnd((uint32_t)nf)], &f[rnd((uint32_t)nf)],
		    k);
		bykind[k]++;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, (char *)out);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
		code = 0;
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		switch (code) {
		case 400: codes[0]++; break;
		case 401: codes[1]++; break;
		case 413: codes[2]++; break;
		default:
			codes[code >= 500 ? 3 : code == 0 ? 4 : 5]++;
			if (first[0] == 0) {
				snprintf(first, sizeof first, "; first "
				    "unexpected: #%lu (%s, %zu bytes) got %ld",
				    i, kind_name[k], len, code);
				if (save != NULL &&
				    (sf = fopen(save, "wb")) != NULL) {
					fwrite(out, 1, len, sf);
					fclose(sf);
				}
			}
		}
	}
	printf("malformed: %lu mutants of %d valid batches (", count, nf);
	for (k = 0; k < KINDS; k++)
		printf("%s%s %lu", k ? ", " : "", kind_name[k], bykind[k]);
	printf("): 400 %lu, 401 %lu, 413 %lu; 5xx %lu, no answer %lu, "
	    "other %lu%s\n", codes[0], codes[1], codes[2], codes[3], codes[4],
	    codes[5], first);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	for (k = 0; k < nf; k++)
		free(f[k].buf);
	free(out);
	return codes[3] + codes[4] + codes[5] == 0 ? 0 : 1;
}
