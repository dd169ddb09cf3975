/* SPDX-License-Identifier: MIT */
/*
 * keyfile.h - secrets at rest: Argon2id + XSalsa20-Poly1305 (secretbox).
 *
 * File layout (docs/formats.md, "Sealed key files"), all integers LE:
 *   magic "TVSEALED" (8) | kind (8, NUL-padded, e.g. "holder", "device")
 *   | alg u32 (1 = argon2id13) | opslimit u64 | memlimit u64
 *   | salt (16) | nonce (24) | secretbox(payload) (len + 16)
 * The header (everything before the box) is authenticated: the box key is
 * BLAKE2b-256(key = argon2id(pass, salt), header), so a tampered header
 * fails authentication exactly like a tampered box.
 *
 * Files are created with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, then fsync'd
 * (and the directory).  Reading refuses symlinks, non-regular files, any
 * group/other permission bit and files owned by another user.
 */
#ifndef TV_KEYFILE_H
#define TV_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define TV_KEYFILE_MAX (1u << 20)	/* payload cap */

enum tv_kdf {
	TV_KDF_INTERACTIVE = 1,	/* ~0.1 s: tests */
	TV_KDF_MODERATE = 2,	/* ~0.4 s, 256 MiB: the default */
	TV_KDF_SENSITIVE = 3,	/* ~3 s, 1 GiB */
};

/* TV_ERR_EXISTS if path exists (even as a dangling symlink); TV_ERR_IO on
 * write failure (the partial file is removed); TV_ERR_RANGE for a kind of
 * 0 or more than 8 bytes or an unknown kdf; TV_ERR_TOOBIG over
 * TV_KEYFILE_MAX. */
int tv_keyfile_write(const char *path, const char *kind, const uint8_t *payload,
    size_t len, const char *pass, size_t passlen, enum tv_kdf kdf);

/* On success *payload is sodium_malloc'd (free with sodium_free) and *len
 * set.  TV_ERR_PERM (mode/owner/symlink/not a regular file), TV_ERR_FORMAT
 * (not a sealed file of this kind, a size out of bounds, or KDF parameters
 * outside opslimit [MIN, 4 x SENSITIVE], memlimit [MIN, 2 GiB]),
 * TV_ERR_BADKEY (wrong passphrase or tampered file), TV_ERR_NOTFOUND (no
 * such file). */
int tv_keyfile_read(const char *path, const char *kind, const char *pass,
    size_t passlen, uint8_t **payload, size_t *len);

/* Check a path's safety without reading it (used before trusting a file
 * that holds secrets): 0 or TV_ERR_PERM / TV_ERR_IO / TV_ERR_NOTFOUND. */
int tv_keyfile_check_mode(const char *path);

#endif
