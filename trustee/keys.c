/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "trustee/trustee.h"

uint8_t *
trustee_key_load(const char *path, const char *passfile)
{
	return keyfile_unlock(path, "trustee", passfile,
	    crypto_sign_SECRETKEYBYTES, "trustee key", NULL);
}

static uint32_t
le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

uint8_t *
share_load(const char *path, const char *passfile,
    const struct tv_campaign *c, uint32_t *index)
{
	uint8_t *payload, *s;

	/* The length first (keyfile_unlock): the index and K are read from
	 * the payload. */
	payload = keyfile_unlock(path, "share", passfile, SHARE_BYTES(c->k),
	    "share file", NULL);
	if (le32(payload + 36) != c->k ||
	    sodium_memcmp(payload, c->id, 32) != 0 ||
	    (*index = le32(payload + 32)) < 1 || *index > c->n) {
		sodium_free(payload);
		die("share file '%s' belongs to another campaign", path);
	}
	if ((s = sodium_malloc((size_t)c->k * 32)) == NULL) {
		sodium_free(payload);
		die("out of secure memory");
	}
	memcpy(s, payload + 40, (size_t)c->k * 32);
	sodium_free(payload);
	return s;
}

void
device_pub_load(uint8_t pk[32], const char *path)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = file_read(path, 256, &buf, &len)) != 0)
		die("device key '%s': %s", path, tv_strerror(rc));
	buf[strcspn((char *)buf, "\r\n")] = 0;
	rc = hex_decode(pk, 32, (char *)buf);
	free(buf);
	if (rc != 0)
		die("'%s' does not hold a device public key (64 hex digits)",
		    path);
}

const struct tv_trustee *
trustee_me(const struct tv_campaign *c, uint8_t *sk)
{
	const struct tv_trustee *me = tv_campaign_trustee(c, sk + 32);

	if (me == NULL) {
		sodium_free(sk);	/* wiped before the exit */
		die("this key is not one of the campaign's trustees");
	}
	return me;
}
