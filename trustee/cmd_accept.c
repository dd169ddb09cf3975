/* SPDX-License-Identifier: MIT */
/*
 * trustee accept: open my sealed share, check every share against the
 * dealer's public commitments, keep the shares sealed under my passphrase,
 * and sign the campaign.  A share that does not match is never accepted:
 * it would make a release fail, or worse, hide a dealer who kept a key.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "crypto/shamir.h"
#include "trustee/trustee.h"

struct accept_opts {
	const char *bundle, *box, *key, *out, *sig, *passfile;
	enum tv_kdf kdf;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee accept --bundle CAMPAIGN.json --share ME.box\n"
	    "         --key ME.key --out ME.share --sig ME.sig\n"
	    "         [--passphrase-file FILE] [--kdf ...]\n\n"
	    "Opens the share the dealer sealed to ME.key, checks it against\n"
	    "the bundle's commitments, stores it in ME.share under the same\n"
	    "passphrase (mode 0600), and writes ME.sig, my signature of the\n"
	    "campaign, for 'trustee finalize'.\n");
	exit(code);
}

/* The share box opened with this trustee key: the payload in guarded
 * memory, or NULL with why (the box is not for this key). */
static uint8_t *
share_open(const struct accept_opts *o, const uint8_t *sk, size_t *len,
    char *why, size_t whylen)
{
	uint8_t xsk[32], xpk[32], *box, *payload = NULL;
	size_t blen;
	int rc;

	if ((rc = file_read(o->box, 1u << 20, &box, &blen)) != 0)
		die("cannot read '%s': %s", o->box, tv_strerror(rc));
	*len = blen >= crypto_box_SEALBYTES ? blen - crypto_box_SEALBYTES : 0;
	if (blen < crypto_box_SEALBYTES)
		snprintf(why, whylen, "'%s' is not a sealed share", o->box);
	else if ((payload = sodium_malloc(*len ? *len : 1)) == NULL)
		die("out of secure memory");
	else if (crypto_sign_ed25519_sk_to_curve25519(xsk, sk) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(xpk, sk + 32) != 0 ||
	    crypto_box_seal_open(payload, box, blen, xpk, xsk) != 0) {
		sodium_free(payload);
		payload = NULL;
		snprintf(why, whylen, "'%s' was not sealed to this trustee key",
		    o->box);
	}
	sodium_memzero(xsk, sizeof xsk);
	free(box);
	return payload;
}

/* 0 if the share is this campaign's, this trustee's, and matches the
 * dealer's commitments; else -1 with why. */
static int
share_check(const struct tv_campaign *c, const uint8_t *payload, size_t len,
    uint32_t index, char *why, size_t whylen)
{
	uint32_t i, j = 0, k = 0;

	for (i = 0; i < 4 && len >= 40; i++) {
		j |= (uint32_t)payload[32 + i] << (8 * i);
		k |= (uint32_t)payload[36 + i] << (8 * i);
	}
	if (len != SHARE_BYTES(c->k) || k != c->k ||
	    sodium_memcmp(payload, c->id, 32) != 0)
		return snprintf(why, whylen, "the share is for another "
		    "campaign"), -1;
	if (j != index)
		return snprintf(why, whylen, "the share is for trustee %u, "
		    "this key is trustee %u", j, index), -1;
	for (i = 0; i < c->k; i++)
		if (tv_shamir_check(payload + 40 + 32 * i, index,
		    TV_COMMIT(c, i, 0), c->t) != 0)
			return snprintf(why, whylen, "the share of indicator "
			    "'%s' does not match the dealer's commitments: do "
			    "not accept this campaign",
			    c->plan->indicators[i].id), -1;
	return 0;
}

static void
accept_sign(const struct tv_campaign *c, const uint8_t *sk, uint32_t index,
    const char *path)
{
	uint8_t msg[TV_ACCEPT_MSG_BYTES], sig[64];
	char hex[129], line[200];
	int rc;

	tv_campaign_accept_msg(msg, c->id);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
	hex_encode(hex, sig, 64);
	snprintf(line, sizeof line, "tallyvan-accept-1 %u %s\n", index, hex);
	if ((rc = file_write_atomic(path, line, strlen(line), 1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
}

static void
parse_opts(struct accept_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "share", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "sig", required_argument, NULL, 'g' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof *o);
	o->kdf = TV_KDF_MODERATE;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': o->bundle = optarg; break;
		case 's': o->box = optarg; break;
		case 'k': o->key = optarg; break;
		case 'o': o->out = optarg; break;
		case 'g': o->sig = optarg; break;
		case 'P': o->passfile = optarg; break;
		case 'K': o->kdf = kdf_from_name(optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!o->bundle || !o->box || !o->key || !o->out || !o->sig ||
	    optind != argc)
		usage(2);
}

int
cmd_accept(int argc, char **argv)
{
	struct accept_opts o;
	const struct tv_trustee *me;
	struct tv_campaign *c;
	uint8_t *sk, *payload = NULL;
	char *pass, why[256];
	size_t len = 0;
	int rc;

	parse_opts(&o, argc, argv);
	c = campaign_load_or_die(o.bundle, 0);
	if (access(o.sig, F_OK) == 0)
		die("'%s' already exists; refusing to overwrite", o.sig);
	/* The share is sealed with the trustee key's passphrase: keep it. */
	sk = keyfile_unlock(o.key, "trustee", o.passfile,
	    crypto_sign_SECRETKEYBYTES, "trustee key", &pass);
	why[0] = 0;
	if ((me = tv_campaign_trustee(c, sk + 32)) == NULL)
		snprintf(why, sizeof why, "this key is not one of the "
		    "campaign's trustees");
	else if ((payload = share_open(&o, sk, &len, why, sizeof why)) !=
	    NULL)
		share_check(c, payload, len, me->index, why, sizeof why);
	if (why[0] != 0) {
		/* Every secret wiped before the refusal. */
		sodium_free(payload);
		sodium_free(pass);
		sodium_free(sk);
		die_refused("%s", why);
	}
	rc = tv_keyfile_write(o.out, "share", payload, len, pass, strlen(pass),
	    o.kdf);
	sodium_free(pass);
	sodium_free(payload);
	if (rc != 0)
		die("cannot write '%s': %s", o.out, tv_strerror(rc));
	accept_sign(c, sk, me->index, o.sig);
	sodium_free(sk);
	printf("trustee %u (%s): %u shares checked against the commitments, "
	    "kept in %s; signature in %s\n", me->index, me->name, c->k, o.out,
	    o.sig);
	tv_campaign_free(c);
	return 0;
}
