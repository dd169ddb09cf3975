/* SPDX-License-Identifier: MIT */
/*
 * trustee revoke: the trustees withdraw a device (lost, stolen, retired).
 * A revocation names the last batch sequence number that still counts:
 * a sequence number, not a time, because the device's clock and record
 * days are the device's own word, whereas a (device, seq) the aggregator
 * already stored cannot be used twice (docs/decisions.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "proto/cert.h"
#include "trustee/trustee.h"

struct revoke_opts {
	const char *campaign, *key, *passfile, *rev, *device, *last_seq;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee revoke --campaign CAMPAIGN.json --key ME.key\n"
	    "         [--passphrase-file FILE] --rev FILE\n"
	    "         [--device DEVICE.pub --last-seq N]\n\n"
	    "If FILE does not exist, --device and --last-seq are required: it\n"
	    "is created with my signature.  Batches of the device with seq up\n"
	    "to N still count, later ones never ('aggregator devices' shows\n"
	    "the last stored).  If FILE exists, what it revokes is shown on\n"
	    "stderr, its signatures are checked, and mine is added.  The\n"
	    "aggregator stores it once t trustees have signed.\n");
	exit(code);
}

static void
parse_opts(struct revoke_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "rev", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "last-seq", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **slot;
	int ch, li = 0;

	memset(o, 0, sizeof *o);
	while ((ch = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		switch (ch) {
		case 'c': slot = &o->campaign; break;
		case 'k': slot = &o->key; break;
		case 'P': slot = &o->passfile; break;
		case 'o': slot = &o->rev; break;
		case 'd': slot = &o->device; break;
		case 'l': slot = &o->last_seq; break;
		case 'h': usage(0);
		default: usage(2);
		}
		if (*slot != NULL)
			die("--%s given twice", opts[li].name);
		*slot = optarg;
	}
	if (!o->campaign || !o->key || !o->rev || optind != argc)
		usage(2);
}

static void
rev_show(const struct tv_revocation *r)
{
	char hex[65];
	uint32_t i;

	hex_encode(hex, r->device, 32);
	fprintf(stderr, "revocation of device %s\n  batches that still count: "
	    "seq 1 to %llu\n  signed by trustees:", hex,
	    (unsigned long long)r->last_seq);
	for (i = 0; i < r->nsigs; i++)
		fprintf(stderr, " %u", r->sigs[i].trustee);
	fprintf(stderr, "%s\n", r->nsigs ? "" : " none yet");
}

/* The revocation to sign: new, or the existing file checked; 0, or 1. */
static int
rev_get(struct tv_revocation *r, const struct revoke_opts *o,
    const struct tv_campaign *c, int exists)
{
	int rc;

	if (!exists) {
		if (!o->device || !o->last_seq)
			die("%s does not exist: --device and --last-seq are "
			    "required to create it", o->rev);
		memset(r, 0, sizeof *r);
		memcpy(r->campaign_id, c->id, 32);
		device_pub_load(r->device, o->device);
		r->last_seq = opt_ulong("--last-seq", o->last_seq,
		    (unsigned long)INT64_MAX);
		rev_show(r);
		return 0;
	}
	if (o->device || o->last_seq)
		die("%s exists: co-sign it as it is (no --device, --last-seq)",
		    o->rev);
	if ((rc = tv_rev_load(r, o->rev)) != 0)
		return error("%s: not a device revocation: %s", o->rev,
		    tv_strerror(rc)), 1;
	rev_show(r);
	rc = tv_rev_verify(r, c, NULL);
	if (rc != 0 && rc != TV_ERR_RANGE)	/* too few is why we sign */
		return error("%s: refusing to co-sign: %s", o->rev,
		    tv_strerror(rc)), 1;
	return 0;
}

/* The revocation as a paper (trustee.h). */
static int
rev_sign(void *r, uint32_t trustee, const uint8_t *sk)
{
	return tv_rev_sign(r, trustee, sk);
}

static int
rev_json(char **json, const void *r, const struct tv_campaign *c)
{
	(void)c;	/* a revocation names no site */
	return tv_rev_to_json(json, r);
}

static uint32_t
rev_nsigs(const void *r)
{
	return ((const struct tv_revocation *)r)->nsigs;
}

int
cmd_revoke(int argc, char **argv)
{
	struct revoke_opts o;
	struct tv_revocation r;
	struct paper pp = { .paper = &r, .sign = rev_sign,
	    .to_json = rev_json, .nsigs = rev_nsigs,
	    .enough = ": the aggregator can store it" };
	struct tv_campaign *c;
	int ret = 1;

	parse_opts(&o, argc, argv);
	c = campaign_load_or_die(o.campaign, 1);
	pp.path = o.rev;
	pp.exists = access(o.rev, F_OK) == 0;
	if (rev_get(&r, &o, c, pp.exists) == 0)
		ret = paper_cosign(&pp, c, o.key, o.passfile);
	tv_campaign_free(c);
	return ret;
}
