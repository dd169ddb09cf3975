/* SPDX-License-Identifier: MIT */
/*
 * aggregator enroll: store a device with its certificate.  Which devices
 * count is the trustees' decision (THREATS.md: the aggregator may invent
 * keys), so a bare public key is refused: the certificate, signed by t
 * trustees, travels with every release request and the trustees check it
 * there.  Checking it here too only spares a request that would be
 * refused.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"

struct enroll {
	struct device_rec d;
	int before;		/* previous state, 0: none */
	const struct server *s;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator enroll --dir DIR [--name NAME] [--actor NAME] "
	    "DEVICE.cert\n\n"
	    "DEVICE.cert is a device certificate signed by at least t of the\n"
	    "campaign's trustees ('trustee certify').  A bare public key is\n"
	    "refused.  Enrolling a revoked device is refused; enrolling an\n"
	    "enrolled one again replaces its certificate.  --name is a local\n"
	    "label (default: the certificate's name).  The change is written\n"
	    "to the audit log, as done by --actor NAME (default: the login\n"
	    "name).\n");
	exit(code);
}

static const char *
state_name(int state)
{
	return state == DEVICE_ENROLLED ? "enrolled" : state == DEVICE_REVOKED ?
	    "revoked" : "none";
}

static int
enroll_fn(struct tv_txn *t, void *ctx)
{
	struct enroll *e = ctx;
	struct device_rec old;
	const void *val;
	size_t vlen;
	char hex[65];
	json_t *d;
	int rc;

	rc = tv_txn_get(t, ADB_DEVICES, e->d.cert.device, 32, &val, &vlen);
	e->before = 0;
	if (rc == 0)	/* an unreadable old value is replaced */
		e->before = device_rec_parse(&old, val, vlen) == 0 ?
		    old.state : DEVICE_ENROLLED;
	else if (rc != TV_ERR_NOTFOUND)
		return rc;
	if (e->before == DEVICE_REVOKED)
		return TV_ERR_REVOKED;
	if ((rc = device_rec_put(t, &e->d)) != 0)
		return rc;
	hex_encode(hex, e->d.cert.device, 32);
	if ((d = json_pack("{s:s}", "device", hex)) == NULL)
		return TV_ERR_NOMEM;
	json_object_set_new(d, "name", audit_text(e->d.name,
	    strlen(e->d.name)));
	json_object_set_new(d, "previous", json_string(state_name(e->before)));
	rc = audit_txn(t, e->s, "enroll", d);
	json_decref(d);
	return rc;
}

/* Load and verify; 0, or the exit code (1 refused, 2 unreadable) with the
 * reason printed (and audited). */
static int
cert_check(struct server *s, struct enroll *e, const char *path)
{
	uint8_t pk[32];
	uint32_t nvalid;
	int rc;

	rc = tv_cert_load(&e->d.cert, path, s->c->plan);
	if (rc != 0 && hex_decode(pk, 32, path) == 0)
		return error("'%s' is a bare key: %s", path,
		    ENROLL_CERT_ONLY), 1;
	if (rc != 0)
		return error("%s: not a device certificate (%s): %s", path,
		    tv_strerror(rc), ENROLL_CERT_ONLY), exit_code(rc);
	if ((rc = tv_cert_verify(&e->d.cert, s->c, &nvalid)) != 0) {
		audit_device_refused(s, "enroll_refused", e->d.cert.device,
		    tv_strerror(rc));
		return error("%s: certificate refused (%u valid trustee "
		    "signatures of %u needed): %s", path, nvalid, s->c->t,
		    tv_strerror(rc)), 1;
	}
	return 0;
}

int
cmd_enroll(struct setup *su, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct enroll *e = xcalloc(1, sizeof *e);
	const char *name = NULL;
	struct server *s = &su->s;
	char hex[65], from[11], until[11];
	int ch, rc, ret = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind + 1 != argc)
		usage(2);
	if (name && (strlen(name) > TV_CERT_NAME_MAX || strlen(name) == 0 ||
	    strpbrk(name, "\n\r\t")))
		die("--name: 1 to %d printable characters", TV_CERT_NAME_MAX);
	e->s = s;
	if ((ret = cert_check(s, e, argv[optind])) != 0)
		goto out;
	ret = 1;
	e->d.state = DEVICE_ENROLLED;
	strcpy(e->d.name, name != NULL ? name : e->d.cert.name);
	rc = tv_store_write(s->st, enroll_fn, e);
	hex_encode(hex, e->d.cert.device, 32);
	if (rc == TV_ERR_REVOKED) {
		audit_device_refused(s, "enroll_refused", e->d.cert.device,
		    "revoked");
		error("device %.16s: revoked; a revoked key is never enrolled "
		    "again", hex);
		goto out;
	}
	if (rc != 0) {
		error("device %.16s: %s", hex, tv_strerror(rc));
		ret = exit_code(rc);
		goto out;
	}
	tv_day_format(from, e->d.cert.valid_from);
	tv_day_format(until, e->d.cert.valid_until);
	printf("device %.16s enrolled (%s: %u sites, %s to %s)\n", hex,
	    e->d.name, e->d.cert.nsites, from, until);
	ret = 0;
out:
	free(e);
	return ret;
}
