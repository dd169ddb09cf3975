/* SPDX-License-Identifier: MIT */
/*
 * bench micro: what each libsodium group operation costs here, now.  The
 * limit (c) of the design is a count of these per record times their cost,
 * so they are measured in the same run as everything they are compared
 * with.  Each figure is the best of several rounds: on a shared machine
 * the minimum is the cost, the rest is other people's work.
 */
#include <getopt.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/gpoint.h"
#include "crypto/proof.h"
#include "crypto/proof_internal.h"
#include "tests/bench/bench.h"

#define POOL 256
#define NPROOF 16
#define ROUNDS 25

struct pool {
	uint8_t p[POOL][32];
	uint8_t s[POOL][32];
	struct tv_gpoint g[POOL];	/* p, decoded */
	struct tv_gpoint gout;
	uint8_t out[32];
	/* 0/1 proofs of one indicator: key, R, C, proof */
	uint8_t px[NPROOF][32], pr[NPROOF][32], pc[NPROOF][32];
	uint8_t pp[NPROOF][TV_PROOF01_BYTES], ctx[32], dev[32];
	/* partial decryptions of one cell: S = s*G, R, D = s*R, proof */
	uint8_t ds[NPROOF][32], dr[NPROOF][32], dd[NPROOF][32];
	uint8_t dp[NPROOF][TV_DLEQ_BYTES], agg[32];
	volatile int sink;
};

/*
 * libsodium's byte interface (decode, add, ...), then the decoded layer
 * (crypto/gpoint.h, libdecaf): decode once, add decoded, encode once, and
 * a*G + b*P as one variable-time double multiplication; then one 0/1
 * proof checked by the libsodium verifier of the previous commit
 * (separate multiplications) and by the current one; then one partial
 * decryption's DLEQ proof checked (what publish and verify do per value
 * and trustee).
 */
enum op {
	OP_DECODE, OP_ADD, OP_SUB, OP_BASE, OP_MUL, OP_SIGV,
	OP_GDECODE, OP_GADD, OP_GENCODE, OP_DMULVT, OP_P01OLD, OP_P01NEW,
	OP_DLEQ, OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"decode", "add", "sub", "mulbase", "mul", "ed25519_verify",
	"gdecode", "gadd", "gencode", "dmul_vt", "proof01_old", "proof01_new",
	"dleq",
};

static int
op_decoded(struct pool *pl, enum op op, unsigned a, unsigned b)
{
	switch (op) {
	case OP_GDECODE:
		return tv_gpoint_decode(&pl->gout, pl->p[a]);
	case OP_GADD:
		tv_gpoint_add(&pl->gout, &pl->gout, &pl->g[b]);
		return 0;
	case OP_GENCODE:
		tv_gpoint_encode(pl->out, &pl->g[a]);
		return pl->out[0];
	case OP_DMULVT:
		return tv_gpoint_double_mul_vt(&pl->gout, pl->s[a], pl->s[b],
		    &pl->g[b]);
	case OP_P01OLD:
		a %= NPROOF;
		return tv_proof01_verify_sodium(pl->pp[a], pl->ctx, pl->dev, 0,
		    pl->px[a], pl->pr[a], pl->pc[a]);
	case OP_DLEQ:
		a %= NPROOF;
		return tv_dleq_verify(pl->dp[a], pl->ctx, pl->agg, 1, 0,
		    pl->ds[a], pl->dr[a], pl->dd[a]);
	default:
		a %= NPROOF;
		return tv_proof01_verify(pl->pp[a], pl->ctx, pl->dev, 0,
		    pl->px[a], pl->pr[a], pl->pc[a]);
	}
}

static void
op_run(struct pool *pl, enum op op, unsigned n)
{
	unsigned i, a, b;
	int r = 0;

	for (i = 0; i < n; i++) {
		a = i % POOL;
		b = (i * 7 + 3) % POOL;
		switch (op) {
		case OP_DECODE:
			r += crypto_core_ristretto255_is_valid_point(pl->p[a]);
			break;
		case OP_ADD:
			r += crypto_core_ristretto255_add(pl->out, pl->p[a],
			    pl->p[b]);
			break;
		case OP_SUB:
			r += crypto_core_ristretto255_sub(pl->out, pl->p[a],
			    pl->p[b]);
			break;
		case OP_BASE:
			r += crypto_scalarmult_ristretto255_base(pl->out,
			    pl->s[a]);
			break;
		case OP_MUL:
			r += crypto_scalarmult_ristretto255(pl->out, pl->s[a],
			    pl->p[b]);
			break;
		case OP_SIGV:	/* a 64-byte signature over 64 bytes */
			r += crypto_sign_verify_detached(pl->s[a], pl->p[b],
			    64, pl->p[a]);
			break;
		default:
			r += op_decoded(pl, op, a, b);
			break;
		}
	}
	pl->sink = r;
}

/* Calls of op that take about `dt` seconds. */
static unsigned
op_calibrate(struct pool *pl, enum op op, double dt)
{
	unsigned n = 16;
	double t0, t;

	for (;;) {
		t0 = bench_cpu_now();
		op_run(pl, op, n);
		t = bench_cpu_now() - t0;
		if (t > dt / 4 || n > (1u << 26))
			break;
		n *= 2;
	}
	n = (unsigned)((double)n * dt / (t > 0 ? t : 1e-6));
	return n < 16 ? 16 : n;
}

/*
 * Microseconds per call of every op: ROUNDS short rounds, the ops taking
 * turns, the best round of each kept.  On a shared machine short rounds
 * spread over the whole measurement catch the quiet moments; the minimum
 * is the cost of the operation, the rest is someone else's work.
 */
static void
op_costs(struct pool *pl, double budget, double *best)
{
	unsigned n[OP_COUNT], r, i;
	double t0, dt, slice = budget / ROUNDS;

	for (i = 0; i < OP_COUNT; i++) {
		n[i] = op_calibrate(pl, i, slice);
		best[i] = 1e30;
	}
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < OP_COUNT; i++) {
			t0 = bench_cpu_now();
			op_run(pl, i, n[i]);
			dt = (bench_cpu_now() - t0) / n[i];
			best[i] = dt < best[i] ? dt : best[i];
		}
}

/* NPROOF valid 0/1 proofs of one indicator (bits alternate). */
static void
proofs_make(struct pool *pl)
{
	uint8_t x[32], ct[TV_CT_BYTES(1)], r[32], m;
	unsigned i;

	randombytes_buf(pl->ctx, sizeof pl->ctx);
	randombytes_buf(pl->dev, sizeof pl->dev);
	for (i = 0; i < NPROOF; i++) {
		m = (uint8_t)(i & 1);
		tv_elgamal_keygen(x, pl->px[i]);
		if (tv_elgamal_encrypt_r(ct, r, pl->px[i], &m, 1, NULL, i) != 0 ||
		    tv_proof01_prove(pl->pp[i], pl->ctx, pl->dev, 0, pl->px[i],
		    ct, ct + 32, r, m) != 0)
			die("internal error: proof");
		memcpy(pl->pr[i], ct, 32);
		memcpy(pl->pc[i], ct + 32, 32);
	}
	sodium_memzero(x, sizeof x);
	sodium_memzero(r, sizeof r);
}

/* NPROOF valid partial decryptions with their DLEQ proofs. */
static void
dleqs_make(struct pool *pl)
{
	uint8_t s[32];
	unsigned i;

	randombytes_buf(pl->agg, sizeof pl->agg);
	for (i = 0; i < NPROOF; i++) {
		crypto_core_ristretto255_scalar_random(s);
		crypto_core_ristretto255_random(pl->dr[i]);
		if (crypto_scalarmult_ristretto255_base(pl->ds[i], s) != 0 ||
		    crypto_scalarmult_ristretto255(pl->dd[i], s, pl->dr[i]) ||
		    tv_dleq_prove(pl->dp[i], pl->ctx, pl->agg, 1, 0, pl->ds[i],
		    pl->dr[i], pl->dd[i], s) != 0)
			die("internal error: DLEQ proof");
	}
	sodium_memzero(s, sizeof s);
}

int
bench_micro(int argc, char **argv)
{
	static struct pool pl;
	double budget = 1.0, best[OP_COUNT];
	unsigned i;
	int ch;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch != 't')
			die("usage: bench micro [-t SECONDS_PER_OP]");
		budget = atof(optarg);
	}
	for (i = 0; i < POOL; i++) {
		crypto_core_ristretto255_random(pl.p[i]);
		crypto_core_ristretto255_scalar_random(pl.s[i]);
		if (tv_gpoint_decode(&pl.g[i], pl.p[i]) != 0)
			die("internal error: decode");
	}
	proofs_make(&pl);
	dleqs_make(&pl);
	op_costs(&pl, budget, best);
	for (i = 0; i < OP_COUNT; i++)
		printf("%s_us %.3f\n", op_names[i], best[i] * 1e6);
	printf("proof01_ratio %.2f\n", best[OP_P01OLD] / best[OP_P01NEW]);
	return 0;
}

/*
 * The floor (issue 17): the same records with each point decoded once
 * (crypto/gpoint.h) and added decoded, the K+1 sums encoded once at the
 * end.  Thread CPU seconds of the best of `rounds`.
 */
static double
floor_loop(struct pool *pl, unsigned k, unsigned n, unsigned rounds)
{
	struct tv_gpoint *sum, p;
	uint8_t out[32];
	double best = 1e30, t0, dt;
	unsigned r, i, j;
	int bad = 0;

	sum = aligned_alloc(alignof(struct tv_gpoint), (k + 1) * sizeof *sum);
	if (sum == NULL)
		die("out of memory");
	for (r = 0; r < rounds; r++) {
		t0 = bench_cpu_now();
		for (j = 0; j <= k; j++)
			tv_gpoint_identity(&sum[j]);
		for (i = 0; i < n; i++)
			for (j = 0; j <= k; j++) {
				bad |= tv_gpoint_decode(&p,
				    pl->p[(i * 31 + j) % POOL]);
				tv_gpoint_add(&sum[j], &sum[j], &p);
			}
		for (j = 0; j <= k; j++)
			tv_gpoint_encode(out, &sum[j]);
		dt = bench_cpu_now() - t0;
		best = dt < best ? dt : best;
	}
	if (bad)
		die("internal error: floor loop");
	free(sum);
	return best;
}

/*
 * bench limit: the group operations ingest cannot avoid, replayed alone
 * over N records of K indicators: (K+1) point decodes (validation) and
 * (K+1) additions into a running sum per record -- limit (c) measured as
 * one loop rather than as a sum of per-call costs.  Best of -r rounds.
 */
int
bench_limit(int argc, char **argv)
{
	static struct pool pl;
	unsigned k = 8, n = 2000, rounds = 3, r, i, j;
	uint8_t *sum;
	double best = 1e30, t0, dt, floor;
	int ch, bad = 0;

	while ((ch = getopt(argc, argv, "k:n:r:")) != -1) {
		switch (ch) {
		case 'k': k = (unsigned)opt_ulong("-k", optarg, 256); break;
		case 'n': n = (unsigned)opt_ulong("-n", optarg, 1u << 30); break;
		case 'r': rounds = (unsigned)opt_ulong("-r", optarg, 100); break;
		default: die("usage: bench limit -k K [-n RECORDS] [-r ROUNDS]");
		}
	}
	sum = xcalloc(k + 1, 32);
	for (i = 0; i < POOL; i++)
		crypto_core_ristretto255_random(pl.p[i]);
	for (r = 0; r < rounds; r++) {
		t0 = bench_cpu_now();
		for (i = 0; i < n; i++)
			for (j = 0; j <= k; j++) {
				const uint8_t *p = pl.p[(i * 31 + j) % POOL];

				bad |= crypto_core_ristretto255_is_valid_point(p)
				    != 1;
				bad |= crypto_core_ristretto255_add(sum + 32 * j,
				    sum + 32 * j, p);
			}
		dt = bench_cpu_now() - t0;
		best = dt < best ? dt : best;
	}
	if (bad)
		die("internal error: limit loop");
	floor = floor_loop(&pl, k, n, rounds);
	printf("k %u\nrecords %u\nlimit_s %.3f\nlimit_rps %.1f\n"
	    "limit_us_per_record %.2f\nfloor_s %.3f\nfloor_us_per_record "
	    "%.2f\nlimit_over_floor %.2f\n", k, n, best, n / best,
	    best / n * 1e6, floor, floor / n * 1e6, best / floor);
	free(sum);
	return 0;
}
