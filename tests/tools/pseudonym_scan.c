/* SPDX-License-Identifier: MIT */
/*
 * pseudonym_scan - prove that no pseudonym reaches disk.
 *
 *   pseudonym_scan DEVICE_DIR PASSFILE VISITS.csv FILE...
 *
 * Opens the device's keystore (test passphrase file), computes the
 * pseudonym of every identity in the CSV exactly as the collector does,
 * and searches every FILE for it: the 32 raw bytes, and their lowercase
 * and uppercase hex.  Prints what it searched; exit 1 if anything is
 * found.  The identities themselves are searched by the calling test.
 * Test use only.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "crypto/pseudonym.h"

#define MAXP 4096

static uint8_t pseudo[MAXP][32];
static size_t np;
static char *fields[3];
static int col, row;
static const uint8_t *pkey;
/* The demo plan's identity kinds; the CSV's birth dates are YYYY-MM-DD,
 * which is what the collector hashes for a date. */
static const enum tv_idkind kinds[3] = { TV_IDKIND_NAME, TV_IDKIND_NAME,
	TV_IDKIND_DATE };

static void
on_field(void *s, size_t len, void *ctx)
{
	(void)ctx;
	(void)len;
	/* columns: date, site, first_name, last_name, birth_date, ... */
	if (row > 0 && col >= 2 && col <= 4)
		fields[col - 2] = strdup(s ? s : "");
	col++;
}

static void
on_row(int c, void *ctx)
{
	(void)c;
	(void)ctx;
	if (row++ > 0 && np < MAXP &&
	    tv_pseudonym_kinds(pseudo[np], pkey, (const char *const *)fields,
	    kinds, 3) == 0)
		np++;
	for (int i = 0; i < 3; i++) {
		free(fields[i]);
		fields[i] = NULL;
	}
	col = 0;
}

static int
scan(const char *path)
{
	char hex[65], up[65];
	uint8_t *buf;
	size_t len, i, j;
	FILE *f = fopen(path, "rb");
	int found = 0;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(len + 1);
	if (buf == NULL || fread(buf, 1, len, f) != len)
		exit(2);
	fclose(f);
	for (i = 0; i < np; i++) {
		sodium_bin2hex(hex, sizeof hex, pseudo[i], 32);
		for (j = 0; j < 64; j++)
			up[j] = (char)(hex[j] >= 'a' ? hex[j] - 32 : hex[j]);
		up[64] = 0;
		if (memmem(buf, len, pseudo[i], 32) || memmem(buf, len, hex, 64) ||
		    memmem(buf, len, up, 64)) {
			fprintf(stderr, "pseudonym %.16s... found in %s\n", hex,
			    path);
			found = 1;
		}
	}
	free(buf);
	return found;
}

int
main(int argc, char **argv)
{
	struct csv_parser p;
	char path[4096], pass[256];
	uint8_t *ks, *text;
	size_t len, plen;
	FILE *f;
	int i, bad = 0;

	if (argc < 5 || sodium_init() < 0)
		return 2;
	if ((f = fopen(argv[2], "r")) == NULL || !fgets(pass, sizeof pass, f))
		return 2;
	fclose(f);
	plen = strcspn(pass, "\r\n");
	snprintf(path, sizeof path, "%s/keystore", argv[1]);
	if (tv_keyfile_read(path, "device", pass, plen, &ks, &len) != 0 ||
	    len < 96)
		return 2;
	pkey = ks + 64;
	if ((f = fopen(argv[3], "rb")) == NULL)
		return 2;
	text = malloc(1 << 24);
	len = fread(text, 1, 1 << 24, f);
	fclose(f);
	csv_init(&p, CSV_APPEND_NULL);
	csv_parse(&p, text, len, on_field, on_row, NULL);
	csv_fini(&p, on_field, on_row, NULL);
	csv_free(&p);
	free(text);
	for (i = 4; i < argc; i++)
		bad |= scan(argv[i]);
	printf("%zu pseudonyms searched in %d files: %s\n", np, argc - 4,
	    bad ? "FOUND" : "none found");
	sodium_free(ks);
	return bad || np == 0;
}
