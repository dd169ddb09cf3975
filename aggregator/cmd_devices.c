/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "common/util.h"
#include "crypto/err.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator devices --dir DIR\n\n"
	    "Lists every device key ever enrolled, with its state and name.\n");
	exit(code);
}

static int
print_cb(void *ctx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	char hex[65];

	(void)ctx;
	if (klen != 32 || vlen < 1)
		return TV_ERR_FORMAT;
	hex_encode(hex, key, 32);
	printf("%s %-8s %.*s\n", hex, *(const uint8_t *)val ==
	    DEVICE_ENROLLED ? "enrolled" : "revoked", (int)(vlen - 1),
	    (const char *)val + 1);
	return 0;
}

static int
list_fn(struct tv_txn *t, void *ctx)
{
	return tv_txn_foreach(t, ADB_DEVICES, NULL, 0, print_cb, ctx);
}

int
cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	struct server s;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || optind != argc)
		usage(2);
	server_open(&s, dir, 0);
	rc = tv_store_read(s.st, list_fn, NULL);
	server_close(&s);
	if (rc != 0)
		die("cannot list devices: %s", tv_strerror(rc));
	return 0;
}
