/* SPDX-License-Identifier: MIT */
/*
 * A paper the trustees sign one after the other (a device certificate, a
 * revocation): the trustee's own signature added, the file written back.
 * trustee certify and trustee revoke differ only in the paper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/util.h"
#include "crypto/err.h"
#include "trustee/trustee.h"

int
paper_cosign(const struct paper *pp, const struct tv_campaign *c,
    const char *key, const char *passfile)
{
	const struct tv_trustee *me;
	uint8_t *sk = trustee_key_load(key, passfile);
	char *json = NULL;
	int rc, ret = 1;

	me = trustee_me(c, sk);
	rc = pp->sign(pp->paper, me->index, sk);
	sodium_free(sk);
	if (rc == TV_ERR_EXISTS) {
		error("%s: trustee %u (%s) has already signed it", pp->path,
		    me->index, me->name);
		return ret;
	}
	if (rc != 0 || (rc = pp->to_json(&json, pp->paper, c)) != 0 ||
	    (rc = file_write_atomic(pp->path, json, strlen(json),
	    !pp->exists)) != 0)
		die("cannot write '%s': %s", pp->path, tv_strerror(rc));
	printf("%s: signed by trustee %u (%s); %u of %u signatures%s\n",
	    pp->path, me->index, me->name, pp->nsigs(pp->paper), c->t,
	    pp->nsigs(pp->paper) >= c->t ? pp->enough : "");
	free(json);
	return 0;
}
