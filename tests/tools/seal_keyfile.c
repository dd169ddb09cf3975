/* SPDX-License-Identifier: MIT */
/*
 * seal_keyfile - a sealed file of any kind holding LEN random bytes, for
 * tests: a share, key or keystore whose payload has the wrong length, which
 * the loaders must refuse before they read a byte of it.
 *
 *   seal_keyfile KIND LEN PASSFILE OUT
 *
 * The passphrase is PASSFILE's first line.  Exit 0 on success.  Test use
 * only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/keyfile.h"

int
main(int argc, char **argv)
{
	static uint8_t payload[TV_KEYFILE_MAX];
	char pass[512];
	size_t len;
	FILE *f;

	if (argc != 5 || sodium_init() < 0 ||
	    (len = strtoul(argv[2], NULL, 10)) > sizeof payload ||
	    (f = fopen(argv[3], "re")) == NULL ||
	    fgets(pass, sizeof pass, f) == NULL) {
		fprintf(stderr, "usage: seal_keyfile KIND LEN PASSFILE OUT\n");
		return 2;
	}
	fclose(f);
	pass[strcspn(pass, "\n")] = 0;
	randombytes_buf(payload, len);
	if (tv_keyfile_write(argv[4], argv[1], payload, len, pass,
	    strlen(pass), TV_KDF_INTERACTIVE) != 0) {
		fprintf(stderr, "seal_keyfile: cannot write %s\n", argv[4]);
		return 2;
	}
	return 0;
}
