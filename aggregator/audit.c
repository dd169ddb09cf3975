/* SPDX-License-Identifier: MIT */
/*
 * The audit log: appending (inside the caller's transaction or in one of
 * its own), the hooks for ingest and releases, and the chain check shared
 * by 'audit verify' on the store and on an exported file.  Layout and
 * guarantees: audit.h.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/json_hex.h"
#include "release/verdict.h"

/* The log's state for one open server (s->audit): who acts, and the
 * unsigned refusals not written.  serve's connection threads share one
 * server, so the counters are under lock; the names are set before any
 * thread starts and only read after. */
struct audit {
	char actor[AUDIT_ACTOR_MAX + 1];
	char user[AUDIT_ACTOR_MAX + 1];
	pthread_mutex_t lock;
	time_t minute, first, last;	/* this minute; the unlogged ones */
	unsigned written;		/* unsigned refusals this minute */
	uint64_t unlogged;		/* counted, not written yet */
};

static int
name_ok(const char *s)
{
	size_t n = strlen(s), i;
	json_t *j;

	if (n == 0 || n > AUDIT_ACTOR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	if ((j = json_string(s)) == NULL)	/* not UTF-8 */
		return 0;
	json_decref(j);
	return 1;
}

void
audit_actor_set(struct server *s, const char *name)
{
	if (name == NULL)
		return;
	if (!name_ok(name))
		die("--actor: 1 to %d bytes of printable UTF-8 text",
		    AUDIT_ACTOR_MAX);
	snprintf(s->audit->actor, sizeof s->audit->actor, "%s", name);
}

/* The account whose rights are used, and (unless --actor) the person:
 * the login name of the terminal (the person behind sudo), else the
 * account. */
static void
names_init(struct audit *a)
{
	struct passwd *pw;
	char buf[256];

	pw = getpwuid(geteuid());
	if (pw != NULL && name_ok(pw->pw_name))
		snprintf(a->user, sizeof a->user, "%s", pw->pw_name);
	else
		snprintf(a->user, sizeof a->user, "uid %ld", (long)geteuid());
	if (getlogin_r(buf, sizeof buf) == 0 && name_ok(buf))
		snprintf(a->actor, sizeof a->actor, "%.64s", buf);
	else
		snprintf(a->actor, sizeof a->actor, "%s", a->user);
}

struct audit *
audit_new(void)
{
	struct audit *a = xcalloc(1, sizeof *a);
	int rc;

	if ((rc = pthread_mutex_init(&a->lock, NULL)) != 0)
		die("cannot create a lock: %s", strerror(rc));
	names_init(a);
	return a;
}

void
audit_free(struct audit *a)
{
	if (a == NULL)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

json_t *
audit_text(const char *s, size_t n)
{
	char *c = xmalloc(n + 1);
	json_t *j;
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	c[n] = 0;
	if ((j = json_stringn(c, n)) == NULL) {
		for (i = 0; i < n; i++)
			if ((unsigned char)c[i] > 0x7e)
				c[i] = '?';
		j = json_stringn(c, n);
	}
	free(c);
	return j;
}

static json_t *
hex_json(const uint8_t *b, size_t n)
{
	char hex[2 * 64 + 1];

	hex_encode(hex, b, n);
	return json_string(hex);
}

/* The entry's bytes (malloc'd, NUL-terminated). */
static char *
entry_dump(const struct audit *a, uint64_t seq, const char *event,
    json_t *details, const uint8_t prev[32])
{
	char when[32], phex[65], *text;
	struct tm tm;
	time_t now = time(NULL);
	json_t *e;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	hex_encode(phex, prev, 32);
	e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:s}", "seq",
	    (json_int_t)seq, "time", when, "actor", a->actor, "user", a->user,
	    "event", event, "details", details, "prev", phex);
	if (e == NULL)
		return NULL;
	text = json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(e);
	return text;
}

static int
append(struct tv_txn *t, const struct audit *a, uint64_t seq,
    const char *event, json_t *details, uint8_t prev[32])
{
	uint8_t key[8], head[40];
	char *text;
	size_t len;
	int rc;

	if ((text = entry_dump(a, seq, event, details, prev)) == NULL)
		return TV_ERR_NOMEM;
	len = strlen(text);
	tv_be64_put(key, seq);
	rc = len > AUDIT_ENTRY_MAX ? TV_ERR_TOOBIG : tv_txn_put(t, ADB_AUDIT,
	    key, sizeof key, text, len, TV_PUT_NOOVERWRITE);
	if (rc == 0) {
		crypto_generichash(prev, 32, (const uint8_t *)text, len, NULL,
		    0);
		tv_be64_put(head, seq);
		memcpy(head + 8, prev, 32);
		tv_be64_put(key, 0);
		rc = tv_txn_put(t, ADB_AUDIT, key, sizeof key, head,
		    sizeof head, 0);
	}
	free(text);
	/* An entry already there: the head is behind the log (tampering or
	 * corruption).  Never overwrite an entry: fail, and with it what
	 * was to be logged, until 'audit verify' has been looked at. */
	return rc == TV_ERR_EXISTS ? TV_ERR_STORE : rc;
}

int
audit_txn(struct tv_txn *t, const struct server *s, const char *event,
    json_t *details)
{
	uint8_t key[8] = { 0 }, prev[32] = { 0 };
	const void *val;
	size_t vlen;
	uint64_t seq = 0;
	json_t *empty = NULL, *start;
	int rc;

	rc = tv_txn_get(t, ADB_AUDIT, key, sizeof key, &val, &vlen);
	if (rc == 0 && vlen == 40) {
		seq = tv_be64_get(val);
		memcpy(prev, (const uint8_t *)val + 8, 32);
	} else if (rc == 0) {
		return TV_ERR_STORE;	/* a head that is not one */
	} else if (rc != TV_ERR_NOTFOUND) {
		return rc;
	}
	if (seq == 0) {
		/* Entry 1 binds the log to its campaign. */
		start = json_pack("{s:s, s:o}", "campaign",
		    s->c->plan->campaign, "campaign_id",
		    hex_json(s->c->id, 32));
		rc = start ? append(t, s->audit, ++seq, "audit_start", start,
		    prev) : TV_ERR_NOMEM;
		json_decref(start);
		if (rc != 0)
			return rc;
	}
	if (details == NULL && (details = empty = json_object()) == NULL)
		return TV_ERR_NOMEM;
	rc = append(t, s->audit, seq + 1, event, details, prev);
	json_decref(empty);
	return rc;
}

struct event_ctx {
	const struct server *s;
	const char *event;
	json_t *details;
};

static int
event_fn(struct tv_txn *t, void *ctx)
{
	struct event_ctx *e = ctx;

	return audit_txn(t, e->s, e->event, e->details);
}

int
audit_event(struct server *s, const char *event, json_t *details)
{
	struct event_ctx e = { s, event, details };
	int rc;

	if (details == NULL)
		return TV_ERR_NOMEM;
	rc = tv_store_write(s->st, event_fn, &e);
	json_decref(details);
	return rc;
}

/* ---- ingest ------------------------------------------------------------ */

static json_t *
batch_details(struct tv_txn *t, const struct ingest_result *res,
    size_t bytes)
{
	json_t *d = json_object();
	const void *val;
	const char *name;
	size_t vlen, nlen;

	if (d == NULL)
		return NULL;
	json_object_set_new(d, "device", hex_json(res->device, 32));
	if (t != NULL && tv_txn_get(t, ADB_DEVICES, res->device, 32, &val,
	    &vlen) == 0 && device_rec_name(val, vlen, &name, &nlen) == 0 &&
	    nlen > 0)
		json_object_set_new(d, "name", audit_text(name, nlen));
	json_object_set_new(d, "seq", json_integer((json_int_t)res->seq));
	json_object_set_new(d, "hash", hex_json(res->hash, 32));
	json_object_set_new(d, "bytes", json_integer((json_int_t)bytes));
	return d;
}

int
audit_ingest_txn(struct tv_txn *t, const struct server *s,
    const struct ingest_result *res, size_t bytes)
{
	json_t *d = batch_details(t, res, bytes);
	int rc;

	if (d == NULL)
		return TV_ERR_NOMEM;
	json_object_set_new(d, "records", json_integer(res->nrecords));
	if (!res->duplicate)
		json_object_set_new(d, "quarantined",
		    json_integer(res->quarantined));
	rc = audit_txn(t, s, res->duplicate ? "ingest_duplicate" : "ingest",
	    d);
	json_decref(d);
	return rc;
}

static const uint8_t no_device[32];

/* Under a->lock. */
static json_t *
unlogged_take(struct audit *a)
{
	char first[32], last[32];
	struct tm tm;
	json_t *d = NULL;

	if (a->unlogged == 0)
		return NULL;
	strftime(first, sizeof first, "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&a->first, &tm));
	strftime(last, sizeof last, "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&a->last, &tm));
	d = json_pack("{s:I, s:s, s:s}", "count", (json_int_t)a->unlogged,
	    "first", first, "last", last);
	a->unlogged = 0;
	return d;
}

/* 1 if this unsigned refusal may be written; else it is counted.  *sum
 * gets the count of those not written before, when it is time to. */
static int
anon_admit(struct audit *a, json_t **sum)
{
	time_t now = time(NULL);
	int yes;

	pthread_mutex_lock(&a->lock);
	if (now / 60 != a->minute) {
		a->minute = now / 60;
		a->written = 0;
	}
	if ((yes = a->written < AUDIT_ANON_PER_MIN)) {
		a->written++;
		*sum = unlogged_take(a);
	} else {
		if (a->unlogged++ == 0)
			a->first = now;
		a->last = now;
	}
	pthread_mutex_unlock(&a->lock);
	return yes;
}

static void
unlogged_write(struct server *s, json_t *sum)
{
	int rc;

	if (sum != NULL && (rc = audit_event(s, "ingest_refused_unlogged",
	    sum)) != 0)
		warn("the count of refusals not logged was not written to the "
		    "audit log: %s", tv_strerror(rc));
}

void
audit_flush(struct server *s)
{
	json_t *sum;

	pthread_mutex_lock(&s->audit->lock);
	sum = unlogged_take(s->audit);
	pthread_mutex_unlock(&s->audit->lock);
	unlogged_write(s, sum);
}

void
audit_ingest_refused(struct server *s, const struct ingest_result *res,
    size_t bytes)
{
	json_t *d, *sum = NULL;
	int rc;

	if (!res->authentic) {
		if (!anon_admit(s->audit, &sum))
			return;
		unlogged_write(s, sum);
	}

	/* An envelope that did not even parse names no device or batch. */
	if (sodium_memcmp(res->device, no_device, 32) == 0) {
		d = json_pack("{s:o, s:I}", "hash", hex_json(res->hash, 32),
		    "bytes", (json_int_t)bytes);
	} else {
		d = batch_details(NULL, res, bytes);
		if (d != NULL && res->nrecords > 0)
			json_object_set_new(d, "records",
			    json_integer(res->nrecords));
	}
	if (d != NULL) {
		json_object_set_new(d, "error", json_string(tv_strerror(
		    res->rc)));
		json_object_set_new(d, "reason", json_string(res->why));
	}
	if ((rc = audit_event(s, "ingest_refused", d)) != 0)
		warn("the refusal was not written to the audit log: %s",
		    tv_strerror(rc));
}

/* ---- releases ---------------------------------------------------------- */


int
audit_release_request(struct server *s, const char *path, int32_t as_of,
    uint32_t ncells, uint64_t nbatches, uint32_t ndevices)
{
	uint8_t h[32];
	uint64_t size;
	char day[11];
	json_t *d;
	int rc;

	if ((rc = file_hash(path, h, &size)) != 0)
		return error("cannot hash '%s' for the audit log: %s", path,
		    tv_strerror(rc));
	tv_day_format(day, as_of);
	d = json_pack("{s:o, s:I, s:s, s:i, s:I, s:i}", "request",
	    hex_json(h, 32), "bytes", (json_int_t)size, "as_of", day, "cells",
	    (int)ncells, "batches", (json_int_t)nbatches, "devices",
	    (int)ndevices);
	if ((rc = audit_event(s, "release_request", d)) != 0)
		return error("the release request was not written to the "
		    "audit log: %s", tv_strerror(rc));
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, sorted by name; *n of them (malloc'd). */
static char **
dir_files(const char *dir, size_t *n)
{
	char **names = NULL, path[4096];
	struct dirent *de;
	struct stat sb;
	size_t cap = 0;
	DIR *dp;

	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL) {
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((names = realloc(names, cap * sizeof *names)) ==
			    NULL)
				die("out of memory");
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (*n > 0)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

/* Release directory hash = BLAKE2b-256("tallyvan/release-dir/v1" NUL ||
 * for each regular file, by name: u32le len(name) || name || BLAKE2b-256
 * of its bytes); files maps each name to its own hash. */
static int
dir_hash(const char *dir, uint8_t h[32], json_t *files)
{
	static const char label[] = "tallyvan/release-dir/v1";
	crypto_generichash_state st;
	char **names, path[4096];
	uint8_t fh[32], len[4];
	uint64_t size;
	size_t n, i, l;
	int rc = 0;

	if ((names = dir_files(dir, &n)) == NULL)
		return TV_ERR_NOTFOUND;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (rc == 0 && (rc = file_hash(path, fh, &size)) == 0) {
			l = strlen(names[i]);
			len[0] = (uint8_t)l;
			len[1] = (uint8_t)(l >> 8);
			len[2] = (uint8_t)(l >> 16);
			len[3] = (uint8_t)(l >> 24);
			crypto_generichash_update(&st, len, 4);
			crypto_generichash_update(&st, (uint8_t *)names[i], l);
			crypto_generichash_update(&st, fh, 32);
			json_object_set_new(files, names[i], hex_json(fh, 32));
		}
		free(names[i]);
	}
	free(names);
	crypto_generichash_final(&st, h, 32);
	return rc;
}

/* Cells by status and the trustees of the partials, as release.json
 * says them (struct audit_release). */
static void
release_summary(const struct audit_release *r, json_t *d)
{
	json_t *tr;
	size_t i;

	json_object_set_new(d, "cells", json_integer((json_int_t)r->cells));
	for (i = 0; i < 3; i++)
		json_object_set_new(d, tv_status_name(i), json_integer(
		    (json_int_t)r->status[i]));
	tr = json_array();
	for (i = 1; i < 64; i++)
		if (r->trustees & (uint64_t)1 << i)
			json_array_append_new(tr, json_integer((json_int_t)i));
	json_object_set_new(d, "trustees", tr);
	json_object_set_new(d, "as_of", json_string(r->as_of));
}

int
audit_release_hash(const char *dir, uint8_t h[32])
{
	json_t *files = json_object();
	int rc = files != NULL ? dir_hash(dir, h, files) : TV_ERR_NOMEM;

	json_decref(files);
	return rc;
}

struct publish_ctx {
	const struct server *s;
	json_t *details;
	char hex[65];		/* the release directory's hash */
	int found;
};

/* Does buf hold the n bytes of s?  (memmem is a GNU extension.) */
static int
holds(const void *buf, size_t len, const char *s, size_t n)
{
	const char *b = buf;
	size_t i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (b[i] == s[0] && memcmp(b + i, s, n) == 0)
			return 1;
	return 0;
}

/* A "publish" entry for this very release (same directory hash)? */
static int
published_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct publish_ctx *p = ctx;
	const char *ev, *rel;
	json_t *e;

	if (klen != 8 || tv_be64_get(key) == 0 ||
	    !holds(val, vlen, p->hex, 64) ||
	    (e = json_loadb(val, vlen, 0, NULL)) == NULL)
		return 0;
	ev = json_string_value(json_object_get(e, "event"));
	rel = json_string_value(json_object_get(json_object_get(e,
	    "details"), "release"));
	p->found |= ev != NULL && !strcmp(ev, "publish") && rel != NULL &&
	    !strcmp(rel, p->hex);
	json_decref(e);
	return 0;
}

/* Look and append in one transaction, so that two runs cannot both
 * append; a rerun after a crash finds the entry its first run wrote. */
static int
publish_fn(struct tv_txn *t, void *ctx)
{
	struct publish_ctx *p = ctx;
	int rc;

	p->found = 0;		/* run again after a map resize */
	if ((rc = tv_txn_foreach(t, ADB_AUDIT, NULL, 0, published_cb, p)) != 0)
		return rc;
	return p->found ? 0 : audit_txn(t, p->s, "publish", p->details);
}

int
audit_publish(struct server *s, const char *dir,
    const struct audit_release *r, int *already)
{
	json_t *d = json_object(), *files = json_object(), *req;
	struct publish_ctx p;
	uint8_t h[32];
	int rc;

	if (d == NULL || files == NULL)
		die("out of memory");
	if ((rc = dir_hash(dir, h, files)) != 0) {
		json_decref(d);
		json_decref(files);
		return error("cannot hash the release '%s' for the audit log: "
		    "%s", dir, tv_strerror(rc));
	}
	json_object_set_new(d, "release", hex_json(h, 32));
	if ((req = json_object_get(files, "request.tvr")) != NULL)
		json_object_set(d, "request", req);
	release_summary(r, d);
	json_object_set_new(d, "files", files);
	p.s = s;
	p.details = d;
	hex_encode(p.hex, h, 32);
	rc = tv_store_write(s->st, publish_fn, &p);
	json_decref(d);
	if (rc != 0)
		return error("the release was not written to the audit log: %s",
		    tv_strerror(rc));
	if (already != NULL)
		*already = p.found;
	return 0;
}

/* ---- verification ------------------------------------------------------ */

void
audit_walk_init(struct audit_walk *w)
{
	memset(w, 0, sizeof *w);
}

static int
walk_bad(struct audit_walk *w, uint64_t seq, const char *fmt, ...)
    PRINTF(3, 4);

static int
walk_bad(struct audit_walk *w, uint64_t seq, const char *fmt, ...)
{
	va_list ap;

	w->bad = seq;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof w->why, fmt, ap);
	va_end(ap);
	return 1;
}

static int
fields_ok(json_t *e)
{
	return json_is_string(json_object_get(e, "time")) &&
	    json_is_string(json_object_get(e, "actor")) &&
	    json_is_string(json_object_get(e, "event")) &&
	    json_is_object(json_object_get(e, "details"));
}

int
audit_walk_entry(struct audit_walk *w, uint64_t pos, const uint8_t *buf,
    size_t len)
{
	uint64_t want = w->n + 1;
	uint8_t prev[32];
	const char *ph, *ev;
	json_error_t jerr;
	json_int_t seq;
	json_t *e;
	int bad = 0;

	if (pos != want)
		return walk_bad(w, want, "entry %llu is missing (the next one "
		    "is %llu): entries were removed", (unsigned long long)want,
		    (unsigned long long)pos);
	if (len == 0 || len > AUDIT_ENTRY_MAX || (e = json_loadb((const char *)
	    buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return walk_bad(w, want, "entry %llu is not a valid entry",
		    (unsigned long long)want);
	seq = json_integer_value(json_object_get(e, "seq"));
	ph = json_string_value(json_object_get(e, "prev"));
	ev = json_string_value(json_object_get(e, "event"));
	if (!json_is_integer(json_object_get(e, "seq")) || seq <= 0)
		bad = walk_bad(w, want, "entry %llu has no valid seq",
		    (unsigned long long)want);
	else if ((uint64_t)seq != want)
		bad = walk_bad(w, want, "position %llu holds entry %lld: "
		    "entries were removed or reordered",
		    (unsigned long long)want, (long long)seq);
	else if (ph == NULL || hex_decode(prev, 32, ph) != 0 || !fields_ok(e))
		bad = walk_bad(w, want, "entry %llu is malformed",
		    (unsigned long long)want);
	else if (sodium_memcmp(prev, w->prev, 32) != 0)
		bad = want == 1 ? walk_bad(w, 1, "entry 1 does not start the "
		    "chain (its prev is not zero)") : walk_bad(w, want - 1,
		    "entry %llu does not match the hash recorded in entry "
		    "%llu: entry %llu was modified (or entry %llu altered)",
		    (unsigned long long)(want - 1), (unsigned long long)want,
		    (unsigned long long)(want - 1), (unsigned long long)want);
	else if (want == 1 && strcmp(ev, "audit_start") != 0)
		bad = walk_bad(w, 1, "entry 1 is not audit_start");
	json_decref(e);
	if (bad)
		return 1;
	crypto_generichash(w->prev, 32, buf, len, NULL, 0);
	w->n = want;
	if (w->anchor_seq == want) {
		w->anchor_seen = 1;
		if (sodium_memcmp(w->prev, w->anchor, 32) != 0)
			return walk_bad(w, want, "entry %llu does not match "
			    "the anchor: the log was rewritten",
			    (unsigned long long)want);
	}
	return 0;
}

int
audit_walk_end(struct audit_walk *w)
{
	if (w->anchor_seq != 0 && !w->anchor_seen)
		return walk_bad(w, w->n + 1, "the log ends at entry %llu, "
		    "before the anchor (entry %llu): entries were removed",
		    (unsigned long long)w->n,
		    (unsigned long long)w->anchor_seq);
	return 0;
}

void
audit_device_refused(struct server *s, const char *event,
    const uint8_t device[32], const char *why)
{
	char hex[65];

	hex_encode(hex, device, 32);
	if (audit_event(s, event, json_pack("{s:s, s:s}", "device", hex,
	    "reason", why)) != 0)
		warn("the refusal was not written to the audit log");
}
