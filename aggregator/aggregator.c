/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include <stdlib.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "aggregator/audit.h"
#include "common/util.h"

/* The runner's set-up (aggregator.h): the server of --dir, the actor of
 * --actor.  With --help, nothing is opened: the command prints its usage
 * before it looks at the server. */
static struct setup *
setup_open(unsigned needs, int *argc, char **argv)
{
	struct setup *su = xcalloc(1, sizeof *su);
	char *dir = option_take(argc, argv, "dir");
	char *actor = (needs & SETUP_ACTOR) ? option_take(argc, argv,
	    "actor") : NULL;

	if (option_help(*argc, argv))
		return su;
	if ((needs & SETUP_STORE) && dir == NULL)
		die("%s: --dir DIR is required (see 'aggregator %s --help')",
		    argv[0], argv[0]);
	if (needs & SETUP_STORE) {
		server_open(&su->s, dir, 0);
		su->open = 1;
	}
	if (needs & SETUP_ACTOR)
		audit_actor_set(&su->s, actor);
	return su;
}

static void
setup_close(struct setup *su)
{
	if (su->open)
		server_close(&su->s);
	free(su);
}

static const struct setup_ops setup = { setup_open, setup_close };



static const struct command commands[] = {
	{ "init", cmd_init, "create the aggregator's store for a campaign" },
	{ "enroll", NULL, "enrol a device certified by t trustees",
	  cmd_enroll, SETUP_STORE | SETUP_ACTOR },
	{ "revoke", NULL, "store a trustees' revocation of a device",
	  cmd_revoke, SETUP_STORE | SETUP_ACTOR },
	{ "devices", NULL, "list enrolled and revoked devices", cmd_devices,
	  SETUP_STORE },
	{ "ingest", cmd_ingest, "verify and store batch files" },
	{ "release-request", NULL,
	  "ask the key holders to release closed cells", cmd_request,
	  SETUP_STORE },
	{ "publish", cmd_publish,
	  "combine trustees' partial decryptions into the release" },
	{ "report", cmd_report, "print a release as readable tables" },
	{ "status", NULL, "count what the store holds", cmd_status, SETUP_STORE },
	{ "quarantine", NULL,
	  "list records set aside because their proofs do not verify",
	  cmd_quarantine, SETUP_STORE },
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
	    "records; holds no decryption key.", &setup, argc, argv);
}
