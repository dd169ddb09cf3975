/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "collector/collector.h"
#include "common/util.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create a device: keys, keystore, store" },
	{ "record", cmd_record, "record one visit" },
	{ "import", cmd_import, "record visits from a CSV file (all or none)" },
	{ "export", cmd_export, "seal pending records into signed batch files" },
	{ "status", cmd_status, "show what is captured and pending" },
	{ "ship", cmd_ship, "upload sealed batches to the aggregator over HTTP" },
	{ "serve", cmd_serve, "serve the counsellors' browser form" },
	{ "purge", cmd_purge,
	  "delete expired index tags and delivered batches past retention" },
	{ "erase", cmd_erase,
	  "erase a person's pseudonym-index entries (erasure request)" },
};

int
main(int argc, char **argv)
{
	progname = "collector";
	process_harden();
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "The field collector: visits are pseudonymised and encrypted at "
	    "source.", argc, argv);
}
