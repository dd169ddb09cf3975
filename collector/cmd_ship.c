/* SPDX-License-Identifier: MIT */
/*
 * collector ship: seal pending records, then send every batch not yet
 * acknowledged to the aggregator, in sequence order, as its stored bytes.
 *
 * Exactly once = at-least-once sending + the aggregator's deduplication:
 * a batch and its sequence number are in the store before the first send
 * (outbox_seal), every resend is byte-identical, and a batch is marked
 * acknowledged only after an answer naming its device, sequence number and
 * content hash.  A crash anywhere means at worst one more identical send.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "collector/uplink.h"
#include "common/util.h"
#include "crypto/err.h"

enum ship_result {
	SHIP_OK,		/* everything sent was acknowledged */
	SHIP_REFUSED,		/* a 4xx: the batch stays, someone must look */
	SHIP_CONFLICT,		/* 409: this device reused a sequence number */
	SHIP_FAILED,		/* unreachable after the retries, store error */
	SHIP_STOPPED,		/* SIGTERM or SIGINT */
};

struct ship {
	struct device d;
	struct uplink *up;
	uint32_t max_records;
	unsigned retries;
	unsigned long backoff_ms;
	unsigned long watch;		/* seconds between rounds, 0: once */
	uint64_t sealed, acked, records;
};

/* Set by the SIGINT/SIGTERM handler, which can be given no context: the
 * one mutable file-scope variable a signal handler may write (C17
 * 7.14.1.1), read by the --watch loop between rounds. */
static volatile sig_atomic_t stop;

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector ship --dir DIR --url URL\n"
	    "         [--passphrase-file FILE] [--watch SECONDS]\n"
	    "         [--max-records N] [--retries N] [--backoff MS]\n"
	    "         [--timeout SECONDS] [--cacert FILE]\n\n"
	    "Seals pending records into batches, then sends every batch not\n"
	    "yet acknowledged to the aggregator at URL (POST URL/v1/batches),\n"
	    "in order, byte for byte as stored.  A failed send is retried\n"
	    "--retries times (default 5), waiting --backoff ms (default 1000)\n"
	    "doubled at each attempt (at most 64 times), with jitter.  Each\n"
	    "request has a --timeout (default 60 s).  --watch ships again\n"
	    "every SECONDS until SIGTERM or SIGINT (exit 0); a refused batch\n"
	    "is tried again next round, but a 409 conflict stops it (exit 1).\n"
	    "--max-records caps the records per new batch.  --cacert: the CA\n"
	    "bundle for https.\n"
	    "Exit 0 when everything is acknowledged, 1 when the aggregator\n"
	    "refused a batch (it stays in the outbox), 2 on errors or when\n"
	    "the aggregator could not be reached.\n");
	exit(code);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleep ms milliseconds unless stopped first: 0, or -1 if stopped. */
static int
nap(unsigned long ms)
{
	struct timespec ts;
	unsigned long slice;

	while (ms > 0 && !stop) {
		slice = ms < 100 ? ms : 100;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return stop ? -1 : 0;
}

/* Attempt k waits a random time between half and all of base * 2^k, the
 * doubling capped at 64: spread, so that vans coming back online together
 * do not retry in step. */
static unsigned long
backoff_delay(unsigned long base, unsigned k)
{
	unsigned long d = base << (k < 6 ? k : 6);

	return d / 2 + randombytes_uniform((uint32_t)(d / 2 + 1));
}

static enum ship_result
ship_acked(struct ship *s, uint64_t seq, uint32_t nrecords)
{
	int rc;

	if ((rc = outbox_mark(&s->d, seq, BATCH_ACKED, (int64_t)time(NULL)))
	    != 0) {
		error("batch %llu acknowledged but not marked: %s (it will be "
		    "sent again)", (unsigned long long)seq, tv_strerror(rc));
		return SHIP_FAILED;
	}
	s->acked++;
	s->records += nrecords;
	return SHIP_OK;
}

static enum ship_result
ship_refused(uint64_t seq, enum uplink_verdict v, const char *msg)
{
	if (v == UPLINK_CONFLICT) {
		error("batch %llu: CONFLICT: the aggregator holds other "
		    "content under this sequence number (%s).  Was this "
		    "device's store restored from a copy?  Shipping stopped: "
		    "nothing more is sent until someone looks.",
		    (unsigned long long)seq, msg);
		return SHIP_CONFLICT;
	}
	error("batch %llu refused by the aggregator: %s.  It stays in the "
	    "outbox; shipping stopped.", (unsigned long long)seq, msg);
	return SHIP_REFUSED;
}

static enum ship_result
ship_batch(struct ship *s, uint64_t seq, const uint8_t *buf, size_t len)
{
	enum uplink_verdict v;
	uint32_t nrecords = 0;
	unsigned k;
	char msg[320];

	for (k = 0;; k++) {
		v = uplink_send(s->up, s->d.pk, seq, buf, len, &nrecords, msg,
		    sizeof msg);
		if (v == UPLINK_ACKED)
			return ship_acked(s, seq, nrecords);
		if (v == UPLINK_STOPPED)
			return SHIP_STOPPED;
		if (v == UPLINK_REFUSED || v == UPLINK_CONFLICT)
			return ship_refused(seq, v, msg);
		if (k == s->retries) {
			error("batch %llu: %s; gave up after %u attempt(s), "
			    "it stays in the outbox", (unsigned long long)seq,
			    msg, k + 1);
			return SHIP_FAILED;
		}
		if (k == 0)
			warn("batch %llu: %s; retrying",
			    (unsigned long long)seq, msg);
		if (nap(backoff_delay(s->backoff_ms, k)) != 0)
			return SHIP_STOPPED;
	}
}

static enum ship_result
ship_one(struct ship *s, uint64_t seq)
{
	enum ship_result r;
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = outbox_get(&s->d, seq, &buf, &len)) != 0) {
		error("batch %llu: %s", (unsigned long long)seq,
		    tv_strerror(rc));
		return SHIP_FAILED;
	}
	r = ship_batch(s, seq, buf, len);
	free(buf);
	return r;
}

static enum ship_result
ship_round(struct ship *s)
{
	unsigned mask = 1u << BATCH_SEALED | 1u << BATCH_EXPORTED;
	enum ship_result r = SHIP_OK;
	uint64_t *seqs, records;
	size_t i, n;
	int rc;

	s->acked = s->records = 0;
	if ((rc = outbox_seal(&s->d, s->max_records, &s->sealed, &records))
	    != 0) {
		error("cannot seal pending records: %s %s", tv_strerror(rc),
		    tv_store_errmsg(s->d.st));
		return SHIP_FAILED;
	}
	if ((rc = outbox_list(&s->d, mask, &seqs, &n)) != 0) {
		error("cannot list batches: %s", tv_strerror(rc));
		return SHIP_FAILED;
	}
	for (i = 0; i < n && r == SHIP_OK && !stop; i++)
		r = ship_one(s, seqs[i]);
	if (r == SHIP_OK && stop)
		r = SHIP_STOPPED;
	free(seqs);
	/* Watching, a round with nothing to do says nothing. */
	if (s->watch == 0 || s->sealed != 0 || s->acked != 0 ||
	    r != SHIP_OK) {
		printf("sealed %llu new batch(es); %llu batch(es) acknowledged "
		    "(%llu records); %zu waiting\n",
		    (unsigned long long)s->sealed, (unsigned long long)s->acked,
		    (unsigned long long)s->records, n - (size_t)s->acked);
		fflush(stdout);
	}
	return r;
}

/* One round, or rounds every s->watch seconds until stopped or a
 * conflict. */
static int
ship_run(struct ship *s)
{
	enum ship_result r;

	for (;;) {
		r = ship_round(s);
		if (s->watch == 0 || r == SHIP_CONFLICT)
			break;
		if (r == SHIP_STOPPED || nap(s->watch * 1000) != 0)
			return 0;	/* asked to stop: a clean exit */
	}
	return r == SHIP_OK ? 0 : r == SHIP_REFUSED || r == SHIP_CONFLICT ?
	    1 : 2;
}

static void
signals_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
cmd_ship(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "watch", required_argument, NULL, 'w' },
		{ "max-records", required_argument, NULL, 'm' },
		{ "retries", required_argument, NULL, 'r' },
		{ "backoff", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct uplink_conf uc = { .timeout = 60 };
	struct ship s = { .retries = 5, .backoff_ms = 1000 };
	const char *dir = NULL, *passfile = NULL;
	char err[256];
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'u': uc.url = optarg; break;
		case 'P': passfile = optarg; break;
		case 'w': s.watch = opt_ulong("--watch", optarg, 86400); break;
		case 'm': s.max_records = (uint32_t)opt_ulong("--max-records",
		    optarg, 100000); break;
		case 'r': s.retries = (unsigned)opt_ulong("--retries", optarg,
		    1000); break;
		case 'b': s.backoff_ms = opt_ulong("--backoff", optarg,
		    600000); break;
		case 't': uc.timeout = (long)opt_ulong("--timeout", optarg,
		    86400); break;
		case 'c': uc.cacert = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || uc.url == NULL || optind != argc || uc.timeout == 0)
		usage(2);
	uc.connect_timeout = uc.timeout < 10 ? uc.timeout : 10;
	uc.low_speed_time = uc.timeout < 20 ? uc.timeout : 20;
	signals_catch();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("cannot initialise libcurl");
	if ((s.up = uplink_new(&uc, &stop, err, sizeof err)) == NULL)
		die("%s", err);
	device_open(&s.d, dir, passfile, DEVICE_UNLOCK);
	ret = ship_run(&s);
	device_close(&s.d);
	uplink_free(s.up);
	curl_global_cleanup();
	return ret;
}
