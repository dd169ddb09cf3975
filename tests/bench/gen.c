/* SPDX-License-Identifier: MIT */
/*
 * bench gen: a synthetic campaign of N records under a real campaign
 * bundle, as D devices would send it: signed, compressed batch files, the
 * devices' public keys (to enrol), the same records in clear (plain.bin,
 * for the baselines) and the ground truth (truth.txt).  Each device is a
 * van serving two sites on alternate days; its records come in day order,
 * in batches of the collector's own size (collector/outbox.c) unless -b.
 *
 * The ciphertexts are real (R = rG, C_i = rX_i + m_iG, with proofs when
 * the plan asks), but r advances by a fixed random step within a device
 * (r_{j+1} = r_j + d), so R and every pad rX_i advance by one point
 * addition each instead of a multiplication: about 2x faster, and only
 * for synthetic data.  A real device draws a fresh r per record
 * (crypto/elgamal.c): related r across records would be unsafe there.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <zstd.h>

#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/record_proof.h"
#include "tests/bench/bench.h"

struct gen {
	const struct tv_campaign *c;
	const char *dir;
	uint64_t n, seed;
	uint32_t ndev, per, nthreads;
	uint8_t *bits;		/* n * k, record order = device order */
	uint32_t *site;
	int32_t *day;
	pthread_mutex_t lock;
	uint32_t next_dev;
	uint64_t files, bytes, raw;
};

/* A device's encryption chain (see the header comment). */
struct chain {
	uint8_t r[32], d[32], R[32], dR[32];
	uint8_t *P, *dP;	/* k points each */
};

static void
chain_init(struct chain *ch, const struct tv_campaign *c)
{
	uint32_t i;

	ch->P = xmalloc((size_t)c->k * 32);
	ch->dP = xmalloc((size_t)c->k * 32);
	crypto_core_ristretto255_scalar_random(ch->r);
	crypto_core_ristretto255_scalar_random(ch->d);
	tv_point_mulbase(ch->R, ch->r);
	tv_point_mulbase(ch->dR, ch->d);
	for (i = 0; i < c->k; i++)
		if (tv_point_mul(ch->P + 32 * i, ch->r, c->keys + 32 * i) != 0 ||
		    tv_point_mul(ch->dP + 32 * i, ch->d, c->keys + 32 * i) != 0)
			die("bad campaign key");
}

/* Next record's ciphertext of bits m (k bytes). */
static void
chain_next(struct chain *ch, const struct tv_campaign *c, const uint8_t *m,
    uint8_t *ct)
{
	uint32_t i;

	crypto_core_ristretto255_scalar_add(ch->r, ch->r, ch->d);
	if (tv_point_add(ch->R, ch->R, ch->dR) != 0)
		die("internal error: chain");
	memcpy(ct, ch->R, 32);
	for (i = 0; i < c->k; i++) {
		if (tv_point_add(ch->P + 32 * i, ch->P + 32 * i,
		    ch->dP + 32 * i) != 0)
			die("internal error: chain");
		if (m[i])
			tv_point_add(ct + 32 * (i + 1), ch->P + 32 * i,
			    tv_generator);
		else
			memcpy(ct + 32 * (i + 1), ch->P + 32 * i, 32);
	}
}

static void
chain_free(struct chain *ch)
{
	sodium_memzero(ch->r, sizeof ch->r);
	free(ch->P);
	free(ch->dP);
}

/* Synthetic bits: every group gets exactly its sum of members set, the
 * first indicator is 1 (visits), the others one time in four. */
static void
bits_draw(const struct tv_plan *p, uint64_t *rng, uint8_t *m)
{
	uint32_t i, g, j, set;

	for (i = 0; i < p->nindicators; i++)
		m[i] = i == 0 ? 1 : (i == 1 ? bench_rand(rng) % 5 < 3 :
		    bench_rand(rng) % 4 == 0);
	for (g = 0; g < p->ngroups; g++) {
		const struct tv_group *gr = &p->groups[g];

		for (j = 0; j < gr->n; j++)
			m[gr->members[j]] = 0;
		for (set = 0; set < gr->sum && set < gr->n; set++) {
			j = (uint32_t)(bench_rand(rng) % gr->n);
			while (m[gr->members[j]])
				j = (j + 1) % gr->n;
			m[gr->members[j]] = 1;
		}
	}
}

static void
mkdir_or_die(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die("cannot create '%s': %s", path, strerror(errno));
}

static void
dev_keys(const struct gen *g, uint32_t d, uint8_t pk[32], uint8_t sk[64])
{
	uint8_t in[16], seed[32];
	char path[4096], hex[65];
	FILE *f;

	memcpy(in, &g->seed, 8);
	memcpy(in + 8, &d, 4);
	memcpy(in + 12, "dev", 4);
	crypto_generichash(seed, sizeof seed, in, sizeof in, NULL, 0);
	crypto_sign_seed_keypair(pk, sk, seed);
	hex_encode(hex, pk, 32);
	snprintf(path, sizeof path, "%s/dev/%u.pub", g->dir, d);
	if ((f = fopen(path, "w")) == NULL || fprintf(f, "%s\n", hex) < 0 ||
	    fclose(f) != 0)
		die("cannot write '%s'", path);
}

/* Seal batch b, write it as DIR/batches/<d>/<seq>.tvb; returns bytes. */
static void
batch_write(struct gen *g, const struct tv_batch *b, const uint8_t *sk,
    uint32_t d)
{
	struct tv_envelope env;
	char path[4096];
	uint8_t *buf;
	size_t len;
	unsigned long long raw;
	int rc;

	if ((rc = tv_batch_seal(&buf, &len, b, sk)) != 0)
		die("seal: %s", tv_strerror(rc));
	snprintf(path, sizeof path, "%s/batches/%u/%06llu.tvb", g->dir, d,
	    (unsigned long long)b->seq);
	if ((rc = file_write_atomic(path, buf, len, 0)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	if (tv_envelope_parse(&env, buf, len) != 0)
		die("internal error: unreadable envelope");
	raw = ZSTD_getFrameContentSize(env.payload, env.payload_len);
	pthread_mutex_lock(&g->lock);
	g->files++;
	g->bytes += len;
	g->raw += raw;
	pthread_mutex_unlock(&g->lock);
	tv_envelope_release(&env);
	free(buf);
}

static int
day_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Device d is a van serving two sites, d and d + 1 (mod the number of
 * sites), on alternate days; its records come in the order of their days,
 * as a collector exports them, so a batch covers a run of days at two
 * sites -- not every (site, day) of the campaign.
 */
static void
days_draw(struct gen *g, uint32_t d, uint64_t lo, uint64_t hi,
    uint64_t *rng)
{
	const struct tv_plan *p = g->c->plan;
	uint64_t j, ndays = (uint64_t)(p->end_day - p->start_day + 1);

	for (j = lo; j < hi; j++)
		g->day[j] = p->start_day + (int32_t)(bench_rand(rng) % ndays);
	qsort(g->day + lo, hi - lo, sizeof *g->day, day_cmp);
	for (j = lo; j < hi; j++)
		g->site[j] = (d + (uint32_t)(g->day[j] & 1)) % p->nsites;
}

static uint64_t
dev_first(const struct gen *g, uint32_t d)
{
	return g->n * d / g->ndev;
}

/* All batches of device d: records [dev_first(d), dev_first(d + 1)). */
static void
gen_device(struct gen *g, uint32_t d, struct chain *ch)
{
	const struct tv_campaign *c = g->c;
	const struct tv_plan *p = c->plan;
	uint64_t rng = g->seed * 0x9e3779b97f4a7c15ULL + d + 1, j, lo, hi;
	struct tv_batch b = { .k = c->k };
	uint8_t pk[32], sk[64], *m;
	uint32_t i;
	char path[4096];
	int rc;

	dev_keys(g, d, pk, sk);
	snprintf(path, sizeof path, "%s/batches/%u", g->dir, d);
	mkdir_or_die(path);
	memcpy(b.campaign_id, c->id, 32);
	memcpy(b.device_id, pk, 32);
	b.records = xcalloc(g->per, sizeof *b.records);
	for (i = 0; i < g->per; i++)
		b.records[i].ct = xmalloc(TV_CT_BYTES(c->k));
	lo = dev_first(g, d);
	hi = dev_first(g, d + 1);
	days_draw(g, d, lo, hi, &rng);
	for (j = lo; j < hi; j++) {
		struct tv_record *r = &b.records[b.nrecords];

		m = g->bits + j * c->k;
		bits_draw(p, &rng, m);
		randombytes_buf(r->id, sizeof r->id);
		r->site = g->site[j];
		r->day = g->day[j];
		chain_next(ch, c, m, r->ct);
		if ((rc = tv_record_prove(r, c, pk, ch->r, m)) != 0)
			die("prove: %s", tv_strerror(rc));
		if (++b.nrecords == g->per || j + 1 == hi) {
			b.seq++;
			batch_write(g, &b, sk, d);
			for (i = 0; i < b.nrecords; i++) {
				free(b.records[i].proofs);
				b.records[i].proofs = NULL;
			}
			b.nrecords = 0;
		}
	}
	for (i = 0; i < g->per; i++)
		free(b.records[i].ct);
	free(b.records);
	sodium_memzero(sk, sizeof sk);
}

static void *
gen_worker(void *arg)
{
	struct gen *g = arg;
	struct chain ch;
	uint32_t d;

	chain_init(&ch, g->c);
	for (;;) {
		pthread_mutex_lock(&g->lock);
		d = g->next_dev++;
		pthread_mutex_unlock(&g->lock);
		if (d >= g->ndev)
			break;
		gen_device(g, d, &ch);
	}
	chain_free(&ch);
	return NULL;
}

static void
gen_outputs(const struct gen *g)
{
	uint32_t k = g->c->k, i;
	uint64_t j, *tot = xcalloc(k, 8);
	char path[4096];
	uint8_t hdr[20];
	FILE *f;

	snprintf(path, sizeof path, "%s/plain.bin", g->dir);
	if ((f = fopen(path, "wb")) == NULL)
		die("cannot create '%s'", path);
	memcpy(hdr, "TVPLAIN1", 8);
	memcpy(hdr + 8, &k, 4);
	memcpy(hdr + 12, &g->n, 8);
	fwrite(hdr, 1, sizeof hdr, f);
	for (j = 0; j < g->n; j++) {
		fwrite(&g->site[j], 4, 1, f);
		fwrite(&g->day[j], 4, 1, f);
		fwrite(g->bits + j * k, 1, k, f);
		for (i = 0; i < k; i++)
			tot[i] += g->bits[j * k + i];
	}
	if (fclose(f) != 0)
		die("cannot write '%s'", path);
	snprintf(path, sizeof path, "%s/truth.txt", g->dir);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot create '%s'", path);
	fprintf(f, "records %llu\n", (unsigned long long)g->n);
	for (i = 0; i < k; i++)
		fprintf(f, "%s %llu\n", g->c->plan->indicators[i].id,
		    (unsigned long long)tot[i]);
	fclose(f);
	free(tot);
}

int
bench_gen(int argc, char **argv)
{
	struct gen g = { .per = 0, .ndev = 4, .nthreads = 2, .seed = 1 };
	struct tv_campaign *c = NULL;
	const char *cpath = NULL;
	pthread_t th[64];
	char err[512], path[4096];
	double t0;
	uint32_t i;
	int ch;

	while ((ch = getopt(argc, argv, "c:o:n:b:d:j:s:")) != -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'o': g.dir = optarg; break;
		case 'n': g.n = opt_ulong("-n", optarg, 100000000); break;
		case 'b': g.per = (uint32_t)opt_ulong("-b", optarg,
		    TV_BATCH_RECORDS_MAX); break;
		case 'd': g.ndev = (uint32_t)opt_ulong("-d", optarg, 1000000);
			break;
		case 'j': g.nthreads = (uint32_t)opt_ulong("-j", optarg, 64);
			break;
		case 's': g.seed = opt_ulong("-s", optarg, 1ul << 62); break;
		default:
			die("usage: bench gen -c CAMPAIGN.json -o DIR -n RECORDS "
			    "[-b PER_BATCH] [-d DEVICES] [-j THREADS] [-s SEED]");
		}
	}
	if (cpath == NULL || g.dir == NULL || g.n == 0 || g.ndev == 0 ||
	    g.nthreads == 0)
		die("bench gen: -c, -o and -n are required");
	if (tv_campaign_load(&c, cpath, err, sizeof err) != 0)
		die("%s", err);
	g.c = c;
	/* The collector's own batch size by default. */
	if (g.per == 0)
		g.per = tv_record_batch_size(c);
	mkdir_or_die(g.dir);
	snprintf(path, sizeof path, "%s/dev", g.dir);
	mkdir_or_die(path);
	snprintf(path, sizeof path, "%s/batches", g.dir);
	mkdir_or_die(path);
	g.bits = xmalloc(g.n * c->k);
	g.site = xmalloc(g.n * 4);
	g.day = xmalloc(g.n * 4);
	pthread_mutex_init(&g.lock, NULL);
	t0 = bench_now();
	for (i = 0; i < g.nthreads; i++)
		if (pthread_create(&th[i], NULL, gen_worker, &g) != 0)
			die("cannot start a thread");
	for (i = 0; i < g.nthreads; i++)
		pthread_join(th[i], NULL);
	printf("gen_s %.3f\nrecords %llu\nbatches %llu\nper_batch %u\n"
	    "wire_bytes %llu\nraw_bytes %llu\n", bench_now() - t0,
	    (unsigned long long)g.n, (unsigned long long)g.files, g.per,
	    (unsigned long long)g.bytes, (unsigned long long)g.raw);
	gen_outputs(&g);
	free(g.bits);
	free(g.site);
	free(g.day);
	tv_campaign_free(c);
	return 0;
}
