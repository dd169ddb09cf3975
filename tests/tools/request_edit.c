/* SPDX-License-Identifier: MIT */
/*
 * request_edit - a hostile aggregator, for tests: rewrite a release
 * request, or add an outsider's signature to a certificate.
 *
 *   request_edit CAMPAIGN.json IN.tvr OUT.tvr [OP FILE]...
 *     --add-envelope F.tvb   append a signed envelope (the batch file)
 *     --add-device F.pub     list a device key in the request (field 4)
 *     --add-cert F.cert      carry a certificate (as it is, signatures
 *                            and all)
 *     --add-rev F.rev        carry a revocation
 *     --drop-cert F.pub      carry no certificate for this device
 *     --drop-revs -          carry no revocation at all
 *   request_edit CAMPAIGN.json IN.cert OUT.cert --outsider INDEX
 *     sign the certificate with a fresh key that is no trustee's,
 *     claiming to be trustee INDEX
 *
 * Exit 0 on success, 2 on any failure.  Test use only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/cert.h"
#include "proto/release.h"

static struct tv_campaign *c;

static void
fail(const char *what, const char *arg)
{
	fprintf(stderr, "request_edit: %s '%s'\n", what, arg);
	exit(2);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(TV_ENVELOPE_MAX + 1);

	if (f == NULL || buf == NULL)
		fail("cannot read", path);
	*len = fread(buf, 1, TV_ENVELOPE_MAX + 1, f);
	fclose(f);
	return buf;
}

static void
outsider(const char *in, const char *out, const char *index)
{
	struct tv_cert ct;
	uint8_t pk[32], sk[64];
	char *json;
	FILE *f;

	if (tv_cert_load(&ct, in, c->plan) != 0)
		fail("not a certificate:", in);
	crypto_sign_keypair(pk, sk);
	if (tv_cert_sign(&ct, (uint32_t)atoi(index), sk) != 0 ||
	    tv_cert_to_json(&json, &ct, c->plan) != 0 ||
	    (f = fopen(out, "w")) == NULL)
		fail("cannot sign", in);
	fputs(json, f);
	fclose(f);
	free(json);
}

static void
key_load(uint8_t pk[32], const char *path)
{
	char line[80];
	FILE *f;

	if ((f = fopen(path, "r")) == NULL || !fgets(line, sizeof line, f) ||
	    sodium_hex2bin(pk, 32, line, 64, NULL, NULL, NULL) != 0)
		fail("not a device key:", path);
	fclose(f);
}

static void
drop_cert(struct tv_request *r, const char *path)
{
	uint8_t pk[32];
	uint32_t i, n = 0;

	key_load(pk, path);
	for (i = 0; i < r->ncerts; i++)
		if (memcmp(r->certs[i].device, pk, 32) != 0)
			r->certs[n++] = r->certs[i];
	if (n == r->ncerts)
		fail("no certificate to drop for", path);
	r->ncerts = n;
}

/* Apply one OP to the request head; envelopes to append go to extra. */
static void
edit(struct tv_request *r, const char *op, const char *arg, FILE *extra)
{
	uint8_t *buf;
	size_t len;

	if (strcmp(op, "--add-envelope") == 0) {
		buf = slurp(arg, &len);
		if (tv_frame_write(extra, buf, len) != 0)
			fail("cannot append", arg);
		free(buf);
		r->nenvelopes++;
	} else if (strcmp(op, "--add-device") == 0) {
		r->devices = realloc(r->devices, (r->ndevices + 1) * 32);
		if (r->devices == NULL)
			fail("out of memory at", arg);
		key_load(r->devices[r->ndevices++], arg);
	} else if (strcmp(op, "--add-cert") == 0) {
		r->certs = realloc(r->certs, (r->ncerts + 1) * sizeof *r->certs);
		if (r->certs == NULL ||
		    tv_cert_load(&r->certs[r->ncerts], arg, c->plan) != 0)
			fail("not a certificate:", arg);
		r->ncerts++;
	} else if (strcmp(op, "--add-rev") == 0) {
		r->revs = realloc(r->revs, (r->nrevs + 1) * sizeof *r->revs);
		if (r->revs == NULL || tv_rev_load(&r->revs[r->nrevs], arg) != 0)
			fail("not a revocation:", arg);
		r->nrevs++;
	} else if (strcmp(op, "--drop-cert") == 0) {
		drop_cert(r, arg);
	} else if (strcmp(op, "--drop-revs") == 0) {
		r->nrevs = 0;
	} else {
		fail("unknown operation", op);
	}
}

int
main(int argc, char **argv)
{
	struct tv_request *r = NULL;
	FILE *in, *out, *extra;
	uint8_t *buf;
	size_t len;
	char err[512];
	int i;

	if (sodium_init() < 0 || argc < 4 || (argc - 4) % 2 != 0)
		fail("usage: see the source", argc > 0 ? argv[0] : "");
	if (tv_campaign_load(&c, argv[1], err, sizeof err) != 0)
		fail(err, argv[1]);
	if (argc == 6 && strcmp(argv[4], "--outsider") == 0) {
		outsider(argv[2], argv[3], argv[5]);
		return 0;
	}
	if ((in = fopen(argv[2], "rb")) == NULL ||
	    tv_request_read(in, &r, c->k) != 0)
		fail("not a release request:", argv[2]);
	if ((extra = tmpfile()) == NULL || (out = fopen(argv[3], "wb")) == NULL)
		fail("cannot write", argv[3]);
	for (i = 4; i < argc; i += 2)
		edit(r, argv[i], argv[i + 1], extra);
	if (tv_request_write(out, r, c->k) != 0)
		fail("cannot write the head of", argv[3]);
	while (tv_frame_read(in, &buf, &len, TV_ENVELOPE_MAX) == 0) {
		if (tv_frame_write(out, buf, len) != 0)
			fail("cannot copy an envelope to", argv[3]);
		free(buf);
	}
	rewind(extra);
	while ((len = fread(err, 1, sizeof err, extra)) > 0)
		fwrite(err, 1, len, out);
	if (fclose(out) != 0)
		fail("cannot write", argv[3]);
	fclose(in);
	fclose(extra);
	tv_request_free(r);
	tv_campaign_free(c);
	return 0;
}
