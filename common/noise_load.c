/* SPDX-License-Identifier: MIT */
/* Reading the trustees' noise files (noise_load.h). */
#include <stdlib.h>

#include "common/noise_load.h"
#include "common/util.h"
#include "crypto/err.h"

/* Why tv_noise_add refused a file, in a trustee's words. */
static const char *
noise_why(int rc)
{
	switch (rc) {
	case TV_ERR_FORMAT: return "is not a noise contribution to this request";
	case TV_ERR_BADSIG: return "is not signed by the trustee it names";
	case TV_ERR_EXISTS: return "is a second contribution of one trustee";
	case TV_ERR_TOOBIG: return "is one noise file more than there are "
	    "trustees";
	default: return tv_strerror(rc);
	}
}

void
noise_load_apply(struct tv_noise_set *ns, char *const *paths, uint32_t n,
    const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32], struct tv_cell *cells)
{
	uint8_t *buf;
	uint32_t i, j;
	size_t len;
	int rc;

	for (i = 0; i < n; i++) {
		if (file_read(paths[i], TV_NOISE_FILE_MAX, &buf, &len) != 0)
			die("cannot read '%s'", paths[i]);
		rc = tv_noise_add(ns, buf, len, c, req, reqhash, &j);
		free(buf);
		if (rc != 0 && j != 0)
			die("'%s' %s (trustee %u)", paths[i], noise_why(rc), j);
		if (rc != 0)
			die("'%s' %s", paths[i], noise_why(rc));
	}
	if ((rc = tv_noise_apply(ns, cells, req->ncells, c->k)) != 0)
		die("cannot add the noise: %s", tv_strerror(rc));
}
