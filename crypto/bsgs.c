/* SPDX-License-Identifier: MIT */
/*
 * bsgs.c - small discrete logarithms by baby-step giant-step
 * (crypto-notes §3).
 *
 * keys[j] is the little-endian u64 prefix of the encoding of j*G.  The
 * index is an open-addressing table of 2m uint32 slots holding j+1, so 0
 * can mark an empty slot even though key(0*G) = 0.  Only 8 bytes of each
 * point are kept, so every hit is confirmed by a base multiplication:
 * a prefix collision or a corrupted table costs time, never a wrong s.
 * Everything here is public data; none of it is constant time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "bsgs.h"
#include "err.h"
#include "group.h"

#define BSGS_MAGIC "TVBSGS01"
#define BSGS_HDR_BYTES 16
#define BSGS_DIGEST_BYTES 32
#define BSGS_LOG2M_MIN 8
#define BSGS_LOG2M_MAX 24
#define BSGS_SPOT_CHECKS 16
#define BSGS_CHUNK_KEYS 512	/* keys per read/write buffer */

struct tv_bsgs {
	unsigned log2m;
	uint64_t m;
	uint64_t *keys;		/* m prefixes, keys[j] = key(j*G) */
	uint32_t *index;	/* 2m slots: j+1, or 0 if empty */
	uint64_t mask;		/* 2m - 1 */
	uint8_t giant[TV_POINT_BYTES];	/* -m*G */
};

static uint64_t
le64_load(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
le64_store(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Encodings are never uniformly spread in their low bit (it is always 0),
 * so mix before taking the top bits (Fibonacci hashing). */
static uint64_t
slot_of(const struct tv_bsgs *t, uint64_t key)
{
	return (key * UINT64_C(0x9e3779b97f4a7c15)) >> (63 - t->log2m);
}

static int
bsgs_alloc(struct tv_bsgs **out, unsigned log2m)
{
	struct tv_bsgs *t;

	*out = NULL;
	if (log2m < BSGS_LOG2M_MIN || log2m > BSGS_LOG2M_MAX)
		return TV_ERR_RANGE;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return TV_ERR_NOMEM;
	t->log2m = log2m;
	t->m = UINT64_C(1) << log2m;
	t->mask = 2 * t->m - 1;
	t->keys = malloc(t->m * sizeof *t->keys);
	t->index = calloc(2 * t->m, sizeof *t->index);
	if (t->keys == NULL || t->index == NULL) {
		tv_bsgs_free(t);
		return TV_ERR_NOMEM;
	}
	*out = t;
	return 0;
}

/* Fill the index from keys[] and set the giant step. */
static int
bsgs_finish(struct tv_bsgs *t)
{
	uint8_t mg[TV_POINT_BYTES];
	uint64_t j, slot;

	for (j = 0; j < t->m; j++) {
		slot = slot_of(t, t->keys[j]);
		while (t->index[slot] != 0)
			slot = (slot + 1) & t->mask;
		t->index[slot] = (uint32_t)(j + 1);
	}
	tv_point_small(mg, t->m);
	return tv_point_sub(t->giant, tv_identity, mg);
}

int
tv_bsgs_build(struct tv_bsgs **out, unsigned log2m)
{
	struct tv_bsgs *t = NULL;
	uint8_t p[TV_POINT_BYTES];
	uint64_t j;
	int rc;

	if ((rc = bsgs_alloc(&t, log2m)) != 0)
		goto out;
	/* j*G = (j-1)*G + G: one add (~13 us) instead of a base mult. */
	memcpy(p, tv_identity, sizeof p);
	t->keys[0] = le64_load(p);
	for (j = 1; j < t->m; j++) {
		if ((rc = tv_point_add(p, p, tv_generator)) != 0)
			goto out;
		t->keys[j] = le64_load(p);
	}
	if ((rc = bsgs_finish(t)) != 0)
		goto out;
	*out = t;
	t = NULL;
out:
	tv_bsgs_free(t);
	return rc;
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return TV_ERR_IO;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; TV_ERR_FORMAT on a short file. */
static int
read_all(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return TV_ERR_IO;
		}
		if (n == 0)
			return TV_ERR_FORMAT;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
header_fill(uint8_t hdr[BSGS_HDR_BYTES], unsigned log2m)
{
	memset(hdr, 0, BSGS_HDR_BYTES);
	memcpy(hdr, BSGS_MAGIC, 8);
	hdr[8] = (uint8_t)log2m;
}

/* Header, keys and digest, in the order of the cache file format. */
static int
bsgs_write(const struct tv_bsgs *t, int fd)
{
	crypto_generichash_state st;
	uint8_t buf[BSGS_CHUNK_KEYS * 8];
	uint8_t digest[BSGS_DIGEST_BYTES];
	uint64_t j, n, i;
	int rc;

	header_fill(buf, t->log2m);
	if (crypto_generichash_init(&st, NULL, 0, sizeof digest) != 0 ||
	    crypto_generichash_update(&st, buf, BSGS_HDR_BYTES) != 0)
		return TV_ERR_CRYPTO;
	if ((rc = write_all(fd, buf, BSGS_HDR_BYTES)) != 0)
		return rc;
	for (j = 0; j < t->m; j += n) {
		n = t->m - j < BSGS_CHUNK_KEYS ? t->m - j : BSGS_CHUNK_KEYS;
		for (i = 0; i < n; i++)
			le64_store(buf + 8 * i, t->keys[j + i]);
		if (crypto_generichash_update(&st, buf, 8 * n) != 0)
			return TV_ERR_CRYPTO;
		if ((rc = write_all(fd, buf, 8 * n)) != 0)
			return rc;
	}
	if (crypto_generichash_final(&st, digest, sizeof digest) != 0)
		return TV_ERR_CRYPTO;
	return write_all(fd, digest, sizeof digest);
}

int
tv_bsgs_save(const struct tv_bsgs *t, const char *path)
{
	char *tmp = NULL;
	size_t len;
	int fd = -1, created = 0, rc = TV_ERR_NOMEM;

	len = strlen(path) + 32;
	if ((tmp = malloc(len)) == NULL)
		goto out;
	snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
	rc = TV_ERR_IO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0)
		goto out;
	created = 1;
	if ((rc = bsgs_write(t, fd)) != 0)
		goto out;
	/* Sync before the rename, so a crash leaves the old file or the
	 * whole new one, never a torn one under the final name. */
	rc = TV_ERR_IO;
	if (fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && created)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Open path and check that it is a regular file of exactly the size of
 * a log2m cache. */
static int
cache_open(const char *path, unsigned log2m, int *fdp)
{
	struct stat sb;
	uint64_t want = BSGS_HDR_BYTES + ((uint64_t)8 << log2m) +
	    BSGS_DIGEST_BYTES;
	int fd, rc = TV_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			rc = TV_ERR_NOTFOUND;
		goto out;
	}
	if (fstat(fd, &sb) != 0)
		goto out;
	rc = TV_ERR_FORMAT;
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != want)
		goto out;
	*fdp = fd;
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Read header, keys and digest into t; TV_ERR_FORMAT unless all match. */
static int
bsgs_read(struct tv_bsgs *t, int fd)
{
	crypto_generichash_state st;
	uint8_t buf[BSGS_CHUNK_KEYS * 8], want[BSGS_HDR_BYTES];
	uint8_t digest[BSGS_DIGEST_BYTES];
	uint64_t j, n, i;
	int rc;

	header_fill(want, t->log2m);
	if ((rc = read_all(fd, buf, BSGS_HDR_BYTES)) != 0)
		return rc;
	if (memcmp(buf, want, BSGS_HDR_BYTES) != 0)
		return TV_ERR_FORMAT;
	if (crypto_generichash_init(&st, NULL, 0, sizeof digest) != 0 ||
	    crypto_generichash_update(&st, buf, BSGS_HDR_BYTES) != 0)
		return TV_ERR_CRYPTO;
	for (j = 0; j < t->m; j += n) {
		n = t->m - j < BSGS_CHUNK_KEYS ? t->m - j : BSGS_CHUNK_KEYS;
		if ((rc = read_all(fd, buf, 8 * n)) != 0)
			return rc;
		if (crypto_generichash_update(&st, buf, 8 * n) != 0)
			return TV_ERR_CRYPTO;
		for (i = 0; i < n; i++)
			t->keys[j + i] = le64_load(buf + 8 * i);
	}
	if (crypto_generichash_final(&st, digest, sizeof digest) != 0)
		return TV_ERR_CRYPTO;
	if ((rc = read_all(fd, buf, BSGS_DIGEST_BYTES)) != 0)
		return rc;
	if (memcmp(buf, digest, BSGS_DIGEST_BYTES) != 0)
		return TV_ERR_FORMAT;
	return 0;
}

/*
 * The digest is unkeyed, so it only catches accidents.  Recompute a few
 * entries as well: a table built with a wrong generator or by a buggy
 * writer would otherwise pass and then silently find nothing.
 */
static int
bsgs_spot_check(const struct tv_bsgs *t)
{
	uint8_t p[TV_POINT_BYTES];
	uint64_t j;
	int i;

	for (i = 0; i < BSGS_SPOT_CHECKS; i++) {
		j = i < 2 ? (uint64_t)i : randombytes_uniform((uint32_t)t->m);
		tv_point_small(p, j);
		if (le64_load(p) != t->keys[j])
			return TV_ERR_FORMAT;
	}
	return 0;
}

int
tv_bsgs_load(struct tv_bsgs **out, const char *path, unsigned log2m)
{
	struct tv_bsgs *t = NULL;
	int fd = -1, rc;

	*out = NULL;
	if ((rc = bsgs_alloc(&t, log2m)) != 0)
		goto out;
	if ((rc = cache_open(path, log2m, &fd)) != 0)
		goto out;
	if ((rc = bsgs_read(t, fd)) != 0)
		goto out;
	if ((rc = bsgs_spot_check(t)) != 0)
		goto out;
	if ((rc = bsgs_finish(t)) != 0)
		goto out;
	*out = t;
	t = NULL;
out:
	if (fd >= 0)
		close(fd);
	tv_bsgs_free(t);
	return rc;
}

int
tv_bsgs_open(struct tv_bsgs **out, const char *path, unsigned log2m)
{
	int rc;

	rc = tv_bsgs_load(out, path, log2m);
	if (rc == 0 || rc == TV_ERR_NOMEM || rc == TV_ERR_RANGE)
		return rc;
	if ((rc = tv_bsgs_build(out, log2m)) != 0)
		return rc;
	if (tv_bsgs_save(*out, path) != 0) {
		/* Public and rebuildable: next time we build again. */
	}
	return 0;
}

/*
 * Look Q up, with Q = M - i*m*G and base = i*m <= max.  Every slot with
 * an equal key is a candidate j; s = base + j is accepted only if it is
 * in range and s*G really is M.
 */
static int
bsgs_probe(const struct tv_bsgs *t, const uint8_t Q[TV_POINT_BYTES],
    const uint8_t M[TV_POINT_BYTES], uint64_t base, uint64_t max,
    uint64_t *s)
{
	uint8_t p[TV_POINT_BYTES];
	uint64_t key = le64_load(Q), slot, j;

	for (slot = slot_of(t, key); t->index[slot] != 0;
	    slot = (slot + 1) & t->mask) {
		j = t->index[slot] - 1;
		if (t->keys[j] != key || j > max - base)
			continue;
		tv_point_small(p, base + j);
		if (memcmp(p, M, TV_POINT_BYTES) == 0) {
			*s = base + j;
			return 1;
		}
	}
	return 0;
}

int
tv_bsgs_solve(const struct tv_bsgs *t, const uint8_t M[32], uint64_t max,
    uint64_t *s)
{
	uint8_t q[TV_POINT_BYTES];
	uint64_t i, steps;

	if (!tv_point_ok(M))
		return TV_ERR_CRYPTO;
	steps = max >> t->log2m;
	memcpy(q, M, sizeof q);
	for (i = 0;; i++) {
		if (bsgs_probe(t, q, M, i << t->log2m, max, s))
			return 0;
		if (i == steps)
			break;
		if (tv_point_add(q, q, t->giant) != 0)
			return TV_ERR_CRYPTO;	/* unreachable: q is valid */
	}
	return TV_ERR_NOTFOUND;
}

void
tv_bsgs_free(struct tv_bsgs *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	free(t->index);
	free(t);
}
