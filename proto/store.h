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
 * MDB_READERS_FULL triggers one mdb_reader_check and one retry.
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
/* Accepts NULL. */
void tv_store_close(struct tv_store *st);
/* The last LMDB error text ("" if none); shared by all threads. */
const char *tv_store_errmsg(const struct tv_store *st);
/* Current map size in bytes. */
size_t tv_store_mapsize(const struct tv_store *st);
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

#endif
