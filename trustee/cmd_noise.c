/* SPDX-License-Identifier: MIT */
/*
 * trustee noise: the first round of a release when the plan asks for
 * noise.  Drawn here, before the release and away from anything an
 * attacker can time (crypto-notes §7.2), encrypted, signed, and never
 * kept: the trustee itself cannot say later what it drew.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto/noise_file.h"
#include "common/util.h"
#include "crypto/err.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee noise --campaign CAMPAIGN.json --request REQUEST.tvr\n"
	    "         --key ME.key --out NOISE.json [--passphrase-file FILE]\n\n"
	    "When the plan asks for noise: draws integer noise for every cell\n"
	    "and indicator of the request (discrete Gaussian or Laplace, integer\n"
	    "samplers), encrypts it under the campaign keys, signs it with my\n"
	    "trustee key.  Every trustee of the quorum then passes all the\n"
	    "noise files to 'trustee release --noise'.\n");
	exit(code);
}

int
cmd_noise(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "request", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *request = NULL, *key = NULL, *out = NULL;
	const char *passfile = NULL;
	char *json = NULL;
	struct tv_request *req = NULL;
	struct tv_campaign *c;
	uint8_t reqhash[32], *sk;
	FILE *f;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': bundle = optarg; break;
		case 'r': request = optarg; break;
		case 'k': key = optarg; break;
		case 'o': out = optarg; break;
		case 'P': passfile = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!bundle || !request || !key || !out || optind != argc)
		usage(2);
	c = campaign_load_or_die(bundle, 1);
	if (c->plan->policy.noise.mech == TV_NOISE_NONE)
		die("the plan asks for no noise");
	if ((f = fopen(request, "rbe")) == NULL)
		die("cannot open '%s': %s", request, strerror(errno));
	if ((rc = tv_request_read(f, &req, c->k)) != 0 ||
	    sodium_memcmp(req->campaign_id, c->id, 32) != 0)
		die_err(rc ? rc : TV_ERR_MISMATCH, "'%s' is not a release "
		    "request of this campaign", request);
	fclose(f);
	if (file_hash(request, reqhash, NULL) != 0)
		die("cannot read '%s'", request);
	sk = trustee_key_load(key, passfile);
	rc = tv_noise_make(&json, c, req, reqhash, sk);
	sodium_free(sk);
	if (rc == TV_ERR_NOTFOUND)
		die("this key is not one of the campaign's trustees");
	if (rc != 0)
		die("cannot make the noise: %s", tv_strerror(rc));
	if (file_write_atomic(out, json, strlen(json), 1) != 0)
		die("cannot write '%s'", out);
	free(json);
	printf("noise for %u cells x %u indicators written to %s\n",
	    req->ncells, c->k, out);
	tv_request_free(req);
	tv_campaign_free(c);
	return 0;
}
