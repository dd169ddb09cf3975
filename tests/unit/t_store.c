/* SPDX-License-Identifier: MIT */
/*
 * t_store.c - the LMDB wrapper: basic operations, key order, atomicity of
 * tv_store_write, map growth and its cap, durability flags, read-only
 * opening, a map grown by another process (MDB_MAP_RESIZED) and reader
 * slots left by readers that died (MDB_READERS_FULL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "crypto/err.h"
#include "proto/store.h"
#include "tests/unit/tap.h"

static const char *const dbs[] = { "alpha", "beta" };
static char tmp[] = "/tmp/t_store.XXXXXX";

static char *
path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof buf, "%s/%s", tmp, name);
	return buf;
}

/* ---- transaction bodies ----------------------------------------------- */

struct kv {
	const char *k, *v;
	unsigned flags;
	int got;
};

static int
put_one(struct tv_txn *t, void *ctx)
{
	struct kv *a = ctx;

	a->got = tv_txn_put(t, 0, a->k, strlen(a->k), a->v, strlen(a->v),
	    a->flags);
	return 0;
}

static int
get_one(struct tv_txn *t, void *ctx)
{
	struct kv *a = ctx;
	const void *v;
	size_t vl;

	a->got = tv_txn_get(t, 0, a->k, strlen(a->k), &v, &vl);
	if (a->got == 0 && (vl != strlen(a->v) || memcmp(v, a->v, vl) != 0))
		a->got = 1;	/* present, but not the value we expect */
	return 0;
}

static int
del_one(struct tv_txn *t, void *ctx)
{
	struct kv *a = ctx;

	a->got = tv_txn_del(t, 0, a->k, strlen(a->k));
	return 0;
}

static int
put_then_fail(struct tv_txn *t, void *ctx)
{
	put_one(t, ctx);
	return TV_ERR_MISMATCH;
}

static int
put_then_bad_db(struct tv_txn *t, void *ctx)
{
	put_one(t, ctx);
	tv_txn_put(t, 7, "x", 1, "y", 1, 0);	/* records TV_ERR_RANGE */
	return 0;				/* ... which fn ignores */
}

static int
lookup(struct tv_store *st, const char *k, const char *v)
{
	struct kv a = { k, v, 0, 99 };
	int rc = tv_store_read(st, get_one, &a);

	return rc != 0 ? rc : a.got;
}

static void
t_basic(void)
{
	struct tv_store *st;
	struct kv a = { "k1", "v1", 0, 99 };
	struct stat sb;

	is_int(TV_ERR_NOTFOUND, tv_store_open(&st, path("db"), dbs, 2, 0, 0),
	    "missing store without CREATE -> NOTFOUND");
	is_int(0, tv_store_open(&st, path("db"), dbs, 2, TV_STORE_CREATE, 0),
	    "open with CREATE");
	ok(stat(path("db"), &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "directory created 0700");
	ok(stat(path("db/data.mdb"), &sb) == 0 && (sb.st_mode & 077) == 0,
	    "data file has no group/other bits");
	is_int(0, tv_store_write(st, put_one, &a), "put");
	is_int(0, a.got, "put ok");
	is_int(0, lookup(st, "k1", "v1"), "get returns the value");
	a.v = "v2";
	a.flags = TV_PUT_NOOVERWRITE;
	is_int(0, tv_store_write(st, put_one, &a), "NOOVERWRITE commits");
	is_int(TV_ERR_EXISTS, a.got, "NOOVERWRITE on an existing key -> EXISTS");
	is_int(0, lookup(st, "k1", "v1"), "value unchanged");
	a.flags = 0;
	is_int(0, tv_store_write(st, put_one, &a), "overwrite");
	is_int(0, lookup(st, "k1", "v2"), "value replaced");
	is_int(TV_ERR_NOTFOUND, lookup(st, "nope", ""), "missing -> NOTFOUND");
	a.k = "nope";
	is_int(0, tv_store_write(st, del_one, &a), "del of missing commits");
	is_int(TV_ERR_NOTFOUND, a.got, "del of missing -> NOTFOUND");
	a.k = "k1";
	is_int(0, tv_store_write(st, del_one, &a), "del");
	is_int(0, a.got, "del ok");
	is_int(TV_ERR_NOTFOUND, lookup(st, "k1", ""), "deleted");

	a.k = "k2";
	a.v = "v";
	is_int(TV_ERR_MISMATCH, tv_store_write(st, put_then_fail, &a),
	    "fn error is returned");
	is_int(TV_ERR_NOTFOUND, lookup(st, "k2", "v"),
	    "fn error -> nothing committed");
	is_int(TV_ERR_RANGE, tv_store_write(st, put_then_bad_db, &a),
	    "a recorded error is returned even if fn says 0");
	is_int(TV_ERR_NOTFOUND, lookup(st, "k2", "v"),
	    "recorded error -> nothing committed");
	ok(strlen(tv_store_errmsg(st)) < 160, "errmsg is a string");
	tv_store_close(st);
	tv_store_close(NULL);
}

/* ---- order and prefixes ----------------------------------------------- */

struct walk {
	uint32_t prefix;
	uint64_t last, n;
	int order_ok, stop_at;
};

static int
walk_cb(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct walk *w = ctx;
	uint64_t i;

	if (klen != 12 || vlen != 8 || tv_be32_get(key) != w->prefix)
		w->order_ok = 0;
	i = tv_be64_get((const uint8_t *)key + 4);
	if (w->n > 0 && i <= w->last)
		w->order_ok = 0;
	if (tv_be64_get(val) != i)
		w->order_ok = 0;
	w->last = i;
	w->n++;
	return w->stop_at != 0 && (int)w->n == w->stop_at ? 42 : 0;
}

/* Keys be32(prefix) || be64(i), inserted in a scrambled order. */
static int
fill_prefixed(struct tv_txn *t, void *ctx)
{
	uint8_t k[12], v[8];
	uint32_t p, j, i;

	(void)ctx;
	for (j = 0; j < 300; j++) {
		i = (j * 7919) % 300;	/* 7919 is prime: a permutation */
		for (p = 3; p >= 1; p--) {
			tv_be32_put(k, p);
			tv_be64_put(k + 4, (uint64_t)i << 20 | i);
			tv_be64_put(v, (uint64_t)i << 20 | i);
			tv_txn_put(t, 1, k, sizeof k, v, sizeof v, 0);
		}
	}
	return 0;
}

static int
walk_fn(struct tv_txn *t, void *ctx)
{
	struct walk *w = ctx;
	uint8_t p[4];

	tv_be32_put(p, w->prefix);
	return tv_txn_foreach(t, 1, p, sizeof p, walk_cb, w);
}

static int
count_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_count(t, 1, ctx);
}

static int
all_cb(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	uint64_t *n = ctx;

	(void)key, (void)klen, (void)val, (void)vlen;
	(*n)++;
	return 0;
}

static int
all_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, 1, NULL, 0, all_cb, ctx);
}

static void
t_order(void)
{
	struct tv_store *st;
	struct walk w = { 2, 0, 0, 1, 0 };
	uint64_t n = 0;

	tv_store_open(&st, path("db"), dbs, 2, 0, 0);
	is_int(0, tv_store_write(st, fill_prefixed, NULL), "fill 900 keys");
	is_int(0, tv_store_read(st, count_fn, &n), "count");
	is_int(900, n, "count is 900");
	is_int(0, tv_store_read(st, walk_fn, &w), "foreach prefix 2");
	is_int(300, w.n, "300 entries under prefix 2");
	ok(w.order_ok, "in big-endian key order, prefix respected");
	w = (struct walk){ 3, 0, 0, 1, 0 };
	tv_store_read(st, walk_fn, &w);
	ok(w.n == 300 && w.order_ok, "last prefix stops at the end");
	w = (struct walk){ 4, 0, 0, 1, 0 };
	tv_store_read(st, walk_fn, &w);
	is_int(0, w.n, "absent prefix: nothing");
	w = (struct walk){ 1, 0, 0, 1, 5 };
	is_int(42, tv_store_read(st, walk_fn, &w), "callback's stop code");
	is_int(5, w.n, "walk stopped");
	n = 0;
	tv_store_read(st, all_fn, &n);
	is_int(900, n, "foreach with no prefix visits all");
	tv_store_close(st);
}

/* ---- map growth and cap ----------------------------------------------- */

struct fill {
	uint32_t first, n, vsize;
};

static int
fill_fn(struct tv_txn *t, void *ctx)
{
	struct fill *f = ctx;
	static uint8_t v[8192];
	uint8_t k[8];
	uint32_t i;
	int rc;

	for (i = 0; i < f->n; i++) {
		tv_be64_put(k, (uint64_t)f->first + i);
		memset(v, (int)(f->first + i), f->vsize);
		if ((rc = tv_txn_put(t, 0, k, 8, v, f->vsize, 0)) != 0)
			return rc;
	}
	return 0;
}

static int
count0_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_count(t, 0, ctx);
}

static uint64_t
count0(struct tv_store *st)
{
	uint64_t n = 0;

	if (tv_store_read(st, count0_fn, &n) != 0)
		return UINT64_MAX;
	return n;
}

static void
t_growth(void)
{
	struct tv_store *st;
	struct fill f = { 0, 40, 4096 };
	size_t start;
	int i, bad = 0;

	tv_store_open(&st, path("grow1"), dbs, 2, TV_STORE_CREATE, 0);
	start = tv_store_mapsize(st);
	is_int(TV_STORE_MAP_INITIAL, start, "map starts at the initial size");
	for (i = 0; i < 64; i++, f.first += f.n)	/* 64 x 160 KiB */
		if (tv_store_write(st, fill_fn, &f) != 0)
			bad++;
	is_int(0, bad, "10 MiB in 64 transactions: all succeed");
	ok(tv_store_mapsize(st) > 8u << 20, "the map grew past 8 MiB");
	is_int(64 * 40, count0(st), "every value is there");
	tv_store_close(st);

	tv_store_open(&st, path("grow2"), dbs, 2, TV_STORE_CREATE, 0);
	f = (struct fill){ 0, 2560, 4096 };
	is_int(0, tv_store_write(st, fill_fn, &f),
	    "10 MiB in one transaction succeeds");
	ok(tv_store_mapsize(st) > 8u << 20, "the map grew past 8 MiB");
	is_int(2560, count0(st), "every value is there");
	tv_store_close(st);

	is_int(0, tv_store_open(&st, path("grow2"), dbs, 2, 0, 0),
	    "reopen a grown store");
	ok(tv_store_mapsize(st) > 8u << 20, "reopened at its file size");
	is_int(2560, count0(st), "data intact after reopen");
	tv_store_close(st);
}

static void
t_cap(void)
{
	struct tv_store *st;
	struct fill f = { 0, 64, 4096 };	/* 256 KiB */
	int i, rc = 0;

	tv_store_open(&st, path("cap"), dbs, 2, TV_STORE_CREATE, 2u << 20);
	is_int(0, tv_store_write(st, fill_fn, &f), "256 KiB under a 2 MiB cap");
	f = (struct fill){ 1000, 1024, 4096 };
	is_int(TV_ERR_FULL, tv_store_write(st, fill_fn, &f),
	    "4 MiB in one transaction over a 2 MiB cap -> FULL");
	ok(tv_store_mapsize(st) <= 2u << 20, "the map stayed within the cap");
	f = (struct fill){ 10000, 64, 4096 };
	for (i = 0; i < 16 && rc == 0; i++, f.first += f.n)
		rc = tv_store_write(st, fill_fn, &f);
	is_int(TV_ERR_FULL, rc, "4 MiB in many transactions -> FULL");
	ok(strlen(tv_store_errmsg(st)) > 0, "the failure left a message");
	tv_store_close(st);
	is_int(0, tv_store_open(&st, path("cap"), dbs, 2, 0, 2u << 20),
	    "a full store still opens");
	ok(count0(st) >= 64 && count0(st) < 1024,
	    "earlier data is there, the failed transaction is not");
	tv_store_close(st);
}

/* ---- flags, read-only, other processes -------------------------------- */

static void
t_flags(void)
{
	struct tv_store *st;
	struct kv a = { "k", "v", 0, 99 };
	unsigned fl;

	tv_store_open(&st, path("db"), dbs, 2, 0, 0);
	fl = tv_store_envflags(st);
	ok((fl & (MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP | MDB_MAPASYNC))
	    == 0, "no durability-weakening flag on an open store");
	ok((fl & MDB_RDONLY) == 0, "read-write store");
	tv_store_write(st, put_one, &a);
	tv_store_close(st);
	is_int(0, tv_store_open(&st, path("db"), dbs, 2, TV_STORE_RDONLY, 0),
	    "reopen read-only");
	ok(tv_store_envflags(st) & MDB_RDONLY, "read-only env");
	is_int(0, lookup(st, "k", "v"), "read-only store reads");
	is_int(TV_ERR_PERM, tv_store_write(st, put_one, &a),
	    "write on a read-only store -> PERM");
	tv_store_close(st);
	is_int(TV_ERR_NOTFOUND, tv_store_open(&st, path("db"),
	    (const char *const[]){ "gamma" }, 1, TV_STORE_RDONLY, 0),
	    "read-only open of a missing sub-database -> NOTFOUND");
	is_int(TV_ERR_RANGE, tv_store_open(&st, path("db"), dbs, 2,
	    TV_STORE_RDONLY | TV_STORE_CREATE, 0), "RDONLY|CREATE -> RANGE");
}

/* Another process grows the map while we hold a stale, smaller one. */
static void
t_resized(void)
{
	struct tv_store *st, *c;
	struct fill f = { 0, 1024, 4096 };
	struct kv a = { "after", "resize", 0, 99 };
	pid_t pid;
	int status = -1;

	tv_store_open(&st, path("resize"), dbs, 2, TV_STORE_CREATE, 0);
	if ((pid = fork()) == 0) {
		if (tv_store_open(&c, path("resize"), dbs, 2, 0, 0) != 0 ||
		    tv_store_write(c, fill_fn, &f) != 0)
			_exit(1);
		tv_store_close(c);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	is_int(0, status, "child wrote 4 MiB (and grew the map)");
	is_int(0, tv_store_write(st, put_one, &a),
	    "write after MDB_MAP_RESIZED");
	is_int(0, lookup(st, "after", "resize"), "read after resize");
	is_int(1025, count0(st), "child's data visible (and ours)");
	ok(tv_store_mapsize(st) >= 4u << 20, "adopted the bigger map");
	tv_store_close(st);
}

/* Children take every reader slot, then die without closing: the next
 * reader gets MDB_READERS_FULL, and the store must recover. */
static void
t_readers(void)
{
	struct tv_store *st, *c;
	int go[2], ready[2], i, n = 126, up = 0, fails = 0, status;
	char ch;
	pid_t pids[126];

	tv_store_open(&st, path("db"), dbs, 2, 0, 0);	/* no reader slot yet */
	if (pipe(go) != 0 || pipe(ready) != 0) {
		ok(0, "pipe");
		return;
	}
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == 0) {
			close(go[1]);
			if (tv_store_open(&c, path("db"), dbs, 2,
			    TV_STORE_RDONLY, 0) != 0 || lookup(c, "k", "v") != 0)
				_exit(1);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			while (read(go[0], &ch, 1) < 0 && errno == EINTR)
				;
			_exit(0);	/* slot left behind */
		}
	}
	close(go[0]);
	close(ready[1]);
	for (i = 0; i < n && read(ready[0], &ch, 1) == 1; i++)
		up++;
	close(go[1]);	/* EOF: every child exits */
	for (i = 0; i < n; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] || status != 0)
			fails++;
	close(ready[0]);
	is_int(n, up, "126 readers held a slot at once");
	is_int(0, fails, "every reader exited cleanly");
	is_int(0, lookup(st, "k", "v"), "read after dead readers filled "
	    "every slot");
	tv_store_close(st);
	is_int(0, tv_store_open(&st, path("db"), dbs, 2, TV_STORE_RDONLY, 0),
	    "reopen after dead readers");
	tv_store_close(st);
}

static void
t_keys(void)
{
	uint8_t b[8];

	tv_be64_put(b, 0x0102030405060708ull);
	ok(b[0] == 1 && b[7] == 8, "be64 put is big-endian");
	is_int(0x05060708, tv_be32_get(b + 4), "be32 get");
	ok(tv_be64_get(b) == 0x0102030405060708ull, "be64 round trip");
}

int
main(void)
{
	if (mkdtemp(tmp) == NULL)
		return 2;
	t_basic();
	t_order();
	t_growth();
	t_cap();
	t_flags();
	t_resized();
	t_readers();
	t_keys();
	{
		char cmd[64];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			ok(0, "remove the temp dir");
	}
	return tap_done();
}
