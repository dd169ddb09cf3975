/* SPDX-License-Identifier: MIT */
/*
 * collector serve: the counsellors' browser form (form.h).  The operator
 * unlocks the keystore once, at the laptop; the laptop's terminal then
 * shows the sign-in code for the tablets.  SIGHUP, or "n" typed on that
 * terminal, makes a new code (and signs every browser out); SIGINT,
 * SIGTERM or "q" stop the server.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "collector/form.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

struct serve_opts {
	const char *dir, *passfile, *site, *date;
	char addr[64];
	uint16_t port;
	int log_requests;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector serve --dir DIR [--listen ADDR:PORT] "
	    "[--site SITE]\n"
	    "         [--date YYYY-MM-DD] [--passphrase-file FILE] "
	    "[--log-requests]\n\n"
	    "Serves the visit form to the counsellors' tablets on ADDR:PORT\n"
	    "(default 127.0.0.1:8080; give the van's LAN address, or port 0\n"
	    "for any free port).  The keystore is unlocked once, here; the\n"
	    "sign-in code for the tablets is printed on standard output.\n"
	    "Type n and Enter (or send SIGHUP) for a new code, which signs\n"
	    "every tablet out; q and Enter, Ctrl-C or SIGTERM stop.\n"
	    "--site preselects the day's site (else the last one used),\n"
	    "--date the visit date (else today).  --log-requests prints one\n"
	    "line per request: route, status and server time, never what\n"
	    "was typed.  See docs/counsellor-guide.md.\n");
	exit(code);
}

static void
parse_listen(struct serve_opts *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - arg)) == 0 ||
	    n >= sizeof o->addr)
		die("--listen: want ADDR:PORT, e.g. 192.168.4.1:8080");
	memcpy(o->addr, arg, n);
	o->addr[n] = 0;
	o->port = (uint16_t)opt_ulong("--listen port", colon + 1, 65535);
}

static void
parse_opts(struct serve_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "site", required_argument, NULL, 's' },
		{ "date", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "log-requests", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char seen[128] = { 0 };
	int ch;

	memset(o, 0, sizeof *o);
	parse_listen(o, "127.0.0.1:8080");
	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		if (ch > 0 && ch < 128 && ch != 'h' && ch != '?' && seen[ch]++)
			die("option given twice: --%s", argv[optind - 1] + 2);
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'l': parse_listen(o, optarg); break;
		case 's': o->site = optarg; break;
		case 't': o->date = optarg; break;
		case 'P': o->passfile = optarg; break;
		case 'L': o->log_requests = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (o->dir == NULL || optind != argc)
		usage(2);
}

static void
apply_opts(struct form_server *s, const struct serve_opts *o)
{
	const struct tv_plan *p = s->d->c->plan;
	int32_t day;

	s->log_requests = o->log_requests;
	if (o->site != NULL && (s->site = tv_plan_site_index(p, o->site)) < 0)
		die("--site: '%s' is not a site of the plan", o->site);
	if (o->date != NULL) {
		if (tv_day_parse(o->date, &day) != 0)
			die("--date: want YYYY-MM-DD");
		if (day < p->start_day || day > p->end_day)
			die("--date: outside the campaign period");
		s->date = day;
	}
}

static void
rotate(struct form_server *s, const char *why)
{
	pthread_mutex_lock(&s->lock);
	form_code_rotate(s, why);
	pthread_mutex_unlock(&s->lock);
}

/* A line typed on the laptop's terminal; 1 to stop. */
static int
terminal_line(struct form_server *s, int *open)
{
	char line[64];
	ssize_t n = read(0, line, sizeof line - 1);

	if (n <= 0) {
		*open = 0;
		return 0;
	}
	line[n] = 0;
	if (line[0] == 'q')
		return 1;
	if (line[0] == 'n')
		rotate(s, "asked at the terminal");
	else
		note("n and Enter: new sign-in code; q and Enter: stop");
	return 0;
}

static void
serve_loop(struct form_server *s, int sfd)
{
	struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
	struct signalfd_siginfo si;
	int tty = isatty(0);

	for (;;) {
		if (poll(pf, tty ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pf[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof si) != sizeof si)
				continue;
			if (si.ssi_signo != SIGHUP)
				return;
			rotate(s, "SIGHUP");
		}
		if (tty && (pf[1].revents & (POLLIN | POLLHUP)) &&
		    terminal_line(s, &tty))
			return;
	}
}

static int
signals_block(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Before any thread starts, so that they all inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		die("cannot set up signals: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

int
cmd_serve(int argc, char **argv)
{
	struct serve_opts o;
	struct form_server s;
	struct MHD_Daemon *daemon;
	struct device d;
	int sfd, rc;

	parse_opts(&o, argc, argv);
	device_open(&d, o.dir, o.passfile, DEVICE_UNLOCK);
	form_server_init(&s, &d);
	apply_opts(&s, &o);
	if ((rc = form_day_mark(&s)) != 0)
		die("cannot write the store: %s", tv_strerror(rc));
	sfd = signals_block();
	if ((daemon = form_http_start(&s, o.addr, o.port)) == NULL)
		exit(2);
	note("serving the visit form at http://%s:%u/ (campaign %s)",
	    o.addr, (unsigned)s.port, d.c->plan->campaign);
	rotate(&s, NULL);
	if (isatty(0))
		note("n and Enter: new sign-in code; q and Enter: stop");
	serve_loop(&s, sfd);
	note("stopping: the form is closed, every tablet is signed out");
	form_http_stop(daemon);
	close(sfd);
	form_server_release(&s);
	device_close(&d);
	return 0;
}
