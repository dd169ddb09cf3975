/* SPDX-License-Identifier: MIT */
/*
 * store.c - the LMDB wrapper (see store.h and docs/formats.md).
 *
 * The environment is opened with default durability flags only (0 or
 * MDB_RDONLY).  The map starts small and doubles on MDB_MAP_FULL up to a
 * hard cap.  LMDB allows mdb_env_set_mapsize() only while no transaction is
 * open in the process, so every transaction runs under the read side of a
 * rwlock and a resize takes the write side.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "crypto/err.h"
#include "proto/store.h"

#define STORE_RETRIES 64
#define STORE_RETRY 1		/* internal: run the transaction again */
#define STORE_MAP_DEFAULT_CAP ((size_t)64 << 30)
/* Stale reader slots (kill -9'd readers) pin old pages, so a writer clears
 * them every this many commits or seconds, whichever comes first. */
#define STORE_READER_CHECK_TXNS 32
#define STORE_READER_CHECK_SECS 5

_Static_assert(sizeof(size_t) >= 8, "the map cap needs a 64-bit size_t");

struct tv_store {
	MDB_env *env;
	MDB_dbi dbi[TV_STORE_MAXDBS];
	unsigned ndbs;
	unsigned flags;
	size_t map_cap;
	size_t mapsize;		/* as last set; changes under the wrlock */
	pthread_rwlock_t lock;	/* rd: any transaction; wr: map resize */
	int have_lock;
	int mapfull;		/* the open write txn hit MDB_MAP_FULL */
	atomic_int dead;	/* LMDB panicked: every later call fails */
	atomic_uint commits;	/* since the last reader check */
	atomic_llong checked_at;	/* time of the last reader check */
	atomic_uint cleared;	/* stale reader slots cleared in all */
	char errmsg[160];
};

/*
 * The one translation of MDB_* and errno codes.  NOTFOUND and KEYEXIST are
 * answers rather than failures, so they leave the last message alone.
 */
static int
store_err(struct tv_store *st, int rc)
{
	if (rc != 0 && rc != MDB_NOTFOUND && rc != MDB_KEYEXIST && st != NULL)
		snprintf(st->errmsg, sizeof st->errmsg, "%s", mdb_strerror(rc));
	switch (rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
	case ENOENT:
		return TV_ERR_NOTFOUND;
	case MDB_KEYEXIST:
		return TV_ERR_EXISTS;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EDQUOT:
		return TV_ERR_FULL;
	case MDB_BAD_VALSIZE:
		return TV_ERR_RANGE;
	case MDB_TXN_FULL:
		return TV_ERR_TOOBIG;
	case ENOMEM:
		return TV_ERR_NOMEM;
	case EIO:
		return TV_ERR_IO;
	case EACCES:
	case EPERM:
	case EROFS:
		return TV_ERR_PERM;
	case MDB_PANIC:
		/* LMDB sets its fatal flag and refuses every later transaction
		 * of this environment: only a new process can use the store. */
		if (st != NULL)
			atomic_store(&st->dead, 1);
		return TV_ERR_DEAD;
	default:		/* MDB_CORRUPTED, MDB_INVALID ... */
		return TV_ERR_STORE;
	}
}

static void
store_msg(struct tv_store *st, const char *msg)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
}

static void
map_refresh(struct tv_store *st)
{
	MDB_envinfo info;

	if (mdb_env_info(st->env, &info) == 0)
		st->mapsize = info.me_mapsize;
}

/* Double the map (no transaction open: we hold the write lock).  If
 * another thread grew it since `seen`, just run again. */
static int
map_grow(struct tv_store *st, size_t seen)
{
	size_t want;
	int rc = STORE_RETRY;

	pthread_rwlock_wrlock(&st->lock);
	if (st->mapsize != seen)
		goto out;
	if (st->mapsize >= st->map_cap) {
		store_msg(st, "map size cap reached");
		rc = TV_ERR_FULL;
		goto out;
	}
	want = st->mapsize > st->map_cap / 2 ? st->map_cap : st->mapsize * 2;
	if ((rc = mdb_env_set_mapsize(st->env, want)) != 0) {
		rc = store_err(st, rc);
		goto out;
	}
	map_refresh(st);
	rc = STORE_RETRY;
out:
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

/* Another process grew the map: adopt its size (MDB_MAP_RESIZED). */
static int
map_adopt(struct tv_store *st)
{
	int rc;

	pthread_rwlock_wrlock(&st->lock);
	rc = mdb_env_set_mapsize(st->env, 0);
	map_refresh(st);
	pthread_rwlock_unlock(&st->lock);
	return rc == 0 ? STORE_RETRY : store_err(st, rc);
}

/*
 * A failed write of LMDB's meta page (an EIO in mdb_env_write_meta) makes
 * the commit return that errno, not MDB_PANIC, while LMDB sets its fatal
 * flag: only the next transaction says MDB_PANIC.  So after any failed
 * commit, ask at once, and the caller learns TV_ERR_DEAD from this call.
 */
static int
commit_failed(struct tv_store *st, int mdb_rc)
{
	MDB_txn *probe;
	int rc = store_err(st, mdb_rc), prc;

	pthread_rwlock_rdlock(&st->lock);	/* a transaction, however short */
	if ((prc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &probe)) == 0)
		mdb_txn_abort(probe);
	pthread_rwlock_unlock(&st->lock);
	if (prc == MDB_PANIC)
		rc = store_err(st, prc);
	return rc;
}

static long long
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

/* Clear stale reader slots every STORE_READER_CHECK_TXNS commits or
 * STORE_READER_CHECK_SECS seconds (see tv_store_reader_check). */
static void
reader_check_due(struct tv_store *st)
{
	long long now = now_s();

	if (atomic_fetch_add(&st->commits, 1) + 1 < STORE_READER_CHECK_TXNS &&
	    now - atomic_load(&st->checked_at) < STORE_READER_CHECK_SECS)
		return;
	tv_store_reader_check(st, NULL);
}

int
tv_store_reader_check(struct tv_store *st, int *cleared)
{
	int rc, dead = 0;

	atomic_store(&st->commits, 0);
	atomic_store(&st->checked_at, now_s());
	if ((rc = mdb_reader_check(st->env, &dead)) != 0)
		return store_err(st, rc);
	if (dead > 0)
		atomic_fetch_add(&st->cleared, (unsigned)dead);
	if (cleared != NULL)
		*cleared = dead;
	return 0;
}

/* One attempt at a write transaction; STORE_RETRY to run it again. */
static int
write_once(struct tv_store *st, tv_txn_fn fn, void *ctx)
{
	struct tv_txn t = { NULL, st, 0 };
	MDB_txn *txn;
	size_t seen;
	int rc, frc, full;

	pthread_rwlock_rdlock(&st->lock);
	seen = st->mapsize;
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0) {
		pthread_rwlock_unlock(&st->lock);
		return rc == MDB_MAP_RESIZED ? map_adopt(st) : store_err(st, rc);
	}
	/* st->mapfull belongs to the holder of LMDB's writer lock: us,
	 * until the commit or abort below. */
	st->mapfull = 0;
	t.txn = txn;
	frc = fn(&t, ctx);
	full = st->mapfull;
	rc = 0;
	if (frc == 0 && t.err == 0)
		rc = mdb_txn_commit(txn);	/* frees txn, even on error */
	else
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->lock);
	/* After MDB_MAP_FULL the transaction is poisoned: whatever fn
	 * returned, run it again in a bigger map. */
	if (full || rc == MDB_MAP_FULL)
		return map_grow(st, seen);
	if (rc != 0)
		return commit_failed(st, rc);
	if (frc == 0 && t.err == 0)
		reader_check_due(st);
	return frc != 0 ? frc : t.err;
}

/* After a panic LMDB refuses everything: do not even ask it. */
static int
store_alive(struct tv_store *st)
{
	/* errmsg keeps what LMDB said when it panicked. */
	return atomic_load(&st->dead) ? TV_ERR_DEAD : 0;
}

int
tv_store_write(struct tv_store *st, tv_txn_fn fn, void *ctx)
{
	int i, rc;

	if (st->flags & TV_STORE_RDONLY) {
		store_msg(st, "store opened read-only");
		return TV_ERR_PERM;
	}
	if ((rc = store_alive(st)) != 0)
		return rc;
	for (i = 0; i < STORE_RETRIES; i++)
		if ((rc = write_once(st, fn, ctx)) != STORE_RETRY)
			return rc;
	store_msg(st, "too many retries");
	return TV_ERR_STORE;
}

static int
read_once(struct tv_store *st, tv_txn_fn fn, void *ctx, int *checked)
{
	struct tv_txn t = { NULL, st, 0 };
	MDB_txn *txn;
	int rc, dead;

	pthread_rwlock_rdlock(&st->lock);
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0) {
		pthread_rwlock_unlock(&st->lock);
		if (rc == MDB_MAP_RESIZED)
			return map_adopt(st);
		if (rc == MDB_READERS_FULL && !*checked) {
			/* Slots of dead readers stay until checked. */
			*checked = 1;
			mdb_reader_check(st->env, &dead);
			return STORE_RETRY;
		}
		return store_err(st, rc);
	}
	t.txn = txn;
	rc = fn(&t, ctx);
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->lock);
	return rc != 0 ? rc : t.err;
}

int
tv_store_read(struct tv_store *st, tv_txn_fn fn, void *ctx)
{
	int i, rc, checked = 0;

	if ((rc = store_alive(st)) != 0)
		return rc;
	for (i = 0; i < STORE_RETRIES; i++)
		if ((rc = read_once(st, fn, ctx, &checked)) != STORE_RETRY)
			return rc;
	store_msg(st, "too many retries");
	return TV_ERR_STORE;
}

/* ---- opening ---------------------------------------------------------- */

static int txn_fail(struct tv_txn *t, int mdb_rc);

/* The size an existing data file already needs, or the initial map. */
static size_t
map_initial(const char *dir, size_t cap)
{
	char path[4096];
	struct stat sb;
	size_t size = TV_STORE_MAP_INITIAL;

	if ((size_t)snprintf(path, sizeof path, "%s/data.mdb", dir) <
	    sizeof path && stat(path, &sb) == 0 && (size_t)sb.st_size > size)
		return (size_t)sb.st_size;
	return size < cap ? size : cap;
}

/*
 * LMDB 0.9's meta page, as it lies on disk (lmdb/mdb.c, struct MDB_meta
 * after the 16-byte page header), for a 64-bit build: the magic at 0, the
 * page size in the free database's md_pad at 24, mm_last_pg at 120 and
 * mm_txnid at 128.  Read with pread, never through the map.
 */
#define META_HDR 16
#define META_MAGIC 0xBEEFC0DEu
#define META_OFF_PSIZE 24
#define META_OFF_LASTPG 120
#define META_OFF_TXNID 128
#define META_LEN 136

static uint64_t
le_get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* Meta page i of fd: 0 with its txnid and bytes in use, or -1. */
static int
meta_read(int fd, off_t off, uint64_t *txnid, uint64_t *used, uint32_t *psz)
{
	uint8_t m[META_HDR + META_LEN];
	const uint8_t *b = m + META_HDR;

	if (pread(fd, m, sizeof m, off) != (ssize_t)sizeof m ||
	    le_get(b, 4) != META_MAGIC)
		return -1;
	*psz = (uint32_t)le_get(b + META_OFF_PSIZE, 4);
	if (*psz < 512 || *psz > (1u << 16) || (*psz & (*psz - 1)) != 0)
		return -1;
	*txnid = le_get(b + META_OFF_TXNID, 8);
	*used = (le_get(b + META_OFF_LASTPG, 8) + 1) * *psz;
	return 0;
}

/*
 * A data file shorter than its newest meta page says is in use would be
 * mapped anyway, and the first touch of a missing page kills the process
 * with SIGBUS: check before mdb_env_open.  A missing file is LMDB's to
 * create; an empty one only a creating open may initialise.
 */
static int
data_check(struct tv_store *st, const char *dir)
{
	char path[4096];
	struct stat sb;
	uint64_t t0, t1, u0, u1, used;
	uint32_t p0, p1;
	int fd = -1, rc = 0, ok0, ok1;

	if ((size_t)snprintf(path, sizeof path, "%s/data.mdb", dir) >=
	    sizeof path)
		return TV_ERR_RANGE;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : store_err(st, errno);
	if (fstat(fd, &sb) != 0) {
		rc = store_err(st, errno);
		goto out;
	}
	if (sb.st_size == 0 && (st->flags & TV_STORE_CREATE))
		goto out;
	ok0 = meta_read(fd, 0, &t0, &u0, &p0) == 0;
	ok1 = ok0 && meta_read(fd, p0, &t1, &u1, &p1) == 0 && p1 == p0;
	if (!ok0) {
		snprintf(st->errmsg, sizeof st->errmsg, "data.mdb: %lld "
		    "bytes, no valid meta page", (long long)sb.st_size);
		rc = TV_ERR_DAMAGED;
		goto out;
	}
	used = ok1 && t1 > t0 ? u1 : u0;
	if ((uint64_t)sb.st_size < used) {
		snprintf(st->errmsg, sizeof st->errmsg, "data.mdb is %lld "
		    "bytes but its meta page says %llu are in use (truncated?)",
		    (long long)sb.st_size, (unsigned long long)used);
		rc = TV_ERR_DAMAGED;
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
env_open(struct tv_store *st, const char *dir)
{
	unsigned fl = (st->flags & TV_STORE_RDONLY) ? MDB_RDONLY : 0;
	int rc, dead;

	if ((rc = data_check(st, dir)) != 0)
		return rc;
	if ((rc = mdb_env_create(&st->env)) != 0)
		return store_err(st, rc);
	if ((rc = mdb_env_set_maxdbs(st->env, TV_STORE_MAXDBS)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, map_initial(dir,
	    st->map_cap))) != 0 ||
	    (rc = mdb_env_open(st->env, dir, fl, 0600)) != 0)
		return store_err(st, rc);
	/* Reclaim the slots of readers that died (kill -9) before us. */
	mdb_reader_check(st->env, &dead);
	map_refresh(st);
	return 0;
}

struct dbs_ctx {
	const char *const *names;
	unsigned n;
};

static int
dbs_create(struct tv_txn *t, void *ctx)
{
	struct dbs_ctx *c = ctx;
	unsigned i;
	int rc;

	for (i = 0; i < c->n; i++) {
		rc = mdb_dbi_open(t->txn, c->names[i], MDB_CREATE,
		    &t->st->dbi[i]);
		if (rc != 0)
			return txn_fail(t, rc);
	}
	return 0;
}

/* Read-only: the handles must outlive the transaction, so commit it. */
static int
dbs_find(struct tv_store *st, const struct dbs_ctx *c)
{
	MDB_txn *txn;
	unsigned i;
	int rc;

	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
		return store_err(st, rc);
	for (i = 0; i < c->n; i++) {
		if ((rc = mdb_dbi_open(txn, c->names[i], 0, &st->dbi[i])) != 0) {
			mdb_txn_abort(txn);
			return store_err(st, rc);
		}
	}
	return store_err(st, mdb_txn_commit(txn));
}

static int
store_new(struct tv_store **out, unsigned flags, size_t map_cap)
{
	struct tv_store *st;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return TV_ERR_NOMEM;
	if (pthread_rwlock_init(&st->lock, NULL) != 0) {
		free(st);
		return TV_ERR_NOMEM;
	}
	st->have_lock = 1;
	st->flags = flags;
	st->map_cap = map_cap != 0 ? map_cap : STORE_MAP_DEFAULT_CAP;
	*out = st;
	return 0;
}

/* tv_store_open fails without a store to carry the message. */
static _Thread_local char open_err[160];

const char *
tv_store_open_error(void)
{
	return open_err;
}

int
tv_store_open(struct tv_store **out, const char *dir,
    const char *const *dbnames, unsigned ndbs, unsigned flags,
    size_t map_cap)
{
	struct dbs_ctx c = { dbnames, ndbs };
	struct tv_store *st = NULL;
	int rc;

	*out = NULL;
	open_err[0] = 0;
	if (ndbs > TV_STORE_MAXDBS || (ndbs != 0 && dbnames == NULL) ||
	    ((flags & TV_STORE_RDONLY) && (flags & TV_STORE_CREATE)))
		return TV_ERR_RANGE;
	if ((rc = store_new(&st, flags, map_cap)) != 0)
		return rc;
	if ((flags & TV_STORE_CREATE) && mkdir(dir, 0700) != 0 &&
	    errno != EEXIST) {
		rc = store_err(st, errno);
		goto out;
	}
	if ((rc = env_open(st, dir)) != 0)
		goto out;
	if (flags & TV_STORE_RDONLY)
		rc = dbs_find(st, &c);
	else
		rc = tv_store_write(st, dbs_create, &c);
	if (rc != 0)
		goto out;
	st->ndbs = ndbs;
	*out = st;
	st = NULL;
out:
	if (st != NULL)
		snprintf(open_err, sizeof open_err, "%s", st->errmsg);
	tv_store_close(st);
	return rc;
}

void
tv_store_close(struct tv_store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	if (st->have_lock)
		pthread_rwlock_destroy(&st->lock);
	free(st);
}

const char *
tv_store_errmsg(const struct tv_store *st)
{
	return st != NULL ? st->errmsg : "";
}

size_t
tv_store_mapsize(const struct tv_store *st)
{
	MDB_envinfo info;

	if (mdb_env_info(st->env, &info) != 0)
		return 0;
	return info.me_mapsize;
}

int
tv_store_dead(const struct tv_store *st)
{
	return atomic_load(&st->dead);
}

static int
probe_fn(struct tv_txn *t, void *ctx)
{
	(void)t;
	(void)ctx;
	return 0;
}

int
tv_store_health(struct tv_store *st, struct tv_store_health *h)
{
	MDB_envinfo info;
	MDB_stat ms;
	int rc;

	memset(h, 0, sizeof *h);
	if ((rc = tv_store_read(st, probe_fn, NULL)) != 0)
		return rc;
	if ((rc = mdb_env_info(st->env, &info)) != 0 ||
	    (rc = mdb_env_stat(st->env, &ms)) != 0)
		return store_err(st, rc);
	h->readers = info.me_numreaders;
	h->max_readers = info.me_maxreaders;
	h->stale_cleared = atomic_load(&st->cleared);
	h->map_size = info.me_mapsize;
	h->map_used = ((size_t)info.me_last_pgno + 1) * ms.ms_psize;
	h->last_txn = info.me_last_txnid;
	return 0;
}

unsigned
tv_store_envflags(const struct tv_store *st)
{
	unsigned fl = 0;

	mdb_env_get_flags(st->env, &fl);
	return fl;
}

/* ---- inside a transaction --------------------------------------------- */

/* Record the first real failure; later calls then do nothing. */
static int
txn_fail(struct tv_txn *t, int mdb_rc)
{
	int rc = store_err(t->st, mdb_rc);

	if (mdb_rc == MDB_MAP_FULL)
		t->st->mapfull = 1;
	if (t->err == 0)
		t->err = rc;
	return rc;
}

static int
txn_dbi(struct tv_txn *t, unsigned db, MDB_dbi *dbi)
{
	if (t->err != 0)
		return t->err;
	if (t->txn == NULL || db >= t->st->ndbs)
		return t->err = TV_ERR_RANGE;
	*dbi = t->st->dbi[db];
	return 0;
}

int
tv_txn_get(struct tv_txn *t, unsigned db, const void *key, size_t klen,
    const void **val, size_t *vlen)
{
	MDB_val k = { klen, (void *)key }, v;
	MDB_dbi dbi;
	int rc;

	if ((rc = txn_dbi(t, db, &dbi)) != 0)
		return rc;
	if ((rc = mdb_get(t->txn, dbi, &k, &v)) == MDB_NOTFOUND)
		return TV_ERR_NOTFOUND;
	if (rc != 0)
		return txn_fail(t, rc);
	*val = v.mv_data;
	*vlen = v.mv_size;
	return 0;
}

int
tv_txn_put(struct tv_txn *t, unsigned db, const void *key, size_t klen,
    const void *val, size_t vlen, unsigned flags)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	unsigned mf = (flags & TV_PUT_NOOVERWRITE) ? MDB_NOOVERWRITE : 0;
	MDB_dbi dbi;
	int rc;

	if ((rc = txn_dbi(t, db, &dbi)) != 0)
		return rc;
	if (flags & ~(unsigned)TV_PUT_NOOVERWRITE)
		return t->err = TV_ERR_RANGE;
	if ((rc = mdb_put(t->txn, dbi, &k, &v, mf)) == MDB_KEYEXIST)
		return TV_ERR_EXISTS;
	return rc != 0 ? txn_fail(t, rc) : 0;
}

int
tv_txn_del(struct tv_txn *t, unsigned db, const void *key, size_t klen)
{
	MDB_val k = { klen, (void *)key };
	MDB_dbi dbi;
	int rc;

	if ((rc = txn_dbi(t, db, &dbi)) != 0)
		return rc;
	if ((rc = mdb_del(t->txn, dbi, &k, NULL)) == MDB_NOTFOUND)
		return TV_ERR_NOTFOUND;
	return rc != 0 ? txn_fail(t, rc) : 0;
}

static int
walk(struct tv_txn *t, MDB_cursor *cur, const void *prefix, size_t plen,
    tv_foreach_fn cb, void *ctx)
{
	MDB_val k = { plen, (void *)prefix }, v;
	int rc;

	rc = mdb_cursor_get(cur, &k, &v, plen != 0 ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0) {
		if (plen != 0 && (k.mv_size < plen ||
		    memcmp(k.mv_data, prefix, plen) != 0))
			return 0;
		if ((rc = cb(ctx, k.mv_data, k.mv_size, v.mv_data,
		    v.mv_size)) != 0)
			return rc;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	return rc == MDB_NOTFOUND ? 0 : txn_fail(t, rc);
}

int
tv_txn_foreach(struct tv_txn *t, unsigned db, const void *prefix,
    size_t plen, tv_foreach_fn cb, void *ctx)
{
	MDB_cursor *cur;
	MDB_dbi dbi;
	int rc;

	if ((rc = txn_dbi(t, db, &dbi)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(t->txn, dbi, &cur)) != 0)
		return txn_fail(t, rc);
	rc = walk(t, cur, prefix, plen, cb, ctx);
	mdb_cursor_close(cur);
	return rc;
}

int
tv_txn_count(struct tv_txn *t, unsigned db, uint64_t *n)
{
	MDB_stat ms;
	MDB_dbi dbi;
	int rc;

	if ((rc = txn_dbi(t, db, &dbi)) != 0)
		return rc;
	if ((rc = mdb_stat(t->txn, dbi, &ms)) != 0)
		return txn_fail(t, rc);
	*n = ms.ms_entries;
	return 0;
}

/* ---- big-endian keys -------------------------------------------------- */

void
tv_be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
tv_be64_put(uint8_t *p, uint64_t v)
{
	tv_be32_put(p, (uint32_t)(v >> 32));
	tv_be32_put(p + 4, (uint32_t)v);
}

void
tv_le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

uint32_t
tv_le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint32_t
tv_be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
tv_be64_get(const uint8_t *p)
{
	return (uint64_t)tv_be32_get(p) << 32 | tv_be32_get(p + 4);
}
