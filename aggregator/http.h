/* SPDX-License-Identifier: MIT */
/*
 * http.h - the aggregator's HTTP front (libmicrohttpd).
 *
 *   POST /v1/batches   raw body: one signed batch, as the collector stored it
 *   GET  /v1/health    200 {"status":"ok",...} after a read transaction of
 *                      the store, with its readers, map use and last
 *                      commit; 503 if the store fails
 *
 * Every batch goes through ingest_envelope(), the one ingest path.  The
 * answer to a stored batch, or to an identical retry, is 200 and the same
 * bytes: {"device":HEX,"seq":N,"hash":HEX,"records":N} (hash: BLAKE2b-256
 * of the body); a retry also carries "X-Tallyvan-Duplicate: 1".  Refusals:
 * 400 malformed, 401 unknown or revoked device or bad signature, 409 same
 * (device, seq) with other content, 413 body over the cap (decided from
 * Content-Length before any byte of the body is read), 503 cannot store
 * now (I/O, busy), 507 storage full; 404 and 405 for anything else.
 *
 * libmicrohttpd's threads receive and answer; a received batch is handed
 * to a pool of `threads` workers, its connection suspended until a worker
 * has stored it, so that the cores share the checking whichever thread
 * accepted which connection.  Bodies are buffered up to the cap, and all
 * bodies together up to buffer_max, so memory stays bounded whatever
 * clients declare.
 *
 * A store that panicked (tv_store_dead) is fatal: the first request that
 * sees it sets `fatal` and calls on_fatal(), and health answers 503 from
 * then on; the program is expected to stop and exit non-zero, so that its
 * supervisor starts a process that can open the store again.
 */
#ifndef TV_HTTP_H
#define TV_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>

#include "aggregator/aggregator.h"

struct http_conf {
	struct sockaddr_storage addr;	/* where to listen */
	unsigned threads;		/* connection and worker threads */
	unsigned max_conn;		/* connections in all */
	unsigned per_ip;		/* connections from one address */
	unsigned timeout;		/* idle seconds before a close; also
					   the header deadline and the
					   body's grace (http.c) */
	size_t min_rate;		/* body bytes a second, on average */
	size_t body_max;		/* bytes in one body */
	size_t buffer_max;		/* bytes in all bodies being received */
};

struct http {
	struct MHD_Daemon *mhd;
	struct server *s;
	const struct http_conf *conf;
	atomic_size_t buffered;		/* body bytes reserved */
	atomic_uint active;		/* requests started, not completed */
	atomic_ulong stored, duplicates, refused;	/* batches */
	atomic_ulong too_slow;		/* connections past a deadline */
	atomic_int fatal;		/* the store died: stop */
	void (*on_fatal)(void);		/* called once, from any thread */
	unsigned short port;		/* the port bound */
	/* Received batches waiting for a worker (http.c). */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct req *head, *tail;
	int stopping;
	pthread_t *workers;
	unsigned nworkers;
	/* Open connections and their deadlines (http.c: sweeper). */
	pthread_mutex_t conns_lock;
	pthread_cond_t sweep_wake;
	struct conn *conns;
	pthread_t sweep;
	int have_sweep, sweep_stop;
};

/* Start listening and serving.  0, or -1 after a message. */
int http_start(struct http *h, struct server *s, const struct http_conf *c);
/* Stop accepting connections; requests in progress go on. */
void http_quiesce(struct http *h);
/* Close every connection and join the threads.  Accepts a stopped h. */
void http_stop(struct http *h);

#endif
