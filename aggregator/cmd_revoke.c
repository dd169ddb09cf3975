/* SPDX-License-Identifier: MIT */
/*
 * aggregator revoke: store a revocation signed by t trustees.  Batches of
 * the device with seq <= last_seq stay counted (they were valid when they
 * arrived); later ones are refused at ingest, and the revocation travels
 * with every release request so that the trustees refuse them too.
 */
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"

struct revoke {
	struct tv_revocation rev;
	struct device_rec d;
	uint64_t stored;	/* highest batch seq stored for the device */
	const struct server *s;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator revoke --dir DIR [--actor NAME] DEVICE.rev\n\n"
	    "DEVICE.rev is a revocation signed by at least t of the campaign's\n"
	    "trustees ('trustee revoke').  Batches with seq up to its last_seq\n"
	    "stay counted; later ones are refused.  A revocation below a batch\n"
	    "already stored is refused (revoke after the last stored batch:\n"
	    "'aggregator devices' shows it).  The change is written to the\n"
	    "audit log, as done by --actor NAME (default: the login name).\n");
	exit(code);
}

static int
seq_cb(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct revoke *r = ctx;
	uint64_t seq;

	(void)val;
	(void)vlen;
	if (klen != BATCH_KEY_BYTES)
		return TV_ERR_FORMAT;
	seq = tv_be64_get((const uint8_t *)key + 32);
	if (seq > r->stored)
		r->stored = seq;
	return 0;
}

static int
revoke_fn(struct tv_txn *t, void *ctx)
{
	struct revoke *r = ctx;
	const void *val;
	size_t vlen;
	char hex[65];
	json_t *d;
	int rc, before;

	if ((rc = tv_txn_get(t, ADB_DEVICES, r->rev.device, 32, &val,
	    &vlen)) != 0)
		return rc;
	if (device_rec_parse(&r->d, val, vlen) != 0)
		return TV_ERR_FORMAT;
	r->stored = 0;
	if ((rc = tv_txn_foreach(t, ADB_BATCHES, r->rev.device, 32, seq_cb,
	    r)) != 0)
		return rc;
	if (r->stored > r->rev.last_seq)
		return TV_ERR_CONFLICT;
	if (r->d.has_rev && r->d.rev.last_seq <= r->rev.last_seq)
		return TV_ERR_EXISTS;	/* already as strict or stricter */
	before = r->d.state;
	r->d.state = DEVICE_REVOKED;
	r->d.has_rev = 1;
	r->d.rev = r->rev;
	if ((rc = device_rec_put(t, &r->d)) != 0)
		return rc;
	hex_encode(hex, r->rev.device, 32);
	if ((d = json_pack("{s:s}", "device", hex)) == NULL)
		return TV_ERR_NOMEM;
	json_object_set_new(d, "name", audit_text(r->d.name,
	    strlen(r->d.name)));
	json_object_set_new(d, "previous", json_string(before ==
	    DEVICE_REVOKED ? "revoked" : "enrolled"));
	json_object_set_new(d, "last_seq", json_integer((json_int_t)
	    r->rev.last_seq));
	rc = audit_txn(t, r->s, "revoke", d);
	json_decref(d);
	return rc;
}

/* The answer to a refused revocation; always 1. */
static int
refused(struct server *s, const struct revoke *r, int rc)
{
	char hex[65];

	hex_encode(hex, r->rev.device, 32);
	audit_device_refused(s, "revoke_refused", r->rev.device,
	    rc == TV_ERR_NOTFOUND ? "not enrolled" : tv_strerror(rc));
	if (rc == TV_ERR_CONFLICT)
		return error("device %.16s: batch %llu is already stored; a "
		    "revocation needs last_seq >= %llu", hex,
		    (unsigned long long)r->stored,
		    (unsigned long long)r->stored), 1;
	if (rc == TV_ERR_EXISTS)
		return error("device %.16s: already revoked after batch %llu",
		    hex, (unsigned long long)r->d.rev.last_seq), 1;
	return error("device %.16s: %s", hex, rc == TV_ERR_NOTFOUND ?
	    "not enrolled" : tv_strerror(rc)), 1;
}

int
cmd_revoke(struct setup *su, int argc, char **argv)
{
	struct revoke *r = xcalloc(1, sizeof *r);
	struct server *s = &su->s;
	uint32_t nvalid;
	char hex[65];
	int rc, ret = 1;

	argv = options_none(argc, argv, 1, usage);
	r->s = s;
	if ((rc = tv_rev_load(&r->rev, argv[0])) != 0) {
		error("%s: not a device revocation: %s", argv[0],
		    tv_strerror(rc));
		ret = exit_code(rc);
		goto out;
	}
	if ((rc = tv_rev_verify(&r->rev, s->c, &nvalid)) != 0) {
		audit_device_refused(s, "revoke_refused", r->rev.device,
		    tv_strerror(rc));
		error("%s: revocation refused (%u valid trustee signatures of "
		    "%u needed): %s", argv[0], nvalid, s->c->t,
		    tv_strerror(rc));
		goto out;
	}
	rc = tv_store_write(s->st, revoke_fn, r);
	if (rc == TV_ERR_NOTFOUND || rc == TV_ERR_CONFLICT ||
	    rc == TV_ERR_EXISTS) {
		refused(s, r, rc);
		goto out;
	}
	if (rc != 0) {
		error("cannot store the revocation: %s", tv_strerror(rc));
		ret = 2;
		goto out;
	}
	hex_encode(hex, r->rev.device, 32);
	printf("device %.16s revoked after batch %llu\n", hex,
	    (unsigned long long)r->rev.last_seq);
	ret = 0;
out:
	free(r);
	return ret;
}
