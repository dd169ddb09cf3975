/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "crypto/err.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee finalize --bundle CAMPAIGN.json --sig A.sig ... "
	    "--out SIGNED.json\n\n"
	    "Checks each trustee's acceptance signature and attaches it.\n"
	    "Collectors and the aggregator use only a bundle that every\n"
	    "trustee has signed.\n");
	exit(code);
}

static void
sig_attach(struct tv_campaign *c, const char *path)
{
	char hex[129];
	uint8_t sig[64], *buf;
	unsigned index;
	size_t len;
	int rc;

	if ((rc = file_read(path, 512, &buf, &len)) != 0)
		die_err(rc, "cannot read '%s': %s", path, tv_strerror(rc));
	if (sscanf((char *)buf, "tallyvan-accept-1 %u %128s", &index,
	    hex) != 2 || hex_decode(sig, 64, hex) != 0)
		die_refused("'%s' is not an acceptance signature", path);
	free(buf);
	if ((rc = tv_campaign_add_sig(c, index, sig)) != 0)
		die_refused("'%s': %s", path, rc == TV_ERR_BADSIG ? "not a "
		    "valid signature of this campaign by that trustee" :
		    "no such trustee");
}

int
cmd_finalize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "sig", required_argument, NULL, 'g' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *out = NULL, *sigs[TV_TRUSTEES_MAX];
	struct tv_campaign *c;
	unsigned nsig = 0, i;
	char *json;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': bundle = optarg; break;
		case 'g':
			if (nsig == TV_TRUSTEES_MAX)
				die("too many --sig");
			sigs[nsig++] = optarg;
			break;
		case 'o': out = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!bundle || !out || nsig == 0 || optind != argc)
		usage(2);
	c = campaign_load_or_die(bundle, 0);
	for (i = 0; i < nsig; i++)
		sig_attach(c, sigs[i]);
	if (!tv_campaign_complete(c))
		return error("%u of %u trustees have signed; every trustee must "
		    "accept the campaign", nsig, c->n), 1;
	if ((rc = tv_campaign_bundle(&json, c)) != 0 ||
	    (rc = file_write_atomic(out, json, strlen(json), 1)) != 0)
		die("cannot write '%s': %s", out, tv_strerror(rc));
	free(json);
	printf("campaign %s signed by all %u trustees: %s\n",
	    c->plan->campaign, c->n, out);
	tv_campaign_free(c);
	return 0;
}
