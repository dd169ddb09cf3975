/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the benchmark program behind `make bench` (tools/bench.sh
 * drives it and writes docs/performance.md).  One subcommand per file:
 *
 *   micro     libsodium group operations and what they cost (limit (c))
 *   plan      an evaluation plan with K indicators
 *   gen       a synthetic campaign at any scale: signed batch files of
 *             records encrypted under a real campaign, their plaintext
 *             twin (for the baselines) and the ground truth
 *   capture   form-to-durable-encrypted-record latency on a collector
 *   sqlite    baseline (a): the plaintext records in SQLite, GROUP BY
 *   odk       baseline (b): per-record AES-256 key wrapped with
 *             RSA-2048-OAEP, every record decrypted at the server
 *   bsgs      discrete-log table build and load time
 *
 * Every subcommand prints `key value` lines on stdout for the script.
 */
#ifndef TV_BENCH_H
#define TV_BENCH_H

#include <stddef.h>
#include <stdint.h>

int bench_micro(int argc, char **argv);
int bench_limit(int argc, char **argv);
int bench_plan(int argc, char **argv);
int bench_gen(int argc, char **argv);
int bench_capture(int argc, char **argv);
int bench_sqlite(int argc, char **argv);
int bench_odk(int argc, char **argv);
int bench_bsgs(int argc, char **argv);

/* Monotonic time in seconds. */
double bench_now(void);
/* This thread's CPU time, seconds (replayed loops: waiting for a core on
 * a shared machine does not count). */
double bench_cpu_now(void);
/* Peak resident set of this process (VmHWM), kB. */
long bench_vmhwm(void);
/* xorshift64* over a caller-held state (never 0): synthetic data only. */
uint64_t bench_rand(uint64_t *s);
/* Percentile p (0..100) of n sorted values. */
double bench_pct(const double *sorted, size_t n, double p);
int bench_dcmp(const void *a, const void *b);

/* One line of the plaintext twin: site, day, then k bits. */
struct plain_rec {
	uint32_t site;
	int32_t day;
	uint8_t *bits;
};
/* Read DIR/plain.bin (written by gen): *k, *n, records in one block. */
int plain_load(const char *path, uint32_t *k, size_t *n, uint32_t **site,
    int32_t **day, uint8_t **bits);

#endif
