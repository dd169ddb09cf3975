/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <getopt.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <pwquality.h>
#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "proto/campaign.h"

/* The program's name in every message: set once by each main before
 * anything else runs, then only read.  die() and error() are called from
 * everywhere without a context, so the name is process-wide, like BSD's
 * setprogname(). */
const char *progname = "tallyvan";

/* The VERSION file's, passed by the Makefile (the one place the version
 * is written; the man pages take it from there too).  Only a build
 * outside the Makefile (the libFuzzer targets) lacks it. */
#ifndef TV_VERSION
#define TV_VERSION "unknown"
#endif
const char tv_version[] = TV_VERSION;

/*
 * One line, one write(2): stderr is unbuffered, so three stdio calls were
 * three writes, and lines from serve's threads ran into each other.  The
 * line is formatted whole, then handed to one fwrite, which glibc turns
 * into one write on an unbuffered stream, under the stream's lock (and
 * which retries EINTR).  A write of up to PIPE_BUF bytes to a pipe
 * (journald's stream) is atomic; longer messages are cut to REPORT_MAX.
 */
#define REPORT_MAX 1024
static void
vreport(const char *prefix, const char *fmt, va_list ap)
{
	char line[REPORT_MAX];
	size_t n;
	int k;

	k = snprintf(line, sizeof line, "%s: %s", progname, prefix);
	n = k < 0 ? 0 : (size_t)k < sizeof line ? (size_t)k : sizeof line - 1;
	k = vsnprintf(line + n, sizeof line - n, fmt, ap);
	n += k < 0 ? 0 : (size_t)k < sizeof line - n ? (size_t)k :
	    sizeof line - n - 1;
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	fwrite(line, 1, n, stderr);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(2);
}

void
die_refused(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(1);
}

int
exit_code(int err)
{
	switch (err) {
	case TV_ERR_TOOBIG:
	case TV_ERR_FORMAT:
	case TV_ERR_BADSIG:
	case TV_ERR_CRYPTO:
	case TV_ERR_RANGE:
	case TV_ERR_MISMATCH:
	case TV_ERR_REVOKED:
	case TV_ERR_BADKEY:
	case TV_ERR_CONFLICT:
	case TV_ERR_REFUSED:
		return 1;
	default:
		return 2;
	}
}

void
die_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(exit_code(err));
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return -1;
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

static void
command_usage(FILE *f, const struct command *cmds, size_t n, const char *what)
{
	size_t i;

	fprintf(f, "usage: %s <command> [options]\n\n%s\n\ncommands:\n",
	    progname, what);
	for (i = 0; i < n; i++)
		fprintf(f, "  %-16s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'%s <command> --help' describes a command; '%s "
	    "--version' prints the version.\n"
	    "Exit status: 0 success; 1 a check failed, the input is refused (a "
	    "tampered\nfile, a wrong passphrase); 2 usage or system error (a "
	    "missing file, I/O).\n", progname, progname);
}

char *
option_take(int *argc, char **argv, const char *name)
{
	size_t len = strlen(name);
	char *value = NULL;
	int i = 1, j, drop;

	while (i < *argc && strcmp(argv[i], "--") != 0) {
		drop = 0;
		if (strncmp(argv[i], "--", 2) == 0 &&
		    strncmp(argv[i] + 2, name, len) == 0) {
			if (argv[i][2 + len] == '=') {
				value = argv[i] + 3 + len;
				drop = 1;
			} else if (argv[i][2 + len] == 0 && i + 1 < *argc) {
				value = argv[i + 1];
				drop = 2;
			}
		}
		if (drop == 0) {
			i++;
			continue;
		}
		for (j = i; j + drop <= *argc; j++)
			argv[j] = argv[j + drop];	/* argv[argc] is NULL */
		*argc -= drop;
	}
	return value;
}

char *
option_dir(int *argc, char **argv)
{
	char *dir = option_take(argc, argv, "dir");

	if (option_help(*argc, argv))
		return NULL;
	if (dir == NULL)
		die("%s: --dir DIR is required (see '%s %s --help')", argv[0],
		    progname, argv[0]);
	return dir;
}

int
option_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

char **
options_none(int argc, char **argv, int n, void (*usage)(int code))
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		usage(ch == 'h' ? 0 : 2);
	if (optind + n != argc)
		usage(2);
	return argv + optind;
}

/* Run row c with what its needs ask the program to prepare. */
static int
command_setup_run(const struct command *c, const struct setup_ops *ops,
    int argc, char **argv)
{
	struct setup *su;
	int rc;

	if (c->run == NULL)
		return c->fn(argc, argv);
	su = ops->open(c->needs, &argc, argv);
	rc = c->run(su, argc, argv);
	ops->close(su);
	return rc;
}

int
command_run(const struct command *cmds, size_t n, const char *what,
    const struct setup_ops *ops, int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		command_usage(stderr, cmds, n, what);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		command_usage(stdout, cmds, n, what);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("%s %s\n", progname, tv_version);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return command_setup_run(&cmds[i], ops, argc - 1,
			    argv + 1);
	error("unknown command '%s' (try '%s --help')", argv[1], progname);
	return 2;
}

void
process_harden(void)
{
	struct rlimit rl = { 0, 0 };

	/* A core dump could hold a visit being typed or a key. */
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		die("cannot disable core dumps: %s", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		die("cannot make the process non-dumpable: %s",
		    strerror(errno));
	umask(077);
	if (tv_crypto_init() != 0)
		die("cannot initialise libsodium");
#ifdef __GLIBC__
	/* Blocks of 1 MiB and more (a batch's decoded points: 8 MB at
	 * K = 32) are mapped and given back when freed.  glibc would raise
	 * this threshold after the first such free and take the next ones
	 * from the heap, around which the recount's long-lived sums then
	 * grow: publish at 10^6 records peaked at 513 MiB, 483 with this. */
	(void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int
file_read(const char *path, size_t cap, uint8_t **buf, size_t *len)
{
	struct stat sb;
	uint8_t *p = NULL;
	size_t off = 0;
	ssize_t r;
	int fd, rc = TV_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? TV_ERR_NOTFOUND : TV_ERR_IO;
	if (fstat(fd, &sb) != 0)
		goto out;
	if (!S_ISREG(sb.st_mode)) {
		rc = TV_ERR_FORMAT;
		goto out;
	}
	/* Size cap before allocation. */
	if ((size_t)sb.st_size > cap) {
		rc = TV_ERR_TOOBIG;
		goto out;
	}
	p = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size) {
		r = read(fd, p + off, (size_t)sb.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		off += (size_t)r;
	}
	p[off] = 0;
	*buf = p;
	*len = off;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}

int
file_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

void
fsync_parent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = 0;
	else
		*slash = 0;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
dir_remove_flat(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : TV_ERR_IO;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    de->d_name) >= sizeof path || unlink(path) != 0)
			rc = TV_ERR_IO;	/* a subdirectory: not ours */
	}
	closedir(dp);
	if (rc == 0 && rmdir(dir) != 0)
		rc = TV_ERR_IO;
	if (rc == 0)
		fsync_parent(dir);
	return rc;
}

/* path written through path.tmp.PID: fill(fd, ctx) writes it (0 or
 * TV_ERR_*), it is synced, then renamed over path or, with FILE_EXCL,
 * linked (refused if path exists), and the directory synced.  The one
 * place that decides a written file's mode (util.h, enum file_flags). */
static int
write_atomic(const char *path, unsigned flags,
    int (*fill)(int, const void *), const void *ctx)
{
	mode_t mode = (flags & FILE_PUBLIC) ? 0644 : 0600;
	int excl = (flags & FILE_EXCL) != 0;
	size_t n = strlen(path) + 32;
	char *tmp = xmalloc(n);
	int fd, rc = TV_ERR_IO;

	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if (excl && access(path, F_OK) == 0) {
		rc = TV_ERR_EXISTS;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0)
		goto out;
	/* The umask (077 in every program) only narrows a new file's mode:
	 * set it exactly, and reset one left by an earlier run. */
	if (fchmod(fd, mode) != 0 || (rc = fill(fd, ctx)) != 0 ||
	    fsync(fd) != 0) {
		rc = rc ? rc : TV_ERR_IO;
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (excl ? link(tmp, path) != 0 : rename(tmp, path) != 0) {
		rc = errno == EEXIST ? TV_ERR_EXISTS : TV_ERR_IO;
		unlink(tmp);
		goto out;
	}
	if (excl)
		unlink(tmp);
	fsync_parent(path);
	rc = 0;
out:
	free(tmp);
	return rc;
}

struct span {
	const void *buf;
	size_t len;
};

static int
fill_span(int fd, const void *ctx)
{
	const struct span *s = ctx;

	return file_write_all(fd, s->buf, s->len) != 0 ? TV_ERR_IO : 0;
}

int
file_write_atomic(const char *path, const void *buf, size_t len,
    unsigned flags)
{
	struct span s = { buf, len };

	return write_atomic(path, flags, fill_span, &s);
}

/* The file named ctx, 64 KiB at a time. */
static int
fill_copy(int fd, const void *ctx)
{
	uint8_t *buf = xmalloc(1u << 16);
	int in = open(ctx, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (in < 0)
		rc = errno == ENOENT ? TV_ERR_NOTFOUND : TV_ERR_IO;
	while (rc == 0 && (n = read(in, buf, 1u << 16)) != 0)
		if (n < 0 ? errno != EINTR :
		    file_write_all(fd, buf, (size_t)n) != 0)
			rc = TV_ERR_IO;
	if (in >= 0)
		close(in);
	free(buf);
	return rc;
}

int
file_copy_atomic(const char *src, const char *path, unsigned flags)
{
	return write_atomic(path, flags, fill_copy, src);
}

int
file_stream_atomic(const char *path, unsigned flags,
    int (*fill)(int fd, const void *ctx), const void *ctx)
{
	return write_atomic(path, flags, fill, ctx);
}

int
dir_create_public(const char *dir)
{
	if (mkdir(dir, 0755) != 0)
		return -1;
	return chmod(dir, 0755);	/* past the umask */
}

#define PASS_MAX 1024

static size_t
pass_chomp(char *p)
{
	size_t n = strcspn(p, "\r\n");

	p[n] = 0;
	return n;
}

static void
pass_from_file(const char *path, char *buf)
{
	FILE *f;
	int rc;

	/* A passphrase file is a secret: same rules as a key file. */
	if ((rc = tv_keyfile_check_mode(path)) != 0)
		die("passphrase file '%s': %s (want mode 0600, owned by you, "
		    "not a symlink)", path, tv_strerror(rc));
	if ((f = fopen(path, "re")) == NULL)
		die("cannot open passphrase file '%s': %s", path,
		    strerror(errno));
	setvbuf(f, NULL, _IONBF, 0);	/* no unwiped copy in a stdio buffer */
	if (fgets(buf, PASS_MAX, f) == NULL)
		buf[0] = 0;
	fclose(f);
}

static void
pass_from_tty(const char *prompt, char *buf)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+e");

	if (tty == NULL)
		die("no terminal to ask the passphrase on; use "
		    "--passphrase-file");
	setvbuf(tty, NULL, _IONBF, 0);	/* no unwiped copy in a stdio buffer */
	fputs(prompt, tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (fgets(buf, PASS_MAX, tty) == NULL)
		buf[0] = 0;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
}

/*
 * A new passphrase must survive an offline attack on a stolen disk: each
 * guess costs one Argon2id run (about 2 s at "moderate"), so what matters
 * is the number of likely guesses.  libpwquality judges that (length,
 * character classes, cracklib's dictionary, the system's pwquality.conf
 * if any); on top, at least PASS_MIN_LEN characters and a score of
 * PASS_MIN_SCORE out of 100 ("Password2024!" scores 40).
 */
#define PASS_MIN_LEN 12
#define PASS_MIN_SCORE 50
static void
passphrase_check_new(char *buf)
{
	pwquality_settings_t *pq = pwquality_default_settings();
	char why[256];
	void *aux = NULL;
	int rc, minlen = 0;

	if (pq == NULL)
		die("out of memory");
	(void)pwquality_read_config(pq, NULL, NULL);	/* optional */
	if (pwquality_get_int_value(pq, PWQ_SETTING_MIN_LENGTH, &minlen) != 0 ||
	    minlen < PASS_MIN_LEN)
		pwquality_set_int_value(pq, PWQ_SETTING_MIN_LENGTH,
		    PASS_MIN_LEN);
	rc = pwquality_check(pq, buf, NULL, NULL, &aux);
	if (rc < 0)
		pwquality_strerror(why, sizeof why, rc, aux);
	else if (rc < PASS_MIN_SCORE)
		snprintf(why, sizeof why, "it is too predictable (score %d of "
		    "100, want %d)", rc, PASS_MIN_SCORE);
	pwquality_free_settings(pq);
	if (rc >= PASS_MIN_SCORE)
		return;
	sodium_free(buf);
	die("passphrase refused: %s.  Whoever steals this disk can try "
	    "passphrases offline: use %d characters or more, e.g. four or "
	    "five unrelated words", why, PASS_MIN_LEN);
}

void
passphrase_get(const char *path, int confirm, char **pass, size_t *len)
{
	char *buf = sodium_malloc(PASS_MAX), *again;

	if (buf == NULL)
		die("out of secure memory");
	if (path != NULL) {
		pass_from_file(path, buf);
	} else {
		pass_from_tty("Passphrase: ", buf);
		if (confirm) {
			if ((again = sodium_malloc(PASS_MAX)) == NULL)
				die("out of secure memory");
			pass_from_tty("Passphrase (again): ", again);
			if (strcmp(buf, again) != 0) {
				sodium_free(again);
				sodium_free(buf);
				die("the passphrases differ");
			}
			sodium_free(again);
		}
	}
	*len = pass_chomp(buf);
	if (*len == 0) {
		sodium_free(buf);
		die("empty passphrase");
	}
	if (confirm)
		passphrase_check_new(buf);
	*pass = buf;
}

uint8_t *
keyfile_unlock(const char *path, const char *kind, const char *passfile,
    size_t want, const char *what, char **keep)
{
	uint8_t *payload = NULL;
	char *pass;
	size_t passlen, len = 0;
	int rc;

	passphrase_get(passfile, 0, &pass, &passlen);
	rc = tv_keyfile_read(path, kind, pass, passlen, &payload, &len);
	if (rc != 0 || len != want || keep == NULL)
		sodium_free(pass);	/* wipes */
	if (rc != 0)
		die_err(rc, "%s '%s': %s", what, path, tv_strerror(rc));
	if (len != want) {
		sodium_free(payload);
		die_refused("%s '%s': not a %s key (%zu bytes, want %zu)", what,
		    path, kind, len, want);
	}
	if (keep != NULL)
		*keep = pass;
	return payload;
}

enum tv_kdf
kdf_from_name(const char *name)
{
	if (!strcmp(name, "interactive"))
		return TV_KDF_INTERACTIVE;
	if (!strcmp(name, "moderate"))
		return TV_KDF_MODERATE;
	if (!strcmp(name, "sensitive"))
		return TV_KDF_SENSITIVE;
	die("--kdf: want interactive, moderate or sensitive, not '%s'", name);
}

void
hex_encode(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

int
hex_decode(uint8_t *out, size_t n, const char *hex)
{
	size_t got = 0;

	if (strlen(hex) != 2 * n)
		return -1;
	if (sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) != 0 ||
	    got != n)
		return -1;
	return 0;
}

unsigned long
opt_ulong(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != 0 || v > max || s[0] == '-')
		die("%s: want a whole number up to %lu, not '%s'", opt, max, s);
	return v;
}

int
file_hash(const char *path, uint8_t h[32], uint64_t *size)
{
	crypto_generichash_state st;
	uint8_t buf[65536];
	size_t n;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "rbe")) == NULL)
		return TV_ERR_IO;
	crypto_generichash_init(&st, NULL, 0, 32);
	if (size != NULL)
		*size = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		crypto_generichash_update(&st, buf, n);
		if (size != NULL)
			*size += n;
	}
	if (ferror(f))
		rc = TV_ERR_IO;
	fclose(f);
	crypto_generichash_final(&st, h, 32);
	return rc;
}

char *
secret_read_fd(int fd, size_t cap)
{
	char *buf = sodium_malloc(cap + 1);
	size_t off = 0;
	ssize_t r;

	if (buf == NULL)
		die("out of secure memory");
	while (off < cap) {
		r = read(fd, buf + off, cap - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sodium_free(buf);	/* wipes */
			die("cannot read standard input: %s", strerror(errno));
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	if (off == cap) {
		sodium_free(buf);
		die("standard input: more than %zu bytes", cap);
	}
	buf[off] = 0;
	return buf;
}

struct tv_campaign *
campaign_load_or_die(const char *path, int complete)
{
	struct tv_campaign *c = NULL;
	char err[512];
	int rc;

	if ((rc = tv_campaign_load(&c, path, err, sizeof err)) != 0)
		die_err(rc, "%s", err);
	if (complete && !tv_campaign_complete(c)) {
		tv_campaign_free(c);
		die_refused("%s: not every trustee has signed this campaign (see "
		    "'trustee finalize')", path);
	}
	return c;
}

void
campaign_dir_create(const char *dir, const char *bundle)
{
	size_t n = strlen(dir) + sizeof "/campaign.json", len;
	char *path = xmalloc(n);
	uint8_t *buf;
	int rc;

	if (mkdir(dir, 0700) != 0)
		die("cannot create '%s': %s", dir, strerror(errno));
	if ((rc = file_read(bundle, TV_CAMPAIGN_MAX_BYTES, &buf, &len)) != 0)
		die("cannot read '%s': %s", bundle, tv_strerror(rc));
	snprintf(path, n, "%s/campaign.json", dir);
	if ((rc = file_write_atomic(path, buf, len, 1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	free(buf);
}
