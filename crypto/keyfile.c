/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c - sealed secret files (layout in keyfile.h and
 * docs/formats.md).  The header is bound into the box key, so every header
 * byte is authenticated; the KDF parameters are read back from the file but
 * bounded first, so a hostile file cannot make us allocate terabytes.
 * Secrets (the Argon2id output, the box key, the payload) live only in
 * sodium_malloc memory, which sodium_free wipes on every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keyfile.h"

#define KF_MAGIC "TVSEALED"
#define KF_ALG_ARGON2ID13 1
#define KF_KIND_BYTES 8
#define KF_KIND_OFF 8
#define KF_ALG_OFF 16
#define KF_OPS_OFF 20
#define KF_MEM_OFF 28
#define KF_SALT_OFF 36
#define KF_NONCE_OFF (KF_SALT_OFF + crypto_pwhash_SALTBYTES)
#define KF_HDR_BYTES (KF_NONCE_OFF + crypto_secretbox_NONCEBYTES)
#define KF_MIN_BYTES (KF_HDR_BYTES + crypto_secretbox_MACBYTES)
#define KF_OPS_MAX (4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE)
#define KF_MEM_MAX ((uint64_t)2 << 30)
#define KF_KEY_BYTES crypto_secretbox_KEYBYTES

_Static_assert(KF_HDR_BYTES == 76, "header layout of keyfile.h");
_Static_assert(crypto_generichash_BYTES_MAX >= KF_KEY_BYTES, "box key");

static void
le32_store(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
le64_store(uint8_t *p, uint64_t v)
{
	le32_store(p, (uint32_t)v);
	le32_store(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
le32_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64_load(const uint8_t *p)
{
	return le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

/* The one translation of errno for this file. */
static int
errno_err(int e)
{
	switch (e) {
	case ENOENT:
		return TV_ERR_NOTFOUND;
	case EEXIST:
		return TV_ERR_EXISTS;
	case ELOOP:		/* O_NOFOLLOW met a symlink */
	case EACCES:
	case EPERM:
		return TV_ERR_PERM;
	case ENOMEM:
		return TV_ERR_NOMEM;
	default:
		return TV_ERR_IO;
	}
}

/* Anything but a regular file of ours that only we can read is refused. */
static int
mode_ok(const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode) || (sb->st_mode & 077) != 0 ||
	    sb->st_uid != geteuid())
		return TV_ERR_PERM;
	return 0;
}

int
tv_keyfile_check_mode(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return errno_err(errno);
	return mode_ok(&sb);
}

static int
kind_field(uint8_t out[KF_KIND_BYTES], const char *kind)
{
	size_t n;

	if (kind == NULL || (n = strlen(kind)) == 0 || n > KF_KIND_BYTES)
		return TV_ERR_RANGE;
	memset(out, 0, KF_KIND_BYTES);
	memcpy(out, kind, n);
	return 0;
}

static int
kdf_params(enum tv_kdf kdf, uint64_t *ops, uint64_t *mem)
{
	switch (kdf) {
	case TV_KDF_INTERACTIVE:
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		return 0;
	case TV_KDF_MODERATE:
		*ops = crypto_pwhash_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
		return 0;
	case TV_KDF_SENSITIVE:
		*ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
		return 0;
	}
	return TV_ERR_RANGE;
}

/* key = BLAKE2b-256(key = Argon2id(pass, salt, ops, mem), header). */
static int
box_key(uint8_t *key, const char *pass, size_t passlen, const uint8_t *hdr)
{
	uint8_t *master;
	int rc = TV_ERR_NOMEM;

	if ((master = sodium_malloc(KF_KEY_BYTES)) == NULL)
		return TV_ERR_NOMEM;
	if (crypto_pwhash(master, KF_KEY_BYTES, pass, passlen,
	    hdr + KF_SALT_OFF, le64_load(hdr + KF_OPS_OFF),
	    (size_t)le64_load(hdr + KF_MEM_OFF),
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		goto out;	/* parameters are checked: out of memory */
	crypto_generichash(key, KF_KEY_BYTES, hdr, KF_HDR_BYTES, master,
	    KF_KEY_BYTES);
	rc = 0;
out:
	sodium_free(master);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

static void
header_init(uint8_t *hdr, const uint8_t kind[KF_KIND_BYTES], uint64_t ops,
    uint64_t mem)
{
	memcpy(hdr, KF_MAGIC, 8);
	memcpy(hdr + KF_KIND_OFF, kind, KF_KIND_BYTES);
	le32_store(hdr + KF_ALG_OFF, KF_ALG_ARGON2ID13);
	le64_store(hdr + KF_OPS_OFF, ops);
	le64_store(hdr + KF_MEM_OFF, mem);
	randombytes_buf(hdr + KF_SALT_OFF, crypto_pwhash_SALTBYTES);
	randombytes_buf(hdr + KF_NONCE_OFF, crypto_secretbox_NONCEBYTES);
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return TV_ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Make the new directory entry durable too. */
static int
dir_sync(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : (size_t)(slash - path);
	int fd, rc = 0;

	if (n >= sizeof dir)
		return TV_ERR_IO;
	if (slash == NULL)
		strcpy(dir, ".");
	else if (n == 0)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return TV_ERR_IO;
	/* Some file systems cannot sync a directory (EINVAL): not ours to
	 * fix, and the file itself is already synced. */
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = TV_ERR_IO;
	close(fd);
	return rc;
}

static int
write_sync(int fd, const char *path, const uint8_t *buf, size_t len)
{
	int rc;

	if ((rc = write_all(fd, buf, len)) != 0)
		return rc;
	if (fsync(fd) != 0)
		return TV_ERR_IO;
	return dir_sync(path);
}

static int
write_args(const char *kind, uint8_t kfield[KF_KIND_BYTES],
    const uint8_t *payload, size_t len, enum tv_kdf kdf, uint64_t *ops,
    uint64_t *mem)
{
	int rc;

	if ((rc = kind_field(kfield, kind)) != 0 ||
	    (rc = kdf_params(kdf, ops, mem)) != 0)
		return rc;
	if (len > TV_KEYFILE_MAX)
		return TV_ERR_TOOBIG;
	if (payload == NULL && len != 0)
		return TV_ERR_RANGE;
	return 0;
}

int
tv_keyfile_write(const char *path, const char *kind, const uint8_t *payload,
    size_t len, const char *pass, size_t passlen, enum tv_kdf kdf)
{
	uint8_t kfield[KF_KIND_BYTES], *file = NULL, *key = NULL;
	size_t flen = KF_MIN_BYTES + len;
	uint64_t ops, mem;
	int fd, rc;

	if ((rc = write_args(kind, kfield, payload, len, kdf, &ops, &mem)) != 0)
		return rc;
	/* Create first: an existing file is refused before any slow work. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return errno_err(errno);
	rc = TV_ERR_IO;
	if (fchmod(fd, 0600) != 0)	/* whatever the umask */
		goto out;
	rc = TV_ERR_NOMEM;
	if ((file = malloc(flen)) == NULL ||
	    (key = sodium_malloc(KF_KEY_BYTES)) == NULL)
		goto out;
	header_init(file, kfield, ops, mem);
	if ((rc = box_key(key, pass, passlen, file)) != 0)
		goto out;
	crypto_secretbox_easy(file + KF_HDR_BYTES, payload, len,
	    file + KF_NONCE_OFF, key);
	rc = write_sync(fd, path, file, flen);
out:
	if (close(fd) != 0 && rc == 0)
		rc = TV_ERR_IO;
	if (rc != 0)
		unlink(path);	/* we created it: never leave half a key */
	sodium_free(key);
	free(file);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

static int
read_exact(int fd, uint8_t *p, size_t n)
{
	ssize_t r;
	uint8_t extra;

	while (n > 0) {
		if ((r = read(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return TV_ERR_IO;
		}
		if (r == 0)
			return TV_ERR_FORMAT;	/* shrank under us */
		p += r;
		n -= (size_t)r;
	}
	if (read(fd, &extra, 1) != 0)
		return TV_ERR_FORMAT;		/* grew under us */
	return 0;
}

/* Open without following a symlink and without blocking on a FIFO, check
 * what was opened, and read it whole (it is ciphertext: plain malloc). */
static int
slurp(const char *path, uint8_t **buf, size_t *len)
{
	struct stat sb;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno_err(errno);
	if (fstat(fd, &sb) != 0) {
		rc = errno_err(errno);
		goto out;
	}
	if ((rc = mode_ok(&sb)) != 0)
		goto out;
	rc = TV_ERR_FORMAT;
	if (sb.st_size < (off_t)KF_MIN_BYTES ||
	    sb.st_size > (off_t)(KF_MIN_BYTES + TV_KEYFILE_MAX))
		goto out;
	*len = (size_t)sb.st_size;
	rc = TV_ERR_NOMEM;
	if ((*buf = malloc(*len)) == NULL)
		goto out;
	if ((rc = read_exact(fd, *buf, *len)) != 0) {
		free(*buf);
		*buf = NULL;
	}
out:
	close(fd);
	return rc;
}

static int
header_check(const uint8_t *hdr, const uint8_t kind[KF_KIND_BYTES])
{
	uint64_t ops = le64_load(hdr + KF_OPS_OFF);
	uint64_t mem = le64_load(hdr + KF_MEM_OFF);

	if (memcmp(hdr, KF_MAGIC, 8) != 0 ||
	    memcmp(hdr + KF_KIND_OFF, kind, KF_KIND_BYTES) != 0 ||
	    le32_load(hdr + KF_ALG_OFF) != KF_ALG_ARGON2ID13)
		return TV_ERR_FORMAT;
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > KF_OPS_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > KF_MEM_MAX)
		return TV_ERR_FORMAT;
	return 0;
}

int
tv_keyfile_read(const char *path, const char *kind, const char *pass,
    size_t passlen, uint8_t **payload, size_t *len)
{
	uint8_t kfield[KF_KIND_BYTES], *file = NULL, *key = NULL, *out = NULL;
	size_t flen = 0, plen;
	int rc;

	*payload = NULL;
	*len = 0;
	if ((rc = kind_field(kfield, kind)) != 0 ||
	    (rc = slurp(path, &file, &flen)) != 0)
		return rc;
	if ((rc = header_check(file, kfield)) != 0)
		goto out;
	plen = flen - KF_MIN_BYTES;
	rc = TV_ERR_NOMEM;
	if ((key = sodium_malloc(KF_KEY_BYTES)) == NULL ||
	    (out = sodium_malloc(plen != 0 ? plen : 1)) == NULL)
		goto out;
	if ((rc = box_key(key, pass, passlen, file)) != 0)
		goto out;
	rc = TV_ERR_BADKEY;
	if (crypto_secretbox_open_easy(out, file + KF_HDR_BYTES,
	    flen - KF_HDR_BYTES, file + KF_NONCE_OFF, key) != 0)
		goto out;
	*payload = out;
	*len = plen;
	out = NULL;
	rc = 0;
out:
	sodium_free(out);
	sodium_free(key);
	free(file);
	return rc;
}
