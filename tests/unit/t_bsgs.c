/* SPDX-License-Identifier: MIT */
/*
 * t_bsgs.c - baby-step giant-step: range boundaries, the cache file and
 * its corruption handling.  Small tables (2^8, 2^10) keep it fast.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/bsgs.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/unit/tap.h"

#define LOG2M 8
#define M ((uint64_t)1 << LOG2M)

static char dir[] = "/tmp/t_bsgs.XXXXXX";
static char path[64], path2[64];

/* Solve v*G with bound max; returns the error code, *s the answer. */
static int
solve_v(const struct tv_bsgs *t, uint64_t v, uint64_t max, uint64_t *s)
{
	uint8_t p[32];

	tv_point_small(p, v);
	*s = UINT64_MAX;
	return tv_bsgs_solve(t, p, max, s);
}

static void
check_found(const struct tv_bsgs *t, uint64_t v, uint64_t max,
    const char *what)
{
	char name[96];
	uint64_t s;
	int rc;

	rc = solve_v(t, v, max, &s);
	snprintf(name, sizeof name, "%s: s = %llu (max %llu)", what,
	    (unsigned long long)v, (unsigned long long)max);
	ok(rc == 0 && s == v, name);
	if (rc != 0 || s != v)
		printf("#   rc %d, s %llu\n", rc, (unsigned long long)s);
}

static void
test_boundaries(const struct tv_bsgs *t)
{
	static const uint64_t vals[] = {
		0, 1, 2, M - 1, M, M + 1, 2 * M - 1, 2 * M, 5 * M + 17,
		37 * M + M - 1, 100 * M,
	};
	uint64_t s;
	size_t i;

	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		check_found(t, vals[i], 100 * M + 5, "boundary");
	check_found(t, 0, 0, "max 0");
	check_found(t, 1000, 1000, "exactly max");
	check_found(t, M, M, "exactly max = m");
	check_found(t, M - 1, M - 1, "exactly max = m-1");
	is_int(TV_ERR_NOTFOUND, solve_v(t, 1001, 1000, &s),
	    "max + 1 is not found");
	is_int(TV_ERR_NOTFOUND, solve_v(t, M, M - 1, &s),
	    "m with max m-1 is not found");
	is_int(TV_ERR_NOTFOUND, solve_v(t, M + 1, M, &s),
	    "m+1 with max m is not found");
	is_int(TV_ERR_NOTFOUND, solve_v(t, 1, 0, &s),
	    "1 with max 0 is not found");
	/* A value just past a giant step that lands in the same table
	 * window as an in-range one: rejected by the s <= max check. */
	is_int(TV_ERR_NOTFOUND, solve_v(t, 3 * M + 10, 3 * M + 9, &s),
	    "3m+10 with max 3m+9 is not found");
	check_found(t, 1000, UINT64_MAX >> 40, "large max");
}

static void
test_invalid(const struct tv_bsgs *t)
{
	uint8_t p[32];
	uint64_t s = 42;

	memcpy(p, tv_generator, 32);
	p[31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_bsgs_solve(t, p, 1000, &s),
	    "bit-255 point: TV_ERR_CRYPTO");
	tap_hex(p, 32,
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
	is_int(TV_ERR_CRYPTO, tv_bsgs_solve(t, p, 1000, &s),
	    "invalid point: TV_ERR_CRYPTO");
	is_int(42, s, "... s untouched");
	/* A random point has no small log. */
	crypto_core_ristretto255_random(p);
	is_int(TV_ERR_NOTFOUND, tv_bsgs_solve(t, p, 20 * M, &s),
	    "random point: TV_ERR_NOTFOUND");
}

static void
test_random(const struct tv_bsgs *t, uint64_t max, const char *what)
{
	uint64_t v, s;
	int i, good = 1;
	char name[80];

	for (i = 0; i < 50; i++) {
		v = randombytes_uniform((uint32_t)max + 1);
		if (solve_v(t, v, max, &s) != 0 || s != v) {
			printf("#   v %llu failed\n", (unsigned long long)v);
			good = 0;
		}
	}
	snprintf(name, sizeof name, "%s: 50 random values in [0, %llu]", what,
	    (unsigned long long)max);
	ok(good, name);
}

static void
flip_byte(const char *p, off_t off)
{
	uint8_t b;
	int fd;

	if ((fd = open(p, O_RDWR)) < 0)
		return;
	if (pread(fd, &b, 1, off) == 1) {
		b ^= 0x01;
		if (pwrite(fd, &b, 1, off) != 1)
			b = 0;
	}
	close(fd);
}

/* Recompute the trailing digest, as a careless or hostile writer would. */
static void
redigest(const char *p, size_t size)
{
	uint8_t *buf;
	int fd = -1;

	if ((buf = malloc(size)) == NULL)
		return;
	if ((fd = open(p, O_RDWR)) < 0)
		goto out;
	if (pread(fd, buf, size, 0) != (ssize_t)size)
		goto out;
	if (crypto_generichash(buf + size - 32, 32, buf, size - 32, NULL,
	    0) != 0)
		goto out;
	if (pwrite(fd, buf + size - 32, 32, (off_t)(size - 32)) != 32) {
		/* the load checks that follow will report it */
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
}

static off_t
file_size(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

static void
test_cache(const struct tv_bsgs *t)
{
	struct tv_bsgs *u = NULL;
	off_t size = 16 + 8 * (off_t)M + 32;

	is_int(0, tv_bsgs_save(t, path), "save");
	is_int(size, file_size(path), "cache file size");
	is_int(0, tv_bsgs_load(&u, path, LOG2M), "load");
	if (u != NULL) {
		check_found(u, 0, 10 * M, "loaded");
		check_found(u, 7 * M + 3, 10 * M, "loaded");
		test_random(u, 10 * M, "loaded");
	}
	tv_bsgs_free(u);
	u = NULL;

	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, 10),
	    "a 2^8 cache is refused as 2^10");
	ok(u == NULL, "... and *out is NULL");
	is_int(TV_ERR_NOTFOUND, tv_bsgs_load(&u, path2, LOG2M),
	    "missing file: TV_ERR_NOTFOUND");
	is_int(TV_ERR_RANGE, tv_bsgs_load(&u, path, 7),
	    "log2m 7 is out of range");
	is_int(TV_ERR_RANGE, tv_bsgs_build(&u, 25),
	    "log2m 25 is out of range");

	flip_byte(path, 16 + 8 * 100 + 3);	/* inside keys[100] */
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "one flipped key byte: TV_ERR_FORMAT");
	ok(u == NULL, "... and *out is NULL");
	is_int(0, tv_bsgs_open(&u, path, LOG2M), "open rebuilds");
	if (u != NULL)
		check_found(u, 3 * M + 100, 10 * M, "rebuilt");
	tv_bsgs_free(u);
	u = NULL;
	is_int(0, tv_bsgs_load(&u, path, LOG2M), "open rewrote the cache");
	tv_bsgs_free(u);
	u = NULL;

	flip_byte(path, 8);			/* the log2m byte */
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "flipped log2m byte: TV_ERR_FORMAT");
	flip_byte(path, 8);
	flip_byte(path, size - 1);		/* the digest */
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "flipped digest byte: TV_ERR_FORMAT");
	flip_byte(path, size - 1);
	flip_byte(path, 0);			/* the magic */
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "flipped magic byte: TV_ERR_FORMAT");
	flip_byte(path, 0);
	is_int(0, tv_bsgs_load(&u, path, LOG2M), "restored file loads");
	tv_bsgs_free(u);
	u = NULL;

	flip_byte(path, 16 + 8 + 2);		/* keys[1], key(G) */
	redigest(path, (size_t)size);
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "wrong key with a valid digest: refused by the spot check");
	flip_byte(path, 16 + 8 + 2);
	redigest(path, (size_t)size);
	is_int(0, tv_bsgs_load(&u, path, LOG2M), "re-digested file loads");
	tv_bsgs_free(u);
	u = NULL;

	is_int(0, truncate(path, size - 1), "truncate the cache");
	is_int(TV_ERR_FORMAT, tv_bsgs_load(&u, path, LOG2M),
	    "truncated file: TV_ERR_FORMAT");

	is_int(0, tv_bsgs_open(&u, path2, LOG2M), "open builds a new cache");
	is_int(size, file_size(path2), "... and saves it");
	tv_bsgs_free(u);
	tv_bsgs_free(NULL);
	ok(1, "tv_bsgs_free(NULL)");
}

int
main(void)
{
	struct tv_bsgs *t = NULL, *t10 = NULL;

	is_int(0, tv_crypto_init(), "tv_crypto_init");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(path, sizeof path, "%s/bsgs8", dir);
	snprintf(path2, sizeof path2, "%s/new8", dir);

	is_int(0, tv_bsgs_build(&t, LOG2M), "build 2^8");
	is_int(0, tv_bsgs_build(&t10, 10), "build 2^10");
	if (t == NULL || t10 == NULL)
		return tap_done();
	test_boundaries(t);
	test_invalid(t);
	test_random(t, 50 * M, "2^8");
	test_random(t10, 1u << 16, "2^10");
	check_found(t10, 1023, 1u << 20, "2^10");
	check_found(t10, 1024, 1u << 20, "2^10");
	check_found(t10, 1025, 1u << 20, "2^10");
	test_cache(t);

	tv_bsgs_free(t);
	tv_bsgs_free(t10);
	unlink(path);
	unlink(path2);
	rmdir(dir);
	return tap_done();
}
