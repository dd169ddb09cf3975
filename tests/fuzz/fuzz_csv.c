/* SPDX-License-Identifier: MIT */
/*
 * fuzz_csv - `collector import`'s CSV parsing (collector/csvimport.c,
 * libcsv) against the fuzz campaign's plan: the checking pass on any
 * bytes; when it finds nothing wrong, the capturing pass too (pseudonyms,
 * indicators, encryption, the pseudonym index) inside a write transaction
 * of a private collector store, which is then aborted so the store never
 * grows.  Oracles: the capture pass agrees with the check pass (same row
 * count, no format error), and an error is reported iff a line is bad.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <unistr.h>

#include "collector/csvimport.h"
#include "crypto/err.h"
#include "tests/fuzz/fuzz.h"

#define ABORT_TXN 12345	/* any non-zero: the transaction is aborted */

static struct device dev;
static unsigned reports;

static void
count_report(void *ctx, unsigned line, const char *msg)
{
	(void)ctx;
	(void)line;
	fuzz_assert(msg != NULL && msg[0] != 0);
	reports++;
}

static void
setup(void)
{
	char path[512];
	uint8_t sk[64];
	int rc;

	memset(&dev, 0, sizeof dev);
	dev.dir = fuzz_tmpdir();
	dev.c = (struct tv_campaign *)fuzz_campaign();
	snprintf(path, sizeof path, "%s/store", dev.dir);
	rc = tv_store_open(&dev.st, path, collector_db_names, DB_COUNT,
	    TV_STORE_CREATE, (size_t)256 << 20);
	fuzz_assert(rc == 0);
	dev.secrets = sodium_malloc(SECRETS_BYTES);
	fuzz_assert(dev.secrets != NULL);
	randombytes_buf(dev.secrets, SECRETS_BYTES);
	fuzz_device(dev.pk, sk);
	memcpy(dev.secrets, sk, 64);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

struct pass2 {
	struct csv_import *im;
	const char *text;
	size_t len;
	int rc;
};

static int
capture_fn(struct tv_txn *t, void *ctx)
{
	struct pass2 *p = ctx;

	p->im->t = t;
	p->rc = csv_import_parse(p->im, p->text, p->len);
	p->im->t = NULL;
	return ABORT_TXN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_import im;
	struct pass2 p;
	unsigned rows;
	char *text = sodium_malloc(size + 1);
	size_t len = size;
	int rc;

	if (dev.st == NULL)
		setup();
	fuzz_assert(text != NULL);
	memcpy(text, data, size);
	text[size] = 0;
	/* As `collector import` reads a file: Windows-1252 converted. */
	if (csv_text_utf8(&text, &len))
		fuzz_assert(u8_check((const uint8_t *)text, len) == NULL &&
		    text[len] == 0);
	reports = 0;
	csv_import_init(&im, dev.c->plan, &dev, count_report, NULL);
	rc = csv_import_parse(&im, text, len);
	fuzz_assert(rc == 0 || rc == TV_ERR_FORMAT || rc == TV_ERR_RANGE);
	fuzz_assert((rc == TV_ERR_FORMAT) == (im.bad > 0 && reports > 0));
	fuzz_assert(rc != TV_ERR_RANGE || im.fatal[0] != 0);
	if (rc == 0 && im.rows > 0) {
		rows = im.rows;
		p = (struct pass2){ &im, text, len, -1 };
		fuzz_assert(tv_store_write(dev.st, capture_fn, &p) ==
		    ABORT_TXN);
		fuzz_assert(p.rc == 0 && im.rows == rows);
	}
	fuzz_sink += im.rows + im.bad;
	csv_import_release(&im);
	sodium_free(text);
	return 0;
}
