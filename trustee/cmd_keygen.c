/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee keygen --name NAME --key ME.key --pub ME.pub\n"
	    "         [--passphrase-file FILE] [--kdf interactive|moderate|"
	    "sensitive]\n\n"
	    "Makes a trustee's personal Ed25519 key: the secret half sealed\n"
	    "under a passphrase in ME.key (mode 0600), the public half in\n"
	    "ME.pub ('tallyvan-trustee-1 NAME HEX'), to give to the dealer.\n"
	    "Shares are sealed to it; the trustee signs campaigns with it.\n");
	exit(code);
}

static int
name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return n > 0 && n <= TV_TRUSTEE_NAME_MAX && s[n] == 0;
}

int
cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "pub", required_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *key = NULL, *pub = NULL, *passfile = NULL;
	enum tv_kdf kdf = TV_KDF_MODERATE;
	uint8_t *sk, pk[32];
	char *pass, line[200], hex[65];
	size_t passlen;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'k': key = optarg; break;
		case 'p': pub = optarg; break;
		case 'P': passfile = optarg; break;
		case 'K': kdf = kdf_from_name(optarg); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!name || !key || !pub || optind != argc)
		usage(2);
	if (!name_ok(name))
		die("--name: 1 to %d letters, digits, '_', '.' or '-'",
		    TV_TRUSTEE_NAME_MAX);
	if (access(pub, F_OK) == 0)
		die("'%s' already exists; refusing to overwrite", pub);
	if ((sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL)
		die("out of secure memory");
	crypto_sign_keypair(pk, sk);
	passphrase_get(passfile, 1, &pass, &passlen);
	rc = tv_keyfile_write(key, "trustee", sk, crypto_sign_SECRETKEYBYTES,
	    pass, passlen, kdf);
	sodium_free(pass);
	sodium_free(sk);
	if (rc != 0)
		die("cannot write '%s': %s", key, tv_strerror(rc));
	hex_encode(hex, pk, 32);
	snprintf(line, sizeof line, "tallyvan-trustee-1 %s %s\n", name, hex);
	if ((rc = file_write_atomic(pub, line, strlen(line), 1)) != 0) {
		unlink(key);
		die("cannot write '%s': %s", pub, tv_strerror(rc));
	}
	printf("trustee %s key %.16s\n", name, hex);
	return 0;
}
