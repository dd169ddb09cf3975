/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/batch.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator ingest --dir DIR [--map-cap MIB] BATCH.tvb ...\n\n"
	    "Verifies and stores each batch file, all of a batch or none of\n"
	    "it.  A batch already stored is accepted again without change.\n"
	    "--map-cap caps the store's memory map (and so its size) at MIB\n"
	    "mebibytes (default 65536); past it a batch is refused as storage\n"
	    "full.  Exit 1 if any batch was refused, 2 on a storage error.\n");
	exit(code);
}

/* Exit code contribution of one result: 0 ok, 1 refused, 2 system. */
static int
ingest_report(const char *path, const struct ingest_result *r)
{
	char dev[65];

	hex_encode(dev, r->device, 32);
	if (r->rc == 0 && r->duplicate) {
		printf("%s: batch %.16s/%llu already stored, nothing changed\n",
		    path, dev, (unsigned long long)r->seq);
		return 0;
	}
	if (r->rc == 0) {
		printf("%s: stored batch %.16s/%llu (%u records", path, dev,
		    (unsigned long long)r->seq, r->nrecords);
		if (r->quarantined)
			printf(", %u quarantined: proofs do not verify",
			    r->quarantined);
		printf(")\n");
		return 0;
	}
	error("%s: refused: %s", path, r->why);
	return r->rc == TV_ERR_STORE || r->rc == TV_ERR_FULL ||
	    r->rc == TV_ERR_IO || r->rc == TV_ERR_NOMEM ? 2 : 1;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "map-cap", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	size_t map_cap = 0;
	struct ingest_result res;
	struct server s;
	uint8_t *buf;
	size_t len;
	int ch, i, rc, ret = 0, r;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'm':
			map_cap = (size_t)opt_ulong("--map-cap", optarg,
			    65536) << 20;
			break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind == argc)
		usage(2);
	server_open_cap(&s, dir, 0, map_cap);
	for (i = optind; i < argc; i++) {
		/* Size cap before reading: the same cap as over HTTP. */
		if ((rc = file_read(argv[i], TV_ENVELOPE_MAX, &buf, &len)) != 0) {
			error("%s: refused: %s", argv[i], tv_strerror(rc));
			ret = ret > 1 ? ret : 1;
			continue;
		}
		ingest_envelope(&s, buf, len, &res);
		free(buf);
		r = ingest_report(argv[i], &res);
		ret = r > ret ? r : ret;
	}
	server_close(&s);
	return ret;
}
