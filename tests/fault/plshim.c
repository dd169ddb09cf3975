/* SPDX-License-Identifier: MIT */
/*
 * plshim.c - an LD_PRELOAD shim for the fault battery (docs/testing.md).
 *
 * 1. Simulated power loss (the SQLite crash-test method).  For every file
 *    under PLC_DIR, the shim keeps the pre-image of each 512-byte sector
 *    written since the file was last made durable (fsync/fdatasync of any
 *    descriptor of that file; a write through an O_DSYNC/O_SYNC descriptor
 *    is durable at once).  At the PLC_CRASH_AT-th tracked I/O call (a
 *    write or a sync, counted from 1) it "loses power": each unsynced
 *    sector gets its pre-image back with probability 1/2, an unsynced
 *    extension of the file is cut off with probability 1/2, stdout is
 *    flushed (whatever was printed was printed after its commit) and the
 *    process _exits with PLC_EXIT (default 77).  PLC_SEED seeds the coin.
 *    Writes through a shared mmap are invisible here: that is one reason
 *    MDB_WRITEMAP is refused (3).
 * 2. Deterministic I/O errors: PLC_FAIL_AT=k fails the k-th tracked call
 *    of kind PLC_FAIL_KIND (write, sync or any; default any) with EIO
 *    without doing it, and with PLC_FAIL_PERSIST=1 every later one too.
 * 3. A durability guard (on unless PLC_GUARD=0): mdb_env_open() or
 *    mdb_env_set_flags() with MDB_NOSYNC, MDB_NOMETASYNC, MDB_WRITEMAP or
 *    MDB_MAPASYNC is refused: a message and _exit(98).  PLC_ENVLOG names
 *    a file that gets one line per environment opened.
 * PLC_COUNT names a file that gets the number of tracked I/O calls at
 * exit, so that a harness knows the range to draw crash points from.
 *
 * Lock files (*lock.mdb) are not tracked: LMDB rebuilds them.  Directory
 * operations (rename, unlink) are not modelled.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lmdb.h>

#define SECTOR 512
#define MAXFD 1024
#define MAXINO 16
#define FORBIDDEN (MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP | MDB_MAPASYNC)

struct ino {
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
	off_t synced_size;	/* size known to be durable */
};

struct pre {
	int ino;		/* index into inos */
	off_t sector;
	uint8_t old[SECTOR];
};

static struct {
	pthread_mutex_t lock;
	int init;
	char dir[PATH_MAX];
	size_t dirlen;
	long crash_at, fail_at, calls, kind_calls;
	int fail_kind;		/* 0 any, 1 write, 2 sync */
	int fail_persist, exit_code, guard;
	uint64_t rng;
	const char *count_file, *envlog;
	int fd_ino[MAXFD];	/* -1: untracked */
	int fd_dsync[MAXFD];
	struct ino inos[MAXINO];
	int ninos;
	struct pre *pre;
	size_t npre, cappre;
	size_t *hash;		/* index+1 into pre, open addressing */
	size_t caphash;
} S = { .lock = PTHREAD_MUTEX_INITIALIZER };

enum { K_WRITE = 1, K_SYNC = 2 };

static ssize_t (*r_write)(int, const void *, size_t);
static ssize_t (*r_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*r_writev)(int, const struct iovec *, int);
static int (*r_open)(const char *, int, ...);
static int (*r_open64)(const char *, int, ...);
static int (*r_openat)(int, const char *, int, ...);
static int (*r_close)(int);
static int (*r_fsync)(int);
static int (*r_fdatasync)(int);
static int (*r_ftruncate)(int, off_t);
static int (*r_env_open)(MDB_env *, const char *, unsigned, mdb_mode_t);
static int (*r_env_set_flags)(MDB_env *, unsigned, int);

static void
resolve(void)
{
	r_write = dlsym(RTLD_NEXT, "write");
	r_pwrite = dlsym(RTLD_NEXT, "pwrite");
	r_writev = dlsym(RTLD_NEXT, "writev");
	r_open = dlsym(RTLD_NEXT, "open");
	r_open64 = dlsym(RTLD_NEXT, "open64");
	r_openat = dlsym(RTLD_NEXT, "openat");
	r_close = dlsym(RTLD_NEXT, "close");
	r_fsync = dlsym(RTLD_NEXT, "fsync");
	r_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	r_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
	r_env_open = dlsym(RTLD_NEXT, "mdb_env_open");
	r_env_set_flags = dlsym(RTLD_NEXT, "mdb_env_set_flags");
}

static long
env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v != NULL && *v != 0 ? strtol(v, NULL, 10) : def;
}

static void
say(const char *msg)
{
	if (r_write != NULL)
		(void)!r_write(2, msg, strlen(msg));
}

static void write_count(void);

static void
init(void)
{
	const char *d, *k;
	int i;

	if (S.init)
		return;
	S.init = 1;
	resolve();
	for (i = 0; i < MAXFD; i++)
		S.fd_ino[i] = -1;
	if ((d = getenv("PLC_DIR")) != NULL && *d != 0 &&
	    realpath(d, S.dir) != NULL)
		S.dirlen = strlen(S.dir);
	else if (d != NULL && *d != 0) {
		/* Not there yet: take it as given (must be absolute). */
		snprintf(S.dir, sizeof S.dir, "%s", d);
		S.dirlen = strlen(S.dir);
	}
	S.crash_at = env_long("PLC_CRASH_AT", 0);
	S.fail_at = env_long("PLC_FAIL_AT", 0);
	S.fail_persist = (int)env_long("PLC_FAIL_PERSIST", 0);
	S.exit_code = (int)env_long("PLC_EXIT", 77);
	S.guard = (int)env_long("PLC_GUARD", 1);
	S.rng = (uint64_t)env_long("PLC_SEED", 1) * 0x9e3779b97f4a7c15ull + 1;
	k = getenv("PLC_FAIL_KIND");
	S.fail_kind = k == NULL ? 0 : !strcmp(k, "write") ? K_WRITE :
	    !strcmp(k, "sync") ? K_SYNC : 0;
	S.count_file = getenv("PLC_COUNT");
	S.envlog = getenv("PLC_ENVLOG");
	if (S.count_file != NULL)
		atexit(write_count);
}

static void
write_count(void)
{
	char buf[32];
	int fd, n;

	if ((fd = r_open(S.count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return;
	n = snprintf(buf, sizeof buf, "%ld\n", S.calls);
	(void)!r_write(fd, buf, (size_t)n);
	r_close(fd);
}

static uint64_t
coin(void)
{
	S.rng ^= S.rng << 13;
	S.rng ^= S.rng >> 7;
	S.rng ^= S.rng << 17;
	return S.rng;
}

/* ---- tracking ---------------------------------------------------------- */

static int
tracked_path(const char *abs)
{
	size_t n = strlen(abs);

	if (S.dirlen == 0 || strncmp(abs, S.dir, S.dirlen) != 0 ||
	    (abs[S.dirlen] != '/' && abs[S.dirlen] != 0))
		return 0;
	return !(n >= 8 && strcmp(abs + n - 8, "lock.mdb") == 0);
}

static void
track(int fd, int flags)
{
	char link[64], abs[PATH_MAX];
	struct stat sb;
	ssize_t n;
	int i;

	if (fd < 0 || fd >= MAXFD)
		return;
	S.fd_ino[fd] = -1;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, abs, sizeof abs - 1)) <= 0)
		return;
	abs[n] = 0;
	if (!tracked_path(abs) || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	for (i = 0; i < S.ninos; i++)
		if (S.inos[i].dev == sb.st_dev && S.inos[i].ino == sb.st_ino)
			break;
	if (i == S.ninos) {
		if (S.ninos == MAXINO)
			return;
		S.inos[i].dev = sb.st_dev;
		S.inos[i].ino = sb.st_ino;
		snprintf(S.inos[i].path, sizeof S.inos[i].path, "%s", abs);
		S.inos[i].synced_size = sb.st_size;
		S.ninos++;
	}
	S.fd_ino[fd] = i;
	S.fd_dsync[fd] = (flags & (O_DSYNC | O_SYNC)) != 0;
}

static size_t
slot(int ino, off_t sector)
{
	uint64_t h = ((uint64_t)sector * 0x9e3779b97f4a7c15ull) ^ (uint64_t)ino;

	return (size_t)(h % S.caphash);
}

static void
hash_rebuild(void)
{
	size_t i, j;

	free(S.hash);
	S.caphash = S.caphash ? S.caphash * 2 : 4096;
	S.hash = calloc(S.caphash, sizeof *S.hash);
	if (S.hash == NULL)
		abort();
	for (i = 0; i < S.npre; i++) {
		for (j = slot(S.pre[i].ino, S.pre[i].sector); S.hash[j] != 0;
		    j = (j + 1) % S.caphash)
			;
		S.hash[j] = i + 1;
	}
}

static struct pre *
pre_find(int ino, off_t sector, size_t **where)
{
	size_t j;

	if (S.caphash == 0)
		hash_rebuild();
	for (j = slot(ino, sector); S.hash[j] != 0; j = (j + 1) % S.caphash) {
		struct pre *p = &S.pre[S.hash[j] - 1];

		if (p->ino == ino && p->sector == sector)
			return p;
	}
	*where = &S.hash[j];
	return NULL;
}

/* Remember the durable content of every sector of [off, off+len). */
static void
remember(int fd, off_t off, size_t len)
{
	int ino = S.fd_ino[fd], rfd;
	off_t s, last;
	size_t *where;
	struct pre *p;
	ssize_t n;

	if (len == 0)
		return;
	rfd = r_open(S.inos[ino].path, O_RDONLY);
	last = (off + (off_t)len - 1) / SECTOR;
	for (s = off / SECTOR; s <= last; s++) {
		if (pre_find(ino, s, &where) != NULL)
			continue;
		if (S.npre == S.cappre) {
			S.cappre = S.cappre ? 2 * S.cappre : 1024;
			S.pre = realloc(S.pre, S.cappre * sizeof *S.pre);
			if (S.pre == NULL)
				abort();
		}
		p = &S.pre[S.npre];
		p->ino = ino;
		p->sector = s;
		memset(p->old, 0, SECTOR);
		n = rfd >= 0 ? pread(rfd, p->old, SECTOR, s * SECTOR) : 0;
		(void)n;
		S.npre++;
		*where = S.npre;
		if (2 * S.npre > S.caphash)
			hash_rebuild();
	}
	if (rfd >= 0)
		r_close(rfd);
}

/* [off, off+len) of ino is durable now: forget those pre-images. */
static void
forget(int ino, off_t off, size_t len, int all)
{
	size_t i, k = 0;
	off_t first = off / SECTOR, last = (off + (off_t)len - 1) / SECTOR;

	for (i = 0; i < S.npre; i++) {
		struct pre *p = &S.pre[i];

		if (p->ino == ino && (all || (len != 0 && p->sector >= first &&
		    p->sector <= last)))
			continue;
		S.pre[k++] = *p;
	}
	if (k != S.npre) {
		S.npre = k;
		S.caphash /= 2;
		hash_rebuild();
	}
}

static off_t
cur_size(int ino)
{
	struct stat sb;

	return stat(S.inos[ino].path, &sb) == 0 ? sb.st_size : 0;
}

/* ---- the power cut and the injected errors ---------------------------- */

static void
power_loss(void)
{
	size_t i, reverted = 0;
	int i2, fd;
	char msg[160];

	for (i = 0; i < S.npre; i++) {
		if (coin() & 1)
			continue;
		fd = r_open(S.inos[S.pre[i].ino].path, O_WRONLY);
		if (fd >= 0) {
			(void)!r_pwrite(fd, S.pre[i].old, SECTOR,
			    S.pre[i].sector * SECTOR);
			r_close(fd);
			reverted++;
		}
	}
	for (i2 = 0; i2 < S.ninos; i2++)
		if (cur_size(i2) > S.inos[i2].synced_size && (coin() & 1))
			truncate(S.inos[i2].path, S.inos[i2].synced_size);
	fflush(stdout);
	snprintf(msg, sizeof msg, "plshim: power loss at I/O call %ld: %zu of "
	    "%zu unsynced sectors reverted\n", S.calls, reverted, S.npre);
	say(msg);
	_exit(S.exit_code);
}

/* Count one tracked call; 1 if it must fail with EIO. */
static int
io_call(int kind)
{
	S.calls++;
	if (S.crash_at > 0 && S.calls == S.crash_at)
		power_loss();
	if (S.fail_at > 0 && (S.fail_kind == 0 || S.fail_kind == kind)) {
		S.kind_calls++;
		if (S.kind_calls == S.fail_at ||
		    (S.fail_persist && S.kind_calls > S.fail_at))
			return 1;
	}
	return 0;
}

static int
is_tracked(int fd)
{
	return fd >= 0 && fd < MAXFD && S.fd_ino[fd] >= 0;
}

/* Before a write of len bytes at off through fd. */
static int
before_write(int fd, off_t off, size_t len)
{
	if (io_call(K_WRITE)) {
		errno = EIO;
		return -1;
	}
	if (!S.fd_dsync[fd])
		remember(fd, off, len);
	return 0;
}

static void
after_write(int fd, off_t off, ssize_t n)
{
	int ino = S.fd_ino[fd];

	if (n <= 0 || !S.fd_dsync[fd])
		return;
	forget(ino, off, (size_t)n, 0);
	if (off + n > S.inos[ino].synced_size)
		S.inos[ino].synced_size = off + n;
}

/* ---- the wrappers ------------------------------------------------------ */

#define ENTER() do { pthread_mutex_lock(&S.lock); init(); } while (0)
#define LEAVE() pthread_mutex_unlock(&S.lock)

static int
open_common(int fd, int flags)
{
	int e = errno;

	if (fd >= 0)
		track(fd, flags);
	errno = e;
	return fd;
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	ENTER();
	fd = open_common(r_open(path, flags, mode), flags);
	LEAVE();
	return fd;
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	ENTER();
	fd = open_common((r_open64 ? r_open64 : r_open)(path, flags, mode),
	    flags);
	LEAVE();
	return fd;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	ENTER();
	fd = open_common(r_openat(dirfd, path, flags, mode), flags);
	LEAVE();
	return fd;
}

int
close(int fd)
{
	int rc;

	ENTER();
	if (fd >= 0 && fd < MAXFD)
		S.fd_ino[fd] = -1;
	rc = r_close(fd);
	LEAVE();
	return rc;
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	ENTER();
	if (!is_tracked(fd)) {
		LEAVE();
		return r_pwrite(fd, buf, len, off);
	}
	if (before_write(fd, off, len) != 0) {
		LEAVE();
		return -1;
	}
	n = r_pwrite(fd, buf, len, off);
	after_write(fd, off, n);
	LEAVE();
	return n;
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t n;
	off_t off;

	if (!S.init || !is_tracked(fd)) {
		if (r_write == NULL)
			resolve();
		return r_write(fd, buf, len);
	}
	ENTER();
	off = lseek(fd, 0, SEEK_CUR);
	if (before_write(fd, off, len) != 0) {
		LEAVE();
		return -1;
	}
	n = r_write(fd, buf, len);
	after_write(fd, off, n);
	LEAVE();
	return n;
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	size_t len = 0;
	ssize_t n;
	off_t off;
	int i;

	ENTER();
	if (!is_tracked(fd)) {
		LEAVE();
		return r_writev(fd, iov, cnt);
	}
	for (i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	off = lseek(fd, 0, SEEK_CUR);
	if (before_write(fd, off, len) != 0) {
		LEAVE();
		return -1;
	}
	n = r_writev(fd, iov, cnt);
	after_write(fd, off, n);
	LEAVE();
	return n;
}

static int
do_sync(int fd, int (*real)(int))
{
	int rc, ino;

	ENTER();
	if (!is_tracked(fd)) {
		LEAVE();
		return real(fd);
	}
	if (io_call(K_SYNC)) {
		LEAVE();
		errno = EIO;
		return -1;
	}
	rc = real(fd);
	if (rc == 0) {
		ino = S.fd_ino[fd];
		forget(ino, 0, 0, 1);
		S.inos[ino].synced_size = cur_size(ino);
	}
	LEAVE();
	return rc;
}

int
fsync(int fd)
{
	if (r_fsync == NULL)
		resolve();
	return do_sync(fd, r_fsync);
}

int
fdatasync(int fd)
{
	if (r_fdatasync == NULL)
		resolve();
	return do_sync(fd, r_fdatasync);
}

int
ftruncate(int fd, off_t len)
{
	int rc;

	ENTER();
	if (is_tracked(fd)) {
		/* Shrinking is not modelled; growing leaves zeros, as after
		 * a power loss. */
		if (io_call(K_WRITE)) {
			LEAVE();
			errno = EIO;
			return -1;
		}
	}
	rc = r_ftruncate(fd, len);
	LEAVE();
	return rc;
}

/* ---- the durability guard --------------------------------------------- */

static void
guard(const char *what, const char *path, unsigned flags)
{
	char msg[PATH_MAX + 200];
	FILE *f;

	if (S.envlog != NULL && (f = fopen(S.envlog, "a")) != NULL) {
		fprintf(f, "%s %s flags 0x%x\n", what, path, flags);
		fclose(f);
	}
	if (!S.guard || (flags & FORBIDDEN) == 0)
		return;
	snprintf(msg, sizeof msg, "plshim: refused: %s(%s) with flags 0x%x: "
	    "MDB_NOSYNC, MDB_NOMETASYNC, MDB_WRITEMAP and MDB_MAPASYNC "
	    "break durability\n", what, path, flags);
	say(msg);
	_exit(98);
}

int
mdb_env_open(MDB_env *env, const char *path, unsigned flags,
    mdb_mode_t mode)
{
	pthread_mutex_lock(&S.lock);
	init();
	pthread_mutex_unlock(&S.lock);
	guard("mdb_env_open", path, flags);
	return r_env_open(env, path, flags, mode);
}

int
mdb_env_set_flags(MDB_env *env, unsigned flags, int onoff)
{
	pthread_mutex_lock(&S.lock);
	init();
	pthread_mutex_unlock(&S.lock);
	if (onoff)
		guard("mdb_env_set_flags", "-", flags);
	return r_env_set_flags(env, flags, onoff);
}
