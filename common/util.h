/* SPDX-License-Identifier: MIT */
/*
 * util.h - program-side helpers shared by collector, aggregator, trustee.
 *
 * Unlike the library (crypto/, proto/), this code may print and exit:
 * die() exits 2 (usage or system error), as do the x*() allocators;
 * die_refused() exits 1 (a check failed, the input is refused); die_err()
 * lets exit_code() choose between the two.  The convention is written
 * once, in docs/operations.md "Exit status".
 */
#ifndef TV_UTIL_H
#define TV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/keyfile.h"

extern const char *progname;
/* "0.15.0": the VERSION file's (-DTV_VERSION on common/util.c). */
extern const char tv_version[];

#define NORETURN __attribute__((noreturn))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* "prog: message\n" on stderr; die exits 2; error returns -1. */
NORETURN void die(const char *fmt, ...) PRINTF(1, 2);
/* The same, exit 1: a check failed (a signature, a MAC, a proof, a rule),
 * the input is refused; the program and the system are fine. */
NORETURN void die_refused(const char *fmt, ...) PRINTF(1, 2);
/*
 * The exit code of a failure to read or open an input with library error
 * err (TV_ERR_*): 1 when the input was read and a check refused it
 * (FORMAT, BADSIG, BADKEY -- a wrong passphrase and a tampered key file
 * cannot be told apart --, MISMATCH, REFUSED, ...), 2 when it could not
 * be read or the system failed (NOTFOUND, IO, NOMEM, PERM, STORE, ...).
 * The one place that decides; NOTFOUND means a missing file here, so a
 * caller whose NOTFOUND means "no such device" decides itself.
 */
int exit_code(int err);
/* die() with exit_code(err). */
NORETURN void die_err(int err, const char *fmt, ...) PRINTF(2, 3);
int error(const char *fmt, ...) PRINTF(1, 2);
void warn(const char *fmt, ...) PRINTF(1, 2);
/* Informational line on stderr (never carries secrets or identities). */
void note(const char *fmt, ...) PRINTF(1, 2);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/*
 * A program's subcommand table (git/wireguard style).  A row either runs
 * on its own (fn) or declares what it needs (needs, the program's SETUP_*
 * flags) and runs with what the program's runner prepared (run), as git's
 * RUN_SETUP: struct setup is each program's own (aggregator.h,
 * collector.h), made by setup->open before run and undone by
 * setup->close after it.
 */
struct setup;
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	int (*run)(struct setup *su, int argc, char **argv);
	unsigned needs;
};
struct setup_ops {
	/* Take the options it handles out of argv (option_take) and
	 * prepare; dies on failure.  Called with --help in argv too: it then
	 * prepares nothing the command would use before its usage(). */
	struct setup *(*open)(unsigned needs, int *argc, char **argv);
	void (*close)(struct setup *su);
};
/* Dispatch argv[1] to its row; handles --help / help and --version /
 * version (prints "PROG VERSION" on stdout).  ops may be NULL
 * when no row has run.  Returns the exit code. */
int command_run(const struct command *cmds, size_t n, const char *what,
    const struct setup_ops *ops, int argc, char **argv);
/* Take "--name VALUE" or "--name=VALUE" out of argv (before any "--"):
 * its value, or NULL when absent; the last one wins. */
char *option_take(int *argc, char **argv, const char *name);
/* A runner's --dir DIR, taken out of argv: NULL when argv asks for
 * --help (the command prints its usage, nothing is opened); dies when
 * missing. */
char *option_dir(int *argc, char **argv);
/* 1 if argv asks for a command's help (-h, --help). */
int option_help(int argc, char **argv);
/* The options of a command that takes none but --help, and exactly n
 * operands (returned): usage(0) for --help, usage(2) for anything else. */
char **options_none(int argc, char **argv, int n, void (*usage)(int code));

/* No core dumps, not ptrace-able, no leftovers: call first in main(). */
void process_harden(void);

/* Read a whole file, refusing more than cap bytes.  0 or TV_ERR_*; *buf is
 * malloc'd and NUL-terminated. */
int file_read(const char *path, size_t cap, uint8_t **buf, size_t *len);
/*
 * How file_write_atomic() and file_copy_atomic() create a file.  The mode
 * is decided here and nowhere else, whatever the umask: 0600 (only its
 * owner reads it: keys, shares, partials, ledgers, requests in the
 * making, anything not meant for others), or with FILE_PUBLIC 0644, for
 * what is published to evaluators (a release directory's files, a
 * report).  FILE_EXCL: fail with TV_ERR_EXISTS if path exists.
 */
enum file_flags {
	FILE_EXCL = 1 << 0,	/* 1, as the old "excl" argument */
	FILE_PUBLIC = 1 << 1,
};
/* Write a file atomically: path.tmp, fsync, rename, fsync dir; flags:
 * enum file_flags. */
int file_write_atomic(const char *path, const void *buf, size_t len,
    unsigned flags);
/* The same with the bytes of the file src, streamed (it may be bigger than
 * memory: a national release request is over a gigabyte). */
int file_copy_atomic(const char *src, const char *path, unsigned flags);
/* The same with bytes made as they are written: fill(fd, ctx) writes
 * them (file_write_all()) and returns 0 or a TV_ERR_* code. */
int file_stream_atomic(const char *path, unsigned flags,
    int (*fill)(int fd, const void *ctx), const void *ctx);
/* Every byte of buf to fd (EINTR retried): 0, or -1 with errno. */
int file_write_all(int fd, const void *buf, size_t len);
/* mkdir(dir) of mode 0755 whatever the umask (a directory published to
 * evaluators); 0 or -1 with errno, EEXIST included. */
int dir_create_public(const char *dir);

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

/*
 * The one loader of sealed secret files (device keystore, trustee key,
 * key share): ask the passphrase (passphrase_get), open the file of this
 * kind (tv_keyfile_read) and check that its payload is want bytes.
 * Returns the payload in sodium_malloc'd memory (sodium_free it: that
 * wipes).  On any failure dies naming what and path; the passphrase is
 * wiped on every path, and so is a payload of the wrong size.  What the
 * payload must hold beyond its size is the caller's check.  keep (may be
 * NULL): on success the passphrase (NUL-terminated, sodium_malloc'd) is
 * handed back, for a caller that seals another file with it.
 */
uint8_t *keyfile_unlock(const char *path, const char *kind,
    const char *passfile, size_t want, const char *what, char **keep);

/* Read fd to its end into guarded memory (sodium_free it): personal data
 * typed or piped in, which no stdio buffer may keep a copy of.  cap bytes
 * or more, or a read error, dies (what was read is wiped first). */
char *secret_read_fd(int fd, size_t cap);

/* --kdf interactive|moderate|sensitive */
enum tv_kdf kdf_from_name(const char *name);

/* Lowercase hex.  out holds 2*n+1 bytes. */
void hex_encode(char *out, const uint8_t *in, size_t n);
/* Exactly 2*n hex digits -> n bytes; 0 or -1. */
int hex_decode(uint8_t *out, size_t n, const char *hex);

/* Parse an unsigned decimal option value or die. */
unsigned long opt_ulong(const char *opt, const char *s, unsigned long max);

struct tv_campaign;
/* Load a campaign bundle or die; complete: refuse one that not every
 * trustee has signed yet (see 'trustee finalize'). */
struct tv_campaign *campaign_load_or_die(const char *path, int complete);
/* Create dir (mode 0700; it must not exist yet) holding a copy of the
 * campaign bundle file: how an aggregator or collector directory starts.
 * Dies on failure. */
void campaign_dir_create(const char *dir, const char *bundle);

#endif
