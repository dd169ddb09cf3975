/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "aggregator/aggregator.h"
#include "common/util.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create the aggregator's store for a campaign" },
	{ "enroll", cmd_enroll, "enrol a device certified by t trustees" },
	{ "revoke", cmd_revoke, "store a trustees' revocation of a device" },
	{ "devices", cmd_devices, "list enrolled and revoked devices" },
	{ "ingest", cmd_ingest, "verify and store batch files" },
	{ "release-request", cmd_request,
	  "ask the key holders to release closed cells" },
	{ "publish", cmd_publish,
	  "combine trustees' partial decryptions into the release" },
	{ "report", cmd_report, "print a release as readable tables" },
	{ "status", cmd_status, "count what the store holds" },
	{ "quarantine", cmd_quarantine,
	  "list records set aside because their proofs do not verify" },
	{ "serve", cmd_serve, "accept batches over HTTP (POST /v1/batches)" },
	{ "audit", cmd_audit, "show, verify or export the audit log" },
	{ "register", cmd_register,
	  "write the GDPR record of processing (Art. 30) from the plan" },
	{ "purge", cmd_purge,
	  "delete batches past retention once finally released" },
};

int
main(int argc, char **argv)
{
	progname = "aggregator";
	process_harden();
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "The aggregator: verifies, deduplicates and sums encrypted "
	    "records; holds no decryption key.", argc, argv);
}
