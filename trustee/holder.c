/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/keyfile.h"
#include "trustee/trustee.h"

static uint32_t
le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

uint8_t *
holder_load(const char *path, const char *passfile,
    const struct tv_campaign *c)
{
	uint8_t *payload = NULL, *x = NULL, X[32];
	char *pass = NULL;
	size_t passlen, len, i;
	int rc;

	passphrase_get(passfile, 0, &pass, &passlen);
	rc = tv_keyfile_read(path, "holder", pass, passlen, &payload, &len);
	sodium_free(pass);
	if (rc != 0)
		die("key file '%s': %s", path, tv_strerror(rc));
	if (len != 36 + (size_t)c->k * 32 || le32(payload + 32) != c->k ||
	    sodium_memcmp(payload, c->id, 32) != 0) {
		sodium_free(payload);
		die("key file '%s' belongs to another campaign", path);
	}
	if ((x = sodium_malloc((size_t)c->k * 32)) == NULL)
		die("out of secure memory");
	memcpy(x, payload + 36, (size_t)c->k * 32);
	sodium_free(payload);
	/* A key that does not match the bundle would decrypt garbage. */
	for (i = 0; i < c->k; i++) {
		tv_point_mulbase(X, x + 32 * i);
		if (sodium_memcmp(X, c->keys + 32 * i, 32) != 0) {
			sodium_free(x);
			die("key file '%s' does not match the campaign's "
			    "public key for indicator '%s'", path,
			    c->plan->indicators[i].id);
		}
	}
	return x;
}
