/* SPDX-License-Identifier: MIT */
/*
 * trustee certify: which devices count is the trustees' decision.  The
 * first trustee creates a certificate (device key, name, sites, days) with
 * its signature; the others see what it says and co-sign it, until t have.
 * Only then will the aggregator enrol the device and the trustees count
 * its batches (proto/cert.h, release/recount.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/cert.h"
#include "trustee/trustee.h"

struct certify_opts {
	const char *campaign, *key, *passfile, *cert;
	const char *device, *name, *sites, *from, *until;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee certify --campaign CAMPAIGN.json --key ME.key\n"
	    "         [--passphrase-file FILE] --cert FILE\n"
	    "         [--device DEVICE.pub --name NAME --sites ID,ID|all\n"
	    "          [--from YYYY-MM-DD] [--until YYYY-MM-DD]]\n\n"
	    "If FILE does not exist, the device options are required: it is\n"
	    "created with my signature (--from/--until default to the\n"
	    "campaign's first and last day).  If it exists, what it certifies\n"
	    "is shown on stderr, its signatures are checked, and mine is\n"
	    "added.  The aggregator enrols the device once t trustees have\n"
	    "signed.\n");
	exit(code);
}

static void
parse_opts(struct certify_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "cert", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "sites", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "until", required_argument, NULL, 'u' },
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
		case 'o': slot = &o->cert; break;
		case 'd': slot = &o->device; break;
		case 'n': slot = &o->name; break;
		case 's': slot = &o->sites; break;
		case 'f': slot = &o->from; break;
		case 'u': slot = &o->until; break;
		case 'h': usage(0);
		default: usage(2);
		}
		if (*slot != NULL)
			die("--%s given twice", opts[li].name);
		*slot = optarg;
	}
	if (!o->campaign || !o->key || !o->cert || optind != argc)
		usage(2);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* --sites: "all", or plan site ids separated by commas. */
static void
sites_parse(struct tv_cert *ct, const struct tv_plan *p, const char *arg)
{
	char *list = xstrdup(arg), *tok, *save = NULL;
	uint32_t i;
	int ix;

	ct->nsites = 0;
	if (strcmp(arg, "all") == 0) {
		for (i = 0; i < p->nsites; i++)
			ct->sites[ct->nsites++] = i;
		free(list);
		return;
	}
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((ix = tv_plan_site_index(p, tok)) < 0)
			die("--sites: '%s' is not a site of the plan", tok);
		if (ct->nsites >= TV_CERT_SITES_MAX)
			die("--sites: too many");
		ct->sites[ct->nsites++] = (uint32_t)ix;
	}
	free(list);
	if (ct->nsites == 0)
		die("--sites: at least one site");
	qsort(ct->sites, ct->nsites, sizeof *ct->sites, u32_cmp);
	for (i = 1; i < ct->nsites; i++)
		if (ct->sites[i] == ct->sites[i - 1])
			die("--sites: '%s' given twice",
			    p->sites[ct->sites[i]].id);
}

/* A new certificate from the device options. */
static void
cert_new(struct tv_cert *ct, const struct certify_opts *o,
    const struct tv_campaign *c)
{
	if (!o->device || !o->name || !o->sites)
		die("%s does not exist: --device, --name and --sites are "
		    "required to create it", o->cert);
	memset(ct, 0, sizeof *ct);
	memcpy(ct->campaign_id, c->id, 32);
	device_pub_load(ct->device, o->device);
	if (strlen(o->name) > TV_CERT_NAME_MAX)
		die("--name: at most %d bytes", TV_CERT_NAME_MAX);
	strcpy(ct->name, o->name);
	sites_parse(ct, c->plan, o->sites);
	ct->valid_from = c->plan->start_day;
	ct->valid_until = c->plan->end_day;
	if (o->from && tv_day_parse(o->from, &ct->valid_from) != 0)
		die("--from: want YYYY-MM-DD");
	if (o->until && tv_day_parse(o->until, &ct->valid_until) != 0)
		die("--until: want YYYY-MM-DD");
	if (ct->valid_from > ct->valid_until)
		die("--from is after --until");
}

/* What a trustee is about to sign, on stderr. */
static void
cert_show(const struct tv_cert *ct, const struct tv_plan *p)
{
	char hex[65], from[11], until[11];
	uint32_t i;

	hex_encode(hex, ct->device, 32);
	tv_day_format(from, ct->valid_from);
	tv_day_format(until, ct->valid_until);
	fprintf(stderr, "certificate of device %s\n  name:  %s\n  sites:", hex,
	    ct->name);
	for (i = 0; i < ct->nsites; i++)
		fprintf(stderr, " %s", ct->sites[i] < p->nsites ?
		    p->sites[ct->sites[i]].id : "?");
	fprintf(stderr, "\n  days:  %s to %s (inclusive)\n  signed by "
	    "trustees:", from, until);
	for (i = 0; i < ct->nsigs; i++)
		fprintf(stderr, " %u", ct->sigs[i].trustee);
	fprintf(stderr, "%s\n", ct->nsigs ? "" : " none yet");
}

/* The existing file: shown, its signatures checked; 0, or 1 (printed). */
static int
cert_existing(struct tv_cert *ct, const struct certify_opts *o,
    const struct tv_campaign *c)
{
	int rc;

	if (o->device || o->name || o->sites || o->from || o->until)
		die("%s exists: co-sign it as it is (no device options)",
		    o->cert);
	if ((rc = tv_cert_load(ct, o->cert, c->plan)) != 0)
		return error("%s: not a device certificate of this plan: %s",
		    o->cert, tv_strerror(rc)), 1;
	cert_show(ct, c->plan);
	rc = tv_cert_verify(ct, c, NULL);
	if (rc != 0 && rc != TV_ERR_RANGE)	/* too few is why we sign */
		return error("%s: refusing to co-sign: %s", o->cert,
		    tv_strerror(rc)), 1;
	return 0;
}

/* The certificate as a paper (trustee.h). */
static int
cert_sign(void *ct, uint32_t trustee, const uint8_t *sk)
{
	return tv_cert_sign(ct, trustee, sk);
}

static int
cert_json(char **json, const void *ct, const struct tv_campaign *c)
{
	return tv_cert_to_json(json, ct, c->plan);
}

static uint32_t
cert_nsigs(const void *ct)
{
	return ((const struct tv_cert *)ct)->nsigs;
}

int
cmd_certify(int argc, char **argv)
{
	struct certify_opts o;
	struct tv_cert *ct = xcalloc(1, sizeof *ct);
	struct paper pp = { .paper = ct, .sign = cert_sign,
	    .to_json = cert_json, .nsigs = cert_nsigs,
	    .enough = ": the aggregator can enrol it" };
	struct tv_campaign *c;
	int ret = 1;

	parse_opts(&o, argc, argv);
	c = campaign_load_or_die(o.campaign, 1);
	pp.path = o.cert;
	pp.exists = access(o.cert, F_OK) == 0;
	if (pp.exists && cert_existing(ct, &o, c) != 0)
		goto out;
	if (!pp.exists) {
		cert_new(ct, &o, c);
		cert_show(ct, c->plan);
	}
	ret = paper_cosign(&pp, c, o.key, o.passfile);
out:
	free(ct);
	tv_campaign_free(c);
	return ret;
}
