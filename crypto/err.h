/* SPDX-License-Identifier: MIT */
/*
 * err.h - the one error vocabulary of the tallyvan library.
 *
 * Library functions (crypto/, proto/) return 0 on success or one of these
 * negative codes.  They never print and never exit: the programs decide
 * what a failure means.  Foreign codes (MDB_*, ZSTD_*, errno) are
 * translated at the boundary, in the file that calls the foreign library.
 */
#ifndef TV_ERR_H
#define TV_ERR_H

enum tv_err {
	TV_OK = 0,
	TV_ERR_NOMEM = -1,	/* allocation failed */
	TV_ERR_IO = -2,		/* read, write or sync failed (errno kept) */
	TV_ERR_TOOBIG = -3,	/* input over a size or count cap */
	TV_ERR_FORMAT = -4,	/* malformed input */
	TV_ERR_BADSIG = -5,	/* signature or MAC did not verify */
	TV_ERR_NOTFOUND = -6,	/* no such key, device, record */
	TV_ERR_STORE = -7,	/* LMDB failure (see store.c) */
	TV_ERR_CRYPTO = -8,	/* invalid point/scalar, libsodium failure */
	TV_ERR_EXISTS = -9,	/* would overwrite, or duplicate */
	TV_ERR_PERM = -10,	/* unsafe file mode, owner or symlink */
	TV_ERR_RANGE = -11,	/* value out of the allowed range */
	TV_ERR_MISMATCH = -12,	/* campaign, device or content mismatch */
	TV_ERR_REVOKED = -13,	/* device enrolled but revoked */
	TV_ERR_FULL = -14,	/* storage full (map cap or ENOSPC) */
	TV_ERR_BADKEY = -15,	/* wrong passphrase or corrupted key file */
	TV_ERR_CONFLICT = -16,	/* same identifier, different content */
	TV_ERR_REFUSED = -17,	/* a rule refuses the input (a reason buffer
				 * says which) */
	TV_ERR_DEAD = -18,	/* store unusable until the process restarts */
	TV_ERR_DAMAGED = -19,	/* store file damaged (e.g. truncated) */
};

/* A static, human-readable description; never NULL. */
const char *tv_strerror(int err);

#endif
