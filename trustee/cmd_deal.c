/* SPDX-License-Identifier: MIT */
/*
 * trustee deal: the dealer's step of the key ceremony.  Run it on an
 * offline machine in front of the trustees (crypto-notes §5.3): the
 * indicator secrets exist only in this process's guarded memory and are
 * wiped before it exits; what leaves it is the public bundle and one share
 * file per trustee, sealed to that trustee's key.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/shamir.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee deal --plan PLAN.json --threshold T\n"
	    "         --trustee A.pub --trustee B.pub ... --bundle CAMPAIGN.json\n"
	    "         --shares DIR\n\n"
	    "Generates one independent key per indicator, splits each into\n"
	    "T-of-N Shamir shares with Feldman commitments, writes the public\n"
	    "bundle (unsigned: each trustee then runs 'trustee accept') and\n"
	    "DIR/share-<index>-<name>.box, each sealed to one trustee's key.\n"
	    "Trustee indices follow the order of --trustee.\n");
	exit(code);
}

static void
trustee_parse(struct tv_trustee *tr, const char *path, uint32_t index)
{
	char name[TV_TRUSTEE_NAME_MAX + 1], hex[65];
	uint8_t *buf;
	size_t len;

	if (file_read(path, 512, &buf, &len) != 0 ||
	    sscanf((char *)buf, "tallyvan-trustee-1 %64s %64s", name,
	    hex) != 2 || hex_decode(tr->pk, 32, hex) != 0)
		die("'%s' is not a trustee public key file", path);
	free(buf);
	tr->index = index;
	tr->name = xstrdup(name);
}

/* shares: n x k x 32, in guarded memory. */
static uint8_t *
deal_keys(struct tv_campaign *c)
{
	size_t per = (size_t)c->k * 32;
	uint8_t *shares = sodium_malloc((size_t)c->n * per);
	uint8_t *tmp = sodium_malloc((size_t)c->n * 32), x[32], X[32];
	uint32_t i, j;

	if (shares == NULL || tmp == NULL)
		die("out of secure memory");
	for (i = 0; i < c->k; i++) {
		tv_elgamal_keygen(x, X);	/* independent per indicator */
		if (tv_shamir_deal(tmp, TV_COMMIT(c, i, 0), x, c->t, c->n) != 0)
			die("cannot deal shares");
		if (sodium_memcmp(TV_COMMIT(c, i, 0), X, 32) != 0)
			die("internal error: commitment 0 is not the key");
		memcpy(c->keys + 32 * i, X, 32);
		for (j = 0; j < c->n; j++)
			memcpy(shares + j * per + 32 * i, tmp + 32 * j, 32);
	}
	sodium_memzero(x, sizeof x);
	sodium_free(tmp);
	return shares;
}

static void
share_write(const struct tv_campaign *c, const struct tv_trustee *tr,
    const uint8_t *s, const char *dir)
{
	size_t len = SHARE_BYTES(c->k);
	uint8_t *payload = sodium_malloc(len), xpk[32], *box;
	char path[4096];
	int rc;

	if (payload == NULL)
		die("out of secure memory");
	memcpy(payload, c->id, 32);
	for (int b = 0; b < 4; b++) {
		payload[32 + b] = (uint8_t)(tr->index >> (8 * b));
		payload[36 + b] = (uint8_t)(c->k >> (8 * b));
	}
	memcpy(payload + 40, s, (size_t)c->k * 32);
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, tr->pk) != 0)
		die("trustee %s: not a valid Ed25519 key", tr->name);
	box = xmalloc(len + crypto_box_SEALBYTES);
	if (crypto_box_seal(box, payload, len, xpk) != 0)
		die("cannot seal the share of %s", tr->name);
	sodium_free(payload);
	snprintf(path, sizeof path, "%s/share-%u-%s.box", dir, tr->index,
	    tr->name);
	if ((rc = file_write_atomic(path, box, len + crypto_box_SEALBYTES,
	    1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(box);
	printf("share for trustee %u (%s): %s\n", tr->index, tr->name, path);
}

static void
deal_write(struct tv_campaign *c, const char *bundle, const char *dir)
{
	uint8_t *shares = deal_keys(c);
	char *json, hex[65];
	uint32_t j;
	int rc;

	tv_campaign_hash(c);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		die("cannot create '%s': %s", dir, strerror(errno));
	for (j = 0; j < c->n; j++)
		share_write(c, &c->trustees[j], shares + (size_t)j * c->k * 32,
		    dir);
	sodium_free(shares);	/* the dealer keeps nothing */
	if ((rc = tv_campaign_bundle(&json, c)) != 0 ||
	    (rc = file_write_atomic(bundle, json, strlen(json), 1)) != 0)
		die("cannot write '%s': %s", bundle, tv_strerror(rc));
	free(json);
	hex_encode(hex, c->id, 32);
	printf("campaign %s\nid %s\n%u-of-%u trustees, %u indicators\n"
	    "bundle %s (unsigned until every trustee accepts)\n",
	    c->plan->campaign, hex, c->t, c->n, c->k, bundle);
}

int
cmd_deal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "threshold", required_argument, NULL, 't' },
		{ "trustee", required_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "shares", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan = NULL, *bundle = NULL, *dir = NULL;
	const char *pubs[TV_TRUSTEES_MAX];
	struct tv_campaign c = { 0 };
	char err[512];
	unsigned long t = 0;
	uint32_t i;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': plan = optarg; break;
		case 't': t = opt_ulong("--threshold", optarg, TV_TRUSTEES_MAX);
			break;
		case 'r':
			if (c.n == TV_TRUSTEES_MAX)
				die("at most %d trustees", TV_TRUSTEES_MAX);
			pubs[c.n++] = optarg;
			break;
		case 'b': bundle = optarg; break;
		case 's': dir = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!plan || !bundle || !dir || c.n == 0 || optind != argc)
		usage(2);
	if (access(bundle, F_OK) == 0)
		die("'%s' already exists; refusing to overwrite", bundle);
	if (t < 1 || t > c.n)
		die("--threshold: want 1 to %u (the number of trustees)", c.n);
	if ((rc = tv_plan_load(&c.plan, plan, err, sizeof err)) != 0)
		die_err(rc, "invalid plan: %s", err);
	c.t = (uint32_t)t;
	c.k = c.plan->nindicators;
	c.trustees = xcalloc(c.n, sizeof *c.trustees);
	for (i = 0; i < c.n; i++)
		trustee_parse(&c.trustees[i], pubs[i], i + 1);
	for (i = 1; i < c.n; i++)
		for (uint32_t j = 0; j < i; j++)
			if (!memcmp(c.trustees[i].pk, c.trustees[j].pk, 32))
				die("trustee %u and %u have the same key",
				    j + 1, i + 1);
	c.commit = xcalloc((size_t)c.k * c.t, 32);
	c.keys = xcalloc(c.k, 32);
	deal_write(&c, bundle, dir);
	for (i = 0; i < c.n; i++)
		free(c.trustees[i].name);
	free(c.trustees);
	c.trustees = NULL;
	c.n = 0;
	tv_plan_free(c.plan);
	free(c.commit);
	free(c.keys);
	return 0;
}
