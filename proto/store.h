/* SPDX-License-Identifier: MIT */
/*
 * store.h - the one LMDB wrapper of tallyvan (collector and aggregator).
 *
 * Default durability only: no MDB_NOSYNC, MDB_NOMETASYNC, MDB_WRITEMAP or
 * MDB_MAPASYNC (tests/unit/t_store.c checks the flags of an open store).
 * One named sub-database per kind of record, opened once at tv_store_open.
 * Keys are big-endian composites so that cursor order is meaningful.
 *
 * Writes go through tv_store_write(fn): fn runs inside one write
 * transaction; if LMDB reports MDB_MAP_FULL the transaction is aborted, the
 * map doubled (up to the cap given at open) and fn run again from scratch.
 * So fn must have no effect outside the transaction until it returns 0.
 * MDB_READERS_FULL triggers one mdb_reader_check and one retry; besides,
 * a writer clears stale reader slots (readers killed with -9, which pin
 * old pages and make the file grow) every 32 commits or 5 seconds.
 * A store whose environment panicked (MDB_PANIC, e.g. a failed meta-page
 * write) is dead: every later call returns TV_ERR_DEAD and only a new
 * process can open it again; a long-running program must exit.
 * tv_store_open checks the data file against its meta page before LMDB
 * maps it: a truncated file is TV_ERR_DAMAGED, never a SIGBUS.
 * All MDB_* codes are translated to TV_ERR_* here and only here; the last
 * LMDB message is kept for the program's error report (tv_store_errmsg).
 */
#ifndef TV_STORE_H
#define TV_STORE_H

#include <stddef.h>
#include <stdint.h>

struct tv_store;

struct tv_txn {
	void *txn;		/* MDB_txn * */
	struct tv_store *st;
	int err;		/* first error: later calls do nothing */
};

enum tv_store_flags {
	TV_STORE_RDONLY = 1 << 0,
	TV_STORE_CREATE = 1 << 1,	/* mkdir 0700 if missing */
};

enum tv_put_flags {
	TV_PUT_NOOVERWRITE = 1 << 0,	/* TV_ERR_EXISTS if the key exists */
};

#define TV_STORE_MAXDBS 16
#define TV_STORE_MAP_INITIAL (1u << 20)

/* Open (or create) the LMDB environment in directory dir with the named
 * sub-databases; db i of every later call is dbnames[i].  map_cap is the
 * hard cap on the map size in bytes (0 = 64 GiB). */
int tv_store_open(struct tv_store **out, const char *dir,
    const char *const *dbnames, unsigned ndbs, unsigned flags,
    size_t map_cap);
/* Why the calling thread's last tv_store_open failed ("" if unknown). */
const char *tv_store_open_error(void);
/* Accepts NULL. */
void tv_store_close(struct tv_store *st);
/* The last LMDB error text ("" if none); shared by all threads. */
const char *tv_store_errmsg(const struct tv_store *st);
/* Current map size in bytes. */
size_t tv_store_mapsize(const struct tv_store *st);
/* Non-zero once the environment panicked (every call is TV_ERR_DEAD). */
int tv_store_dead(const struct tv_store *st);
/* Clear the slots of dead readers now; *cleared (if not NULL) gets their
 * number.  Writers also do it on their own (see above). */
int tv_store_reader_check(struct tv_store *st, int *cleared);

struct tv_store_health {
	unsigned readers, max_readers;	/* reader slots taken (high-water) */
	unsigned stale_cleared;		/* dead readers cleared since open */
	size_t map_size, map_used;	/* bytes */
	uint64_t last_txn;		/* id of the last commit */
};
/* Run a read transaction (the store answers), then describe it. */
int tv_store_health(struct tv_store *st, struct tv_store_health *h);
/* The environment flags (MDB_* bits), for the durability test. */
unsigned tv_store_envflags(const struct tv_store *st);

typedef int (*tv_txn_fn)(struct tv_txn *t, void *ctx);

/* Run fn in a write transaction and commit if it returns 0 and t->err is
 * 0; see above.  Returns fn's error (or t->err), or a store error
 * (TV_ERR_FULL past the cap or on ENOSPC, TV_ERR_PERM on a read-only
 * store).  Transactions may run from several threads (a map resize waits
 * for the others to end), but must not nest. */
int tv_store_write(struct tv_store *st, tv_txn_fn fn, void *ctx);
/* Run fn in a read-only transaction. */
int tv_store_read(struct tv_store *st, tv_txn_fn fn, void *ctx);

/* Inside fn.  Values returned by get/foreach point into the map and are
 * valid only until the transaction ends: copy what must outlive it.
 * Each returns 0 or an error, and records the first error in t->err.
 * TV_ERR_NOTFOUND (get, del) and TV_ERR_EXISTS (put with
 * TV_PUT_NOOVERWRITE) are answers, not failures: they are returned but not
 * recorded, so a lookup-then-insert transaction can still commit. */
int tv_txn_get(struct tv_txn *t, unsigned db, const void *key, size_t klen,
    const void **val, size_t *vlen);	/* TV_ERR_NOTFOUND */
int tv_txn_put(struct tv_txn *t, unsigned db, const void *key, size_t klen,
    const void *val, size_t vlen, unsigned flags);
int tv_txn_del(struct tv_txn *t, unsigned db, const void *key,
    size_t klen);	/* TV_ERR_NOTFOUND */

/* Call cb on every entry whose key starts with prefix (plen may be 0), in
 * key order.  A non-zero return from cb stops the walk and is returned. */
typedef int (*tv_foreach_fn)(void *ctx, const void *key, size_t klen,
    const void *val, size_t vlen);
int tv_txn_foreach(struct tv_txn *t, unsigned db, const void *prefix,
    size_t plen, tv_foreach_fn cb, void *ctx);
/* Number of entries in db. */
int tv_txn_count(struct tv_txn *t, unsigned db, uint64_t *n);

/* Big-endian helpers for composite keys. */
void tv_be32_put(uint8_t *p, uint32_t v);
void tv_be64_put(uint8_t *p, uint64_t v);
uint32_t tv_be32_get(const uint8_t *p);
uint64_t tv_be64_get(const uint8_t *p);
/* Little-endian, for the byte formats that use it (certificates, sealed
 * history states). */
void tv_le32_put(uint8_t *p, uint32_t v);
uint32_t tv_le32_get(const uint8_t *p);

#endif
