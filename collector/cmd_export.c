/* SPDX-License-Identifier: MIT */
/*
 * collector export: seal pending records into signed batches, then write
 * each batch to a file (USB-stick transport).
 *
 * Sealing (outbox.c) is one transaction, so a crash can neither lose a
 * record nor put it in two batches.  Files are written afterwards from the
 * stored bytes; writing again gives the same bytes, and the aggregator
 * accepts a batch once.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector export --dir DIR --out OUTDIR [--all]\n"
	    "         [--max-records N] [--passphrase-file FILE]\n\n"
	    "Seals pending records into signed, compressed batches and writes\n"
	    "every batch not yet written to OUTDIR/<device>-<seq>.tvb.  --all\n"
	    "writes again every batch the device still holds (but those the\n"
	    "aggregator acknowledged).  --max-records caps the records per\n"
	    "new batch.\n");
	exit(code);
}

static int
write_batch(const struct device *d, const char *out, uint64_t seq)
{
	char dev[65], path[4096];
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = outbox_get(d, seq, &buf, &len)) != 0)
		return error("batch %llu: %s", (unsigned long long)seq,
		    tv_strerror(rc));
	hex_encode(dev, d->pk, 32);
	snprintf(path, sizeof path, "%s/%.16s-%08llu.tvb", out, dev,
	    (unsigned long long)seq);
	rc = file_write_atomic(path, buf, len, 0);
	free(buf);
	if (rc != 0)
		return error("cannot write '%s': %s", path, tv_strerror(rc));
	if ((rc = outbox_mark(d, seq, BATCH_EXPORTED, 0)) != 0)
		return error("batch %llu written but not marked: %s",
		    (unsigned long long)seq, tv_strerror(rc));
	return 0;
}

static int
export_files(const struct device *d, const char *out, int all)
{
	unsigned mask = 1u << BATCH_SEALED | (all ? 1u << BATCH_EXPORTED : 0);
	uint64_t *seqs;
	size_t i, n;
	int rc, ret = 0;

	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return error("cannot create '%s': %s", out, strerror(errno));
	if ((rc = outbox_list(d, mask, &seqs, &n)) != 0)
		return error("cannot list batches: %s", tv_strerror(rc));
	for (i = 0; i < n && ret == 0; i++)
		ret = write_batch(d, out, seqs[i]);
	if (ret == 0)
		printf("wrote %zu batch file(s) to %s\n", n, out);
	free(seqs);
	return ret;
}

int
cmd_export(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "max-records", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	uint64_t batches, records;
	uint32_t max = 0;
	struct device *d = &su->d;
	int ch, rc, all = 0;

	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'a': all = 1; break;
		case 'm': max = (uint32_t)opt_ulong("--max-records", optarg,
		    100000); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (out == NULL || optind != argc)
		usage(2);
	if ((rc = outbox_seal(d, max, &batches, &records)) != 0)
		die("cannot seal pending records: %s %s", tv_strerror(rc),
		    tv_store_errmsg(d->st));
	printf("sealed %llu record(s) into %llu new batch(es)\n",
	    (unsigned long long)records, (unsigned long long)batches);
	rc = export_files(d, out, all);
	return rc == 0 ? 0 : 2;
}
