/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: collector init --dir DIR --campaign CAMPAIGN.json\n"
	    "         [--passphrase-file FILE] [--kdf interactive|moderate|"
	    "sensitive]\n\n"
	    "Creates a device in DIR (which must not exist): an Ed25519 device\n"
	    "key, the pseudonym and index keys, all sealed in DIR/keystore\n"
	    "under the operator's passphrase, and an empty store.  Prints the\n"
	    "device public key to enrol at the aggregator (also in "
	    "DIR/device.pub).\n");
	exit(code);
}

static void
init_files(const char *dir, const char *bundle, const uint8_t *secrets,
    const char *pass, size_t passlen, enum tv_kdf kdf)
{
	struct device d = { .dir = dir };
	uint8_t *buf;
	size_t len;
	char *path, hex[66];
	int rc;

	if ((rc = file_read(bundle, TV_CAMPAIGN_MAX_BYTES, &buf, &len)) != 0)
		die("cannot read '%s': %s", bundle, tv_strerror(rc));
	path = device_path(&d, "campaign.json");
	if ((rc = file_write_atomic(path, buf, len, 1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	free(buf);
	path = device_path(&d, "keystore");
	rc = tv_keyfile_write(path, "device", secrets, SECRETS_BYTES, pass,
	    passlen, kdf);
	if (rc != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	hex_encode(hex, secrets + 32, 32);
	strcat(hex, "\n");
	path = device_path(&d, "device.pub");
	if ((rc = file_write_atomic(path, hex, strlen(hex), 1)) != 0)
		die("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
}

static void
init_store(const char *dir)
{
	struct device d = { .dir = dir };
	struct tv_store *st = NULL;
	char *path = device_path(&d, "store");
	int rc;

	rc = tv_store_open(&st, path, collector_db_names, DB_COUNT,
	    TV_STORE_CREATE, 0);
	if (rc != 0)
		die("cannot create store '%s': %s", path, tv_strerror(rc));
	tv_store_close(st);
	free(path);
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *bundle = NULL, *passfile = NULL;
	enum tv_kdf kdf = TV_KDF_MODERATE;
	struct tv_campaign *c = NULL;
	uint8_t *secrets, pk[32];
	char hex[65], *pass;
	size_t passlen;
	int ch;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'c': bundle = optarg; break;
		case 'P': passfile = optarg; break;
		case 'K': kdf = kdf_from_name(optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (dir == NULL || bundle == NULL || optind != argc)
		usage(2);
	/* Only a campaign every trustee has checked and signed. */
	c = campaign_load_or_die(bundle, 1);
	/* Before anything is created: a refused passphrase leaves no
	 * half-made directory behind. */
	passphrase_get(passfile, 1, &pass, &passlen);
	if (mkdir(dir, 0700) != 0)
		die("cannot create '%s': %s", dir, strerror(errno));
	if ((secrets = sodium_malloc(SECRETS_BYTES)) == NULL)
		die("out of secure memory");
	crypto_sign_keypair(pk, secrets);	/* sk = seed || pk */
	randombytes_buf(secrets + 64, SECRETS_BYTES - 64);
	init_files(dir, bundle, secrets, pass, passlen, kdf);
	sodium_free(pass);
	init_store(dir);
	hex_encode(hex, secrets + 32, 32);
	sodium_free(secrets);
	printf("device %s\ncampaign %s\n", hex, c->plan->campaign);
	tv_campaign_free(c);
	return 0;
}
