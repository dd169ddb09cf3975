/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "common/util.h"
#include "trustee/trustee.h"

static const struct command commands[] = {
	{ "keygen", cmd_keygen, "make a trustee's personal key pair" },
	{ "deal", cmd_deal,
	  "dealer: campaign keys from a plan, t-of-n shares sealed to "
	  "trustees" },
	{ "accept", cmd_accept,
	  "trustee: open and check my share, sign the campaign" },
	{ "finalize", cmd_finalize,
	  "attach the trustees' signatures to the campaign bundle" },
	{ "certify", cmd_certify,
	  "create or co-sign a device certificate (which devices count)" },
	{ "revoke", cmd_revoke,
	  "create or co-sign a device revocation" },
	{ "noise", cmd_noise,
	  "draw, encrypt and sign my noise for a release request" },
	{ "release", cmd_release,
	  "verify a release request, rebuild its sums, write partial "
	  "decryptions for what the policy allows" },
	{ "budget", cmd_budget,
	  "show and check my privacy-budget ledger" },
	{ "ledger", cmd_ledger,
	  "show and check my ledger's chain (for backups)" },
	{ "verify", cmd_verify,
	  "check a published release against the signed batches" },
};

int
main(int argc, char **argv)
{
	progname = "trustee";
	process_harden();
	return command_run(commands, sizeof commands / sizeof commands[0],
	    "The key holders' tool: campaign keys, releases, verification.",
	    NULL, argc, argv);
}
