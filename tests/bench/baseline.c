/* SPDX-License-Identifier: MIT */
/*
 * The two baselines, on the same records as the pipeline (plain.bin, the
 * generator's plaintext twin):
 *
 * (a) bench sqlite: the plaintext pipeline.  Records in clear (16-byte id
 *     as primary key, site, day, K integer columns) loaded into SQLite in
 *     one transaction per batch of the same size as ours, with SQLite's
 *     default durability (journal, synchronous=FULL), then summed with one
 *     GROUP BY site, day.
 * (b) bench odk: encryption at source as ODK-style tools do it.  Per
 *     record, a random AES-256 key and IV; the record (as a small XML
 *     submission) encrypted with AES-256-CFB; the key wrapped with
 *     RSA-2048-OAEP (SHA-256) to the server's public key (OpenSSL EVP).
 *     To count anything the server must unwrap and decrypt every record:
 *     that is what is timed, then the counts are checked.  (ODK also
 *     RSA-encrypts a digest of each submission, a second private-key
 *     operation per record at the server; it is left out, which favours
 *     the baseline.)
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <sqlite3.h>

#include "common/util.h"
#include "tests/bench/bench.h"

struct plain {
	uint32_t k;
	size_t n;
	uint32_t *site;
	int32_t *day;
	uint8_t *bits;
};

static void
plain_or_die(struct plain *p, const char *path)
{
	if (plain_load(path, &p->k, &p->n, &p->site, &p->day, &p->bits) != 0)
		exit(2);
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* ---- (a) SQLite ------------------------------------------------------- */

static void
sql_or_die(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("sqlite: %s: %s", sql, msg ? msg : "?");
}

static char *
sql_text(uint32_t k, int insert)
{
	size_t cap = 64 + (size_t)k * 24;
	char *s = xmalloc(cap), *e = s;
	uint32_t i;

	if (insert) {
		e += sprintf(e, "INSERT INTO rec VALUES (?, ?, ?");
		for (i = 0; i < k; i++)
			e += sprintf(e, ", ?");
		sprintf(e, ")");
	} else {
		e += sprintf(e, "CREATE TABLE rec (id BLOB PRIMARY KEY, "
		    "site INTEGER, day INTEGER");
		for (i = 0; i < k; i++)
			e += sprintf(e, ", b%u INTEGER", i);
		sprintf(e, ")");
	}
	return s;
}

static void
sqlite_load(sqlite3 *db, const struct plain *p, uint32_t per)
{
	char *sql = sql_text(p->k, 1);
	sqlite3_stmt *st;
	uint8_t id[16];
	size_t j;
	uint32_t i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("sqlite: %s", sqlite3_errmsg(db));
	for (j = 0; j < p->n; j++) {
		if (j % per == 0)
			sql_or_die(db, "BEGIN");
		randombytes_buf(id, sizeof id);
		sqlite3_bind_blob(st, 1, id, sizeof id, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, (int)p->site[j]);
		sqlite3_bind_int(st, 3, p->day[j]);
		for (i = 0; i < p->k; i++)
			sqlite3_bind_int(st, 4 + (int)i, p->bits[j * p->k + i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("sqlite insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
		if ((j + 1) % per == 0 || j + 1 == p->n)
			sql_or_die(db, "COMMIT");
	}
	sqlite3_finalize(st);
	free(sql);
}

/* GROUP BY site, day; returns the total of indicator 0 (visits). */
static uint64_t
sqlite_aggregate(sqlite3 *db, uint32_t k, uint64_t *cells)
{
	size_t cap = 96 + (size_t)k * 16;
	char *sql = xmalloc(cap), *e = sql;
	sqlite3_stmt *st;
	uint64_t tot = 0;
	uint32_t i;

	e += sprintf(e, "SELECT site, day, COUNT(*)");
	for (i = 0; i < k; i++)
		e += sprintf(e, ", SUM(b%u)", i);
	sprintf(e, " FROM rec GROUP BY site, day");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("sqlite: %s", sqlite3_errmsg(db));
	*cells = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		tot += (uint64_t)sqlite3_column_int64(st, 3);
		(*cells)++;
	}
	sqlite3_finalize(st);
	free(sql);
	return tot;
}

int
bench_sqlite(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	uint32_t per = 1000;
	struct plain p;
	struct stat sb;
	uint64_t tot, cells;
	double t0, c0, load, agg;
	sqlite3 *db;
	char *sql;
	int ch;

	while ((ch = getopt(argc, argv, "i:o:b:")) != -1) {
		switch (ch) {
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'b': per = (uint32_t)opt_ulong("-b", optarg, 1u << 30);
			break;
		default:
			die("usage: bench sqlite -i plain.bin -o DB [-b PER_TXN]");
		}
	}
	if (in == NULL || out == NULL || per == 0)
		die("bench sqlite: -i and -o are required");
	plain_or_die(&p, in);
	unlink(out);
	if (sqlite3_open(out, &db) != SQLITE_OK)
		die("sqlite: cannot open '%s'", out);
	sql = sql_text(p.k, 0);
	sql_or_die(db, sql);
	free(sql);
	t0 = bench_now();
	c0 = cpu_seconds();
	sqlite_load(db, &p, per);
	load = bench_now() - t0;
	t0 = bench_now();
	tot = sqlite_aggregate(db, p.k, &cells);
	agg = bench_now() - t0;
	sqlite3_close(db);
	stat(out, &sb);
	printf("records %zu\nload_s %.3f\nagg_s %.3f\ncpu_s %.3f\ncells %llu\n"
	    "visits %llu\ndb_bytes %lld\nvmhwm_kb %ld\n", p.n, load, agg,
	    cpu_seconds() - c0, (unsigned long long)cells,
	    (unsigned long long)tot, (long long)sb.st_size, bench_vmhwm());
	return 0;
}

/* ---- (b) ODK-style ---------------------------------------------------- */

#define WRAP_BYTES 256	/* RSA-2048 */
#define PAYLOAD_MAX 512

struct odk_rec {
	uint8_t wrap[WRAP_BYTES];
	uint8_t iv[16];
	uint16_t len;
	uint8_t ct[PAYLOAD_MAX];
};

struct odk {
	struct plain p;
	EVP_PKEY *key;
	struct odk_rec *recs;
	uint64_t *sums;		/* k totals */
	pthread_mutex_t lock;
	unsigned nthreads;
};

static size_t
odk_xml(char *out, const struct plain *p, size_t j)
{
	size_t n;
	uint32_t i;

	n = (size_t)sprintf(out, "<data id=\"bench\"><site>%u</site>"
	    "<day>%d</day><ind>", p->site[j], p->day[j]);
	for (i = 0; i < p->k; i++)
		out[n++] = (char)('0' + p->bits[j * p->k + i]);
	n += (size_t)sprintf(out + n, "</ind></data>");
	return n;
}

static int
aes_cfb(int enc, const uint8_t key[32], const uint8_t iv[16],
    const uint8_t *in, int len, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, ok;

	ok = x != NULL && EVP_CipherInit_ex(x, EVP_aes_256_cfb128(), NULL,
	    key, iv, enc) == 1 && EVP_CipherUpdate(x, out, &n, in, len) == 1 &&
	    EVP_CipherFinal_ex(x, out + n, &m) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? n + m : -1;
}

static EVP_PKEY_CTX *
oaep_ctx(EVP_PKEY *key, int enc)
{
	EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(key, NULL);

	if (x == NULL || (enc ? EVP_PKEY_encrypt_init(x) :
	    EVP_PKEY_decrypt_init(x)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(x, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(x, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(x, EVP_sha256()) != 1)
		die("openssl: cannot set up RSA-OAEP");
	return x;
}

/* The device side: one record, fresh key and IV. */
static void
odk_encrypt(struct odk *o, EVP_PKEY_CTX *x, size_t j)
{
	struct odk_rec *r = &o->recs[j];
	uint8_t key[32];
	char xml[PAYLOAD_MAX];
	size_t wl = WRAP_BYTES, n = odk_xml(xml, &o->p, j);
	int len;

	randombytes_buf(key, sizeof key);
	randombytes_buf(r->iv, sizeof r->iv);
	if ((len = aes_cfb(1, key, r->iv, (uint8_t *)xml, (int)n, r->ct)) < 0)
		die("openssl: AES");
	r->len = (uint16_t)len;
	if (EVP_PKEY_encrypt(x, r->wrap, &wl, key, sizeof key) != 1 ||
	    wl != WRAP_BYTES)
		die("openssl: RSA-OAEP encrypt");
	sodium_memzero(key, sizeof key);
}

/* The server side: unwrap, decrypt, parse, count. */
static void
odk_decrypt(struct odk_rec *r, EVP_PKEY_CTX *x, uint32_t k, uint64_t *sums)
{
	uint8_t key[WRAP_BYTES], xml[PAYLOAD_MAX + 1];
	size_t kl = sizeof key;
	const char *p;
	int len;
	uint32_t i;

	if (EVP_PKEY_decrypt(x, key, &kl, r->wrap, WRAP_BYTES) != 1 ||
	    kl != 32)
		die("openssl: RSA-OAEP decrypt");
	if ((len = aes_cfb(0, key, r->iv, r->ct, r->len, xml)) < 0)
		die("openssl: AES");
	xml[len] = 0;
	if ((p = strstr((char *)xml, "<ind>")) == NULL)
		die("odk: bad record");
	for (i = 0, p += 5; i < k; i++)
		sums[i] += (uint64_t)(p[i] == '1');
}

static void *
odk_worker(void *arg)
{
	struct odk **a = arg, *o = a[0];
	unsigned t = (unsigned)(uintptr_t)a[1];
	EVP_PKEY_CTX *x = oaep_ctx(o->key, 0);
	uint64_t *sums = xcalloc(o->p.k, 8);
	size_t j;
	uint32_t i;

	for (j = t; j < o->p.n; j += o->nthreads)
		odk_decrypt(&o->recs[j], x, o->p.k, sums);
	pthread_mutex_lock(&o->lock);
	for (i = 0; i < o->p.k; i++)
		o->sums[i] += sums[i];
	pthread_mutex_unlock(&o->lock);
	EVP_PKEY_CTX_free(x);
	free(sums);
	return NULL;
}

static double
odk_server(struct odk *o)
{
	pthread_t th[64];
	void *args[64][2];
	double t0 = bench_now();
	unsigned t;

	for (t = 0; t < o->nthreads; t++) {
		args[t][0] = o;
		args[t][1] = (void *)(uintptr_t)t;
		if (pthread_create(&th[t], NULL, odk_worker, args[t]) != 0)
			die("cannot start a thread");
	}
	for (t = 0; t < o->nthreads; t++)
		pthread_join(th[t], NULL);
	return bench_now() - t0;
}

int
bench_odk(int argc, char **argv)
{
	struct odk o = { .nthreads = 1 };
	const char *in = NULL;
	EVP_PKEY_CTX *x;
	uint64_t want = 0, bytes = 0;
	double t0, c0, enc, dec, cpu;
	size_t j;
	int ch;

	while ((ch = getopt(argc, argv, "i:j:")) != -1) {
		switch (ch) {
		case 'i': in = optarg; break;
		case 'j': o.nthreads = (unsigned)opt_ulong("-j", optarg, 64);
			break;
		default:
			die("usage: bench odk -i plain.bin [-j THREADS]");
		}
	}
	if (in == NULL || o.nthreads == 0)
		die("bench odk: -i is required");
	plain_or_die(&o.p, in);
	if ((o.key = EVP_RSA_gen(2048)) == NULL)
		die("openssl: cannot make an RSA-2048 key");
	o.recs = xmalloc(o.p.n * sizeof *o.recs);
	o.sums = xcalloc(o.p.k, 8);
	pthread_mutex_init(&o.lock, NULL);
	x = oaep_ctx(o.key, 1);
	t0 = bench_now();
	for (j = 0; j < o.p.n; j++) {
		odk_encrypt(&o, x, j);
		bytes += WRAP_BYTES + 16 + o.recs[j].len;
		want += o.p.bits[j * o.p.k];
	}
	enc = bench_now() - t0;
	EVP_PKEY_CTX_free(x);
	c0 = cpu_seconds();
	dec = odk_server(&o);
	cpu = cpu_seconds() - c0;
	if (o.sums[0] != want)
		die("odk: decrypted %llu visits, want %llu",
		    (unsigned long long)o.sums[0], (unsigned long long)want);
	printf("records %zu\nthreads %u\nenc_s %.3f\ndec_s %.3f\n"
	    "dec_cpu_s %.3f\nbytes_per_record %.1f\nvisits %llu\n"
	    "vmhwm_kb %ld\n", o.p.n, o.nthreads, enc, dec, cpu,
	    (double)bytes / (double)o.p.n, (unsigned long long)o.sums[0],
	    bench_vmhwm());
	EVP_PKEY_free(o.key);
	free(o.recs);
	free(o.sums);
	return 0;
}
