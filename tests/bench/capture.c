/* SPDX-License-Identifier: MIT */
/*
 * bench capture: the time from a submitted form to a durable encrypted
 * record, per visit, on a real collector (made by `collector init`): the
 * form's fields set and checked (visit_set, visit_check), then one write
 * transaction (pseudonym, indicators with the distinct-person index,
 * ElGamal encryption, proofs when the plan asks, outbox) committed with
 * LMDB's default sync -- what `collector record`, `import` and the browser
 * form each do per visit, without the process start or the passphrase.
 * Wall time per visit, and this thread's CPU time (cpu_p50_ms).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/collector.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "tests/bench/bench.h"

static int
capture_fn(struct tv_txn *t, void *ctx)
{
	void **a = ctx;

	return capture_txn(t, a[0], a[1], NULL);
}

static void
set_or_die(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value)
{
	char err[256];

	if (visit_set(p, v, name, value, err, sizeof err) != 0)
		die("visit field '%s': %s", name, err);
}

/* The bench plan's form (bench plan): gender, and topics fields. */
static void
visit_fill(const struct tv_plan *p, struct visit *v, uint64_t *rng,
    unsigned i)
{
	char buf[512], day[11], name[32];
	uint32_t f, j, n;
	int person = (int)(bench_rand(rng) % 400);

	memset(v, 0, sizeof *v);
	set_or_die(p, v, "site", p->sites[i % p->nsites].id);
	tv_day_format(day, p->start_day + (int32_t)(i % (uint32_t)(p->end_day -
	    p->start_day + 1)));
	set_or_die(p, v, "date", day);
	snprintf(buf, sizeof buf, "Person%d", person);
	set_or_die(p, v, "first_name", buf);
	set_or_die(p, v, "last_name", "Bench");
	snprintf(buf, sizeof buf, "1980-01-%02d", 1 + person % 28);
	set_or_die(p, v, "birth_date", buf);
	set_or_die(p, v, "gender", (const char *[]){ "f", "m", "x" }
	    [bench_rand(rng) % 3]);
	for (f = 0; f < p->nfields; f++) {
		if (strncmp(p->fields[f].id, "topics", 6) != 0)
			continue;
		buf[0] = 0;
		for (j = 0, n = 0; j < p->fields[f].nchoices; j++) {
			if (bench_rand(rng) % 4 != 0)
				continue;
			snprintf(name, sizeof name, "%s%s", n++ ? "|" : "",
			    p->fields[f].choices[j].id);
			strcat(buf, name);
		}
		if (n > 0)
			set_or_die(p, v, p->fields[f].id, buf);
	}
}

int
bench_capture(int argc, char **argv)
{
	const char *dir = NULL, *pass = NULL;
	unsigned n = 100, i;
	uint64_t rng = 42;
	struct device d;
	struct visit *v;
	double *lat, *cpu, t0, c0, sum = 0;
	char err[256];
	void *ctx[2];
	int ch, rc;

	while ((ch = getopt(argc, argv, "d:p:n:")) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'p': pass = optarg; break;
		case 'n': n = (unsigned)opt_ulong("-n", optarg, 1000000); break;
		default:
			die("usage: bench capture -d COLLECTOR_DIR -p PASSFILE "
			    "[-n VISITS]");
		}
	}
	if (dir == NULL || pass == NULL || n == 0)
		die("bench capture: -d and -p are required");
	device_open(&d, dir, pass, DEVICE_UNLOCK);
	v = visit_new();
	lat = xcalloc(n, sizeof *lat);
	cpu = xcalloc(n, sizeof *cpu);
	ctx[0] = &d;
	ctx[1] = v;
	for (i = 0; i < n; i++) {
		t0 = bench_now();
		c0 = bench_cpu_now();
		visit_fill(d.c->plan, v, &rng, i);
		if (visit_check(d.c->plan, v, err, sizeof err) != 0)
			die("visit %u: %s", i, err);
		if ((rc = tv_store_write(d.st, capture_fn, ctx)) != 0)
			die("capture: %s", tv_strerror(rc));
		lat[i] = (bench_now() - t0) * 1e3;
		/* CPU time of this thread: what waiting for the disk or for
		 * a core on a shared machine does not inflate. */
		cpu[i] = (bench_cpu_now() - c0) * 1e3;
		sum += lat[i];
	}
	qsort(lat, n, sizeof *lat, bench_dcmp);
	qsort(cpu, n, sizeof *cpu, bench_dcmp);
	printf("visits %u\np50_ms %.3f\np95_ms %.3f\nmean_ms %.3f\n"
	    "max_ms %.3f\ncpu_p50_ms %.3f\nvmhwm_kb %ld\n", n,
	    bench_pct(lat, n, 50), bench_pct(lat, n, 95), sum / n, lat[n - 1],
	    bench_pct(cpu, n, 50), bench_vmhwm());
	free(cpu);
	free(lat);
	visit_free(v);
	device_close(&d);
	return 0;
}
