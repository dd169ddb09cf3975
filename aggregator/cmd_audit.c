/* SPDX-License-Identifier: MIT */
/*
 * aggregator audit show | verify | export: read, check and keep the
 * hash-chained audit log (aggregator/audit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator audit show --dir DIR [--event E[,E...]]\n"
	    "         [--since YYYY-MM-DD] [--device HEX] [--json]\n"
	    "       aggregator audit verify --dir DIR [--anchor SEQ:HASH]\n"
	    "       aggregator audit verify --file LOG.jsonl "
	    "[--anchor SEQ:HASH]\n"
	    "       aggregator audit export --dir DIR LOG.jsonl\n\n"
	    "The audit log records every enrolment, revocation, ingest\n"
	    "(stored, duplicate or refused), release request, publication and\n"
	    "purge: when, who (--actor or the login name), and hashes and\n"
	    "counts, never record content.  Each entry holds the BLAKE2b-256\n"
	    "of the one before it.\n\n"
	    "show     prints the entries (seq, time, actor, event, details),\n"
	    "         filtered by event names, from a day on (UTC), or by a\n"
	    "         device id prefix; --json prints them exactly as stored.\n"
	    "verify   walks the chain: contiguous numbers, every hash\n"
	    "         recomputed.  Prints the head (last seq and its hash):\n"
	    "         record it elsewhere, and check it later with --anchor,\n"
	    "         which also catches a log rewritten or cut from there\n"
	    "         on.\n"
	    "         Exit 1 with the first entry that cannot be trusted.\n"
	    "export   writes the log, one entry a line, to a new file that\n"
	    "         'verify --file' checks without the store.\n");
	exit(code);
}

/* ---- show -------------------------------------------------------------- */

struct show {
	char **events;
	size_t nevents;
	const char *since, *device;
	int json;
	uint64_t shown;
};

/* Print text from the log with anything that could drive a terminal
 * replaced: a tampered entry must not reach the screen raw. */
static void
print_safe(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static const char *
field(json_t *e, const char *key)
{
	const char *s = json_string_value(json_object_get(e, key));

	return s ? s : "?";
}

static int
show_match(const struct show *sh, json_t *e)
{
	const char *ev = json_string_value(json_object_get(e, "event"));
	const char *tm = json_string_value(json_object_get(e, "time"));
	const char *dev = json_string_value(json_object_get(json_object_get(e,
	    "details"), "device"));
	size_t i;

	if (sh->nevents > 0) {
		for (i = 0; i < sh->nevents; i++)
			if (ev && !strcmp(ev, sh->events[i]))
				break;
		if (i == sh->nevents)
			return 0;
	}
	if (sh->since && (tm == NULL || strcmp(tm, sh->since) < 0))
		return 0;
	if (sh->device && (dev == NULL || strncasecmp(dev, sh->device,
	    strlen(sh->device)) != 0))
		return 0;
	return 1;
}

static int
show_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct show *sh = ctx;
	json_error_t jerr;
	json_t *e;
	char *d;

	if (klen != 8 || tv_be64_get(key) == 0)
		return 0;	/* the head */
	if ((e = json_loadb(val, vlen, 0, &jerr)) == NULL) {
		printf("%llu (not a valid entry: run 'aggregator audit "
		    "verify')\n", (unsigned long long)tv_be64_get(key));
		return 0;
	}
	if (show_match(sh, e)) {
		sh->shown++;
		if (sh->json) {
			fwrite(val, 1, vlen, stdout);
			putchar('\n');
		} else {
			d = json_dumps(json_object_get(e, "details"),
			    JSON_COMPACT | JSON_ENSURE_ASCII);
			printf("%llu ", (unsigned long long)tv_be64_get(key));
			print_safe(field(e, "time"));
			putchar(' ');
			print_safe(field(e, "actor"));
			putchar(' ');
			print_safe(field(e, "event"));
			printf(" %s\n", d ? d : "{}");
			free(d);
		}
	}
	json_decref(e);
	return 0;
}

static int
show_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, ADB_AUDIT, NULL, 0, show_cb, ctx);
}

static void
events_split(struct show *sh, char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		sh->events = realloc(sh->events, (sh->nevents + 1) *
		    sizeof *sh->events);
		if (sh->events == NULL)
			die("out of memory");
		sh->events[sh->nevents++] = tok;
	}
}

static void
since_check(const char *s)
{
	int32_t day;
	char d[11];

	snprintf(d, sizeof d, "%s", s);
	if (tv_day_parse(d, &day) != 0 || (s[10] != 0 && (s[10] != 'T' ||
	    strlen(s) != 20 || s[19] != 'Z')))
		die("--since: want YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
}

static int
audit_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "since", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct show sh = { 0 };
	const char *dir = NULL;
	struct server s;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'e': events_split(&sh, optarg); break;
		case 's': since_check(optarg); sh.since = optarg; break;
		case 'D': sh.device = optarg; break;
		case 'j': sh.json = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind != argc)
		usage(2);
	if (sh.device && (strlen(sh.device) == 0 || strlen(sh.device) > 64 ||
	    strspn(sh.device, "0123456789abcdefABCDEF") != strlen(sh.device)))
		die("--device: 1 to 64 hex digits of a device id");
	server_open(&s, dir, 0);
	rc = tv_store_read(s.st, show_fn, &sh);
	server_close(&s);
	free(sh.events);
	if (rc != 0)
		die("cannot read the audit log: %s", tv_strerror(rc));
	return 0;
}

/* ---- verify ------------------------------------------------------------ */

struct verify {
	struct audit_walk w;
	int have_head, broken;
	uint64_t head_seq;
	uint8_t head[32];
	FILE *out;		/* export: every entry is copied here */
	uint64_t written;
	int werr;
};

static int
verify_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	struct verify *v = ctx;
	uint64_t seq;

	if (klen != 8) {
		v->broken = 1;
		v->w.bad = v->w.n + 1;
		snprintf(v->w.why, sizeof v->w.why, "a key that is not an "
		    "entry number follows entry %llu",
		    (unsigned long long)v->w.n);
		return 1;
	}
	if ((seq = tv_be64_get(key)) == 0) {
		if (vlen == 40) {
			v->have_head = 1;
			v->head_seq = tv_be64_get(val);
			memcpy(v->head, (const uint8_t *)val + 8, 32);
		}
		return 0;
	}
	if (v->out != NULL && (fwrite(val, 1, vlen, v->out) != vlen ||
	    putc('\n', v->out) == EOF))
		v->werr = 1;
	v->written++;
	if (!v->broken && audit_walk_entry(&v->w, seq, val, vlen) != 0)
		v->broken = 1;
	/* Exporting copies everything, even past a break: it is evidence. */
	return v->broken && v->out == NULL;
}

static int
verify_fn(struct tv_txn *t, void *ctx)
{
	int rc = tv_txn_foreach(t, ADB_AUDIT, NULL, 0, verify_cb, ctx);

	/* 1: the walk stopped at a break (recorded in ctx).  A transaction
	 * function must not return 1: the store reads it as "run again". */
	return rc == 1 ? 0 : rc;
}

/* The head record must name the last entry and its hash. */
static void
head_check(struct verify *v)
{
	struct audit_walk *w = &v->w;

	if (v->broken)
		return;
	if (!v->have_head && w->n == 0)
		return;
	v->broken = 1;
	if (!v->have_head)
		snprintf(w->why, sizeof w->why, "the head record is missing"),
		    w->bad = w->n;
	else if (v->head_seq > w->n)
		snprintf(w->why, sizeof w->why, "the log ends at entry %llu "
		    "but its head names entry %llu: entries were removed",
		    (unsigned long long)w->n, (unsigned long long)v->head_seq),
		    w->bad = w->n + 1;
	else if (v->head_seq < w->n)
		snprintf(w->why, sizeof w->why, "entries after %llu were "
		    "added behind the head's back",
		    (unsigned long long)v->head_seq), w->bad = v->head_seq + 1;
	else if (sodium_memcmp(v->head, w->prev, 32) != 0)
		snprintf(w->why, sizeof w->why, "entry %llu does not match "
		    "the hash recorded in the head: it was modified",
		    (unsigned long long)w->n), w->bad = w->n;
	else
		v->broken = 0;
}

static int
verify_report(struct verify *v)
{
	char hex[65];

	if (!v->broken && audit_walk_end(&v->w) != 0)
		v->broken = 1;
	if (v->broken) {
		printf("audit log BROKEN at entry %llu: %s\n",
		    (unsigned long long)v->w.bad, v->w.why);
		if (v->w.bad > 1)
			printf("entries 1 to %llu verified\n",
			    (unsigned long long)v->w.bad - 1);
		return 1;
	}
	hex_encode(hex, v->w.prev, 32);
	printf("audit log: %llu entries, chain intact\n",
	    (unsigned long long)v->w.n);
	if (v->w.anchor_seq)
		printf("anchor: entry %llu matches\n",
		    (unsigned long long)v->w.anchor_seq);
	if (v->w.n > 0)
		printf("head %llu %s\n", (unsigned long long)v->w.n, hex);
	return 0;
}

static void
anchor_parse(struct audit_walk *w, const char *arg)
{
	char *end;

	errno = 0;
	w->anchor_seq = strtoull(arg, &end, 10);
	if (errno || end == arg || *end != ':' || w->anchor_seq == 0 ||
	    hex_decode(w->anchor, 32, end + 1) != 0)
		die("--anchor: want SEQ:HASH (64 hex digits), as printed by "
		    "'aggregator audit verify'");
}

static int
verify_file(struct verify *v, const char *path)
{
	char *line = NULL;
	size_t cap = 0, len;
	uint64_t pos = 0;
	ssize_t r;
	FILE *f;

	if ((f = fopen(path, "rbe")) == NULL)
		die("cannot open '%s': %s", path, strerror(errno));
	while (!v->broken && (r = getline(&line, &cap, f)) > 0) {
		len = (size_t)r;
		if (line[len - 1] == '\n')
			len--;
		if (audit_walk_entry(&v->w, ++pos, (uint8_t *)line, len) != 0)
			v->broken = 1;
	}
	if (ferror(f))
		die("cannot read '%s': %s", path, strerror(errno));
	free(line);
	fclose(f);
	return verify_report(v);
}

static int
audit_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *file = NULL;
	struct verify v = { 0 };
	struct server s;
	int ch, rc;

	audit_walk_init(&v.w);
	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'f': file = optarg; break;
		case 'a': anchor_parse(&v.w, optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if ((dir == NULL) == (file == NULL) || optind != argc)
		usage(2);
	if (file != NULL)
		return verify_file(&v, file);
	server_open(&s, dir, 0);
	rc = tv_store_read(s.st, verify_fn, &v);
	server_close(&s);
	if (rc != 0)
		die("cannot read the audit log: %s", tv_strerror(rc));
	head_check(&v);
	return verify_report(&v);
}

/* ---- export ------------------------------------------------------------ */

static FILE *
export_open(const char *tmp)
{
	int fd;
	FILE *f;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		die("cannot create '%s': %s", tmp, strerror(errno));
	return f;
}

static int
audit_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *out;
	struct verify v = { 0 };
	struct server s;
	char tmp[4096];
	int ch, rc, ok;

	audit_walk_init(&v.w);
	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind + 1 != argc)
		usage(2);
	out = argv[optind];
	if (access(out, F_OK) == 0)
		die("'%s' exists; export writes a new file", out);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
	server_open(&s, dir, 0);
	v.out = export_open(tmp);
	rc = tv_store_read(s.st, verify_fn, &v);
	server_close(&s);
	ok = rc == 0 && !v.werr && fflush(v.out) == 0 &&
	    fsync(fileno(v.out)) == 0;
	if (fclose(v.out) != 0 || !ok || link(tmp, out) != 0) {
		unlink(tmp);
		die("cannot write '%s': %s", out, rc ? tv_strerror(rc) :
		    strerror(errno));
	}
	unlink(tmp);
	printf("exported %llu entries to %s\n", (unsigned long long)
	    v.written, out);
	head_check(&v);
	return verify_report(&v);
}

int
cmd_audit(int argc, char **argv)
{
	if (argc < 2)
		usage(2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		usage(0);
	if (!strcmp(argv[1], "show"))
		return audit_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return audit_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return audit_export(argc - 1, argv + 1);
	error("unknown audit command '%s'", argv[1]);
	usage(2);
}
