/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "proto/campaign.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee create-campaign --plan PLAN.json --bundle "
	    "CAMPAIGN.json --key HOLDER.key\n"
	    "         [--passphrase-file FILE] [--kdf interactive|moderate|"
	    "sensitive]\n\n"
	    "Generates one independent random key per indicator, writes the\n"
	    "public campaign bundle and the key holder's secret key file\n"
	    "(Argon2id + secretbox, mode 0600).  The passphrase comes from the\n"
	    "terminal, or from FILE (mode 0600); never from the command line.\n");
	exit(code);
}

/* payload = campaign_id || u32le K || x_1..x_K, keys in public */
static uint8_t *
keys_generate(uint32_t k, uint8_t *pub, size_t *len)
{
	uint8_t *payload;
	uint32_t i;

	*len = 36 + (size_t)k * 32;
	if ((payload = sodium_malloc(*len)) == NULL)
		die("out of secure memory");
	memset(payload, 0, 36);
	for (i = 0; i < 4; i++)
		payload[32 + i] = (uint8_t)(k >> (8 * i));
	for (i = 0; i < k; i++)
		tv_elgamal_keygen(payload + 36 + 32 * i, pub + 32 * i);
	return payload;
}

static int
campaign_write(const struct tv_plan *p, const char *bundle_path,
    const char *key_path, const char *passfile, enum tv_kdf kdf)
{
	uint8_t *pub = xcalloc(p->nindicators, 32), *payload, id[32];
	char *json = NULL, *pass = NULL, idhex[65];
	size_t len, passlen;
	int rc, ret = 2;

	payload = keys_generate(p->nindicators, pub, &len);
	if ((rc = tv_campaign_bundle(&json, id, p, pub)) != 0) {
		error("cannot build the bundle: %s", tv_strerror(rc));
		goto out;
	}
	memcpy(payload, id, 32);
	passphrase_get(passfile, 1, &pass, &passlen);
	rc = tv_keyfile_write(key_path, "holder", payload, len, pass, passlen,
	    kdf);
	sodium_free(pass);
	if (rc != 0) {
		error("cannot write key file '%s': %s", key_path,
		    tv_strerror(rc));
		goto out;
	}
	if ((rc = file_write_atomic(bundle_path, json, strlen(json), 1)) != 0) {
		unlink(key_path);	/* a key without its bundle is useless */
		error("cannot write bundle '%s': %s", bundle_path,
		    tv_strerror(rc));
		goto out;
	}
	hex_encode(idhex, id, 32);
	printf("campaign %s\nid %s\nindicators %u\nbundle %s\nkey %s\n",
	    p->campaign, idhex, p->nindicators, bundle_path, key_path);
	ret = 0;
out:
	sodium_free(payload);
	free(json);
	free(pub);
	return ret;
}

int
cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan_path = NULL, *bundle = NULL, *key = NULL;
	const char *passfile = NULL;
	enum tv_kdf kdf = TV_KDF_MODERATE;
	struct tv_plan *p = NULL;
	char err[512];
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': plan_path = optarg; break;
		case 'b': bundle = optarg; break;
		case 'k': key = optarg; break;
		case 'P': passfile = optarg; break;
		case 'K': kdf = kdf_from_name(optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (plan_path == NULL || bundle == NULL || key == NULL || optind != argc)
		usage(2);
	if (access(bundle, F_OK) == 0 || access(key, F_OK) == 0)
		die("'%s' or '%s' already exists; refusing to overwrite",
		    bundle, key);
	if (tv_plan_load(&p, plan_path, err, sizeof err) != 0)
		die("invalid plan: %s", err);
	ret = campaign_write(p, bundle, key, passfile, kdf);
	tv_plan_free(p);
	return ret;
}
