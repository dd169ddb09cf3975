/* SPDX-License-Identifier: MIT */
/* aggregator enroll / revoke: the device list is the trust anchor for
 * batch signatures.  Revocation refuses new batches; batches stored before
 * it stay counted (they were valid when they arrived). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator/aggregator.h"
#include "aggregator/audit.h"
#include "common/util.h"
#include "crypto/err.h"

#define NAME_MAX_LEN 64

struct device_set {
	uint8_t pk[32];
	uint8_t state;
	const char *name;
	int existed;
	const struct server *s;
};

static void NORETURN
usage(int code, const char *cmd)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator %s --dir DIR [--name NAME] [--actor NAME] "
	    "DEVICE\n\n"
	    "DEVICE is the device public key in hex, or a file holding it\n"
	    "(a collector's device.pub).  %s\n"
	    "The change is written to the audit log, as done by --actor NAME\n"
	    "(default: the login name).\n", cmd,
	    !strcmp(cmd, "enroll") ? "Enrolling a revoked device is refused."
	    : "Batches already stored stay counted.");
	exit(code);
}

static void
device_key(uint8_t pk[32], const char *arg)
{
	uint8_t *buf;
	size_t len;

	if (hex_decode(pk, 32, arg) == 0)
		return;
	if (file_read(arg, 256, &buf, &len) != 0)
		die("'%s' is neither a 64-digit hex key nor a readable file",
		    arg);
	buf[strcspn((char *)buf, "\r\n")] = 0;
	if (hex_decode(pk, 32, (char *)buf) != 0)
		die("'%s' does not hold a device public key", arg);
	free(buf);
}

static const char *
state_name(int state)
{
	return state == DEVICE_ENROLLED ? "enrolled" : state == DEVICE_REVOKED ?
	    "revoked" : "none";
}

/* The audit entry of an enrolment or revocation, in its transaction. */
static int
audit_device_txn(struct tv_txn *t, const struct device_set *ds, int before,
    const uint8_t *name, size_t nlen)
{
	char hex[65];
	json_t *d;
	int rc;

	hex_encode(hex, ds->pk, 32);
	d = json_pack("{s:s}", "device", hex);
	if (d == NULL)
		return TV_ERR_NOMEM;
	if (nlen > 0)
		json_object_set_new(d, "name", audit_text((const char *)name,
		    nlen));
	json_object_set_new(d, "previous", json_string(state_name(before)));
	rc = audit_txn(t, ds->s, ds->state == DEVICE_ENROLLED ? "enroll" :
	    "revoke", d);
	json_decref(d);
	return rc;
}

static int
set_fn(struct tv_txn *t, void *ctx)
{
	struct device_set *ds = ctx;
	uint8_t val[1 + NAME_MAX_LEN];
	const void *old;
	size_t vlen, nlen;
	int rc, before = 0;

	rc = tv_txn_get(t, ADB_DEVICES, ds->pk, 32, &old, &vlen);
	ds->existed = rc == 0;
	if (rc == 0 && vlen >= 1)
		before = *(const uint8_t *)old;
	if (rc == 0 && *(const uint8_t *)old == DEVICE_REVOKED &&
	    ds->state == DEVICE_ENROLLED)
		return TV_ERR_REVOKED;
	if (rc != 0 && ds->state == DEVICE_REVOKED)
		return TV_ERR_NOTFOUND;
	if (ds->name == NULL && rc == 0) {
		nlen = vlen - 1;
		memcpy(val + 1, (const uint8_t *)old + 1, nlen);
	} else {
		nlen = ds->name ? strlen(ds->name) : 0;
		memcpy(val + 1, ds->name ? ds->name : "", nlen);
	}
	val[0] = ds->state;
	if ((rc = tv_txn_put(t, ADB_DEVICES, ds->pk, 32, val, 1 + nlen, 0)))
		return rc;
	return audit_device_txn(t, ds, before, val + 1, nlen);
}

/* A refused enrolment (revoked key) or revocation (unknown key). */
static void
audit_refused(struct server *s, const char *cmd, const char *hex, int rc)
{
	char event[32];

	snprintf(event, sizeof event, "%s_refused", cmd);
	if (audit_event(s, event, json_pack("{s:s, s:s}", "device", hex,
	    "reason", rc == TV_ERR_REVOKED ? "revoked" : "not enrolled")) != 0)
		warn("the refusal was not written to the audit log");
}

static int
device_set_state(int argc, char **argv, const char *cmd, uint8_t state)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "actor", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct device_set ds = { .state = state };
	const char *dir = NULL;
	struct server s;
	char hex[65];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'n': ds.name = optarg; break;
		case 'A': audit_actor_set(optarg); break;
		case 'h': usage(0, cmd);
		default: usage(2, cmd);
		}
	}
	if (dir == NULL || optind + 1 != argc)
		usage(2, cmd);
	if (ds.name && (strlen(ds.name) > NAME_MAX_LEN ||
	    strpbrk(ds.name, "\n\r\t")))
		die("--name: at most %d printable characters", NAME_MAX_LEN);
	device_key(ds.pk, argv[optind]);
	server_open(&s, dir, 0);
	ds.s = &s;
	rc = tv_store_write(s.st, set_fn, &ds);
	hex_encode(hex, ds.pk, 32);
	if (rc == TV_ERR_REVOKED || rc == TV_ERR_NOTFOUND)
		audit_refused(&s, cmd, hex, rc);
	server_close(&s);
	if (rc != 0)
		return error("device %.16s: %s", hex, rc == TV_ERR_REVOKED ?
		    "revoked; a revoked key is never enrolled again" :
		    tv_strerror(rc)), 1;
	printf("device %.16s %s\n", hex, state == DEVICE_ENROLLED ?
	    "enrolled" : "revoked");
	return 0;
}

int
cmd_enroll(int argc, char **argv)
{
	return device_set_state(argc, argv, "enroll", DEVICE_ENROLLED);
}

int
cmd_revoke(int argc, char **argv)
{
	return device_set_state(argc, argv, "revoke", DEVICE_REVOKED);
}
