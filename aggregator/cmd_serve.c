/* SPDX-License-Identifier: MIT */
/*
 * aggregator serve: accept batches over HTTP (see http.h) until SIGTERM or
 * SIGINT.  Then stop accepting, let the requests in progress finish (for
 * at most --timeout seconds; a second signal cuts that short) and close.
 * A batch is answered 200 only after its transaction committed, so a batch
 * in flight at the stop is either stored and acknowledged, or not
 * acknowledged and sent again by its collector.
 */
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "aggregator/http.h"
#include "common/util.h"
#include "proto/batch.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator serve --dir DIR [--listen ADDR:PORT]\n"
	    "         [--threads N] [--max-connections N] [--per-ip N]\n"
	    "         [--timeout SECONDS] [--min-rate BYTES] "
	    "[--body-max BYTES]\n"
	    "         [--buffer-max BYTES]\n\n"
	    "Accepts signed batches over HTTP: POST /v1/batches (the batch as\n"
	    "a raw body), GET /v1/health.  Defaults: --listen 127.0.0.1:8787\n"
	    "(put a TLS-terminating proxy in front, see docs/operations.md),\n"
	    "4 threads, 512 connections, 32 per client address, 15 s idle\n"
	    "timeout (also the deadline for a request header, and the grace\n"
	    "before a body must average --min-rate, 1024 bytes a second),\n"
	    "bodies up to %u bytes, 128 MiB of bodies buffered in\n"
	    "all.  Stops cleanly on SIGTERM or SIGINT, and exits 2 if the\n"
	    "store fails.  One line per batch on standard error.\n",
	    TV_ENVELOPE_MAX);
	exit(code);
}

/* ADDR:PORT or [ADDR6]:PORT, numeric. */
static void
listen_parse(struct sockaddr_storage *ss, const char *spec)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST |
	    AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *ai;
	char host[128];
	const char *colon = strrchr(spec, ':');
	size_t hl;
	int rc;

	if (colon == NULL || colon == spec || colon[1] == 0 ||
	    (size_t)(colon - spec) >= sizeof host)
		die("--listen: want ADDR:PORT, not '%s'", spec);
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && spec[hl - 1] == ']')
		snprintf(host, sizeof host, "%.*s", (int)hl - 2, spec + 1);
	else
		snprintf(host, sizeof host, "%.*s", (int)hl, spec);
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0)
		die("--listen '%s': %s", spec, gai_strerror(rc));
	memset(ss, 0, sizeof *ss);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
}

static void
listen_format(char *out, size_t len, const struct sockaddr_storage *ss,
    unsigned short port)
{
	char host[NI_MAXHOST];

	if (getnameinfo((const struct sockaddr *)ss, sizeof *ss, host,
	    sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof host, "?");
	snprintf(out, len, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    host, port);
}

/* Wait for the requests in progress, up to grace seconds or a second
 * signal. */
static void
drain(struct http *h, const sigset_t *set, unsigned grace)
{
	struct timespec slice = { 0, 50 * 1000000L };
	time_t end = time(NULL) + (time_t)grace;
	unsigned n;

	while ((n = atomic_load(&h->active)) > 0 && time(NULL) < end)
		if (sigtimedwait(set, NULL, &slice) > 0) {
			note("second signal: %u request(s) cut short", n);
			return;
		}
	if (n > 0)
		note("%u request(s) still in progress after %u s: closed", n,
		    grace);
}

/* A worker or a health check found the store dead: wake the main thread
 * (SIGUSR1 is blocked everywhere, so only its sigtimedwait takes it). */
static void
wake_main(void)
{
	kill(getpid(), SIGUSR1);
}

/* Until SIGTERM, SIGINT or a fatal store error.  Every READER_CHECK_SECS
 * the slots of dead readers are cleared, even with no batch coming. */
#define READER_CHECK_SECS 5
static int
wait_stop(struct http *h, struct server *s, const sigset_t *set)
{
	struct timespec tick = { READER_CHECK_SECS, 0 };
	int sig, cleared;

	for (;;) {
		sig = sigtimedwait(set, NULL, &tick);
		if (atomic_load(&h->fatal))
			return SIGUSR1;
		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		if (sig < 0 && tv_store_reader_check(s->st, &cleared) == 0 &&
		    cleared > 0)
			note("cleared %d stale reader slot(s)", cleared);
	}
}

static int
serve(struct server *s, const struct http_conf *conf)
{
	struct http h = { .on_fatal = wake_main };
	char where[INET6_ADDRSTRLEN + 16];
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	/* Blocked before the threads start, so only sigwait sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (http_start(&h, s, conf) != 0)
		return 2;
	listen_format(where, sizeof where, &conf->addr, h.port);
	note("listening on %s (%u threads, %u connections, %u per address, "
	    "%u s timeout, %zu bytes/s minimum, %zu-byte bodies)", where,
	    conf->threads, conf->max_conn, conf->per_ip, conf->timeout,
	    conf->min_rate, conf->body_max);
	sig = wait_stop(&h, s, &set);
	if (sig != SIGUSR1)
		note("%s: no new connections; finishing %u request(s)",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT",
		    atomic_load(&h.active));
	http_quiesce(&h);
	/* A dead store cannot finish anything: nothing to wait for. */
	if (sig != SIGUSR1)
		drain(&h, &set, conf->timeout);
	http_stop(&h);
	audit_flush(s);
	note("stopped: %lu batch(es) stored, %lu duplicate(s), %lu refused, "
	    "%lu connection(s) closed past a deadline%s",
	    atomic_load(&h.stored), atomic_load(&h.duplicates),
	    atomic_load(&h.refused), atomic_load(&h.too_slow), sig == SIGUSR1 ? "; exit 2: the store "
	    "failed, restart the service" : "");
	return sig == SIGUSR1 ? 2 : 0;
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 'n' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "per-ip", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "min-rate", required_argument, NULL, 'm' },
		{ "body-max", required_argument, NULL, 'b' },
		{ "buffer-max", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct http_conf conf = { .threads = 4, .max_conn = 512, .per_ip = 32,
	    .timeout = 15, .min_rate = 1024, .body_max = TV_ENVELOPE_MAX,
	    .buffer_max = 128u << 20 };
	const char *dir = NULL, *listen = "127.0.0.1:8787";
	struct server s;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'n': conf.threads = (unsigned)opt_ulong("--threads",
		    optarg, 64); break;
		case 'c': conf.max_conn = (unsigned)opt_ulong(
		    "--max-connections", optarg, 100000); break;
		case 'i': conf.per_ip = (unsigned)opt_ulong("--per-ip",
		    optarg, 100000); break;
		case 't': conf.timeout = (unsigned)opt_ulong("--timeout",
		    optarg, 3600); break;
		case 'm': conf.min_rate = opt_ulong("--min-rate", optarg,
		    (size_t)1 << 30); break;
		case 'b': conf.body_max = opt_ulong("--body-max", optarg,
		    TV_ENVELOPE_MAX); break;
		case 'B': conf.buffer_max = opt_ulong("--buffer-max", optarg,
		    (size_t)1 << 40); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind != argc || conf.threads == 0 ||
	    conf.max_conn == 0 || conf.timeout == 0)
		usage(2);
	listen_parse(&conf.addr, listen);
	server_open(&s, dir, 0);
	ret = serve(&s, &conf);
	server_close(&s);
	return ret;
}
