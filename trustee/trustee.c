/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "common/util.h"
#include "trustee/trustee.h"

static const struct command commands[] = {
	{ "create-campaign", cmd_create,
	  "generate a campaign's indicator keys from an evaluation plan" },
	{ "release", cmd_release,
	  "verify a release request, rebuild its sums, decrypt what the "
	  "policy allows" },
};

int
main(int argc, char **argv)
{
	progname = "trustee";
	process_harden();
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "The key holder's tool: campaign keys and releases.", argc, argv);
}
