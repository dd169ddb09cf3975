/* SPDX-License-Identifier: MIT */
/*
 * util.h - program-side helpers shared by collector, aggregator, trustee.
 *
 * Unlike the library (crypto/, proto/), this code may print and exit:
 * die() exits 2 (usage or system error), as do the x*() allocators.
 */
#ifndef TV_UTIL_H
#define TV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/keyfile.h"

extern const char *progname;

#define NORETURN __attribute__((noreturn))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* "prog: message\n" on stderr; die exits 2; error returns -1. */
NORETURN void die(const char *fmt, ...) PRINTF(1, 2);
int error(const char *fmt, ...) PRINTF(1, 2);
void warn(const char *fmt, ...) PRINTF(1, 2);
/* Informational line on stderr (never carries secrets or identities). */
void note(const char *fmt, ...) PRINTF(1, 2);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* A program's subcommand table (git/wireguard style). */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};
/* Dispatch argv[1] to its row; handles --help / help.  Returns the exit
 * code. */
int command_run(const struct command *cmds, size_t n, const char *what,
    int argc, char **argv);

/* No core dumps, not ptrace-able, no leftovers: call first in main(). */
void process_harden(void);

/* Read a whole file, refusing more than cap bytes.  0 or TV_ERR_*; *buf is
 * malloc'd and NUL-terminated. */
int file_read(const char *path, size_t cap, uint8_t **buf, size_t *len);
/* Write a public file atomically: path.tmp, fsync, rename, fsync dir.
 * excl: fail with TV_ERR_EXISTS if path exists. */
int file_write_atomic(const char *path, const void *buf, size_t len,
    int excl);
/* The same with the bytes of the file src, streamed (it may be bigger than
 * memory: a national release request is over a gigabyte). */
int file_copy_atomic(const char *src, const char *path, int excl);

/* fsync the directory that holds path (after a create or a rename). */
void fsync_parent(const char *path);
/* Remove dir and the files in it (a flat directory the program wrote);
 * TV_ERR_IO if it holds anything else.  0 if dir does not exist. */
int dir_remove_flat(const char *dir);

/* BLAKE2b-256 of a whole file (streamed); *size (if not NULL) gets its
 * length.  0 or TV_ERR_IO. */
int file_hash(const char *path, uint8_t h[32], uint64_t *size);

/*
 * Read a passphrase into sodium_malloc'd memory (free with sodium_free).
 * From file (first line; the file must be mode 0600 and ours) if path is not
 * NULL, else from the terminal with echo off.  confirm: a new passphrase
 * (a keystore being created): asked twice at the terminal, and refused
 * unless libpwquality finds it strong (util.c: passphrase_check_new).
 * Never from argv or the environment.  0 or exits via die().
 */
void passphrase_get(const char *path, int confirm, char **pass, size_t *len);

/* Read fd to its end into guarded memory (sodium_free it): personal data
 * typed or piped in, which no stdio buffer may keep a copy of.  More than
 * cap bytes, or a read error, dies. */
char *secret_read_fd(int fd, size_t cap);

/* --kdf interactive|moderate|sensitive */
enum tv_kdf kdf_from_name(const char *name);

/* Lowercase hex.  out holds 2*n+1 bytes. */
void hex_encode(char *out, const uint8_t *in, size_t n);
/* Exactly 2*n hex digits -> n bytes; 0 or -1. */
int hex_decode(uint8_t *out, size_t n, const char *hex);

/* Parse an unsigned decimal option value or die. */
unsigned long opt_ulong(const char *opt, const char *s, unsigned long max);

#endif
