/* SPDX-License-Identifier: MIT */
/*
 * http.c - libmicrohttpd glue for POST /v1/batches and GET /v1/health
 * (contract in http.h).
 *
 * The access handler is called once with the headers, once per piece of
 * body, and once at the end.  The size decision is made on the first call
 * from Content-Length: answering then makes libmicrohttpd shut the read
 * side, so an oversized body is never read.  A chunked body has no length:
 * it is counted as it streams and the connection is dropped past the cap
 * (libmicrohttpd 0.9.75 cannot queue an answer in the middle of a body).
 *
 * Memory is reserved from the shared budget as the body arrives, never
 * for what a client only announces: a client that declares 8 MiB and
 * sends a byte now and then holds 64 KiB, not 8 MiB.  Time is bounded by
 * a sweeper thread rather than by libmicrohttpd's idle timeout, which
 * every byte resets: the request header must be complete within
 * `timeout` seconds of the connection (or of the previous request on it),
 * and a body must then average min_rate bytes a second after a grace of
 * `timeout` seconds.  A connection past its deadline is shut down (the
 * socket, so that libmicrohttpd closes it in its own thread).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "aggregator/http.h"
#include "common/util.h"
#include "crypto/err.h"

#define HEADER_MEMORY (32u << 10)	/* per connection: request line and
					   headers must fit */
#define BODY_FIRST (64u << 10)		/* first buffer of a body */
#define SWEEP_MS 200			/* deadline checks */

enum req_kind { REQ_BATCH, REQ_HEALTH };
enum req_state { REQ_RECEIVING, REQ_QUEUED, REQ_STORED };

/* One TCP connection, for the sweeper (on h->conns, under conns_lock).
 * Times in ms since the daemon's epoch; phase_at 0: no deadline now (a
 * batch is being stored, or its answer sent). */
struct conn {
	MHD_socket fd;
	atomic_llong phase_at;	/* header phase began at */
	atomic_llong body_at;	/* body phase began at (0: header phase) */
	atomic_size_t got;	/* body bytes in this request */
	int shut;		/* the sweeper closed it */
	struct conn *prev, *next;
};

struct req {
	enum req_kind kind;
	enum req_state state;
	int chunked;		/* no Content-Length */
	size_t want;		/* Content-Length (0 if chunked) */
	struct conn *cn;
	uint8_t *buf;
	size_t len, cap;	/* cap: allocated and reserved */
	struct MHD_Connection *conn;	/* suspended while queued */
	struct ingest_result res;	/* once stored */
	struct req *next;		/* in the queue */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

/* Past its deadline?  See the comment at the top. */
static int
conn_late(const struct http *h, const struct conn *cn, long long now)
{
	long long grace = (long long)h->conf->timeout * 1000;
	long long body_at = atomic_load(&cn->body_at);
	long long phase_at = atomic_load(&cn->phase_at);
	long long owed;

	if (body_at != 0) {
		owed = (now - body_at - grace) * (long long)h->conf->min_rate /
		    1000;
		return owed > 0 && (long long)atomic_load(&cn->got) < owed;
	}
	return phase_at != 0 && now - phase_at > grace;
}

static void *
sweeper(void *arg)
{
	struct http *h = arg;
	struct timespec until;
	struct conn *cn;
	long long now;
	unsigned shut;

	pthread_mutex_lock(&h->conns_lock);
	while (!h->sweep_stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += SWEEP_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&h->sweep_wake, &h->conns_lock, &until);
		now = now_ms();
		shut = 0;
		for (cn = h->conns; cn != NULL; cn = cn->next)
			if (!cn->shut && conn_late(h, cn, now)) {
				/* The fd is still open: libmicrohttpd closes it
				 * only after conn_notify(CLOSED), which waits
				 * for this lock. */
				shutdown(cn->fd, SHUT_RDWR);
				cn->shut = 1;
				shut++;
			}
		if (shut > 0)
			atomic_fetch_add(&h->too_slow, shut);
	}
	pthread_mutex_unlock(&h->conns_lock);
	return NULL;
}

static void
conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http *h = cls;
	const union MHD_ConnectionInfo *info;
	struct conn *cn = *socket_context;

	pthread_mutex_lock(&h->conns_lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED &&
	    (info = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL &&
	    (cn = calloc(1, sizeof *cn)) != NULL) {
		cn->fd = info->connect_fd;
		atomic_store(&cn->phase_at, now_ms());
		if ((cn->next = h->conns) != NULL)
			cn->next->prev = cn;
		h->conns = cn;
		*socket_context = cn;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && cn != NULL) {
		if (cn->prev != NULL)
			cn->prev->next = cn->next;
		else
			h->conns = cn->next;
		if (cn->next != NULL)
			cn->next->prev = cn->prev;
		free(cn);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&h->conns_lock);
}

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info;

	info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info != NULL ? info->socket_context : NULL;
}

/* Take n bytes from the buffer budget, or fail: 0 or -1. */
static int
budget_take(struct http *h, size_t n)
{
	size_t cur = atomic_load(&h->buffered);

	do {
		if (cur > h->conf->buffer_max || n > h->conf->buffer_max - cur)
			return -1;
	} while (!atomic_compare_exchange_weak(&h->buffered, &cur, cur + n));
	return 0;
}

static void
req_free(struct http *h, struct req *r)
{
	atomic_fetch_sub(&h->buffered, r->cap);
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}

static enum MHD_Result
respond(struct MHD_Connection *c, unsigned status, const char *body,
    const char *hname, const char *hval)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	if (hname != NULL)
		MHD_add_response_header(resp, hname, hval);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* {"error":WHAT,"detail":DETAIL}, DETAIL made JSON- and log-safe. */
static enum MHD_Result
respond_error(struct MHD_Connection *c, unsigned status, const char *what,
    const char *detail, const char *hname, const char *hval)
{
	char body[512], safe[200];
	size_t i;

	for (i = 0; detail[i] != 0 && i < sizeof safe - 1; i++)
		safe[i] = (detail[i] < 0x20 || detail[i] > 0x7e ||
		    detail[i] == '"' || detail[i] == '\\') ? '?' : detail[i];
	safe[i] = 0;
	snprintf(body, sizeof body, "{\"error\":\"%s\",\"detail\":\"%s\"}\n",
	    what, safe);
	return respond(c, status, body, hname, hval);
}

/* Content-Length as a number; -1 if absent, -2 if not a number. */
static long long
content_length(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n = 0;

	if (v == NULL)
		return -1;
	if (*v < '0' || *v > '9')
		return -2;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > (unsigned long long)LLONG_MAX / 10 - 1)
			return (long long)LLONG_MAX;
		n = n * 10 + (unsigned)(*v - '0');
	}
	return *v == 0 ? (long long)n : -2;
}

/* Headers of a POST /v1/batches: the size decision, before any body. */
static enum MHD_Result
batch_begin(struct http *h, struct MHD_Connection *c, struct req *r)
{
	long long n = content_length(c);
	char why[96];

	r->kind = REQ_BATCH;
	if (n == -2)
		return respond_error(c, 400, "malformed",
		    "bad Content-Length", NULL, NULL);
	if (n == -1) {
		r->chunked = 1;
		return MHD_YES;
	}
	r->want = (size_t)n;
	if ((unsigned long long)n > h->conf->body_max) {
		snprintf(why, sizeof why, "body of %lld bytes over the "
		    "%zu-byte cap", n, h->conf->body_max);
		note("refused: %s (413, nothing read)", why);
		return respond_error(c, 413, "too large", why, NULL, NULL);
	}
	/* Nothing is reserved yet (body_grow, as bytes come), but an upload
	 * that could not finish now is told to come back at once. */
	if ((size_t)n > h->conf->buffer_max - atomic_load(&h->buffered) &&
	    atomic_load(&h->buffered) <= h->conf->buffer_max) {
		note("busy: %zu body bytes buffered, %lld more refused (503)",
		    (size_t)atomic_load(&h->buffered), n);
		return respond_error(c, 503, "busy", "too many uploads at "
		    "once", MHD_HTTP_HEADER_RETRY_AFTER, "2");
	}
	return MHD_YES;
}

/* Grow a body's buffer, and its share of the budget, to hold need bytes:
 * doubling from BODY_FIRST, never past the declared length or the cap. */
static int
body_grow(struct http *h, struct req *r, size_t need)
{
	size_t cap = r->cap ? r->cap : BODY_FIRST;
	size_t limit = r->chunked ? h->conf->body_max : r->want;
	uint8_t *nb;

	while (cap < need)
		cap = cap > limit / 2 ? limit : 2 * cap;
	if (cap > limit)
		cap = limit;
	if (cap < need)
		return -1;
	if (budget_take(h, cap - r->cap) != 0)
		return -1;
	if ((nb = realloc(r->buf, cap)) == NULL) {
		atomic_fetch_sub(&h->buffered, cap - r->cap);
		return -1;
	}
	r->buf = nb;
	r->cap = cap;
	return 0;
}

static enum MHD_Result
body_append(struct http *h, struct req *r, const char *data, size_t *size)
{
	size_t n = *size;

	if (n > h->conf->body_max - r->len) {
		note("refused: chunked body over the %zu-byte cap "
		    "(connection closed)", h->conf->body_max);
		return MHD_NO;
	}
	if (n > r->cap - r->len && body_grow(h, r, r->len + n) != 0) {
		note("busy: no room to buffer a body (connection closed)");
		return MHD_NO;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	if (r->cn != NULL)
		atomic_store(&r->cn->got, r->len);
	*size = 0;
	return MHD_YES;
}

/* The HTTP status for an ingest result. */
static unsigned
status_of(int rc)
{
	switch (rc) {
	case 0:
		return 200;
	case TV_ERR_FORMAT:
	case TV_ERR_RANGE:
	case TV_ERR_MISMATCH:
	case TV_ERR_TOOBIG:
	case TV_ERR_CRYPTO:
		return 400;
	case TV_ERR_NOTFOUND:	/* device not enrolled */
	case TV_ERR_REVOKED:
	case TV_ERR_BADSIG:
		return 401;
	case TV_ERR_CONFLICT:
	case TV_ERR_EXISTS:
		return 409;
	case TV_ERR_FULL:
		return 507;
	default:		/* STORE, IO, NOMEM, PERM: not stored, retry */
		return 503;
	}
}

static const char *
error_name(unsigned status)
{
	switch (status) {
	case 400: return "malformed";
	case 401: return "unauthorized";
	case 409: return "conflict";
	case 507: return "storage full";
	default: return "cannot store";
	}
}

/* One line per batch: device prefix, seq, outcome, records; no content. */
static void
batch_log(struct http *h, const struct ingest_result *res, unsigned status)
{
	static const uint8_t zero[32];
	char dev[65];

	if (memcmp(res->device, zero, 32) == 0)
		snprintf(dev, sizeof dev, "-");
	else
		hex_encode(dev, res->device, 32);
	if (status == 200)
		atomic_fetch_add(res->duplicate ? &h->duplicates : &h->stored,
		    1);
	else
		atomic_fetch_add(&h->refused, 1);
	if (status == 200)
		note("batch %.16s/%" PRIu64 ": %s, %" PRIu32 " records", dev,
		    res->seq, res->duplicate ? "duplicate" : "stored",
		    res->nrecords);
	else
		note("batch %.16s/%" PRIu64 ": refused %u (%s), %" PRIu32
		    " records", dev, res->seq, status, res->why,
		    res->nrecords);
}

/* A dead store (LMDB panicked) cannot come back in this process: tell
 * the main thread (http.h: on_fatal), once. */
static void
fatal_check(struct http *h)
{
	if (!tv_store_dead(h->s->st) || atomic_exchange(&h->fatal, 1))
		return;
	note("store failed (%s): stopping, so that the supervisor restarts "
	    "a clean process", tv_store_errmsg(h->s->st));
	if (h->on_fatal != NULL)
		h->on_fatal();
}

static void
batch_store(struct http *h, struct req *r)
{
	static const uint8_t empty[1];

	ingest_envelope(h->s, r->buf != NULL ? r->buf : empty, r->len,
	    &r->res);
	req_free(h, r);
	r->state = REQ_STORED;
	fatal_check(h);
}

/* GET /v1/health: 200 only if a read transaction of the store works. */
static enum MHD_Result
health_answer(struct http *h, struct MHD_Connection *c)
{
	struct tv_store_health hh;
	char body[400];
	int rc = TV_ERR_DEAD;

	if (atomic_load(&h->fatal) ||
	    (rc = tv_store_health(h->s->st, &hh)) != 0) {
		fatal_check(h);
		return respond_error(c, 503, "unhealthy", atomic_load(&h->fatal)
		    ? "store failed: restarting" : tv_strerror(rc), NULL, NULL);
	}
	snprintf(body, sizeof body, "{\"status\":\"ok\",\"reader_slots\":%u,"
	    "\"max_readers\":%u,\"stale_readers_cleared\":%u,"
	    "\"map_size\":%zu,\"map_used\":%zu,\"last_txn\":%" PRIu64
	    "}\n", hh.readers, hh.max_readers, hh.stale_cleared, hh.map_size,
	    hh.map_used, hh.last_txn);
	return respond(c, 200, body, NULL, NULL);
}

static enum MHD_Result
batch_answer(struct http *h, struct MHD_Connection *c, struct req *r)
{
	const struct ingest_result *res = &r->res;
	char body[256], dev[65], hash[65];
	unsigned status = status_of(res->rc);

	batch_log(h, res, status);
	if (status != 200)
		return respond_error(c, status, error_name(status), res->why,
		    status == 503 ? MHD_HTTP_HEADER_RETRY_AFTER : NULL, "5");
	hex_encode(dev, res->device, 32);
	hex_encode(hash, res->hash, 32);
	snprintf(body, sizeof body, "{\"device\":\"%s\",\"seq\":%" PRIu64
	    ",\"hash\":\"%s\",\"records\":%" PRIu32 "}\n", dev, res->seq,
	    hash, res->nrecords);
	return respond(c, 200, body, res->duplicate ? "X-Tallyvan-Duplicate" :
	    NULL, "1");
}

/* A worker: store queued batches, wake their connections to answer.
 * Stopping, it leaves only once the queue is empty. */
static void *
worker(void *arg)
{
	struct http *h = arg;
	struct req *r;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (h->head == NULL && !h->stopping)
			pthread_cond_wait(&h->wake, &h->lock);
		if ((r = h->head) == NULL)
			break;
		if ((h->head = r->next) == NULL)
			h->tail = NULL;
		pthread_mutex_unlock(&h->lock);
		batch_store(h, r);
		MHD_resume_connection(r->conn);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* The whole body is in: queue it for a worker (the connection waits,
 * suspended), or store it here if the workers are stopping. */
static enum MHD_Result
batch_received(struct http *h, struct MHD_Connection *c, struct req *r)
{
	if (r->cn != NULL) {	/* ours now: no deadline while we store */
		atomic_store(&r->cn->body_at, 0);
		atomic_store(&r->cn->phase_at, 0);
	}
	pthread_mutex_lock(&h->lock);
	if (h->stopping) {
		pthread_mutex_unlock(&h->lock);
		batch_store(h, r);
		return batch_answer(h, c, r);
	}
	r->state = REQ_QUEUED;
	r->conn = c;
	MHD_suspend_connection(c);	/* before a worker can resume it */
	if (h->tail != NULL)
		h->tail->next = r;
	else
		h->head = r;
	h->tail = r;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	return MHD_YES;
}

/* First call: route on the request line and headers. */
static enum MHD_Result
request_begin(struct http *h, struct MHD_Connection *c, struct req *r,
    const char *url, const char *method)
{
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);

	/* Any coding but chunked leaves the body's end unknown to
	 * libmicrohttpd: it would wait for the timeout.  Answer now; the
	 * connection is closed after the answer. */
	if (te != NULL && strcasecmp(te, "chunked") != 0)
		return respond_error(c, 400, "malformed", "unsupported "
		    "Transfer-Encoding (only chunked)",
		    MHD_HTTP_HEADER_CONNECTION, "close");

	if (strcmp(url, "/v1/health") == 0) {
		r->kind = REQ_HEALTH;
		return get ? MHD_YES : respond_error(c, 405, "method",
		    "use GET", MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	}
	if (strcmp(url, "/v1/batches") != 0)
		return respond_error(c, 404, "not found", "no such resource",
		    NULL, NULL);
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return respond_error(c, 405, "method", "use POST",
		    MHD_HTTP_HEADER_ALLOW, "POST");
	return batch_begin(h, c, r);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct http *h = cls;
	struct req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof *r)) == NULL)
			return MHD_NO;
		*con_cls = r;
		atomic_fetch_add(&h->active, 1);
		if ((r->cn = conn_of(c)) != NULL) {	/* the body phase */
			atomic_store(&r->cn->got, 0);
			atomic_store(&r->cn->body_at, now_ms());
		}
		return request_begin(h, c, r, url, method);
	}
	if (*size != 0)
		return r->kind == REQ_BATCH ? body_append(h, r, data, size) :
		    MHD_NO;
	if (r->kind == REQ_HEALTH)
		return health_answer(h, c);
	switch (r->state) {
	case REQ_RECEIVING:
		return batch_received(h, c, r);
	case REQ_STORED:	/* resumed by its worker */
		return batch_answer(h, c, r);
	default:
		return MHD_YES;
	}
}

static void
request_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct req *r = *con_cls;

	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	if (r->cn != NULL) {	/* a next request on this connection */
		atomic_store(&r->cn->body_at, 0);
		atomic_store(&r->cn->phase_at, now_ms());
	}
	req_free(h, r);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&h->active, 1);
}

static void PRINTF(2, 0)
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strcspn(line, "\n");
	note("http: %.*s", (int)n, line);
}

int
http_start(struct http *h, struct server *s, const struct http_conf *c)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;

	h->s = s;
	h->conf = c;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	pthread_mutex_init(&h->conns_lock, NULL);
	pthread_cond_init(&h->sweep_wake, NULL);
	if (pthread_create(&h->sweep, NULL, sweeper, h) != 0)
		return error("cannot start the deadline thread");
	h->have_sweep = 1;
	h->workers = xcalloc(c->threads, sizeof *h->workers);
	for (h->nworkers = 0; h->nworkers < c->threads; h->nworkers++)
		if (pthread_create(&h->workers[h->nworkers], NULL, worker,
		    h) != 0)
			return error("cannot start a worker thread");
	if (c->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handler, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&c->addr,
	    MHD_OPTION_THREAD_POOL_SIZE, c->threads,
	    MHD_OPTION_CONNECTION_LIMIT, c->max_conn,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, c->timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, h,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, h,
	    MHD_OPTION_END);
	if (h->mhd == NULL)
		return error("cannot start the HTTP server");
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : 0;
	return 0;
}

void
http_quiesce(struct http *h)
{
	MHD_socket fd = MHD_quiesce_daemon(h->mhd);

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

/* The workers first: they empty the queue, so that no connection is left
 * suspended when libmicrohttpd closes them all. */
void
http_stop(struct http *h)
{
	unsigned i;

	pthread_mutex_lock(&h->lock);
	h->stopping = 1;
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	for (i = 0; i < h->nworkers; i++)
		pthread_join(h->workers[i], NULL);
	free(h->workers);
	h->workers = NULL;
	h->nworkers = 0;
	if (h->have_sweep) {	/* before the daemon: it takes conns_lock */
		pthread_mutex_lock(&h->conns_lock);
		h->sweep_stop = 1;
		pthread_cond_signal(&h->sweep_wake);
		pthread_mutex_unlock(&h->conns_lock);
		pthread_join(h->sweep, NULL);
		h->have_sweep = 0;
	}
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	h->mhd = NULL;
}
