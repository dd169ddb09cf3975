/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdlib.h>

#include "collector/collector.h"
#include "collector/commands.h"
#include "common/util.h"

/* The runner's set-up (collector.h): the device of --dir, unlocked with
 * --passphrase-file when the command needs its keys.  With --help,
 * nothing is opened: the command prints its usage first. */
static struct setup *
setup_open(unsigned needs, int *argc, char **argv)
{
	struct setup *su = xcalloc(1, sizeof *su);
	char *dir = option_take(argc, argv, "dir");
	char *passfile = (needs & SETUP_UNLOCK) ? option_take(argc, argv,
	    "passphrase-file") : NULL;

	if (option_help(*argc, argv))
		return su;
	if (dir == NULL)
		die("%s: --dir DIR is required (see 'collector %s --help')",
		    argv[0], argv[0]);
	device_open(&su->d, dir, passfile, (needs & SETUP_UNLOCK) ?
	    DEVICE_UNLOCK : 0);
	su->open = 1;
	return su;
}

static void
setup_close(struct setup *su)
{
	if (su->open)
		device_close(&su->d);	/* wipes the keys */
	free(su);
}

static const struct setup_ops setup = { setup_open, setup_close };

static const struct command commands[] = {
	{ "init", cmd_init, "create a device: keys, keystore, store" },
	{ "record", NULL, "record one visit", cmd_record,
	  SETUP_DEVICE | SETUP_UNLOCK },
	{ "import", NULL, "record visits from a CSV file (all or none)",
	  cmd_import, SETUP_DEVICE | SETUP_UNLOCK },
	{ "export", NULL, "seal pending records into signed batch files",
	  cmd_export, SETUP_DEVICE | SETUP_UNLOCK },
	{ "status", NULL, "show what is captured and pending", cmd_status,
	  SETUP_DEVICE },
	{ "ship", cmd_ship, "upload sealed batches to the aggregator over HTTP" },
	{ "serve", cmd_serve, "serve the counsellors' browser form" },
	{ "purge", NULL,
	  "delete expired index tags and delivered batches past retention",
	  cmd_purge, SETUP_DEVICE },
	{ "erase", NULL,
	  "erase a person's pseudonym-index entries (erasure request)",
	  cmd_erase, SETUP_DEVICE | SETUP_UNLOCK },
};

int
main(int argc, char **argv)
{
	progname = "collector";
	process_harden();
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "The field collector: visits are pseudonymised and encrypted at "
	    "source.", &setup, argc, argv);
}
