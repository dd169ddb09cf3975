/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/store.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator init --dir DIR --campaign CAMPAIGN.json\n\n"
	    "Creates the aggregator's directory for one campaign: a copy of the\n"
	    "public bundle and an empty store.  No secret is involved.\n");
	exit(code);
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *bundle = NULL;
	struct tv_campaign *c = NULL;
	struct server s;
	uint8_t *buf;
	size_t len, n;
	char *path;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'c': bundle = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || bundle == NULL || optind != argc)
		usage(2);
	/* Only a campaign every trustee has checked and signed. */
	c = campaign_load_or_die(bundle, 1);
	if (mkdir(dir, 0700) != 0)
		die("cannot create '%s': %s", dir, strerror(errno));
	if ((rc = file_read(bundle, TV_CAMPAIGN_MAX_BYTES, &buf, &len)) != 0)
		die("cannot read '%s': %s", bundle, tv_strerror(rc));
	n = strlen(dir) + 32;
	path = xmalloc(n);
	snprintf(path, n, "%s/campaign.json", dir);
	if ((rc = file_write_atomic(path, buf, len, 1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	free(buf);
	server_open(&s, dir, TV_STORE_CREATE);
	printf("aggregator ready for campaign %s in %s\n", c->plan->campaign,
	    dir);
	server_close(&s);
	tv_campaign_free(c);
	return 0;
}
