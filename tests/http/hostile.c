/* SPDX-License-Identifier: MIT */
/*
 * hostile - misbehaving HTTP clients for the aggregator's tests, loopback
 * only.  Every connection is bound to --from (e.g. 127.0.0.2) so that the
 * server's per-address limits see one hostile address.
 *
 *   hostile slow    --port P [--from A] [--count N] [--within S]
 *     N connections that send half a request header, then nothing.
 *     Reports how many the server dropped at once (connection limits) and
 *     the longest a held one stayed open; exit 1 if one outlived S seconds.
 *   hostile big     --port P [--from A] [--count N] [--length L]
 *     N requests declaring a body of L bytes and sending none of it: each
 *     must be answered 413 (with no body byte sent); reports the latency.
 *   hostile chunked --port P [--from A] [--count N] [--length L]
 *     N chunked bodies of L bytes over the cap: the server must close the
 *     connection (or answer 413), never answer as if it took them.
 *   hostile trickle --port P [--from A] [--count N] [--length L]
 *                   [--every MS] [--within S]
 *     N requests declaring a body of L bytes, then sending one byte of it
 *     every MS ms (default 1000) until the server closes them: each must
 *     be closed within S seconds (a minimum rate, an absolute deadline).
 *   hostile loris   --port P [--from A] [--count N] [--every MS]
 *                   [--within S]
 *     The same with the request header: one byte every MS ms, never
 *     finished.  Idle timeouts never fire; a header deadline must.
 *   hostile junk    --port P [--from A]
 *     A garbage request line, a "Transfer-Encoding: gzip" body, and a
 *     request line too long: each must be answered with a 4xx or closed
 *     within 1 s, not left waiting for the timeout.
 *
 * Prints one line of figures; exit 0 if the server behaved, 1 if not, 2 on
 * a usage or local error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 4096

struct opts {
	const char *mode, *from;
	unsigned port, count, every;
	double within;
	unsigned long length;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dial(const struct opts *o)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, o->from, &src.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons((unsigned short)o->port);
	if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
	    connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Wait up to ms for fd to be readable or closed: 1, or 0 on timeout. */
static int
wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

static int
slow(const struct opts *o)
{
	static int fd[MAX_CONN];
	static double opened[MAX_CONN];
	struct pollfd p[MAX_CONN];
	const char *half = "POST /v1/batches HTTP/1.1\r\nHost: tallyvan\r\n"
	    "Content-Type: appl";
	unsigned i, n = o->count, open_n = 0, at_once = 0, held = 0, np;
	double start = now(), longest = 0, t;
	char buf[512];

	for (i = 0; i < n; i++) {
		if ((fd[i] = dial(o)) < 0 ||
		    send_all(fd[i], half, strlen(half)) != 0) {
			if (fd[i] >= 0)
				close(fd[i]);
			fd[i] = -1;
			at_once++;
			continue;
		}
		opened[i] = now();
		open_n++;
	}
	while (open_n > 0 && now() - start < o->within + 5) {
		for (i = np = 0; i < n; i++)
			if (fd[i] >= 0)
				p[np++] = (struct pollfd){ .fd = fd[i],
				    .events = POLLIN };
		if (poll(p, np, 50) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			unsigned j;

			if (fd[i] < 0)
				continue;
			for (j = 0; j < np && p[j].fd != fd[i]; j++)
				;
			if (j == np || !(p[j].revents & (POLLIN | POLLHUP |
			    POLLERR)))
				continue;
			if (recv(fd[i], buf, sizeof buf, 0) > 0)
				continue; /* answered: close follows */
			t = now() - opened[i];
			close(fd[i]);
			fd[i] = -1;
			open_n--;
			if (t < 0.5) {
				at_once++;
			} else {
				held++;
				longest = t > longest ? t : longest;
			}
		}
	}
	printf("slow: %u connections from %s, %u dropped at once (limits), "
	    "%u held and closed by the server after at most %.2f s, %u still "
	    "open after %.1f s\n", n, o->from, at_once, held, longest, open_n,
	    now() - start);
	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return open_n == 0 && longest <= o->within ? 0 : 1;
}

/* The status code of an answer read from fd within 2 s, or -1. */
static int
read_status(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	int code;

	while (len < cap - 1 && wait_readable(fd, 2000)) {
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	buf[len] = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	return code;
}

static int
big(const struct opts *o)
{
	char req[256], buf[2048];
	unsigned i, ok = 0;
	double t, worst = 0, sum = 0;
	int fd, code;

	snprintf(req, sizeof req, "POST /v1/batches HTTP/1.1\r\nHost: "
	    "tallyvan\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Length: %lu\r\n\r\n", o->length);
	for (i = 0; i < o->count; i++) {
		if ((fd = dial(o)) < 0)
			continue;
		t = now();
		if (send_all(fd, req, strlen(req)) == 0 &&
		    (code = read_status(fd, buf, sizeof buf)) == 413) {
			ok++;
			t = now() - t;
			sum += t;
			worst = t > worst ? t : worst;
		}
		close(fd);
	}
	printf("big: %u requests declaring %lu bytes, %u answered 413 before "
	    "any body byte was sent, latency mean %.2f ms max %.2f ms\n",
	    o->count, o->length, ok, ok ? 1e3 * sum / ok : 0.0, 1e3 * worst);
	return ok == o->count ? 0 : 1;
}

/* Send one chunked body of o->length bytes; the bytes the server took
 * before closing (or all of them). */
static unsigned long
chunked_one(const struct opts *o, int *code)
{
	static char chunk[65536 + 16];
	const char *head = "POST /v1/batches HTTP/1.1\r\nHost: tallyvan\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n";
	unsigned long sent = 0, part;
	char buf[2048];
	int fd, hl;

	*code = -1;
	if ((fd = dial(o)) < 0 || send_all(fd, head, strlen(head)) != 0)
		return 0;
	while (sent < o->length) {
		part = o->length - sent < 65536 ? o->length - sent : 65536;
		hl = snprintf(chunk, 16, "%lx\r\n", part);
		memset(chunk + hl, 'x', part);
		memcpy(chunk + hl + part, "\r\n", 2);
		if (send_all(fd, chunk, (size_t)hl + part + 2) != 0)
			break;
		sent += part;
	}
	if (sent == o->length)
		send_all(fd, "0\r\n\r\n", 5);
	*code = read_status(fd, buf, sizeof buf);
	close(fd);
	return sent;
}

static int
chunked(const struct opts *o)
{
	unsigned i, stopped = 0, answered = 0;
	unsigned long most = 0, sent;
	int code;

	for (i = 0; i < o->count; i++) {
		sent = chunked_one(o, &code);
		most = sent > most ? sent : most;
		if (sent < o->length || code == -1)
			stopped++;	/* closed on us, no answer */
		else if (code == 413)
			answered++;
	}
	printf("chunked: %u bodies of %lu bytes, %u closed by the server "
	    "without an answer (at most %lu bytes sent before the close), %u "
	    "answered 413\n", o->count, o->length, stopped, most, answered);
	return stopped + answered == o->count ? 0 : 1;
}

/* Connections that each send the first hdr bytes of msg at once, then
 * the rest one byte every o->every ms, until the server closes them (or
 * msg runs out). */
static int
drip(const struct opts *o, const char *what, const char *msg, size_t mlen,
    size_t hdr)
{
	static int fd[MAX_CONN];
	static size_t pos[MAX_CONN];
	unsigned i, open_n = 0, refused = 0;
	double start = now(), next = start, longest = 0, t;
	char buf[512];

	for (i = 0; i < o->count; i++) {
		pos[i] = hdr;
		if ((fd[i] = dial(o)) < 0 || send_all(fd[i], msg, hdr) != 0) {
			if (fd[i] >= 0)
				close(fd[i]);
			fd[i] = -1;
			refused++;
		} else {
			open_n++;
		}
	}
	while (open_n > 0 && now() - start < o->within + 5) {
		for (i = 0; i < o->count; i++) {
			if (fd[i] < 0)
				continue;
			if (wait_readable(fd[i], 0) &&
			    recv(fd[i], buf, sizeof buf, MSG_DONTWAIT) <= 0) {
				close(fd[i]);
				fd[i] = -1;
				open_n--;
				t = now() - start;
				longest = t > longest ? t : longest;
				continue;
			}
			if (now() >= next && pos[i] < mlen &&
			    send(fd[i], msg + pos[i], 1, MSG_NOSIGNAL) == 1)
				pos[i]++;
		}
		if (now() >= next)
			next += o->every / 1000.0;
		usleep(20000);
	}
	printf("%s: %u connections from %s (%u refused at once), a byte "
	    "every %u ms: the server closed %u, the last after %.2f s; %u "
	    "still open after %.1f s\n", what, o->count, o->from, refused,
	    o->every, o->count - refused - open_n, longest, open_n,
	    now() - start);
	for (i = 0; i < o->count; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return open_n == 0 && longest <= o->within ? 0 : 1;
}

static int
trickle(const struct opts *o)
{
	static char req[1024];
	size_t hl;

	hl = (size_t)snprintf(req, sizeof req, "POST /v1/batches HTTP/1.1\r\n"
	    "Host: tallyvan\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Length: %lu\r\n\r\n", o->length);
	memset(req + hl, 'x', sizeof req - hl - 1);
	return drip(o, "trickle", req, sizeof req - 1, hl);
}

static int
loris(const struct opts *o)
{
	static char req[4096];
	size_t n;

	n = (size_t)snprintf(req, sizeof req, "POST /v1/batches HTTP/1.1\r\n"
	    "Host: tallyvan\r\n");
	while (n + 16 < sizeof req)
		n += (size_t)snprintf(req + n, sizeof req - n, "X-a: b\r\n");
	return drip(o, "loris", req, n, 0);
}

/* One raw request; its status within 1 s (0: closed without one, -1:
 * nothing at all). */
static int
junk_one(const struct opts *o, const char *req, size_t len, double *took)
{
	char buf[2048];
	double t = now();
	ssize_t n = 0;
	int fd, code = -1;

	if ((fd = dial(o)) < 0)
		return -2;
	send_all(fd, req, len);
	if (wait_readable(fd, 1000)) {
		n = recv(fd, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		if (n <= 0 || sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
			code = 0;
	}
	*took = now() - t;
	close(fd);
	return code;
}

static int
junk(const struct opts *o)
{
	static char longline[40000];
	static const char *const reqs[] = {
		"GARBAGE\r\n\r\n",
		"hello world how are you\r\n\r\n",
		"POST /v1/batches HTTP/1.1\r\nHost: tallyvan\r\n"
		    "Transfer-Encoding: gzip\r\n\r\n",
		"POST /v1/batches HTTP/1.1\r\nHost: tallyvan\r\n"
		    "Transfer-Encoding: gzip, chunked\r\n\r\n",
		longline,
	};
	static const char *const names[] = { "garbage line",
	    "no version", "TE gzip", "TE gzip+chunked", "40 kB line" };
	unsigned i, bad = 0;
	double took;
	int code;

	memcpy(longline, "GET /", 5);
	memset(longline + 5, 'a', sizeof longline - 5 - 1);
	for (i = 0; i < sizeof reqs / sizeof *reqs; i++) {
		code = junk_one(o, reqs[i], strlen(reqs[i]), &took);
		printf("junk: %s: %s %d after %.0f ms\n", names[i], code > 0 ?
		    "answered" : code == 0 ? "closed" : "no answer", code,
		    took * 1e3);
		bad += code == -1 || (code > 0 && (code < 400 || code > 599));
	}
	return bad == 0 ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile slow|big|chunked|trickle|loris|junk "
	    "--port P [--from A]\n         [--count N] [--within S] "
	    "[--length L] [--every MS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct opts o = { .from = "127.0.0.2", .count = 10, .within = 10,
	    .length = 16ul << 20, .every = 1000 };
	int i;

	if (argc < 2)
		usage();
	o.mode = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			o.port = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--from") == 0)
			o.from = argv[i + 1];
		else if (strcmp(argv[i], "--count") == 0)
			o.count = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--within") == 0)
			o.within = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--every") == 0)
			o.every = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--length") == 0)
			o.length = strtoul(argv[i + 1], NULL, 10);
		else
			usage();
	}
	if (i != argc || o.port == 0 || o.count == 0 || o.count > MAX_CONN)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(o.mode, "slow") == 0)
		return slow(&o);
	if (strcmp(o.mode, "big") == 0)
		return big(&o);
	if (strcmp(o.mode, "chunked") == 0)
		return chunked(&o);
	if (strcmp(o.mode, "trickle") == 0)
		return trickle(&o);
	if (strcmp(o.mode, "loris") == 0)
		return loris(&o);
	if (strcmp(o.mode, "junk") == 0)
		return junk(&o);
	usage();
}
